import { isUserError } from "@pipespan/agent";
import { Command, CommanderError } from "commander";
import { agentCommand } from "./commands/agent.js";
import { analyzeCommand } from "./commands/analyze.js";
import { diffCommand } from "./commands/diff.js";
import { exportCommand } from "./commands/export.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { taskCommand } from "./commands/task.js";
import { describeSystemError } from "./errors.js";

const VERSION = "0.1.0";

/** The CLI's command tree (exported for the argument fuzz test, which stubs the actions). */
export function program(): Command {
  const p = new Command("pipespan")
    .description("see why a pipeline run is slow or expensive, from the kernel up (OpenTelemetry-native)")
    .version(VERSION, "-V, --version")
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      // Commander's own errors become one clear line.
      outputError: (str, write) => write(`pipespan: ${oneLine(str)} (see --help)\n`),
    });
  for (const sub of [
    runCommand(),
    taskCommand(),
    analyzeCommand(),
    reportCommand(),
    diffCommand(),
    agentCommand(),
    exportCommand(),
  ]) {
    sub.exitOverride();
    // run and task end in a command line whose options are not ours; the others take their options anywhere.
    if (sub.name() === "run" || sub.name() === "task" || sub.name() === "agent") sub.passThroughOptions();
    sub.configureOutput({
      outputError: (str, write) => write(`pipespan ${sub.name()}: ${oneLine(str)} (see --help)\n`),
    });
    p.addCommand(sub);
  }
  return p;
}

/** Commander's message on one line, without its "error: " prefix. */
function oneLine(str: string): string {
  return str
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const p = program();
  try {
    await p.parseAsync(argv, { from: "user" });
    const sub = p.commands.find((c) => c.getOptionValue("exitCode") !== undefined);
    return (sub?.getOptionValue("exitCode") as number | undefined) ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed as one line.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(err)) {
      process.stderr.write(`pipespan: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    // A system error that reached here (permission denied, no space, a file that is not there): the user's to
    // fix, one line with exit 2 — never "internal error".
    const system = describeSystemError(err);
    if (system !== undefined) {
      process.stderr.write(`pipespan: ${system}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(
      `pipespan: internal error: ${oneLine(e?.message ?? String(err))}` +
        (process.env["PIPESPAN_DEBUG"] ? "\n" : " (PIPESPAN_DEBUG=1 shows where)\n"),
    );
    if (process.env["PIPESPAN_DEBUG"]) process.stderr.write(`${e?.stack ?? ""}\n`);
    return 70;
  }
}
