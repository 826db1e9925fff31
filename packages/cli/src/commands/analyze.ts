import { existsSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { recoverRun, UserError } from "@pipespan/agent";
import {
  type AnalysisConfig,
  type AnalysisReport,
  analyzeRun,
  FindingsError,
  findingSpans,
  type LoadedRun,
  loadConfig,
  loadRun,
  OtlpJsonError,
  toJsonReport,
} from "@pipespan/findings";
import { RUN_JSON_FILE } from "@pipespan/semconv";
import { Command, Option } from "commander";
import { renderFindingsMarkdown } from "../output/findings-markdown.js";
import { renderFindingsShort } from "../output/findings-short.js";
import { writeFindingSpans } from "../output/findings-spans.js";
import { renderFindingsText } from "../output/findings-text.js";
import { makeStyle, type Style } from "../output/style.js";

type Format = "text" | "json" | "md";

interface AnalyzeOpts {
  instance?: string;
  config?: string;
  json?: boolean;
  markdown?: boolean;
  format?: Format;
  trace?: string;
  spans: boolean;
}

export function analyzeCommand(): Command {
  return new Command("analyze")
    .description("turn a run's spans into findings, cost per run and instance recommendations")
    .usage("[options] <run dir | OTLP/JSON file>")
    .argument("<input>", "a run folder written by pipespan run, or an OTLP/JSON traces file")
    .option("--instance <type>", "EC2 instance type the run used (default: host.type from the spans)")
    .option("--config <file>", "YAML file overriding rule thresholds and cost options")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "md"]))
    .option("--json", "print the report as JSON (same as --format json)")
    .option("--markdown", "print the report as Markdown (same as --format md)")
    .option("--trace <trace-id>", "which run to analyse when the input holds several traces")
    .option("--no-spans", "do not write finding spans (traces-findings.jsonl, OTLP export)")
    .addHelpText(
      "after",
      `
For a run folder, the findings are also written back onto the run's trace as spans (children of the run span)
in <run dir>/traces-findings.jsonl, rewritten by every analysis, and exported over OTLP gRPC when
OTEL_EXPORTER_OTLP_ENDPOINT is set. Rules that lack data (for example I/O wait under the procfs source) say so
instead of guessing. Exit code 0 when the analysis ran (whatever it found), 2 on bad input.

Examples:
  pipespan analyze pipespan-runs/20261126T002300Z-3f9a1c
  pipespan analyze --instance r6i.16xlarge --json run/ > findings.json
  pipespan analyze --config rules.yaml --markdown collector-export.json

--instance names the type to price; when its vCPUs or memory differ from the host the spans were measured on
(pipespan.host.* on the resource), the report says so in one line and projects every estimate from the
measured host.`,
    )
    .action(async (input: string, opts: AnalyzeOpts, cmd: Command) => {
      cmd.setOptionValue("exitCode", await doAnalyze(input, opts));
    });
}

function formatOf(opts: AnalyzeOpts): Format {
  const asked = [opts.format, opts.json ? "json" : undefined, opts.markdown ? "md" : undefined].filter(
    (f): f is Format => f !== undefined,
  );
  if (new Set(asked).size > 1) throw new UserError(`analyze: choose one output format, got ${asked.join(" and ")}`);
  return asked[0] ?? "text";
}

async function doAnalyze(input: string, opts: AnalyzeOpts): Promise<number> {
  const fmt = formatOf(opts);
  const { loaded, report } = await analyzeInput(input, {
    ...(opts.instance !== undefined ? { instance: opts.instance } : {}),
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    ...(opts.trace !== undefined ? { trace: opts.trace } : {}),
  });
  const err = process.stderr;
  for (const w of loaded.warnings) err.write(`pipespan: ${w}\n`);
  if (fmt === "json") process.stdout.write(`${JSON.stringify(toJsonReport(report), null, 2)}\n`);
  else if (fmt === "md") process.stdout.write(renderFindingsMarkdown(report));
  else process.stdout.write(renderFindingsText(report, makeStyle(process.stdout)));
  if (opts.spans) {
    const written = await exportFindings(loaded, report);
    for (const p of written.problems) err.write(`${p}\n`);
    if (written.file && fmt === "text") {
      err.write(makeStyle(err).dim(`pipespan: ${written.written} finding span(s) in ${shortPath(written.file)}\n`));
    }
  }
  return 0;
}

export interface AnalyzeInputOptions {
  instance?: string;
  config?: string;
  trace?: string;
}

/** Loads and analyses a run; every input problem becomes a UserError with one clear line. */
export async function analyzeInput(
  input: string,
  o: AnalyzeInputOptions = {},
): Promise<{ loaded: LoadedRun; report: AnalysisReport }> {
  try {
    const config: AnalysisConfig | undefined = o.config !== undefined ? await loadConfig(o.config) : undefined;
    // A run whose pipespan was killed: its run and task spans are rebuilt from what is on disk first.
    if (isRunFolder(input)) await recoverRun(input);
    const loaded = await loadRun(input, o.trace !== undefined ? { traceId: o.trace } : {});
    const report = analyzeRun(loaded.model, {
      ...(config ? { config } : {}),
      ...(o.instance !== undefined ? { instanceType: o.instance } : {}),
    });
    return { loaded, report };
  } catch (err) {
    if (err instanceof OtlpJsonError) throw new UserError(`analyze: ${err.message}`);
    if (err instanceof FindingsError) throw new UserError(`analyze: ${err.message}`);
    throw err;
  }
}

/** Writes the finding spans of a run folder (and exports them over OTLP when configured and `remote`). */
export async function exportFindings(loaded: LoadedRun, report: AnalysisReport, remote = true) {
  const traceId = loaded.runJson?.traceId ?? loaded.model.traceId;
  const runSpanId = loaded.runJson?.runSpanId ?? loaded.model.runSpanId;
  if (runSpanId === undefined) return { written: 0, problems: [] as string[] };
  const specs = findingSpans(report, {
    traceId,
    runSpanId,
    ...(report.run.runId !== undefined ? { runId: report.run.runId } : {}),
  });
  return writeFindingSpans(specs, {
    ...(loaded.runDir !== undefined ? { runDir: loaded.runDir } : {}),
    traceId,
    runSpanId,
    resource: loaded.model.resource,
    remote,
  });
}

/**
 * After `pipespan run`: analyse the run folder, write its finding spans, and print the short form. Never throws
 * and never changes the run's exit code: a problem is one line on stderr. `remote: false` when the run's own
 * export already failed (its line was printed; the findings would only fail the same way again). `instance`:
 * the type given to `pipespan run --instance` (already checked against the catalog).
 */
export async function findingsAfterRun(
  runDir: string,
  style: Style,
  o: { print: boolean; remote: boolean; instance?: string },
): Promise<{ loaded: LoadedRun; report: AnalysisReport } | undefined> {
  const err = process.stderr;
  try {
    const { loaded, report } = await analyzeInput(runDir, o.instance !== undefined ? { instance: o.instance } : {});
    const written = await exportFindings(loaded, report, o.remote);
    if (o.print) err.write(renderFindingsShort(report, style, shortPath(runDir)));
    for (const p of written.problems) err.write(`${p}\n`);
    return { loaded, report };
  } catch (e) {
    err.write(`pipespan: no findings for this run: ${(e as Error).message.replace(/^analyze: /, "")}\n`);
    return undefined;
  }
}

function isRunFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory() && existsSync(join(p, RUN_JSON_FILE));
  } catch {
    return false;
  }
}

function shortPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel !== "" && !rel.startsWith("..") ? rel : p;
}
