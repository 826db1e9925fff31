// Small constructors shared by the rules, so every verdict has the same shape.
import type { TaskNode } from "../model/types.js";
import type { Evidence, FindingId, RuleContext, Severity, Subject, Verdict } from "./types.js";

export function finding(
  rule: FindingId,
  subject: Subject,
  severity: Severity,
  summary: string,
  evidence: Evidence,
  advice: string,
  atS: number,
): Verdict {
  return { rule, verdict: "finding", subject, severity, summary, evidence, advice, atS };
}

export function clear(rule: FindingId, subject: Subject, summary: string, evidence: Evidence, atS: number): Verdict {
  return { rule, verdict: "clear", subject, summary, evidence, atS };
}

export function insufficient(
  rule: FindingId,
  subject: Subject,
  summary: string,
  missing: string[],
  atS: number,
  evidence: Evidence = {},
): Verdict {
  return { rule, verdict: "insufficient-data", subject, summary, evidence, missing, atS };
}

/** "(this run: procfs)" — which source measured the run, for "not enough data" messages. */
export function sourceNote(ctx: RuleContext): string {
  return ctx.run.source !== undefined ? `this run's source is ${ctx.run.source}` : "the spans do not say which source";
}

/**
 * Severity of a task finding by how much of the run it holds: `critical` when the task holds at least half of
 * the run's wall time on the critical path, else `base`; info on a run too short to judge.
 */
export function byCriticalShare(ctx: RuleContext, task: TaskNode, base: Severity): Severity {
  if (ctx.tooShort) return "info";
  const wall = ctx.run.wallS;
  return wall > 0 && ctx.criticalSeconds(task) / wall >= 0.5 ? "critical" : base;
}

/** `severity`, or info on a run too short to judge (a few seconds of work warrant no warning). */
export function unlessShort(ctx: RuleContext, severity: Severity): Severity {
  return ctx.tooShort ? "info" : severity;
}

/** Tasks long enough to judge. */
export function tasksToJudge(ctx: RuleContext, minWallS: number): TaskNode[] {
  return ctx.run.tasks.filter((t) => t.wallS >= minWallS);
}

/** "not enough data" for a run-level rule on a run too short to judge (no warnings on a few seconds of work). */
export function tooShortVerdict(ctx: RuleContext, rule: FindingId): Verdict {
  return insufficient(
    rule,
    {},
    `the run is too short to judge (${ctx.run.wallS.toFixed(1)} s < ${ctx.options.minRunSeconds} s)`,
    [],
    ctx.run.wallS,
  );
}
