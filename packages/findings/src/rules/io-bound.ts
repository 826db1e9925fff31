import { ATTR_PIPESPAN_CPU_TIME, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME } from "@pipespan/semconv";
import { z } from "zod";
import { mbps, pct, round } from "../format.js";
import { storageBytes } from "../model/measures.js";
import { defineRule, taskSubject, type Verdict } from "./types.js";
import { byCriticalShare, clear, finding, insufficient, sourceNote, tasksToJudge } from "./verdicts.js";

export const ioBound = defineRule({
  id: "io-bound",
  description: "A task spent most of its wall time blocked on I/O (D state) while its CPU use stayed low.",
  needs: `${ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME} (eBPF source), ${ATTR_PIPESPAN_CPU_TIME}`,
  thresholds: z.object({
    /** Tasks shorter than this are not judged. */
    minWallSeconds: z.number().min(0).default(1),
    /** I/O-wait part of the task's wall time at or above which it is I/O-bound. */
    ioWaitShare: z.number().gt(0).max(1).default(0.5),
    /** …as long as the CPU part stays at or below this. */
    maxCpuShare: z.number().min(0).max(1).default(0.35),
  }),
  evaluate(ctx, th) {
    const out: Verdict[] = [];
    for (const t of tasksToJudge(ctx, th.minWallSeconds)) {
      const subject = taskSubject(t);
      const split = ctx.split(t);
      const cpuUtil = t.m.cpuS !== undefined && t.wallS > 0 ? t.m.cpuS / t.wallS : undefined;
      if (!split) {
        out.push(
          insufficient(
            "io-bound",
            subject,
            `needs off-CPU I/O-wait time (${ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME}), which the eBPF source measures; ` +
              `${sourceNote(ctx)}, which sees CPU time only, so the wall time not spent on a CPU cannot be ` +
              "told apart (I/O wait, sleep, waiting for a CPU)",
            [ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME],
            t.endS,
            { wall_s: round(t.wallS), cpu_cores: cpuUtil !== undefined ? round(cpuUtil) : null },
          ),
        );
        continue;
      }
      const storage = storageBytes(t.m);
      const evidence = {
        wall_s: round(t.wallS),
        io_wait_share: round(split.ioWait),
        cpu_share: round(split.cpu),
        runqueue_share: round(split.runqueue),
        other_share: round(split.other),
        io_wait_thread_s: round(split.ioWaitS),
        cpu_thread_s: round(split.cpuS),
        threads_active: round(split.concurrency),
        storage_bytes: storage?.bytes ?? null,
        storage_mbps: storage && t.wallS > 0 ? round(storage.bytes / t.wallS / 1e6) : null,
        threshold_io_wait_share: th.ioWaitShare,
        threshold_max_cpu_share: th.maxCpuShare,
      };
      if (split.ioWait >= th.ioWaitShare && split.cpu <= th.maxCpuShare) {
        const rate = storage && t.wallS > 0 ? `, ${mbps(storage.bytes / t.wallS)} from storage` : "";
        out.push(
          finding(
            "io-bound",
            subject,
            byCriticalShare(ctx, t, "warning"),
            `${t.name} spent ${pct(split.ioWait)} of its wall time blocked on I/O; CPU ${pct(split.cpu)}${rate}`,
            evidence,
            "Storage sets this task's speed: more EBS throughput (instance EBS baseline and volume limits), local " +
              "NVMe for scratch data, or fewer and larger I/O requests help; more or faster CPUs will not.",
            t.endS,
          ),
        );
      } else {
        out.push(
          clear(
            "io-bound",
            subject,
            `I/O wait ${pct(split.ioWait)} of wall time, CPU ${pct(split.cpu)}`,
            evidence,
            t.endS,
          ),
        );
      }
    }
    return out;
  },
});
