import { createSpanWriter, detectResource, UserError } from "@pipespan/agent";
import { CommandStartError, runTaskCommand } from "@pipespan/sdk";
import { ENV_PIPESPAN_RUN_DIR } from "@pipespan/semconv";
import { Command } from "commander";
import { InvalidArgument } from "../errors.js";

export function taskCommand(): Command {
  return new Command("task")
    .description("run a command as one task of the current pipeline run (the environment protocol's CLI form)")
    .usage("[options] <name> -- <command> [args...]")
    .argument("<name>", "task name (cicd.pipeline.task.name)")
    .argument("<command>", "the task's command")
    .argument("[args...]", "its arguments")
    .option("--task-run-id <id>", "task run id (cicd.pipeline.task.run.id); default: <name>-<random>")
    .option("--attempt <n>", "attempt number, from 1", parseAttempt)
    .addHelpText(
      "after",
      `
Creates a task span (a child of the run in TRACEPARENT when there is one), runs the command with
PIPESPAN_TASK_NAME, PIPESPAN_TASK_RUN_ID and TRACEPARENT of that span in its environment, and exits with
the command's exit code. Under \`pipespan run\` the span goes to the run's folder (PIPESPAN_RUN_DIR) and,
when OTEL_EXPORTER_OTLP_ENDPOINT is set, over OTLP gRPC.

Example (inside a script traced by pipespan run):
  pipespan task align -- STAR --runThreadN 8 --genomeDir ref/ --readFilesIn r1.fq`,
    )
    .action(async (name: string, command: string, args: string[], opts: TaskOpts, cmd: Command) => {
      // `pipespan task NAME -- cmd …`: the separator arrives as the command once NAME has been read.
      if (command === "--") {
        const [real, ...rest] = args;
        if (real === undefined) throw new UserError("pipespan task: no command given after --");
        [command, args] = [real, rest];
      }
      cmd.setOptionValue("exitCode", await doTask(name, command, args, opts));
    });
}

interface TaskOpts {
  taskRunId?: string;
  attempt?: number;
}

function parseAttempt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new InvalidArgument(`--attempt must be a whole number ≥ 1, got ${v}`);
  }
  return n;
}

async function doTask(name: string, command: string, args: string[], opts: TaskOpts): Promise<number> {
  const env = process.env;
  const runDir = env[ENV_PIPESPAN_RUN_DIR];
  // Under `pipespan run` the run sends its folder to the backend (replaying what a backend missed): the task
  // span goes there only. Alone, it is exported directly.
  const writer = createSpanWriter({
    what: "the task span",
    resource: detectResource({ env }),
    remoteEnv: env,
    remoteOnlyWithoutFile: true,
    ...(runDir ? { file: { dir: runDir, fileName: `traces-task-${process.pid}.jsonl` } } : {}),
  });
  const provider = writer.provider;
  try {
    const r = await runTaskCommand({
      name,
      command,
      args,
      tracerProvider: provider,
      ...(opts.taskRunId !== undefined ? { taskRunId: opts.taskRunId } : {}),
      ...(opts.attempt !== undefined ? { attempt: opts.attempt } : {}),
    });
    for (const issue of r.issues) process.stderr.write(`pipespan task: ${issue}\n`);
    return r.exitCode;
  } catch (err) {
    if (err instanceof CommandStartError)
      throw new UserError(err.message.replace(/^pipespan task: /, ""), err.exitCode);
    throw err;
  } finally {
    for (const p of await writer.close()) process.stderr.write(`${p}\n`);
  }
}
