// Projects the run's wall time onto another instance type (or another storage setup) with the same limits
// model the findings use (model/limits.ts), so a recommendation and a verdict never disagree.
//
// The run's wall time is the sum of its critical-path segments. Each segment is a stage: the path task plus the
// tasks that ran alongside it (pipe ends, parallel jobs); one of them set the pace (the engine's pace()). A task's
// time in the segment is re-added bucket by bucket from what held it (model/limits.ts: projectTask), each part
// scaled by what differs on the candidate, starting from the measured host:
//   CPU        the CPU work re-spread over the lanes the task can use there: min(its demonstrated parallelism,
//              the candidate's vCPUs less what other tasks of the segment kept busy), × per-vCPU speed ratio
//   run queue  × measured CPUs / candidate vCPUs (contention measured on a smaller host shrinks on a bigger one)
//   storage    at a limit of the instance (a plateau at the EBS baseline, or ≥ 80% of it): × old cap / new cap;
//              at a limit below the instance (a volume, a throttle): unchanged unless the candidate's cap is lower;
//              else × max(1, peak rate / candidate cap)
//   network    × current baseline / candidate baseline at the cap, else × max(1, peak / candidate baseline)
//   waiting    unchanged (sleep, pipes, children, locks: no instance type changes them)
// The segment takes the pace setter's projected time, or a companion's busy time (its projection without its
// waiting, which was waiting on the stage) when that is longer; never less than moving the segment's storage and
// network bytes at the candidate's baselines. Time outside tasks is unchanged.
//
// The model predicts ratios: an estimate is the observed wall time × projection(candidate) / projection(measured
// host), so the model's own error on the measured host cancels out.
import type { InstanceType } from "../catalog/catalog.js";
import type { CriticalPath, PathSegment } from "../model/critical-path.js";
import { overlapFraction, type TaskLimits } from "../model/limits.js";
import { classifyPlateau, type StoragePlateau } from "../model/plateau.js";
import { integralOf, maxSeries, type Profile, peakOf } from "../model/profile.js";
import type { TaskNode } from "../model/types.js";

/** ebs: the instance's EBS bandwidth; storage: a storage limit below it (a volume, a throttle) or its latency. */
export type BindingLimit = "cpu" | "ebs" | "storage" | "network" | "none";

export interface SegmentFacts {
  seconds: number;
  startS: number;
  endS: number;
  /** The pace setter first, then the tasks alongside; limits undefined without off-CPU data. */
  members: { task: TaskNode; limits?: TaskLimits }[];
  /** Peak cores busy on the whole host during the segment, and those of the pace setter on average. */
  demandCores: number;
  ownCores: number;
  storagePeakBps: number;
  storageBytes: number;
  netPeakBps: number;
  netBytes: number;
}

export interface Projection {
  seconds: number;
  /** Projected seconds by what bounds them. */
  bySeconds: { cpu: number; ebs: number; storage: number; network: number; other: number };
  bindingLimit: BindingLimit;
}

/** The host the spans were measured on, as the projection sees it. */
export interface HostSpec {
  vcpu?: number;
  ebsBaselineBps?: number;
  ebsBaselineIops?: number;
  networkBaselineBps?: number;
  /** Relative per-vCPU speed (1 unless configured). */
  speed: number;
}

/** What a candidate offers; an InstanceType, or the measured host with a different storage setup. */
export interface TargetSpec extends HostSpec {
  /** Storage at the plateau lifted to this level (bytes/s or IOPS in the plateau's unit), or "unlimited". */
  storageLevel?: number | "unlimited";
  /** The storage at the plateau moves off EBS (instance store): no EBS cap applies to it. */
  localStorage?: boolean;
  /** The measured host itself with only its storage changed: everything but storage stays as measured. */
  sameHost?: boolean;
}

export interface ProjectionContext {
  facts: readonly SegmentFacts[];
  /** Per task and segment: its buckets summed by lanes and plateau class (filled on first use). */
  aggregates?: Map<TaskLimits, Map<number, Aggregate[]>>;
  measured: HostSpec;
  /** The longest confirmed storage plateau, when the device series showed one. */
  plateau?: StoragePlateau;
  /** Whether the plateau is the measured instance's EBS limit or one below it. */
  plateauAtInstance: boolean;
  atCapFraction: number;
}

