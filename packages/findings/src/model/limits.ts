// What held each task's progress, bucket by bucket, and how long the task would take if a resource were
// unlimited (the counterfactuals). packages/findings/README.md ("The limits model") explains it with worked
// examples; in short, for every time bucket of width w with thread-seconds C (on a CPU), I (io_schedule),
// B (other D state: locks), R (run queue), S (interruptible sleep) and the task's usable CPU lanes P:
//
//   1. The CPU work needs at least C / P of the bucket (P = the parallelism the task showed, capped by the
//      measured host's CPUs): that part is held by the CPU.
//   2. The rest, w − C/P, is time in which some of the task's lanes sat idle. It is held first by what the
//      threads were blocked on — I/O and locks share it in proportion to their thread-seconds, each at most its
//      own thread-seconds (a state cannot hold more wall time than threads spent in it) — then by the run queue,
//      up to its own. Threads starved by a reader blocked on I/O sleep, but the reader's I/O holds them; a thread
//      woken by a finished read queues for a CPU before its next read: that is why blocked states come first.
//   3. What remains was held by sleeping (S state): network when the bucket moved socket traffic, else waiting
//      (timers, pipes, children, other tasks). Time no measured state explains is "other".
//
// A counterfactual removes (or scales) the held time of one resource: with storage unlimited a bucket takes
// w − held_io, never less than its CPU work C / P. The sum over buckets is the estimate. Without timelines the
// whole task is one bucket of its totals (less accurate, and said so).
import { ATTR_PIPESPAN_TIMELINE_CPU_TIME } from "@pipespan/semconv";
import { storageBytes } from "./measures.js";
import { bucketWidth } from "./timeline.js";
import type { ProcessNode, TaskNode } from "./types.js";

export const CAUSES = ["cpu", "runqueue", "io", "memory", "lock", "network", "wait", "other"] as const;
export type Cause = (typeof CAUSES)[number];
export type Held = Record<Cause, number>;

export interface LimitsOptions {
  /** Logical CPUs of the measured host (caps the task's usable lanes); undefined when unknown. */
  hostCpus?: number;
  /** A bucket counts as network-active when its socket bytes/s reach this… */
  networkActiveBps: number;
  /** …and this share of the task's busiest bucket. */
  networkActiveShareOfPeak: number;
}

export interface Bucket {
  /** Seconds from the run's start. */
  startS: number;
  /** Wall seconds of the bucket. */
  w: number;
  cpu: number;
  io: number;
  blocked: number;
  runqueue: number;
  /** Undefined when sleep was not measured. */
  sleep?: number;
  network: number;
  storage: number;
  /**
   * Usable CPU lanes on the measured host (over which the bucket's CPU work is held), and with unlimited CPUs.
   * A bucket where threads were blocked (storage, locks, busy sockets) spreads its CPU work over all its live
   * threads — the ones asleep beside the blocked were starved; one nobody blocked keeps its active threads.
   */
  lanes: number;
  lanesUnlimited: number;
  /** C / lanes: the bucket's minimum time for its CPU work. */
  cpuNeed: number;
  networkActive: boolean;
  held: Held;
}

export interface TaskLimits {
  task: TaskNode;
  basis: "timeline" | "totals";
  wallS: number;
  buckets: Bucket[];
  /** Wall seconds held by each cause (they add up to wallS). */
  held: Held;
  /** held / wallS. */
  shares: Held;
  parallelism: {
    /** Lanes usable on the measured host (the demonstrated parallelism capped by its CPUs). */
    lanes: number;
    /** The demonstrated parallelism (most threads active at once), uncapped. */
    demonstrated: number;
    hostCpus?: number;
    from: "active_threads_max" | "active threads on average";
  };
  /** The task's estimated wall time with one limit lifted (seconds). */
  counterfactual: {
    storageUnlimited: number;
    cpuUnlimited: number;
    cpu2xFaster: number;
    networkUnlimited: number;
    noRunqueue: number;
    noLockWaits: number;
    memoryUnlimited: number;
  };
  /** Share of storage-held time attributed to page-ins (major faults), and the OOM kills of the task. */
  memory: { faultShare: number; oomKilled: number };
  /** Caveats worth a word in the evidence (totals fallback, unmeasured states, …). */
  notes: string[];
}

