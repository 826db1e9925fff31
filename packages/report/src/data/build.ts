// Run model + analysis → the report's data document. Everything comes through @pipespan/findings' public API
// (the run model built from spans, the profile, the time split, the analysis): nothing here knows how the spans
// were made.
import type { AnalysisReport, LoadedRun } from "@pipespan/findings";
import { VERSION } from "../version.js";
import { costData, findingsData, insufficientData } from "./findings.js";
import { profileData } from "./profile.js";
import { instanceOf, runData } from "./run.js";
import { tasksData } from "./tasks.js";
import { REPORT_DATA_VERSION, type ReportData, type ReportDiff } from "./types.js";

export interface BuildReportOptions {
  /** The analysis of the run (findings, cost); omit for a report without them. */
  analysis?: AnalysisReport;
  /** Processes listed per task in the page (the longest ones; default 30). */
  maxProcessesPerTask?: number;
  /** Findings kept per rule (default 100; the rest are counted). */
  maxFindingsPerRule?: number;
  /** Bins of the resource profile (default: one per 100 ms of the run, 20 to 400). */
  profileBins?: number;
  /** A comparison with another run, shown as its own section. */
  diff?: ReportDiff;
  /** The time the report is made (default now). */
  now?: Date;
}

export function buildReportData(loaded: LoadedRun, o: BuildReportOptions = {}): ReportData {
  const model = loaded.model;
  const analysis = o.analysis;
  const instance = instanceOf(analysis?.run.instanceType);
  const { tasks, processes } = tasksData(model, o.maxProcessesPerTask ?? 30);
  const found = analysis ? findingsData(analysis, o.maxFindingsPerRule ?? 100) : undefined;
  return {
    version: REPORT_DATA_VERSION,
    generatedIso: (o.now ?? new Date()).toISOString(),
    generator: `pipespan ${VERSION}`,
    run: runData(loaded, analysis, instance),
    tasks,
    processes,
    profile: profileData(model, o.profileBins),
    findings: found ? found.findings : null,
    findingsOmitted: found ? found.omitted : {},
    insufficient: analysis ? insufficientData(analysis) : [],
    cost: analysis ? costData(analysis) : null,
    ...(o.diff ? { diff: o.diff } : {}),
    warnings: [...loaded.warnings],
  };
}