export function segmentFacts(
  path: CriticalPath,
  profile: Profile,
  limits: (t: TaskNode) => TaskLimits | undefined,
  pace: (s: PathSegment) => TaskNode | undefined,
): SegmentFacts[] {
  const netBusier = maxSeries(profile.netTxBps, profile.netRxBps);
  return path.segments.map((seg) => {
    const p = pace(seg);
    const members: SegmentFacts["members"] = [];
    if (p) {
      members.push({ task: p, ...optLimits(limits(p)) });
      for (const t of [seg.task as TaskNode, ...seg.alongside]) {
        if (t !== p) members.push({ task: t, ...optLimits(limits(t)) });
      }
    }
    const own = p && p.wallS > 0 && p.m.cpuS !== undefined ? p.m.cpuS / p.wallS : 0;
    return {
      seconds: seg.seconds,
      startS: seg.startS,
      endS: seg.endS,
      members,
      demandCores: peakOf(profile, profile.cores, seg.startS, seg.endS),
      ownCores: own,
      storagePeakBps: peakOf(profile, profile.storageBps, seg.startS, seg.endS),
      storageBytes: integralOf(profile, profile.storageBps, seg.startS, seg.endS),
      netPeakBps: peakOf(profile, netBusier, seg.startS, seg.endS),
      netBytes: integralOf(profile, netBusier, seg.startS, seg.endS),
    };
  });
}

function optLimits(l: TaskLimits | undefined): { limits?: TaskLimits } {
  return l ? { limits: l } : {};
}

/** A catalog type as a projection target. */
export function targetOf(t: InstanceType, speed: number): TargetSpec {
  return {
    vcpu: t.vcpu,
    ...(t.ebsBaselineBps !== undefined ? { ebsBaselineBps: t.ebsBaselineBps } : {}),
    ...(t.ebsBaselineIops !== undefined ? { ebsBaselineIops: t.ebsBaselineIops } : {}),
    ...(t.networkBaselineBps !== undefined ? { networkBaselineBps: t.networkBaselineBps } : {}),
    speed,
  };
}

/** The run's wall time on `target` (undefined target: the measured host itself, the identity). */
export function project(pc: ProjectionContext, target?: TargetSpec): Projection {
  const by = { cpu: 0, ebs: 0, storage: 0, network: 0, other: 0 };
  let total = 0;
  for (let i = 0; i < pc.facts.length; i++) {
    const f = pc.facts[i] as SegmentFacts;
    const pace = f.members[0];
    if (!pace?.limits) {
      by.other += f.seconds;
      total += f.seconds;
      continue;
    }
    const sc: ClassScenario = !target
      ? IDENTITY_CLASSES
      : target.sameHost
        ? { ...IDENTITY_CLASSES, io: ioScales(pc, f, target), ebs: [false, false] }
        : classScenario(pc, f, target);
    const now = sumAggregates(aggregatesOf(pc, pace.limits, f, i), IDENTITY_CLASSES);
    const then = sumAggregates(aggregatesOf(pc, pace.limits, f, i), sc);
    const k = now.seconds > 0 ? f.seconds / now.seconds : 1;
    let seg = then.seconds * k;
    let parts = {
      cpu: then.cpu * k,
      ebs: then.ebs * k,
      storage: then.storage * k,
      network: then.network * k,
      other: then.waiting * k,
    };
    for (const m of f.members.slice(1)) {
      if (!m.limits) continue;
      const c = sumAggregates(aggregatesOf(pc, m.limits, f, i), sc);
      const busy = c.seconds - c.waiting;
      if (busy > seg) {
        seg = busy;
        parts = { cpu: c.cpu, ebs: c.ebs, storage: c.storage, network: c.network, other: 0 };
      }
    }
    if (target && !target.sameHost) {
      const ebsFloor =
        target.ebsBaselineBps !== undefined && !target.localStorage ? f.storageBytes / target.ebsBaselineBps : 0;
      const netFloor = target.networkBaselineBps !== undefined ? f.netBytes / target.networkBaselineBps : 0;
      if (ebsFloor > seg && ebsFloor >= netFloor) {
        seg = ebsFloor;
        parts = { cpu: 0, ebs: ebsFloor, storage: 0, network: 0, other: 0 };
      } else if (netFloor > seg) {
        seg = netFloor;
        parts = { cpu: 0, ebs: 0, storage: 0, network: netFloor, other: 0 };
      }
    }
    by.cpu += parts.cpu;
    by.ebs += parts.ebs;
    by.storage += parts.storage;
    by.network += parts.network;
    by.other += parts.other;
    total += seg;
  }
  return { seconds: total, bySeconds: by, bindingLimit: bindingOf(by) };
}

/**
 * A task's held time within a segment, summed over the buckets that share lanes and plateau class: a candidate
 * changes only per-class scales, so projecting 200 candidates costs a few groups each, not every bucket.
 */
