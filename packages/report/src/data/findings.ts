// Findings, "not enough data" and cost for the page, generic over the rule: a new rule id needs no change here.
import type { AnalysisReport, Finding } from "@pipespan/findings";
import type { ReportCost, ReportFinding, ReportInsufficient } from "./types.js";

/** Findings of the cost model are shown in the cost section, not among the findings. */
const COST_RULES: ReadonlySet<string> = new Set(["instance-cost", "instance-recommendation"]);

function subjectOf(f: Finding): string {
  if (f.task !== undefined) return f.task;
  if (f.process) return f.process.pid !== undefined ? `${f.process.name} (pid ${f.process.pid})` : f.process.name;
  return "(run)";
}

/**
 * The findings, most severe first, at most `perRule` of each rule (a 10k-task run can have thousands of one
 * rule; the report keeps the first ones and counts the rest, which `pipespan analyze --json` lists in full).
 */
export function findingsData(
  r: AnalysisReport,
  perRule = 100,
): { findings: ReportFinding[]; omitted: Record<string, number> } {
  const kept = new Map<string, number>();
  const omitted: Record<string, number> = {};
  const findings = r.findings
    .filter((f) => {
      if (COST_RULES.has(f.rule)) return false;
      const n = kept.get(f.rule) ?? 0;
      if (n >= perRule) {
        omitted[f.rule] = (omitted[f.rule] ?? 0) + 1;
        return false;
      }
      kept.set(f.rule, n + 1);
      return true;
    })
    .map((f) => ({
      rule: f.rule,
      severity: f.severity,
      subject: subjectOf(f),
      summary: f.summary,
      evidence: { ...f.evidence },
      advice: f.advice,
    }));
  return { findings, omitted };
}

export function insufficientData(r: AnalysisReport): ReportInsufficient[] {
  return r.insufficientData
    .filter((g) => !COST_RULES.has(g.rule))
    .map((g) => ({ rule: g.rule, reason: g.reason, tasks: [...g.tasks], count: g.count }));
}

export function costData(r: AnalysisReport): ReportCost {
  const c = r.cost;
  return {
    ...(c.baseline
      ? {
          baseline: {
            instanceType: c.baseline.instanceType,
            runtimeS: c.baseline.runtimeSeconds,
            pricePerHourUsd: c.baseline.pricePerHourUsd,
            costUsd: c.baseline.costPerRunUsd,
          },
        }
      : {}),
    ...(c.current ? { bindingLimitNow: c.current.bindingLimit } : {}),
    recommendations: r.recommendations.map((x) => ({
      instanceType: x.instanceType,
      estRuntimeS: x.estRuntimeSeconds,
      speedup: x.speedup,
      estCostUsd: x.estCostPerRunUsd,
      costChange: x.costChange,
      breakEvenSpeedup: x.breakEvenSpeedup,
      bindingLimit: x.bindingLimit,
      vcpu: x.vcpu,
      memoryGib: x.memoryGib,
      summary: x.summary,
    })),
    ...(c.refused ? { refused: c.refused.reason } : {}),
    ...(c.note !== undefined ? { note: c.note } : {}),
    assumptions: [...c.assumptions],
  };
}
