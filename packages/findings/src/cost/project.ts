// Projects the run's wall time onto another instance type.
//
// The run's wall time is the sum of its critical-path segments. Each task segment is split (see model/split.ts)
// into CPU, I/O wait (D state), run-queue delay and other; each part is then scaled by what differs on the
// candidate:
//   CPU        × (per-vCPU speed of current / candidate, 1 unless configured)
//              × max(1, cores the whole instance had busy during the segment / candidate vCPUs)
//   run queue  × current vCPUs / candidate vCPUs
//   I/O wait   × current EBS baseline / candidate EBS baseline    when the instance was at its EBS cap (≥ 80%);
//              × max(1, peak storage rate / candidate baseline)   otherwise (unchanged unless the candidate's cap
//                                                                  is below what the run needed)
//   other      unchanged (sleeping, pipes, network waits: no instance type changes them)
// and the segment can never be shorter than moving the instance's storage and network bytes of that time at the
// candidate's baselines (network per direction). Time outside tasks is unchanged.
//
// The model predicts ratios: the estimate for a candidate is the observed wall time × projection(candidate) /
// projection(current), so the model's own error on the current type cancels out.
import type { InstanceType } from "../catalog/catalog.js";
import type { CriticalPath } from "../model/critical-path.js";
import { integralOf, maxSeries, type Profile, peakOf } from "../model/profile.js";
import type { TimeSplit } from "../model/split.js";
import type { TaskNode } from "../model/types.js";

export type BindingLimit = "cpu" | "ebs" | "network" | "none";

/** What the projection needs to know about one critical-path segment, computed once for all candidates. */
export interface SegmentFacts {
  seconds: number;
  cpuS: number;
  runqueueS: number;
  ioWaitS: number;
  otherS: number;
  /** Peak cores busy on the whole instance during the segment. */
  demandCores: number;
  /** Peak storage bytes/s and bytes moved during the segment (whole instance). */
  storagePeakBps: number;
  storageBytes: number;
  /** Peak network bytes/s and bytes moved, in the busier direction. */
  netPeakBps: number;
  netBytes: number;
}

export interface Projection {
  seconds: number;
  /** Projected seconds by what bounds them. */
  bySeconds: { cpu: number; ebs: number; network: number; other: number };
  bindingLimit: BindingLimit;
}

export function segmentFacts(
  path: CriticalPath,
  profile: Profile,
  split: (t: TaskNode) => TimeSplit | undefined,
): SegmentFacts[] {
  const netBusier = maxSeries(profile.netTxBps, profile.netRxBps);
  return path.segments.map((seg) => {
    const s = seg.task ? split(seg.task) : undefined;
    const f = s && seg.task && seg.task.wallS > 0 ? seg.seconds / seg.task.wallS : 0;
    const cpuS = s ? s.wall.cpuS * f : 0;
    const runqueueS = s ? s.wall.runqueueS * f : 0;
    const ioWaitS = s ? s.wall.ioWaitS * f : 0;
    return {
      seconds: seg.seconds,
      cpuS,
      runqueueS,
      ioWaitS,
      otherS: Math.max(0, seg.seconds - cpuS - runqueueS - ioWaitS),
      demandCores: peakOf(profile, profile.cores, seg.startS, seg.endS),
      storagePeakBps: peakOf(profile, profile.storageBps, seg.startS, seg.endS),
      storageBytes: integralOf(profile, profile.storageBps, seg.startS, seg.endS),
      netPeakBps: peakOf(profile, netBusier, seg.startS, seg.endS),
      netBytes: integralOf(profile, netBusier, seg.startS, seg.endS),
    };
  });
}

export interface ProjectionOptions {
  atCapFraction: number;
  /** Relative per-vCPU speed of a type (1 when unknown). */
  speed: (t: InstanceType) => number;
}

export function project(
  facts: readonly SegmentFacts[],
  current: InstanceType,
  candidate: InstanceType,
  o: ProjectionOptions,
): Projection {
  const by = { cpu: 0, ebs: 0, network: 0, other: 0 };
  const speedRatio = o.speed(current) / o.speed(candidate);
  let total = 0;
  for (const f of facts) {
    const cpu = f.cpuS * speedRatio * Math.max(1, f.demandCores / candidate.vcpu);
    const rq = f.runqueueS * (current.vcpu / candidate.vcpu);
    let io = f.ioWaitS;
    let ioBinds = false;
    const capNow = current.ebsBaselineBps;
    const capNew = candidate.ebsBaselineBps;
    if (io > 0 && capNew !== undefined) {
      if (capNow !== undefined && f.storagePeakBps >= o.atCapFraction * capNow) {
        io *= capNow / capNew;
        ioBinds = true;
      } else if (f.storagePeakBps > capNew) {
        io *= f.storagePeakBps / capNew;
        ioBinds = true;
      }
    }
    const parts = cpu + rq + io + f.otherS;
    const ebsFloor = capNew !== undefined ? f.storageBytes / capNew : 0;
    const netFloor = candidate.networkBaselineBps !== undefined ? f.netBytes / candidate.networkBaselineBps : 0;
    const seconds = Math.max(parts, ebsFloor, netFloor);
    if (seconds > parts && ebsFloor >= netFloor) by.ebs += seconds;
    else if (seconds > parts) by.network += seconds;
    else {
      by.cpu += cpu + rq;
      if (ioBinds) by.ebs += io;
      else by.other += io;
      by.other += f.otherS;
    }
    total += seconds;
  }
  const limits: [BindingLimit, number][] = [
    ["cpu", by.cpu],
    ["ebs", by.ebs],
    ["network", by.network],
  ];
  limits.sort((a, b) => b[1] - a[1]);
  const top = limits[0] as [BindingLimit, number];
  return { seconds: total, bySeconds: by, bindingLimit: top[1] > 0 && top[1] >= by.other ? top[0] : "none" };
}
