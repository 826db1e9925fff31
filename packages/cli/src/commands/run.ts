import {
  chooseSource,
  DEFAULT_KILL_AFTER_MS,
  parseListenAddress,
  redactArgv,
  type SourceChoice,
  traceRun,
  UserError,
} from "@pipespan/agent";
import { FindingsError, loadCatalog, requireInstanceType } from "@pipespan/findings";
import { REPORT_FILE } from "@pipespan/semconv";
import { Command, InvalidArgumentError, Option } from "commander";
import { InvalidArgument, parseSeconds } from "../errors.js";
import { StatusLine } from "../output/status-line.js";
import { makeStyle } from "../output/style.js";
import { renderSummary } from "../output/summary.js";
import { findingsAfterRun } from "./analyze.js";
import { finishRunExport, mapSizeOptions, mapSizes } from "./reliability-options.js";
import { reportAfterRun } from "./report.js";

export function runCommand(): Command {
  return new Command("run")
    .description("run a command and trace it as one pipeline run: pipeline_run -> task -> process spans")
    .usage("[options] -- <command> [args...]")
    .argument("<command>", "the pipeline's root command")
    .argument("[args...]", "its arguments")
    .option(
      "-n, --name <name>",
      "pipeline name (cicd.pipeline.name); default: the script's base name (bash pipeline.sh: pipeline), else the command's",
    )
    .option("--run-id <id>", "run id (cicd.pipeline.run.id); default: a timestamp plus random suffix")
    .option("-o, --out <dir>", "output folder; the run writes <dir>/<run-id>/", "./pipespan-runs")
    .addOption(
      new Option("--source <source>", "event source: auto picks the best available")
        .choices(["auto", "ebpf", "procfs"])
        .default("auto"),
    )
    .option("--interval <ms>", "procfs sampling interval in milliseconds", parseInterval, 200)
    .option("--run-id-on-metrics", "put cicd.pipeline.run.id on metrics (more series)", false)
    .option("-q, --quiet", "print no summary, only errors", false)
    .option("--no-findings", "do not analyse the run when it ends (no findings, no traces-findings.jsonl)")
    .option(
      "--listen [address]",
      "receive workflow-manager events (Nextflow -with-weblog) on this address, default 127.0.0.1:4390",
      listenAddress,
    )
    .option("--no-report", `do not write ${REPORT_FILE} (the HTML report) when the run ends`)
    .option(
      "--instance <type>",
      "EC2 instance type the findings price the run on (default: host.type of the measured host, when known)",
    )
    .addOption(killAfterOption())
    .addOption(mapSizeOptions()[0] as Option)
    .addOption(mapSizeOptions()[1] as Option)
    .addOption(mapSizeOptions()[2] as Option)
    .addHelpText(
      "after",
      `
Writes OTLP/JSON (traces.jsonl, metrics.jsonl), run.json and ${REPORT_FILE} under <out>/<run-id>/ and, when
OTEL_EXPORTER_OTLP_ENDPOINT (or the other standard OTEL_* variables) is set, exports over OTLP gRPC too.
The command gets TRACEPARENT, PIPESPAN_RUN_ID and PIPESPAN_PIPELINE_NAME in its environment.
Exits with the command's exit code (128 + signal number when it was killed).

Workflow managers: Nextflow tasks are named from their work dirs with no set-up; add --listen and
\`-with-weblog http://127.0.0.1:4390\` for run names, attempts, status and requested resources. Snakemake 9
jobs are named by rule and wildcards with \`snakemake --logger pipespan\` (pip install
integrations/snakemake); its events go to the run folder, no --listen needed.

The command runs in a process group of its own. SIGINT (Ctrl-C) and SIGTERM go to that whole group; a second
one, or --kill-after seconds without the run ending, sends SIGKILL to the group. What the command leaves running
when it ends is stopped too. If pipespan itself is killed, a watchdog kills the group and every process that
carries the run's PIPESPAN_RUN_ID; run.json (status "running", written at the start) then lets
\`pipespan analyze\` rebuild the run and say it is incomplete. A backend that is down loses nothing: what it did
not take stays in the run folder (\`pipespan export <run dir>\` sends it).

Example:
  pipespan run --name demo -- bash examples/demo/pipeline.sh
  pipespan run --listen -- nextflow run nf-core/rnaseq -profile test -with-weblog http://127.0.0.1:4390
  pipespan run -- snakemake --cores 8 --logger pipespan
  pipespan run --instance r6i.2xlarge -- nextflow run main.nf   # findings priced on that instance type`,
    )
    .action(async (command: string, args: string[], opts: RunOpts, cmd: Command) => {
      cmd.setOptionValue("exitCode", await doRun(command, args, opts));
    });
}

