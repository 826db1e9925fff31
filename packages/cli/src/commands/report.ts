import { stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { UserError } from "@pipespan/agent";
import { type AnalysisReport, type LoadedRun, loadRun } from "@pipespan/findings";
import { buildReportData, type ReportDiff, ReportError, renderReportHtml, writeReportFile } from "@pipespan/report";
import { REPORT_FILE } from "@pipespan/semconv";
import { Command } from "commander";
import type { Style } from "../output/style.js";
import { analyzeInput } from "./analyze.js";
import { compareRuns } from "./diff.js";

interface ReportOpts {
  out?: string;
  instance?: string;
  config?: string;
  trace?: string;
  compare?: string;
}

export function reportCommand(): Command {
  return new Command("report")
    .description("write a run's report as one self-contained HTML file (timeline, resources, tasks, findings, cost)")
    .usage("[options] <run dir | OTLP/JSON file>")
    .argument("<input>", "a run folder written by pipespan run, or an OTLP/JSON traces file")
    .option("-o, --out <file>", `the HTML file to write (default: <run dir>/${REPORT_FILE}, or ./${REPORT_FILE})`)
    .option("--instance <type>", "EC2 instance type the run used (default: host.type from the spans)")
    .option("--config <file>", "YAML file overriding rule thresholds and cost options")
    .option("--trace <trace-id>", "which run to report on when the input holds several traces")
    .option("--compare <run>", "another run of the same pipeline to compare with (it is run A, this one run B)")
    .addHelpText(
      "after",
      `
The file loads nothing from the network: open it from disk, attach it to a ticket, archive it with the run.
pipespan run writes <run dir>/${REPORT_FILE} when the command ends.

Examples:
  pipespan report pipespan-runs/20261126T002300Z-3f9a1c
  pipespan report --instance r6i.16xlarge -o rnaseq.html run/
  pipespan report --compare runs/before runs/after -o compare.html`,
    )
    .action(async (input: string, opts: ReportOpts, cmd: Command) => {
      cmd.setOptionValue("exitCode", await doReport(input, opts));
    });
}

async function defaultOut(input: string): Promise<string> {
  const isDir = await stat(input).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDir ? join(input, REPORT_FILE) : REPORT_FILE;
}

/** analyzeInput, with its problems told as the report's. */
async function analyseForReport(what: string, input: string, o: Parameters<typeof analyzeInput>[1]) {
  try {
    return await analyzeInput(input, o);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`report: ${what}${e.message.replace(/^analyze: /, "")}`);
    throw e;
  }
}

async function doReport(input: string, opts: ReportOpts): Promise<number> {
  const err = process.stderr;
  const run = await analyseForReport("", input, {
    ...(opts.instance !== undefined ? { instance: opts.instance } : {}),
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    ...(opts.trace !== undefined ? { trace: opts.trace } : {}),
  });
  for (const w of run.loaded.warnings) err.write(`pipespan: ${w}\n`);
  let diff: ReportDiff | undefined;
  if (opts.compare !== undefined) {
    const a = await analyseForReport(
      "--compare: ",
      opts.compare,
      opts.config !== undefined ? { config: opts.config } : {},
    );
    diff = compareRuns(a, run);
  }
  const out = opts.out ?? (await defaultOut(input));
  const bytes = await writeReport(out, run, diff);
  err.write(`pipespan: report ${shortPath(out)} (${kib(bytes)})\n`);
  return 0;
}

/** Builds and writes a report; a ReportError becomes a UserError (one line). Returns the file's size. */
export async function writeReport(
  out: string,
  analysed: { loaded: LoadedRun; report?: AnalysisReport },
  diff?: ReportDiff,
): Promise<number> {
  try {
    const data = buildReportData(analysed.loaded, {
      ...(analysed.report ? { analysis: analysed.report } : {}),
      ...(diff ? { diff } : {}),
    });
    return await writeReportFile(out, renderReportHtml(data));
  } catch (e) {
    if (e instanceof ReportError) throw new UserError(`report: ${e.message}`);
    throw e;
  }
}

/**
 * After `pipespan run`: <run dir>/report.html, from the analysis the run already made (or, without findings, from
 * the spans alone). Never throws and never changes the run's exit code: a problem is one line on stderr.
 */
export async function reportAfterRun(
  runDir: string,
  analysed: { loaded: LoadedRun; report: AnalysisReport } | undefined,
  style: Style,
  o: { print: boolean; analyse: boolean },
): Promise<void> {
  const err = process.stderr;
  const out = join(runDir, REPORT_FILE);
  try {
    let input: { loaded: LoadedRun; report?: AnalysisReport } | undefined = analysed;
    if (!input) {
      // No analysis after the run (--no-findings, or it failed): the timeline, resources and tasks still help.
      input = o.analyse ? await analyzeInput(runDir) : { loaded: await loadRun(runDir) };
    }
    const bytes = await writeReport(out, input);
    if (o.print) err.write(style.dim(`pipespan: report ${shortPath(out)} (${kib(bytes)})\n`));
  } catch (e) {
    err.write(`pipespan: no report for this run: ${(e as Error).message.replace(/^(analyze|report): /, "")}\n`);
  }
}

export function kib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

export function shortPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel !== "" && !rel.startsWith("..") ? rel : p;
}
