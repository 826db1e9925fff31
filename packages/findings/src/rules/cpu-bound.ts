import { ATTR_HOST_TYPE, ATTR_PIPESPAN_CPU_TIME, ATTR_PIPESPAN_TASK_REQUESTED_CPUS } from "@pipespan/semconv";
import { z } from "zod";
import { duration, pct, round } from "../format.js";
import type { ProcessNode, TaskNode } from "../model/types.js";
import { primaryVerdicts } from "./primary.js";
import { defineRule, type RuleContext, taskSubject, type Verdict } from "./types.js";
import { byCriticalShare, clear, finding, insufficient } from "./verdicts.js";

const ADVICE =
  "CPU sets this task's speed: more cores (if it uses them all) or faster cores help; faster storage will not.";

export const cpuBound = defineRule({
  id: "cpu-bound",
  description:
    "The CPU held the task: its usable CPUs were busy (eBPF: the limits model; procfs: CPU time against the cores it had).",
  needs: `${ATTR_PIPESPAN_CPU_TIME}; off-CPU times (eBPF) or the cores available (${ATTR_PIPESPAN_TASK_REQUESTED_CPUS}, ${ATTR_HOST_TYPE}) sharpen it`,
  thresholds: z.object({
    /** Without off-CPU data: cores used / cores available at or above which it is CPU-bound. */
    coreSaturation: z.number().gt(0).max(1).default(0.85),
    /** Without off-CPU data: one process using at least this much of one core… */
    processSaturation: z.number().gt(0).max(1).default(0.85),
    /** …for at least this share of the task's wall time. */
    minProcessWallShare: z.number().gt(0).max(1).default(0.5),
  }),
  evaluate(ctx, th) {
    const out: Verdict[] = primaryVerdicts(ctx, "cpu-bound");
    for (const t of ctx.judged()) {
      if (ctx.limits(t)) continue;
      const subject = taskSubject(t);
      if (t.m.cpuS === undefined) {
        out.push(
          insufficient("cpu-bound", subject, `needs ${ATTR_PIPESPAN_CPU_TIME}`, [ATTR_PIPESPAN_CPU_TIME], t.endS),
        );
        continue;
      }
      const cores = t.wallS > 0 ? t.m.cpuS / t.wallS : 0;
      const available = coresAvailable(ctx, t);
      // procfs: CPU time against wall time and the cores the task could have used. Where the source measured
      // run-queue delay, time waiting for a CPU counts as wanting one (contention does not hide a CPU-bound task).
      const busiest = busiestProcess(t, th.minProcessWallShare);
      const evidence = {
        wall_s: round(t.wallS),
        cpu_s: round(t.m.cpuS),
        cpu_cores: round(cores),
        cores_available: available?.cores ?? null,
        cores_available_from: available?.from ?? null,
        basis: "cpu-vs-wall",
        busiest_process: busiest?.p.name ?? null,
        busiest_process_cores: busiest ? round(busiest.cores) : null,
        busiest_process_wall_s: busiest ? round(busiest.p.wallS) : null,
        threshold_core_saturation: th.coreSaturation,
        threshold_process_saturation: th.processSaturation,
      };
      const note = "; procfs measures CPU time only, so waits of other threads are not visible";
      const wanting = t.wallS > 0 ? (t.m.cpuS + (t.m.runqueueS ?? 0)) / t.wallS : 0;
      if (available && wanting / available.cores >= th.coreSaturation) {
        out.push(
          finding(
            "cpu-bound",
            subject,
            byCriticalShare(ctx, t, "info"),
            `${t.name} kept ${cores.toFixed(2)} of its ${available.cores} cores busy (${pct(cores / available.cores)}) ` +
              `over ${duration(t.wallS)}${note}`,
            evidence,
            ADVICE,
            t.endS,
          ),
        );
      } else if (busiest && busiest.cores >= th.processSaturation) {
        out.push(
          finding(
            "cpu-bound",
            subject,
            byCriticalShare(ctx, t, "info"),
            `${t.name}: ${busiest.p.name} kept ${busiest.cores.toFixed(2)} cores busy for ${duration(busiest.p.wallS)} ` +
              `(${pct(busiest.p.wallS / Math.max(t.wallS, 1e-9))} of the task)${note}`,
            evidence,
            ADVICE,
            t.endS,
          ),
        );
      } else {
        out.push(clear("cpu-bound", subject, `${cores.toFixed(2)} cores busy on average`, evidence, t.endS));
      }
    }
    return out;
  },
});

/** The cores a task could use: what it requested, else the instance's vCPUs. */
export function coresAvailable(ctx: RuleContext, t: TaskNode): { cores: number; from: string } | undefined {
  if (t.requestedCpus !== undefined) return { cores: t.requestedCpus, from: ATTR_PIPESPAN_TASK_REQUESTED_CPUS };
  if (ctx.instance) return { cores: ctx.instance.vcpu, from: `instance ${ctx.instance.type}` };
  return undefined;
}

/** The process with the most CPU per wall second among those covering enough of the task. */
function busiestProcess(t: TaskNode, minWallShare: number): { p: ProcessNode; cores: number } | undefined {
  let best: { p: ProcessNode; cores: number } | undefined;
  for (const p of t.processes) {
    if (p.m.cpuS === undefined || p.wallS <= 0 || p.wallS < minWallShare * t.wallS) continue;
    const cores = (p.m.cpuS + (p.m.runqueueS ?? 0)) / p.wallS;
    if (!best || cores > best.cores) best = { p, cores };
  }
  return best;
}
