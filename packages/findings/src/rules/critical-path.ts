import { ATTR_CICD_PIPELINE_TASK_NAME } from "@pipespan/semconv";
import { z } from "zod";
import { duration, pct, round } from "../format.js";
import type { TaskNode } from "../model/types.js";
import { defineRule } from "./types.js";
import { clear, finding } from "./verdicts.js";

export const criticalPathRule = defineRule({
  id: "critical-path",
  description:
    "The chain of tasks that set the run's wall time (only these make the run shorter when faster); tasks that ran together (pipes, parallel jobs) are one stage, named by the one that set its pace.",
  needs: `task spans (${ATTR_CICD_PIPELINE_TASK_NAME}) and their times; off-CPU times to tell which task of a stage set its pace`,
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
    const stages: { pace: TaskNode; others: TaskNode[]; seconds: number }[] = [];
    for (const s of onPath) {
      const pace = ctx.pace(s) ?? (s.task as TaskNode);
      byTask.set(pace, (byTask.get(pace) ?? 0) + s.seconds);
      const others = [s.task as TaskNode, ...s.alongside].filter((t) => t !== pace && !t.wholeRun);
      stages.push({ pace, others, seconds: s.seconds });
    }
    const ranked = [...byTask.entries()].sort((a, b) => b[1] - a[1]);
    const label = (st: (typeof stages)[number]) =>
      st.others.length === 0
        ? st.pace.name
        : `${st.pace.name} (with ${st.others
            .slice(0, 3)
            .map((t) => t.name)
            .join(", ")}${st.others.length > 3 ? ", …" : ""} alongside)`;
    const shown = stages.slice(0, 6).map((st) => `${label(st)} ${duration(st.seconds)} (${pct(st.seconds / wall)})`);
    const more = stages.length > 6 ? ` → … ${stages.length - 6} more` : "";
    const top = ranked[0] as [TaskNode, number];
    const verdict = ctx.primary(top[0])?.verdict;
    const parallel = stages.filter((st) => st.others.length > 0).length;
    const evidence = {
      run_wall_s: round(run.wallS),
      tasks_on_path: stages.length,
      stages_with_tasks_alongside: parallel,
      task_seconds: round(ctx.critical.taskSeconds),
      outside_task_seconds: round(ctx.critical.outsideSeconds),
      top_task: top[0].name,
      top_task_seconds: round(top[1]),
      top_task_share: round(top[1] / wall),
      top_task_verdict: verdict ?? null,
      path: stages
        .slice(0, 20)
        .map((st) => `${st.pace.name}${st.others.length > 0 ? `+${st.others.length}` : ""}:${round(st.seconds, 1)}`)
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
        `Only tasks on this path shorten the run; start with ${top[0].name} (${pct(top[1] / wall)} of the run` +
          `${verdict ? `, ${verdict}` : ""})` +
          (parallel > 0
            ? "; tasks alongside it waited on it or ran in parallel, so speeding them up alone does not help."
            : "."),
        run.wallS,
      ),
    ];
  },
});