interface RunOpts {
  killAfter: number;
  maxProcesses?: number;
  maxThreads?: number;
  ringBuffer?: number;
  name?: string;
  runId?: string;
  out: string;
  source: SourceChoice;
  interval: number;
  runIdOnMetrics: boolean;
  quiet: boolean;
  findings: boolean;
  report: boolean;
  instance?: string;
  listen?: { host: string; port: number } | true;
}

function listenAddress(v: string | boolean): { host: string; port: number } {
  try {
    return parseListenAddress(typeof v === "string" ? v : undefined);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function parseInterval(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 10 || n > 60_000)
    throw new InvalidArgument(`--interval must be 10..60000 ms, got ${v}`);
  return n;
}

/** The instance type, checked against the catalog before anything runs (as `analyze --instance` checks it). */
function checkInstance(type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  try {
    return requireInstanceType(loadCatalog(), type).type;
  } catch (e) {
    if (e instanceof FindingsError) throw new UserError(`run: ${e.message}`);
    throw e;
  }
}

async function doRun(command: string, args: string[], opts: RunOpts): Promise<number> {
  const instance = checkInstance(opts.instance);
  const err = process.stderr;
  const style = makeStyle(err);
  let sourceLine = "";
  const status = new StatusLine(err);
  const result = await traceRun({
    command,
    args,
    ...(opts.name !== undefined ? { pipelineName: opts.name } : {}),
    ...(opts.runId !== undefined ? { runId: opts.runId } : {}),
    outDir: opts.out,
    createSource: async () => {
      const chosen = await chooseSource(opts.source, {
        intervalMs: opts.interval,
        mapSizes: mapSizes(opts),
        onWarning: (line) => err.write(`pipespan: ${line}\n`),
      });
      sourceLine = chosen.line;
      return chosen.source;
    },
    redact: (argv) => redactArgv(argv).commandLine,
    runIdOnMetrics: opts.runIdOnMetrics,
    ...(instance !== undefined ? { instanceType: instance } : {}),
    ...(opts.listen ? { listen: opts.listen === true ? parseListenAddress(undefined) : opts.listen } : {}),
    onListen: (url) => {
      if (!opts.quiet) err.write(`pipespan: receiving workflow events on ${url} (Nextflow: -with-weblog ${url})\n`);
    },
    killAfterMs: opts.killAfter,
    onLine: (line) => status.write(`${line}\n`),
    onStart: () => {
      if (!opts.quiet) err.write(`pipespan: ${sourceLine}\n`);
    },
    ...(status.enabled && !opts.quiet ? { onStatus: (s) => status.update(s) } : {}),
    onWarning: (line) => status.write(`pipespan: ${line}\n`),
  });
  status.clear();
  if (!opts.quiet) err.write(renderSummary(result, style));
  else for (const p of [...(result.dropsLine ? [result.dropsLine] : []), ...result.exportProblems]) err.write(`${p}\n`);
  // The findings, read back from the run folder like `pipespan analyze` would (short form; spans written).
  // Finding spans go to the run folder; the run's export sends them with the rest.
  const analysed = opts.findings
    ? await findingsAfterRun(result.runDir, style, {
        print: !opts.quiet,
        remote: false,
        ...(instance !== undefined ? { instance } : {}),
      })
    : undefined;
  if (opts.report) await reportAfterRun(result.runDir, analysed, style, { print: !opts.quiet, analyse: opts.findings });
  await finishRunExport(result.export);
  return result.exitCode;
}

/** `--kill-after <seconds>`: shared by run (and its help). */
function killAfterOption(): Option {
  return new Option(
    "--kill-after <seconds>",
    "after SIGINT/SIGTERM, SIGKILL the run's process group if it has not ended this long after",
  )
    .argParser(parseSeconds("--kill-after", 0.1, 86_400))
    .default(DEFAULT_KILL_AFTER_MS, String(DEFAULT_KILL_AFTER_MS / 1000));
}
