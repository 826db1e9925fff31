import { ATTR_CICD_PIPELINE_TASK_NAME } from "@pipespan/semconv";
import { z } from "zod";
import { duration, pct, round } from "../format.js";
import type { TaskNode } from "../model/types.js";
import { defineRule, taskSubject, type Verdict } from "./types.js";
import { byCriticalShare, clear, finding } from "./verdicts.js";

export const straggler = defineRule({
  id: "straggler",
  description: "One task run took far longer than its siblings of the same name (the other runs of that task).",
  needs: `${ATTR_CICD_PIPELINE_TASK_NAME} and span times`,
  thresholds: z.object({
    /** Compare only when the task name has at least this many runs. */
    minSiblings: z.number().int().min(2).default(3),
    /** A run at least this many times the median wall time of the others… */
    factor: z.number().gt(1).default(2),
    /** …and at least this many seconds longer than that median is a straggler. */
    minExtraSeconds: z.number().min(0).default(5),
  }),
  evaluate(ctx, th) {
    const out: Verdict[] = [];
    const groups = new Map<string, TaskNode[]>();
    for (const t of ctx.run.tasks) {
      if (t.wholeRun) continue;
      const list = groups.get(t.name);
      if (list) list.push(t);
      else groups.set(t.name, [t]);
    }
    for (const [name, list] of groups) {
      if (list.length < th.minSiblings) continue;
      const walls = list.map((t) => t.wallS).sort((a, b) => a - b);
      let flagged = 0;
      for (const t of list) {
        const median = medianWithout(walls, t.wallS);
        const ratio = median > 0 ? t.wallS / median : Number.POSITIVE_INFINITY;
        if (ratio < th.factor || t.wallS - median < th.minExtraSeconds) continue;
        flagged++;
        const cpuOf = (x: TaskNode) => (x.m.cpuS !== undefined && x.wallS > 0 ? x.m.cpuS / x.wallS : undefined);
        const evidence = {
          wall_s: round(t.wallS),
          sibling_median_wall_s: round(median),
          ratio: round(ratio, 2),
          siblings: list.length - 1,
          cpu_cores: cpuOf(t) !== undefined ? round(cpuOf(t) as number) : null,
          io_wait_share: ctx.split(t) ? round((ctx.split(t) as { ioWait: number }).ioWait) : null,
          threshold_factor: th.factor,
        };
        out.push(
          finding(
            "straggler",
            taskSubject(t),
            byCriticalShare(ctx, t, "warning"),
            `${name}${t.taskRunId ? ` (${t.taskRunId})` : ""} took ${duration(t.wallS)}, ${ratio.toFixed(1)}× the ` +
              `median of its ${list.length - 1} siblings (${duration(median)})`,
            evidence,
            "Compare its input size and the host it ran on with the siblings'; split large inputs so the runs " +
              `are even. ${ctx.critical.segments.some((s) => s.task === t) ? `It is on the critical path (${pct(ctx.criticalSeconds(t) / Math.max(ctx.run.wallS, 1e-9))} of the run).` : ""}`.trim(),
            t.endS,
          ),
        );
      }
      if (flagged === 0) {
        out.push(
          clear(
            "straggler",
            { task: name },
            `${list.length} runs of ${name}, the slowest ${duration(walls[walls.length - 1] ?? 0)}, median ${duration(medianWithout(walls, Number.NaN))}`,
            { runs: list.length },
            ctx.run.wallS,
          ),
        );
      }
    }
    return out;
  },
});

/** Median of sorted `values` without one occurrence of `exclude` (NaN: exclude nothing). */
function medianWithout(sorted: readonly number[], exclude: number): number {
  const idx = Number.isNaN(exclude) ? -1 : lowerBound(sorted, exclude);
  const n = sorted.length - (idx >= 0 ? 1 : 0);
  if (n <= 0) return 0;
  const at = (i: number) => sorted[idx >= 0 && i >= idx ? i + 1 : i] as number;
  return n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}

/** Index of the first value >= x (values ascending); x must be present. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