const zero = (): Held => ({ cpu: 0, runqueue: 0, io: 0, memory: 0, lock: 0, network: 0, wait: 0, other: 0 });

/** The limits model of a task, or undefined when the task has no off-CPU data (procfs) or no wall time. */
export function taskLimits(task: TaskNode, o: LimitsOptions): TaskLimits | undefined {
  if (task.wallS <= 0) return undefined;
  const raw = task.timeline ? fromTimeline(task) : fromTotals(task);
  if (!raw) return undefined;
  const notes: string[] = [];
  if (raw.basis === "totals") {
    notes.push(
      `no per-interval timeline (${ATTR_PIPESPAN_TIMELINE_CPU_TIME}, …): judged from the task's totals as one ` +
        "interval, so phases that alternate between resources blur together",
    );
  }
  if (raw.uncoveredS > 0.05 * task.wallS) {
    notes.push(`${raw.uncoveredS.toFixed(1)} s of the task's wall time is not covered by its timeline`);
  }

  // Parallelism: the most threads the task had active at once (active_threads_max where measured, else the
  // busiest bucket's active threads on average, rounded up with a little slack), never below the CPUs it was
  // seen to use; capped by the measured host's CPUs for the lanes it can use here.
  let activeMax = 0;
  let avgActive = 0;
  let cpuPeak = 0;
  for (const b of raw.buckets) {
    if (b.w <= 0) continue;
    activeMax = Math.max(activeMax, b.activeMax);
    // A partial last bucket inflates averages: judge parallelism on buckets at least half full.
    if (b.w >= 0.5 * raw.intervalS) {
      avgActive = Math.max(avgActive, (b.cpu + b.io + b.blocked + b.runqueue) / b.w);
      cpuPeak = Math.max(cpuPeak, b.cpu / b.w);
    }
  }
  const from = activeMax > 0 ? "active_threads_max" : "active threads on average";
  const demonstrated = Math.max(1, activeMax > 0 ? activeMax : Math.ceil(avgActive - 0.1), cpuPeak);
  const host = o.hostCpus;
  // Never fewer lanes than CPUs the task was seen to use at once (a host count below that is stale data).
  const lanes = host !== undefined ? Math.max(Math.min(host, demonstrated), cpuPeak) : demonstrated;

  let peakNet = 0;
  for (const b of raw.buckets) if (b.w > 0) peakNet = Math.max(peakNet, b.network / b.w);
  const netThreshold = Math.max(o.networkActiveBps, o.networkActiveShareOfPeak * peakNet);

  const buckets: Bucket[] = [];
  const held = zero();
  for (const r of raw.buckets) {
    if (r.w <= 0) continue;
    // A phase uses no more lanes than it had threads active at once: the bucket's own active_threads_max where
    // measured (a single-threaded phase keeps the others asleep waiting on it: one lane), else its live threads
    // (all states together, when sleep is measured); never fewer than the CPUs it kept busy.
    const live =
      r.activeMax > 0
        ? r.activeMax
        : r.sleep !== undefined
          ? Math.ceil((r.cpu + r.io + r.blocked + r.runqueue + r.sleep) / r.w - 0.1)
          : Infinity;
    const bucketLanes = Math.max(1, r.cpu / r.w, Math.min(lanes, Math.max(1, live)));
    const bucketLanesUnl = Math.max(bucketLanes, Math.min(demonstrated, Math.max(1, live)));
    const allLive =
      r.sleep !== undefined ? Math.ceil((r.cpu + r.io + r.blocked + r.runqueue + r.sleep) / r.w - 0.1) : Infinity;
    const unblocked = Math.max(bucketLanes, Math.min(lanes, Math.max(1, allLive)));
    // Where threads were blocked (storage, locks) or asleep on busy sockets, the threads asleep beside them were
    // starved, not idle by choice: the bucket's CPU work is held as spread over all of them (up to the lanes), and
    // the blocking holds the rest. A phase nobody blocked keeps its own active threads (a serial phase: one lane).
    const networkActive = r.network > 0 && r.network / r.w >= netThreshold;
    const starved = r.io + r.blocked >= 0.05 * r.w || networkActive;
    const heldLanes = starved ? unblocked : bucketLanes;
    const b: Bucket = {
      startS: r.startS,
      w: r.w,
      cpu: r.cpu,
      io: r.io,
      blocked: r.blocked,
      runqueue: r.runqueue,
      ...(r.sleep !== undefined ? { sleep: r.sleep } : {}),
      network: r.network,
      storage: r.storage,
      lanes: heldLanes,
      lanesUnlimited: Math.max(bucketLanesUnl, heldLanes),
      cpuNeed: Math.min(r.w, r.cpu / heldLanes),
      networkActive,
      held: holdBucket(r, heldLanes, networkActive),
    };
    buckets.push(b);
    for (const c of CAUSES) held[c] += b.held[c];
  }
  if (raw.uncoveredS > 0) held.other += raw.uncoveredS;

  // Page-ins: storage-held time that went to reading back evicted pages (major faults × one page, a lower bound
  // of what they read), and OOM kills.
  const reads = readBytesOf(task);
  const faults = task.m.majorFaults ?? 0;
  const faultShare = reads > 0 && faults > 0 ? Math.min(1, (faults * 4096) / reads) : 0;
  if (faultShare > 0) {
    for (const b of buckets) {
      const m = b.held.io * faultShare;
      b.held.io -= m;
      b.held.memory += m;
    }
    const m = held.io * faultShare;
    held.io -= m;
    held.memory += m;
  }
  const oomKilled = task.processes.filter((p) => p.oomKilled).length;

  const wall = task.wallS;
  const shares = zero();
  for (const c of CAUSES) shares[c] = held[c] / wall;
  const outside = raw.uncoveredS;
  const sum = (f: (b: Bucket) => number) => buckets.reduce((s, b) => s + f(b), 0) + outside;
  const floors = processFloors(task.processes);
  const counterfactual = {
    storageUnlimited: Math.max(
      sum((b) => b.w - b.held.io - b.held.memory),
      floors.storage,
    ),
    cpuUnlimited: Math.max(
      sum((b) => b.w - b.cpuNeed + b.cpu / b.lanesUnlimited - b.held.runqueue),
      floors.cpu,
    ),
    cpu2xFaster: sum((b) => b.w - b.cpuNeed / 2),
    networkUnlimited: Math.max(
      sum((b) => b.w - b.held.network),
      floors.network,
    ),
    noRunqueue: sum((b) => b.w - b.held.runqueue),
    noLockWaits: sum((b) => b.w - b.held.lock),
    memoryUnlimited: sum((b) => b.w - b.held.memory),
  };
  return {
    task,
    basis: raw.basis,
    wallS: wall,
    buckets,
    held,
    shares,
    parallelism: { lanes, demonstrated, ...(host !== undefined ? { hostCpus: host } : {}), from },
    counterfactual,
    memory: { faultShare, oomKilled },
    notes,
  };
}

