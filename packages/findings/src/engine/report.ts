// The analysis report: what `pipespan analyze --json` prints (see toJsonReport) and what the renderers use.
import type { CostAnalysis, Recommendation } from "../cost/recommend.js";
import type { Evidence, FindingId, Severity, Verdict } from "../rules/types.js";

export interface Finding {
  rule: FindingId;
  severity: Severity;
  /** Task name, for findings about one task. */
  task?: string;
  taskRunId?: string;
  /** For findings about one process. */
  process?: { pid?: number; name: string };
  summary: string;
  evidence: Evidence;
  advice: string;
  /** Seconds from the run's start the finding is about (a task's end, else the run's end). */
  atSeconds: number;
}

/** A rule that could not be evaluated, with what it lacked. */
export interface InsufficientData {
  rule: FindingId;
  reason: string;
  /** Attribute names (or inputs such as host.type) that were missing. */
  missing: string[];
  /** Tasks concerned (at most 10 names); empty for run-level rules. */
  tasks: string[];
  /** How many subjects (tasks, or the run) lacked it. */
  count: number;
}

export interface AnalysisReport {
  run: {
    traceId: string;
    runSpanId?: string;
    runId?: string;
    pipelineName?: string;
    source?: string;
    startTimeUnixNano: string;
    wallSeconds: number;
    tasks: number;
    processes: number;
    instanceType?: string;
    /** "--instance" (the option), or "resource" (host.type on the spans' resource). */
    instanceTypeFrom?: "--instance" | "resource";
    /** The host the spans were measured on, as far as they say. */
    measuredHost: { cpus?: number; memoryBytes?: number; from: string; instanceType?: string };
    /** One line when the instance type named disagrees with the measured host. */
    hostNote?: string;
    /** Timelines or device series that were present but malformed (ignored). */
    dataProblems?: string[];
  };
  /** Most severe first. */
  findings: Finding[];
  insufficientData: InsufficientData[];
  /** Per rule: how many subjects fired, were clear, lacked data. */
  evaluated: Record<string, { finding: number; clear: number; insufficientData: number }>;
  /**
   * The run's critical path (at most 200 segments); segments without a task are time outside tasks. `task` set
   * the segment's pace; `alongside` ran with it (pipe ends, parallel jobs); `verdict` is the pace setter's.
   */
  criticalPath: {
    task?: string;
    alongside?: string[];
    verdict?: string;
    startSeconds: number;
    seconds: number;
    share: number;
  }[];
  cost: CostAnalysis;
  /** The ranked recommendations (the same as cost.recommendations). */
  recommendations: Recommendation[];
  /** Every verdict, including clear ones (not part of the JSON output). */
  verdicts: Verdict[];
}

/** The report as the JSON document `--json` prints (stable field names; no internal verdict list). */
export function toJsonReport(r: AnalysisReport): Record<string, unknown> {
  const { verdicts: _verdicts, ...rest } = r;
  return {
    ...rest,
    // A stable shape: `task` is null for run-level findings.
    findings: r.findings.map(({ atSeconds: _at, ...f }) => ({ ...f, task: f.task ?? null })),
    recommendations: r.recommendations.map((x) => ({
      instanceType: x.instanceType,
      estRuntimeSeconds: round(x.estRuntimeSeconds, 1),
      estCostPerRunUsd: x.estCostPerRunUsd,
      speedup: round(x.speedup, 4),
      costChange: round(x.costChange, 4),
      bindingLimit: x.bindingLimit,
      breakEvenSpeedup: round(x.breakEvenSpeedup, 4),
      baseline: {
        instanceType: x.baseline.instanceType,
        runtimeSeconds: round(x.baseline.runtimeSeconds, 1),
        estimated: x.baseline.estimated,
        costPerRunUsd: x.baseline.costPerRunUsd,
        pricePerHourUsd: x.baseline.pricePerHourUsd,
      },
      pricePerHourUsd: x.pricePerHourUsd,
      vcpu: x.vcpu,
      memoryGib: x.memoryGib,
      ebsBaselineMbps: x.ebsBaselineMbps,
      networkBaselineGbps: x.networkBaselineGbps,
      limitSeconds: {
        cpu: round(x.limitSeconds.cpu, 1),
        ebs: round(x.limitSeconds.ebs, 1),
        storage: round(x.limitSeconds.storage, 1),
        network: round(x.limitSeconds.network, 1),
        other: round(x.limitSeconds.other, 1),
      },
      summary: x.summary,
    })),
    cost: {
      ...(r.cost.baseline
        ? {
            baseline: {
              ...r.cost.baseline,
              runtimeSeconds: round(r.cost.baseline.runtimeSeconds, 3),
            },
          }
        : {}),
      ...(r.cost.refused ? { refused: r.cost.refused } : {}),
      ...(r.cost.note ? { note: r.cost.note } : {}),
      ...(r.cost.current ? { current: r.cost.current } : {}),
      ...(r.cost.hostNote !== undefined ? { hostNote: r.cost.hostNote } : {}),
      ...(r.cost.storage ? { storage: r.cost.storage } : {}),
      storageOptions: r.cost.storageOptions.map((x) => ({
        ...x,
        estRuntimeSeconds: round(x.estRuntimeSeconds, 1),
        speedup: round(x.speedup, 4),
      })),
      considered: r.cost.considered,
      excluded: r.cost.excluded,
      assumptions: r.cost.assumptions,
    },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Number.isFinite(v) ? Math.round(v * f) / f : v;
}
