import { ATTR_HOST_TYPE, ATTR_PIPESPAN_CPU_TIME, ATTR_PIPESPAN_TASK_REQUESTED_CPUS } from "@pipespan/semconv";
import { z } from "zod";
import { pct, round } from "../format.js";
import { buildProfile, peakOf } from "../model/profile.js";
import { defineRule, taskSubject, type Verdict } from "./types.js";
import { clear, finding, insufficient, tasksToJudge, tooShortVerdict, unlessShort } from "./verdicts.js";

export const cpuUnderused = defineRule({
  id: "cpu-underused",
  description: "The cores a task requested, or the instance's vCPUs, far exceed the cores actually used.",
  needs: `${ATTR_PIPESPAN_CPU_TIME}, and ${ATTR_PIPESPAN_TASK_REQUESTED_CPUS} or the instance type (${ATTR_HOST_TYPE} / --instance)`,
  thresholds: z.object({
    minWallSeconds: z.number().min(0).default(1),
    /** A task whose peak cores in use are at or below this share of what it requested is flagged. */
    taskPeakShare: z.number().gt(0).max(1).default(0.5),
    /** The run is flagged when its peak cores in use are at or below this share of the instance's vCPUs. */
    instancePeakShare: z.number().gt(0).max(1).default(0.5),
    /** Ignore a gap smaller than this many cores. */
    minIdleCores: z.number().min(0).default(1),
  }),
  evaluate(ctx, th) {
    const out: Verdict[] = [];
    const run = ctx.run;
    let requested = 0;
    for (const t of tasksToJudge(ctx, th.minWallSeconds)) {
      if (t.requestedCpus === undefined || t.m.cpuS === undefined) continue;
      requested++;
      const avg = t.wallS > 0 ? t.m.cpuS / t.wallS : 0;
      const prof = buildProfile(t.processes, t.startS, t.endS, 64);
      const peak = Math.max(avg, peakOf(prof, prof.cores));
      const evidence = {
        requested_cpus: t.requestedCpus,
        cpu_cores_avg: round(avg),
        cpu_cores_peak: round(peak),
        wall_s: round(t.wallS),
        threshold_task_peak_share: th.taskPeakShare,
      };
      if (peak <= th.taskPeakShare * t.requestedCpus && t.requestedCpus - peak >= th.minIdleCores) {
        out.push(
          finding(
            "cpu-underused",
            taskSubject(t),
            unlessShort(ctx, "warning"),
            `${t.name} requested ${t.requestedCpus} CPUs but used at most ${peak.toFixed(1)} (${avg.toFixed(1)} on average)`,
            evidence,
            `Request about ${Math.max(1, Math.ceil(peak))} CPUs for ${t.name}, or check that it is told to use the ` +
              "cores it gets (a threads option): idle requested cores block other tasks.",
            t.endS,
          ),
        );
      } else
        out.push(
          clear(
            "cpu-underused",
            taskSubject(t),
            `used up to ${peak.toFixed(1)} of ${t.requestedCpus} CPUs`,
            evidence,
            t.endS,
          ),
        );
    }

    if (ctx.tooShort) {
      out.push(tooShortVerdict(ctx, "cpu-underused"));
      return out;
    }
    const inst = ctx.instance;
    if (!inst) {
      if (requested === 0) {
        out.push(
          insufficient(
            "cpu-underused",
            {},
            `needs the instance type (${ATTR_HOST_TYPE} on the resource or --instance) or tasks with ` +
              `${ATTR_PIPESPAN_TASK_REQUESTED_CPUS}; ${ctx.instanceMissing ?? "neither is known"}`,
            [ATTR_HOST_TYPE, ATTR_PIPESPAN_TASK_REQUESTED_CPUS],
            run.wallS,
          ),
        );
      }
      return out;
    }
    if (run.m.cpuS === undefined) {
      out.push(
        insufficient("cpu-underused", {}, `needs ${ATTR_PIPESPAN_CPU_TIME}`, [ATTR_PIPESPAN_CPU_TIME], run.wallS),
      );
      return out;
    }
    const avg = run.wallS > 0 ? run.m.cpuS / run.wallS : 0;
    // Measured on another host than this type: the cores busy there say little; the threads the tasks ran at once
    // (their demonstrated parallelism) are what they would use here.
    let demonstrated = 0;
    if (ctx.measured.note) {
      for (const t of ctx.judged()) demonstrated = Math.max(demonstrated, ctx.limits(t)?.parallelism.demonstrated ?? 0);
    }
    const peak = Math.max(avg, peakOf(ctx.profile, ctx.profile.cores), demonstrated);
    const evidence = {
      instance_type: inst.type,
      vcpus: inst.vcpu,
      cpu_cores_avg: round(avg),
      cpu_cores_peak: round(peak),
      cpu_share_avg: round(avg / inst.vcpu),
      cpu_share_peak: round(peak / inst.vcpu),
      peak_from:
        demonstrated >= peak && demonstrated > 0
          ? "threads the tasks ran at once (measured on another host)"
          : "cores busy",
      threshold_instance_peak_share: th.instancePeakShare,
    };
    if (peak <= th.instancePeakShare * inst.vcpu && inst.vcpu - peak >= th.minIdleCores) {
      out.push(
        finding(
          "cpu-underused",
          {},
          "warning",
          `the run used at most ${peak.toFixed(1)} of ${inst.type}'s ${inst.vcpu} vCPUs (${pct(peak / inst.vcpu)}; ` +
            `${avg.toFixed(1)} on average)`,
          evidence,
          `An instance type with fewer vCPUs would do (${Math.max(1, Math.ceil(peak))} vCPU(s) cover the peak); see ` +
            "the instance recommendations.",
          run.wallS,
        ),
      );
    } else {
      out.push(clear("cpu-underused", {}, `used up to ${peak.toFixed(1)} of ${inst.vcpu} vCPUs`, evidence, run.wallS));
    }
    return out;
  },
});
