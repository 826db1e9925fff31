// Findings as spans on the run's trace (conventions/model/spans.yaml, span.pipespan.finding): what to emit,
// independent of any OTel SDK — the CLI turns these into real spans and exports them like every other span.
//
// Span ids are derived from the finding's identity (trace, run span, rule, subject), so re-analysing a run gives
// the same ids for the same findings: a backend sees a repeat, not a new finding.
import { createHash } from "node:crypto";
import {
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_FINDING_ADVICE,
  ATTR_PIPESPAN_FINDING_BINDING_LIMIT,
  ATTR_PIPESPAN_FINDING_COST_CHANGE,
  ATTR_PIPESPAN_FINDING_COST_PER_RUN,
  ATTR_PIPESPAN_FINDING_EVIDENCE,
  ATTR_PIPESPAN_FINDING_INSTANCE_TYPE,
  ATTR_PIPESPAN_FINDING_RULE,
  ATTR_PIPESPAN_FINDING_SEVERITY,
  ATTR_PIPESPAN_FINDING_SPEEDUP,
  ATTR_PIPESPAN_FINDING_SUMMARY,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PID,
  findingSpanName,
} from "@pipespan/semconv";
import type { AnalysisReport, Finding } from "../engine/report.js";

export interface FindingSpanSpec {
  name: string;
  /** 16 lowercase hex digits, stable for the same finding of the same run. */
  spanId: string;
  /** Zero-duration span: start = end, ns since the epoch. */
  timeUnixNano: bigint;
  attributes: Record<string, string | number | boolean>;
}

/** Finding spans for a report, as children of the run span `runSpanId` in trace `traceId`. */
export function findingSpans(
  report: AnalysisReport,
  parent: { traceId: string; runSpanId: string; runId?: string },
): FindingSpanSpec[] {
  const start = BigInt(report.run.startTimeUnixNano);
  const used = new Set<string>();
  return report.findings.map((f) => {
    const attributes = attributesOf(f, parent.runId ?? report.run.runId);
    let spanId = stableId(parent.traceId, parent.runSpanId, identity(f));
    for (let n = 1; used.has(spanId); n++) spanId = stableId(parent.traceId, parent.runSpanId, `${identity(f)}#${n}`);
    used.add(spanId);
    const at = Math.max(0, Math.min(f.atSeconds, report.run.wallSeconds));
    return {
      name: findingSpanName({ [ATTR_PIPESPAN_FINDING_RULE]: f.rule }),
      spanId,
      timeUnixNano: start + BigInt(Math.round(at * 1e9)),
      attributes,
    };
  });
}

function attributesOf(f: Finding, runId: string | undefined): Record<string, string | number | boolean> {
  const a: Record<string, string | number | boolean> = {
    [ATTR_PIPESPAN_FINDING_RULE]: f.rule,
    [ATTR_PIPESPAN_FINDING_SEVERITY]: f.severity,
    [ATTR_PIPESPAN_FINDING_SUMMARY]: f.summary,
    [ATTR_PIPESPAN_FINDING_EVIDENCE]: JSON.stringify(f.evidence),
  };
  if (f.advice) a[ATTR_PIPESPAN_FINDING_ADVICE] = f.advice;
  if (runId !== undefined) a[ATTR_CICD_PIPELINE_RUN_ID] = runId;
  if (f.task !== undefined) a[ATTR_CICD_PIPELINE_TASK_NAME] = f.task;
  if (f.process) {
    a[ATTR_PROCESS_EXECUTABLE_NAME] = f.process.name;
    if (f.process.pid !== undefined) a[ATTR_PROCESS_PID] = f.process.pid;
  }
  const e = f.evidence;
  if (f.rule === "instance-cost") {
    if (typeof e.instance_type === "string") a[ATTR_PIPESPAN_FINDING_INSTANCE_TYPE] = e.instance_type;
    if (typeof e.cost_per_run_usd === "number") a[ATTR_PIPESPAN_FINDING_COST_PER_RUN] = e.cost_per_run_usd;
  }
  if (f.rule === "storage-option") {
    if (typeof e.instance_type === "string") a[ATTR_PIPESPAN_FINDING_INSTANCE_TYPE] = e.instance_type;
    if (typeof e.est_cost_per_run_usd === "number") a[ATTR_PIPESPAN_FINDING_COST_PER_RUN] = e.est_cost_per_run_usd;
    if (typeof e.speedup === "number") a[ATTR_PIPESPAN_FINDING_SPEEDUP] = e.speedup;
  }
  if (f.rule === "instance-recommendation") {
    if (typeof e.instance_type === "string") a[ATTR_PIPESPAN_FINDING_INSTANCE_TYPE] = e.instance_type;
    if (typeof e.est_cost_per_run_usd === "number") a[ATTR_PIPESPAN_FINDING_COST_PER_RUN] = e.est_cost_per_run_usd;
    if (typeof e.speedup === "number") a[ATTR_PIPESPAN_FINDING_SPEEDUP] = e.speedup;
    if (typeof e.cost_change === "number") a[ATTR_PIPESPAN_FINDING_COST_CHANGE] = e.cost_change;
    if (typeof e.binding_limit === "string") a[ATTR_PIPESPAN_FINDING_BINDING_LIMIT] = e.binding_limit;
  }
  return a;
}

function identity(f: Finding): string {
  const instance =
    typeof f.evidence.instance_type === "string"
      ? f.evidence.instance_type
      : typeof f.evidence.option === "string"
        ? f.evidence.option
        : "";
  return [f.rule, f.task ?? "", f.taskRunId ?? "", f.process?.pid ?? "", f.process?.name ?? "", instance].join(
    "\u0000",
  );
}

function stableId(traceId: string, runSpanId: string, key: string): string {
  const hex = createHash("sha256").update(`${traceId}/${runSpanId}/${key}`).digest("hex").slice(0, 16);
  return /^0+$/.test(hex) ? "0000000000000001" : hex; // the all-zero span id is invalid
}
