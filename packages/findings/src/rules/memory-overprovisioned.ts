import { ATTR_HOST_TYPE, ATTR_PIPESPAN_MEMORY_PEAK_RSS, ATTR_PIPESPAN_TASK_REQUESTED_MEMORY } from "@pipespan/semconv";
import { z } from "zod";
import { gib, pct, round } from "../format.js";
import { buildProfile, peakOf } from "../model/profile.js";
import { defineRule, taskSubject, type Verdict } from "./types.js";
import { clear, finding, insufficient, tasksToJudge, tooShortVerdict, unlessShort } from "./verdicts.js";

export const memoryOverprovisioned = defineRule({
  id: "memory-overprovisioned",
  description: "Peak resident memory is far below the memory a task requested or the instance has.",
  needs: `${ATTR_PIPESPAN_MEMORY_PEAK_RSS}, and ${ATTR_PIPESPAN_TASK_REQUESTED_MEMORY} or the instance type`,
  thresholds: z.object({
    minWallSeconds: z.number().min(0).default(1),
    /** A task whose peak is at or below this share of its request is flagged. */
    taskPeakShare: z.number().gt(0).max(1).default(0.5),
    /** The run is flagged when its peak is at or below this share of the instance's memory. */
    instancePeakShare: z.number().gt(0).max(1).default(0.25),
    /** Headroom over the peak that a right-sized request or instance should keep. */
    headroom: z.number().min(1).default(1.2),
  }),
  evaluate(ctx, th) {
    const out: Verdict[] = [];
    const run = ctx.run;
    let requested = 0;
    for (const t of tasksToJudge(ctx, th.minWallSeconds)) {
      if (t.requestedMemoryBytes === undefined) continue;
      requested++;
      const prof = buildProfile(t.processes, t.startS, t.endS, 64);
      const peak = Math.max(t.m.peakRssBytes ?? 0, peakOf(prof, prof.rssUpper));
      if (t.m.peakRssBytes === undefined) {
        out.push(
          insufficient(
            "memory-overprovisioned",
            taskSubject(t),
            `needs ${ATTR_PIPESPAN_MEMORY_PEAK_RSS}`,
            [ATTR_PIPESPAN_MEMORY_PEAK_RSS],
            t.endS,
          ),
        );
        continue;
      }
      const evidence = {
        requested_memory_bytes: t.requestedMemoryBytes,
        peak_rss_bytes: Math.round(peak),
        peak_share: round(peak / t.requestedMemoryBytes),
        peak_is_upper_bound: true,
        threshold_task_peak_share: th.taskPeakShare,
      };
      if (peak <= th.taskPeakShare * t.requestedMemoryBytes) {
        out.push(
          finding(
            "memory-overprovisioned",
            taskSubject(t),
            unlessShort(ctx, "warning"),
            `${t.name} requested ${gib(t.requestedMemoryBytes)} but its resident memory peaked at no more than ${gib(peak)} ` +
              `(${pct(peak / t.requestedMemoryBytes)})`,
            evidence,
            `Request about ${gib(peak * th.headroom)} for ${t.name} (peak + ${pct(th.headroom - 1)} headroom): ` +
              "over-requested memory blocks other tasks and forces bigger instances.",
            t.endS,
          ),
        );
      } else {
        out.push(
          clear(
            "memory-overprovisioned",
            taskSubject(t),
            `peak ${gib(peak)} of ${gib(t.requestedMemoryBytes)} requested`,
            evidence,
            t.endS,
          ),
        );
      }
    }

    if (ctx.tooShort) {
      out.push(tooShortVerdict(ctx, "memory-overprovisioned"));
      return out;
    }
    const inst = ctx.instance;
    if (run.coverage.peakRss === 0) {
      out.push(
        insufficient(
          "memory-overprovisioned",
          {},
          `needs ${ATTR_PIPESPAN_MEMORY_PEAK_RSS}`,
          [ATTR_PIPESPAN_MEMORY_PEAK_RSS],
          run.wallS,
        ),
      );
      return out;
    }
    if (!inst) {
      if (requested === 0) {
        out.push(
          insufficient(
            "memory-overprovisioned",
            {},
            `needs the instance type (${ATTR_HOST_TYPE} on the resource or --instance) or tasks with ` +
              `${ATTR_PIPESPAN_TASK_REQUESTED_MEMORY}; ${ctx.instanceMissing ?? "neither is known"}`,
            [ATTR_HOST_TYPE, ATTR_PIPESPAN_TASK_REQUESTED_MEMORY],
            run.wallS,
          ),
        );
      }
      return out;
    }
    const peak = Math.max(run.m.peakRssBytes ?? 0, peakOf(ctx.profile, ctx.profile.rssUpper));
    const share = peak / inst.memoryBytes;
    const evidence = {
      instance_type: inst.type,
      instance_memory_bytes: inst.memoryBytes,
      peak_rss_bytes: Math.round(peak),
      peak_share: round(share),
      peak_is_upper_bound: true,
      threshold_instance_peak_share: th.instancePeakShare,
    };
    if (share <= th.instancePeakShare) {
      out.push(
        finding(
          "memory-overprovisioned",
          {},
          "warning",
          `resident memory peaked at ${gib(peak)} of ${inst.type}'s ${gib(inst.memoryBytes)} (${pct(share)}, an upper bound)`,
          evidence,
          `An instance type with about ${gib(peak * th.headroom)} (peak + ${pct(th.headroom - 1)} headroom) would do; ` +
            "see the instance recommendations.",
          run.wallS,
        ),
      );
    } else {
      out.push(
        clear("memory-overprovisioned", {}, `peak ${gib(peak)} of ${gib(inst.memoryBytes)}`, evidence, run.wallS),
      );
    }
    return out;
  },
});
