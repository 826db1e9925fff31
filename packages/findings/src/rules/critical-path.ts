import { ATTR_CICD_PIPELINE_TASK_NAME } from "@pipespan/semconv";
import { z } from "zod";
import { duration, pct, round } from "../format.js";
import type { TaskNode } from "../model/types.js";
import { defineRule } from "./types.js";
import { clear, finding } from "./verdicts.js";

export const criticalPathRule = defineRule({
  id: "critical-path",
  description: "The chain of tasks that set the run's wall time (only these make the run shorter when faster).",
  needs: `task spans (${ATTR_CICD_PIPELINE_TASK_NAME}) and their times`,
  thresholds: z.object({
    /** A task ending up to this many seconds after the next one started still counts as its predecessor. */
    toleranceSeconds: z.number().min(0).default(0.5),
  }),
  evaluate(ctx) {
    const run = ctx.run;
    const onPath = ctx.critical.segments.filter((s) => s.task && !s.task.wholeRun);
    if (onPath.length === 0) {
      return [clear("critical-path", {}, "the run has no tasks: its root command set the wall time", {}, run.wallS)];
    }
    const wall = Math.max(run.wallS, 1e-9);
    const byTask = new Map<TaskNode, number>();
    for (const s of onPath) byTask.set(s.task as TaskNode, (byTask.get(s.task as TaskNode) ?? 0) + s.seconds);
    const ranked = [...byTask.entries()].sort((a, b) => b[1] - a[1]);
    const inOrder = onPath.map((s) => s.task as TaskNode);
    const shown = inOrder
      .slice(0, 6)
      .map((t) => `${t.name} ${duration(byTask.get(t) ?? 0)} (${pct((byTask.get(t) ?? 0) / wall)})`);
    const more = inOrder.length > 6 ? ` → … ${inOrder.length - 6} more` : "";
    const top = ranked[0] as [TaskNode, number];
    const evidence = {
      run_wall_s: round(run.wallS),
      tasks_on_path: inOrder.length,
      task_seconds: round(ctx.critical.taskSeconds),
      outside_task_seconds: round(ctx.critical.outsideSeconds),
      top_task: top[0].name,
      top_task_seconds: round(top[1]),
      top_task_share: round(top[1] / wall),
      path: inOrder
        .slice(0, 20)
        .map((t) => `${t.name}:${round(byTask.get(t) ?? 0, 1)}`)
        .join(","),
    };
    return [
      finding(
        "critical-path",
        {},
        "info",
        `the run's ${duration(run.wallS)} went to ${shown.join(" → ")}${more}` +
          (ctx.critical.outsideSeconds >= 0.05 * wall
            ? `; ${duration(ctx.critical.outsideSeconds)} outside tasks`
            : ""),
        evidence,
        `Only tasks on this path shorten the run; start with ${top[0].name} (${pct(top[1] / wall)} of the run).`,
        run.wallS,
      ),
    ];
  },
});