/** A bucket as measured, before the model derives its lanes and held time. */
interface RawBucket
  extends Pick<Bucket, "startS" | "w" | "cpu" | "io" | "blocked" | "runqueue" | "sleep" | "network" | "storage"> {
  activeMax: number;
}

interface Raw {
  basis: "timeline" | "totals";
  intervalS: number;
  buckets: RawBucket[];
  /** Wall time of the task after the timeline's last bucket (unmeasured). */
  uncoveredS: number;
}

function fromTimeline(task: TaskNode): Raw | undefined {
  const t = task.timeline;
  if (!t) return undefined;
  const buckets: RawBucket[] = [];
  const at = (s: Float64Array | undefined, k: number) => (s ? (s[k] as number) : 0);
  for (let k = 0; k < t.buckets; k++) {
    const w = bucketWidth(t, k, task.wallS);
    if (w <= 0) break;
    buckets.push({
      startS: t.startS + k * t.intervalS,
      w,
      cpu: t.cpu[k] as number,
      io: t.ioWait[k] as number,
      blocked: at(t.blocked, k),
      runqueue: at(t.runqueue, k),
      ...(t.sleep ? { sleep: t.sleep[k] as number } : {}),
      network: at(t.network, k),
      storage: at(t.storage, k),
      activeMax: at(t.activeMax, k),
    });
  }
  const covered = Math.min(task.wallS, t.buckets * t.intervalS);
  return { basis: "timeline", intervalS: t.intervalS, buckets, uncoveredS: Math.max(0, task.wallS - covered) };
}

