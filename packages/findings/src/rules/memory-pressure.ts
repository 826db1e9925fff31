import { ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS, ATTR_PIPESPAN_PROCESS_OOM_KILLED } from "@pipespan/semconv";
import { z } from "zod";
import { round } from "../format.js";
import { defineRule, taskSubject, type Verdict } from "./types.js";
import { clear, finding, insufficient, tasksToJudge, unlessShort } from "./verdicts.js";

export const memoryPressure = defineRule({
  id: "memory-pressure",
  description: "The kernel's OOM killer stopped a process, or a task took many major page faults (pages read back).",
  needs: `${ATTR_PIPESPAN_PROCESS_OOM_KILLED} (eBPF source), ${ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS}`,
  thresholds: z.object({
    minWallSeconds: z.number().min(0).default(1),
    /** Major faults per second of task wall time at or above which the task is flagged… */
    majorFaultsPerSecond: z.number().gt(0).default(100),
    /** …once it took at least this many in total. */
    minMajorFaults: z.number().min(0).default(5000),
  }),
  evaluate(ctx, th) {
    const out: Verdict[] = [];
    const run = ctx.run;
    // OOM kills: the OOM killer always uses SIGKILL. The eBPF source sees the kill itself (oom:mark_victim);
    // procfs cannot tell an OOM kill from another SIGKILL, so a SIGKILL seen by procfs is "not enough data".
    const oom = run.processes.filter((p) => p.oomKilled);
    for (const p of oom) {
      const task = p.taskKey !== undefined ? run.tasks.find((t) => t.key === p.taskKey) : undefined;
      out.push(
        finding(
          "memory-pressure",
          {
            ...(task ? taskSubject(task) : {}),
            process: { name: p.name, ...(p.pid !== undefined ? { pid: p.pid } : {}) },
          },
          "critical",
          `the OOM killer stopped ${p.name}${p.pid !== undefined ? ` (pid ${p.pid})` : ""}${task && !task.wholeRun ? ` in ${task.name}` : ""}` +
            (p.m.peakRssBytes !== undefined ? ` at ${(p.m.peakRssBytes / 1024 ** 3).toFixed(1)} GiB resident` : ""),
          { oom_killed: true, peak_rss_bytes: p.m.peakRssBytes ?? null, pid: p.pid ?? null },
          "Give the task more memory (request or instance), or reduce what it holds at once (smaller batches, " +
            "fewer threads, streaming input).",
          p.endS,
        ),
      );
    }
    if (oom.length === 0 && run.source !== "ebpf") {
      const killed = run.processes.filter((p) => p.signalName === "SIGKILL");
      if (killed.length > 0) {
        out.push(
          insufficient(
            "memory-pressure",
            {},
            `${killed.length} process(es) were killed by SIGKILL (${killed
              .slice(0, 3)
              .map((p) => p.name)
              .join(", ")}); the OOM killer uses SIGKILL, but only the eBPF source can tell an OOM kill from ` +
              `another kill (${ATTR_PIPESPAN_PROCESS_OOM_KILLED})`,
            [ATTR_PIPESPAN_PROCESS_OOM_KILLED],
            run.wallS,
            { sigkilled_processes: killed.length },
          ),
        );
      }
    }

    for (const t of tasksToJudge(ctx, th.minWallSeconds)) {
      const faults = t.m.majorFaults;
      if (faults === undefined) {
        out.push(
          insufficient(
            "memory-pressure",
            taskSubject(t),
            `needs ${ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS}`,
            [ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS],
            t.endS,
          ),
        );
        continue;
      }
      const rate = t.wallS > 0 ? faults / t.wallS : 0;
      const evidence = {
        major_faults: faults,
        major_faults_per_s: round(rate, 2),
        wall_s: round(t.wallS),
        threshold_major_faults_per_s: th.majorFaultsPerSecond,
        threshold_min_major_faults: th.minMajorFaults,
      };
      if (rate >= th.majorFaultsPerSecond && faults >= th.minMajorFaults) {
        out.push(
          finding(
            "memory-pressure",
            taskSubject(t),
            unlessShort(ctx, "warning"),
            `${t.name} took ${faults} major page faults (${rate.toFixed(0)}/s): pages were read back from disk`,
            evidence,
            "Either memory is short (pages evicted and read again: more memory helps) or the task reads large " +
              "memory-mapped files (then it is I/O: faster storage or a warm page cache helps).",
            t.endS,
          ),
        );
      } else {
        out.push(
          clear("memory-pressure", taskSubject(t), `${faults} major faults (${rate.toFixed(1)}/s)`, evidence, t.endS),
        );
      }
    }
    return out;
  },
});
