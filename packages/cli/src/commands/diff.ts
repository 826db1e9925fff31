import { UserError } from "@pipespan/agent";
import type { AnalysisReport, LoadedRun } from "@pipespan/findings";
import { diffRuns, type ReportDiff } from "@pipespan/report";
import { Command } from "commander";
import { renderDiffText } from "../output/diff-text.js";
import { makeStyle } from "../output/style.js";
import { analyzeInput } from "./analyze.js";
import { kib, shortPath, writeReport } from "./report.js";

interface DiffOpts {
  instanceA?: string;
  instanceB?: string;
  config?: string;
  json?: boolean;
  all?: boolean;
  out?: string;
}

export function diffCommand(): Command {
  return new Command("diff")
    .description("compare two runs of the same pipeline: instance, wall time, cost, and per task where time went")
    .usage("[options] <run A> <run B>")
    .argument("<runA>", "the first run (a run folder or an OTLP/JSON traces file)")
    .argument("<runB>", "the second run")
    .option("--instance-a <type>", "EC2 instance type run A used (default: host.type from its spans)")
    .option("--instance-b <type>", "EC2 instance type run B used (default: host.type from its spans)")
    .option("--config <file>", "YAML file overriding rule thresholds and cost options (both runs)")
    .option("--json", "print the comparison as JSON")
    .option("--all", "list every matched task (default: the 20 that changed most)")
    .option("-o, --out <file>", "also write run B's HTML report with the comparison as its first section")
    .addHelpText(
      "after",
      `
Tasks are matched by name (a workflow manager's task name carries its tag, e.g. "STAR_ALIGN (WT_REP1)"), then by
attempt when both runs record attempts, else by order of start among tasks of the same name. For each matched task
the change of its wall time is split into the changes of its CPU time, I/O wait, run-queue wait and the rest
(needs the eBPF source in both runs; with procfs only the CPU change is known).

Examples:
  pipespan diff pipespan-runs/before pipespan-runs/after
  pipespan diff --instance-a r6i.8xlarge --instance-b r6i.16xlarge a/ b/ -o compare.html`,
    )
    .action(async (a: string, b: string, opts: DiffOpts, cmd: Command) => {
      cmd.setOptionValue("exitCode", await doDiff(a, b, opts));
    });
}

type Analysed = { loaded: LoadedRun; report: AnalysisReport };

/** The comparison of two analysed runs (run A first). */
export function compareRuns(a: Analysed, b: Analysed): ReportDiff {
  return diffRuns({ loaded: a.loaded, analysis: a.report }, { loaded: b.loaded, analysis: b.report });
}

async function doDiff(pathA: string, pathB: string, opts: DiffOpts): Promise<number> {
  const err = process.stderr;
  const load = async (path: string, instance: string | undefined, label: string) => {
    try {
      return await analyzeInput(path, {
        ...(instance !== undefined ? { instance } : {}),
        ...(opts.config !== undefined ? { config: opts.config } : {}),
      });
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`diff: run ${label}: ${e.message.replace(/^analyze: /, "")}`);
      throw e;
    }
  };
  const a = await load(pathA, opts.instanceA, "A");
  const b = await load(pathB, opts.instanceB, "B");
  for (const w of a.loaded.warnings) err.write(`pipespan: run A: ${w}\n`);
  for (const w of b.loaded.warnings) err.write(`pipespan: run B: ${w}\n`);
  const diff = compareRuns(a, b);
  if (opts.json) process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
  else process.stdout.write(renderDiffText(diff, makeStyle(process.stdout), { all: opts.all === true }));
  if (opts.out !== undefined) {
    const bytes = await writeReport(opts.out, b, diff);
    err.write(`pipespan: report ${shortPath(opts.out)} (${kib(bytes)})\n`);
  }
  return 0;
}