function fromTotals(task: TaskNode): Raw | undefined {
  const m = task.m;
  if (m.ioWaitS === undefined) return undefined;
  const storage = storageBytes(m)?.bytes ?? 0;
  return {
    basis: "totals",
    intervalS: task.wallS,
    buckets: [
      {
        startS: task.startS,
        w: task.wallS,
        cpu: m.cpuS ?? 0,
        io: m.ioWaitS,
        blocked: m.blockedS ?? 0,
        runqueue: m.runqueueS ?? 0,
        ...(m.sleepS !== undefined ? { sleep: m.sleepS } : {}),
        network: (m.netTxBytes ?? 0) + (m.netRxBytes ?? 0),
        storage,
        activeMax: 0,
      },
    ],
    uncoveredS: 0,
  };
}

/** Splits one bucket's wall time into what held it (see the header). */
export function holdBucket(b: RawBucket | Bucket, lanes: number, networkActive: boolean): Held {
  const h = zero();
  const w = b.w;
  h.cpu = Math.min(w, b.cpu / lanes);
  let rest = w - h.cpu;
  const [io, lock] = shareTwo(rest, b.io, b.blocked, Math.min(w, b.io), Math.min(w, b.blocked));
  h.io = io;
  h.lock = lock;
  rest -= h.io + h.lock;
  h.runqueue = Math.min(rest, Math.min(w, b.runqueue));
  rest -= h.runqueue;
  const asleep = b.sleep === undefined ? 0 : Math.min(rest, Math.min(w, b.sleep));
  if (networkActive) h.network = asleep;
  else h.wait = asleep;
  h.other = Math.max(0, rest - asleep);
  return h;
}

/** waterFill for two parts, without allocating (it runs once per bucket). */
function shareTwo(total: number, wa: number, wb: number, ca: number, cb: number): [number, number] {
  if (total <= 0 || wa + wb <= 0) return [0, 0];
  let a = wa > 0 && ca > 0 ? (total * wa) / (wa + wb) : 0;
  let b = wb > 0 && cb > 0 ? total - a : 0;
  if (a > ca) {
    a = ca;
    b = Math.min(cb, total - a);
  } else if (b > cb) {
    b = cb;
    a = Math.min(ca, total - b);
  }
  return [Math.max(0, a), Math.max(0, b)];
}

/** Distributes `total` in proportion to `weights`, no part above its cap (the excess goes to the others). */
export function waterFill(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const out = weights.map(() => 0);
  let left = Math.max(0, total);
  const open = new Set<number>();
  weights.forEach((wt, i) => {
    if (wt > 0 && (caps[i] as number) > 0) open.add(i);
  });
  while (left > 1e-12 && open.size > 0) {
    let sum = 0;
    for (const i of open) sum += weights[i] as number;
    let capped = false;
    for (const i of open) {
      const share = (left * (weights[i] as number)) / sum;
      if (share >= (caps[i] as number) - (out[i] as number)) {
        // This one fills up: give it its cap and share the rest again.
        left -= (caps[i] as number) - (out[i] as number);
        out[i] = caps[i] as number;
        open.delete(i);
        capped = true;
        break;
      }
    }
    if (!capped) {
      for (const i of open) out[i] = (out[i] as number) + (left * (weights[i] as number)) / sum;
      left = 0;
    }
  }
  return out;
}

/**
 * Lower bounds from the processes: with a resource unlimited, a process still needs at least its wall time minus
 * the time its threads spent waiting on that resource or asleep (its longest thread cannot lose more). This
 * keeps two independent processes apart — one reading, one computing — where the task's pooled thread-seconds
 * alone would let the reader's lanes take the computer's work.
 */
