import { ATTR_PIPESPAN_RUNQUEUE_DELAY } from "@pipespan/semconv";
import { z } from "zod";
import { duration, pct, round } from "../format.js";
import { coresAvailable } from "./cpu-bound.js";
import { defineRule, taskSubject, type Verdict } from "./types.js";
import { byCriticalShare, clear, finding, insufficient, sourceNote, tasksToJudge } from "./verdicts.js";

export const runqueueContention = defineRule({
  id: "runqueue-contention",
  description: "A task's threads were often runnable but waiting for a CPU (more runnable threads than cores).",
  needs: `${ATTR_PIPESPAN_RUNQUEUE_DELAY} (eBPF source)`,
  thresholds: z.object({
    minWallSeconds: z.number().min(0).default(1),
    /** Run-queue delay / (on-CPU + run-queue delay) at or above which the task is flagged… */
    delayShare: z.number().gt(0).max(1).default(0.1),
    /** …once the delay adds up to at least this many thread seconds. */
    minDelaySeconds: z.number().min(0).default(1),
  }),
  evaluate(ctx, th) {
    const out: Verdict[] = [];
    for (const t of tasksToJudge(ctx, th.minWallSeconds)) {
      const subject = taskSubject(t);
      const rq = t.m.runqueueS;
      if (rq === undefined) {
        out.push(
          insufficient(
            "runqueue-contention",
            subject,
            `needs run-queue delay (${ATTR_PIPESPAN_RUNQUEUE_DELAY}), which the eBPF source measures; ${sourceNote(ctx)}`,
            [ATTR_PIPESPAN_RUNQUEUE_DELAY],
            t.endS,
          ),
        );
        continue;
      }
      const cpu = t.m.cpuS ?? 0;
      const share = cpu + rq > 0 ? rq / (cpu + rq) : 0;
      const available = coresAvailable(ctx, t);
      const evidence = {
        runqueue_delay_s: round(rq),
        cpu_s: round(cpu),
        delay_share: round(share),
        cpu_cores_avg: round(t.wallS > 0 ? cpu / t.wallS : 0),
        cores_available: available?.cores ?? null,
        threshold_delay_share: th.delayShare,
      };
      if (share >= th.delayShare && rq >= th.minDelaySeconds) {
        out.push(
          finding(
            "runqueue-contention",
            subject,
            byCriticalShare(ctx, t, "warning"),
            `${t.name}'s threads waited for a CPU ${pct(share)} of the time they wanted one (${duration(rq)} of delay)`,
            evidence,
            "More runnable threads than cores: give the task more cores, run fewer tasks at once on this host, or " +
              "lower its thread count to the cores it gets.",
            t.endS,
          ),
        );
      } else {
        out.push(
          clear("runqueue-contention", subject, `waited for a CPU ${pct(share)} of its CPU time`, evidence, t.endS),
        );
      }
    }
    return out;
  },
});