export interface Aggregate {
  lanes: number;
  lanesUnlimited: number;
  /** 1 when the bucket falls in the storage plateau, else 0. */
  cls: 0 | 1;
  cpu: number;
  runqueue: number;
  storage: number;
  network: number;
  waiting: number;
}

/** A scenario in per-class form (class 0: off the plateau, 1: at it). */
interface ClassScenario {
  cpus?: number;
  cpuSpeed: number;
  runqueueScale: number;
  io: readonly [number, number];
  /** Whether storage time of the class counts against an instance's EBS cap (binding limit "ebs"). */
  ebs: readonly [boolean, boolean];
  networkScale: number;
}

const IDENTITY_CLASSES: ClassScenario = {
  cpuSpeed: 1,
  runqueueScale: 1,
  io: [1, 1],
  ebs: [false, false],
  networkScale: 1,
};

function aggregatesOf(pc: ProjectionContext, l: TaskLimits, f: SegmentFacts, segment: number): Aggregate[] {
  pc.aggregates ??= new Map();
  let perTask = pc.aggregates.get(l);
  if (!perTask) {
    perTask = new Map();
    pc.aggregates.set(l, perTask);
  }
  const known = perTask.get(segment);
  if (known) return known;
  const out: Aggregate[] = [];
  for (const b of l.buckets) {
    const end = b.startS + b.w;
    if (end <= f.startS || b.startS >= f.endS) continue;
    const w = overlapFraction(b.startS, end, f.startS, f.endS);
    if (w <= 0) continue;
    const cls: 0 | 1 = pc.plateau && atPlateau(pc.plateau, b) ? 1 : 0;
    // A handful of groups per task: a linear search beats building string keys per bucket.
    let g = out.find((x) => x.cls === cls && x.lanes === b.lanes && x.lanesUnlimited === b.lanesUnlimited);
    if (!g) {
      g = {
        lanes: b.lanes,
        lanesUnlimited: b.lanesUnlimited,
        cls,
        cpu: 0,
        runqueue: 0,
        storage: 0,
        network: 0,
        waiting: 0,
      };
      out.push(g);
    }
    const h = b.held;
    g.cpu += w * h.cpu;
    g.runqueue += w * h.runqueue;
    g.storage += w * (h.io + h.memory);
    g.network += w * h.network;
    g.waiting += w * (h.lock + h.wait + h.other);
  }
  // Task time after its timeline's last bucket is unmeasured: it stays as it is.
  const last = l.buckets.at(-1);
  const end = last ? last.startS + last.w : l.task.startS;
  const uncovered = Math.max(0, Math.min(f.endS, l.task.endS) - Math.max(f.startS, end));
  if (uncovered > 0) {
    out.push({
      lanes: 1,
      lanesUnlimited: 1,
      cls: 0,
      cpu: 0,
      runqueue: 0,
      storage: 0,
      network: 0,
      waiting: uncovered,
    });
  }
  perTask.set(segment, out);
  return out;
}

function sumAggregates(
  groups: readonly Aggregate[],
  s: ClassScenario,
): { seconds: number; cpu: number; ebs: number; storage: number; network: number; waiting: number } {
  let cpu = 0;
  let ebs = 0;
  let storage = 0;
  let network = 0;
  let waiting = 0;
  for (const g of groups) {
    const lanes = s.cpus === undefined ? g.lanes : Math.max(1, Math.min(g.lanesUnlimited, s.cpus));
    cpu += (g.cpu * (g.lanes / lanes)) / s.cpuSpeed + g.runqueue * s.runqueueScale;
    const io = g.storage * (s.io[g.cls] as number);
    if (s.ebs[g.cls]) ebs += io;
    else storage += io;
    network += g.network * s.networkScale;
    waiting += g.waiting;
  }
  return { seconds: cpu + ebs + storage + network + waiting, cpu, ebs, storage, network, waiting };
}

function bindingOf(by: Projection["bySeconds"]): BindingLimit {
  const limits: [BindingLimit, number][] = [
    ["cpu", by.cpu],
    ["ebs", by.ebs],
    ["storage", by.storage],
    ["network", by.network],
  ];
  limits.sort((a, b) => b[1] - a[1]);
  const top = limits[0] as [BindingLimit, number];
  return top[1] > 0 && top[1] >= by.other ? top[0] : "none";
}