function processFloors(processes: readonly ProcessNode[]): { storage: number; cpu: number; network: number } {
  const f = { storage: 0, cpu: 0, network: 0 };
  for (const p of processes) {
    const m = p.m;
    if (m.ioWaitS === undefined || m.sleepS === undefined || m.cpuS === undefined) continue;
    const base = p.wallS - m.sleepS;
    f.storage = Math.max(f.storage, base - m.ioWaitS);
    f.cpu = Math.max(f.cpu, base - m.cpuS - (m.runqueueS ?? 0));
    f.network = Math.max(f.network, base);
  }
  return f;
}

function readBytesOf(task: TaskNode): number {
  const m = task.m;
  return Math.max(m.blockReadBytes ?? 0, m.diskReadBytes ?? 0);
}

/** Seconds a task was not merely asleep within [fromS, toS]: everything held but sleep and unmeasured time. */
export function activeWithin(l: TaskLimits, fromS: number, toS: number): number {
  let v = 0;
  for (const b of l.buckets) {
    const end = b.startS + b.w;
    if (end <= fromS || b.startS >= toS) continue;
    const f = overlapFraction(b.startS, end, fromS, toS);
    const h = b.held;
    v += f * (b.w - h.wait - h.other);
  }
  return v;
}

/** Held seconds of a task within [fromS, toS] (buckets cut proportionally). */
export function heldWithin(l: TaskLimits, fromS: number, toS: number): Held {
  const h = zero();
  for (const b of l.buckets) {
    const f = overlapFraction(b.startS, b.startS + b.w, fromS, toS);
    if (f <= 0) continue;
    for (const c of CAUSES) h[c] += b.held[c] * f;
  }
  return h;
}

export function overlapFraction(a0: number, a1: number, b0: number, b1: number): number {
  const len = a1 - a0;
  if (len <= 0) return a0 >= b0 && a0 <= b1 ? 1 : 0;
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0)) / len;
}

export function emptyHeld(): Held {
  return zero();
}

/** What differs in a projection: the CPUs the task gets and how much faster each resource would be. */
export interface Scenario {
  /** CPUs available to the task (a candidate's vCPUs); undefined: the measured host's. */
  cpus?: number;
  /** Per-vCPU speed relative to the measured host (2 = twice as fast). */
  cpuSpeed: number;
  /** CPU time stretch from other tasks competing for fewer CPUs (1 = as measured). */
  contention: number;
  /** Run-queue-held time × this. */
  runqueueScale: number;
  /** Storage-held (and page-in) time × this, per bucket. */
  ioScale: (b: Bucket) => number;
  /** Network-held time × this. */
  networkScale: number;
}

export const IDENTITY: Scenario = {
  cpuSpeed: 1,
  contention: 1,
  runqueueScale: 1,
  ioScale: () => 1,
  networkScale: 1,
};

export interface TaskProjection {
  seconds: number;
  /** Projected seconds by what holds them: CPU (with run queue), storage, network, and waiting (no resource). */
  by: { cpu: number; storage: number; network: number; waiting: number };
}

/** The task's (or the window [fromS, toS] of it) wall time under a scenario. */
export function projectTask(l: TaskLimits, s: Scenario, fromS = -Infinity, toS = Infinity): TaskProjection {
  const by = { cpu: 0, storage: 0, network: 0, waiting: 0 };
  for (const b of l.buckets) {
    const f = overlapFraction(b.startS, b.startS + b.w, fromS, toS);
    if (f <= 0) continue;
    const h = b.held;
    const io = s.ioScale(b);
    const lanes = s.cpus === undefined ? b.lanes : Math.max(1, Math.min(b.lanesUnlimited, s.cpus));
    by.cpu += f * ((h.cpu * (b.lanes / lanes) * s.contention) / s.cpuSpeed + h.runqueue * s.runqueueScale);
    by.storage += f * (h.io + h.memory) * io;
    by.network += f * h.network * s.networkScale;
    by.waiting += f * (h.lock + h.wait + h.other);
  }
  const end = l.buckets.length > 0 ? (l.buckets.at(-1) as Bucket).startS + (l.buckets.at(-1) as Bucket).w : 0;
  const uncovered = Math.max(0, Math.min(toS, l.task.endS) - Math.max(fromS, end));
  by.waiting += uncovered;
  return { seconds: by.cpu + by.storage + by.network + by.waiting, by };
}