/** The scenario a target means for one segment (see the header). */
function classScenario(pc: ProjectionContext, f: SegmentFacts, t: TargetSpec): ClassScenario {
  const m = pc.measured;
  const otherCores = Math.max(0, f.demandCores - f.ownCores);
  const cpus = t.vcpu !== undefined ? Math.max(1, t.vcpu - otherCores) : undefined;
  const rqScale = m.vcpu !== undefined && t.vcpu !== undefined ? m.vcpu / t.vcpu : 1;
  // Network: at the cap now → scales with the baselines; else only a candidate below the peak slows it.
  let netScale = 1;
  if (t.networkBaselineBps !== undefined) {
    if (m.networkBaselineBps !== undefined && f.netPeakBps >= pc.atCapFraction * m.networkBaselineBps) {
      netScale = m.networkBaselineBps / t.networkBaselineBps;
    } else if (f.netPeakBps > t.networkBaselineBps) netScale = f.netPeakBps / t.networkBaselineBps;
  }
  return {
    ...(cpus !== undefined ? { cpus } : {}),
    cpuSpeed: t.speed / m.speed,
    runqueueScale: rqScale,
    io: ioScales(pc, f, t),
    ebs: instanceCapClasses(pc, f, t),
    networkScale: netScale,
  };
}

/** Storage-held time × this on the target: [off the plateau, at it]. */
function ioScales(pc: ProjectionContext, f: SegmentFacts, t: TargetSpec): [number, number] {
  const p = pc.plateau;
  const m = pc.measured;
  if (p) {
    const level = p.kind === "throughput" ? p.bytesPerS : p.opsPerS;
    const instanceCap = p.kind === "throughput" ? t.ebsBaselineBps : t.ebsBaselineIops;
    // The new effective cap at the plateau: the lifted level (storage options), else the old level when the
    // limit is below the instance (a volume keeps it on any type), else the target's own cap.
    let newCap: number | undefined;
    if (t.storageLevel === "unlimited") newCap = Infinity;
    else if (t.storageLevel !== undefined) newCap = t.storageLevel;
    else if (!pc.plateauAtInstance) newCap = level;
    else newCap = instanceCap;
    if (newCap !== undefined && instanceCap !== undefined && !t.localStorage) newCap = Math.min(newCap, instanceCap);
    const scale = newCap === undefined ? 1 : newCap === Infinity ? 0 : level / newCap;
    // Outside the plateau the I/O was not at a limit: only a target cap below what it moved then slows it.
    const other =
      t.ebsBaselineBps !== undefined && f.storagePeakBps > t.ebsBaselineBps ? f.storagePeakBps / t.ebsBaselineBps : 1;
    return [other, scale];
  }
  if (t.storageLevel === "unlimited") return [0, 0];
  const capNew = t.ebsBaselineBps;
  if (capNew === undefined) return [1, 1];
  const capNow = m.ebsBaselineBps;
  if (capNow !== undefined && f.storagePeakBps >= pc.atCapFraction * capNow) return [capNow / capNew, capNow / capNew];
  const s = f.storagePeakBps > capNew ? f.storagePeakBps / capNew : 1;
  return [s, s];
}

/**
 * Whether storage time counts against an instance's EBS cap on the target (for the binding limit), [off the
 * plateau, at it]: at the measured instance's cap now, or slowed by a target cap below what the I/O moved.
 */
function instanceCapClasses(pc: ProjectionContext, f: SegmentFacts, t: TargetSpec): [boolean, boolean] {
  if (t.localStorage || t.sameHost) return [false, false];
  const slowed = t.ebsBaselineBps !== undefined && f.storagePeakBps > t.ebsBaselineBps;
  const p = pc.plateau;
  if (p) {
    const level = p.kind === "throughput" ? p.bytesPerS : p.opsPerS;
    const cap = p.kind === "throughput" ? t.ebsBaselineBps : t.ebsBaselineIops;
    return [slowed, pc.plateauAtInstance || (cap !== undefined && cap < level)];
  }
  const capNow = pc.measured.ebsBaselineBps;
  const at = (capNow !== undefined && f.storagePeakBps >= pc.atCapFraction * capNow) || slowed;
  return [at, at];
}

/** True when the bucket's middle falls in a plateau bucket of the device series. */
export function atPlateau(p: StoragePlateau, b: { startS: number; w: number }): boolean {
  const k = Math.floor((b.startS + b.w / 2) / p.intervalS);
  return k >= 0 && k < p.at.length && p.at[k] === 1;
}

/** Whether a plateau is at the measured instance's EBS cap (true) or below it / unknown (false). */
export function plateauAtInstance(
  p: StoragePlateau | undefined,
  measuredType: { type: string; ebsBaselineBps?: number; ebsBaselineIops?: number } | undefined,
): boolean {
  return p !== undefined && classifyPlateau(p, measuredType).where === "instance";
}
