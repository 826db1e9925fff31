// Storage limits found from the device series alone, without knowing any cap: a device whose throughput (or
// request rate) sits flat at a level for much of the run while tasks wait on storage has hit a limit — a
// volume's provisioned throughput or IOPS, the instance's EBS bandwidth, or a throttle.
//
// Rates are judged over windows of about 4 s (a limit lets large requests through in bursts: a throttle that
// holds a 6 MiB readahead until its budget allows shows 0, 0, 6.8 MiB per half second), and only over the
// windows in which tasks waited on storage for at least `minIoShare` of the time (a steady reader that is
// CPU-bound is flat too, but nothing waits on its device). Among those, for each series (read + write bytes,
// read, write, and the same for requests):
//   level   = the lower quartile of the window rates. A device's series is host-wide: work that shares the
//             disk can only add to it, and while tasks wait on a limit the device never runs below it, so the
//             limit is the floor the windows sit on (on a device of its own, every window sits at it);
//   plateau = the windows from 2 × band below the level to 5 × band above it; they must cover `minShare` of
//             the run, and at most a fifth of the waiting windows may fall below (a limit holds its level).
// The longest plateau of a device wins; throughput and request rate usually flatten together, and the average
// request size tells which limit it is (≥ 32 KiB per request: throughput; smaller: IOPS).
import type { ModelOptions } from "../config/config.js";
import { heldWithin, type TaskLimits } from "./limits.js";
import type { DeviceSeries, RunModel, Timeline } from "./types.js";

export interface StoragePlateau {
  device: string;
  kind: "throughput" | "iops";
  /** Which direction flattened. */
  direction: "read+write" | "read" | "write";
  /** Median rate of the plateau buckets, bytes/s and requests/s (the other series over the same buckets). */
  bytesPerS: number;
  opsPerS: number;
  /** Average bytes per request at the plateau (0 when requests were not counted). */
  requestBytes: number;
  /** Seconds at the plateau, and their share of the run. */
  seconds: number;
  share: number;
  firstS: number;
  lastS: number;
  /** Share of the plateau's time in which tasks waited on storage (undefined: no I/O data to tell). */
  ioWaitShare?: number;
  /** Device busy share during the plateau (undefined when not measured). */
  busyShare?: number;
  intervalS: number;
  /** Per device bucket: 1 where tasks waited while the device ran at or above the plateau's floor. */
  at: Uint8Array;
}

const REQUEST_BYTES_FOR_THROUGHPUT = 32 * 1024;

type Opts = Pick<
  ModelOptions,
  "plateauBand" | "plateauMinShare" | "plateauMinBps" | "plateauMinIops" | "plateauMinIoShare"
>;

export function findPlateaus(run: RunModel, limits: readonly TaskLimits[], o: Opts): StoragePlateau[] {
  const out: StoragePlateau[] = [];
  for (const d of run.devices) {
    const p = devicePlateau(d, run, limits, o);
    if (p) out.push(p);
  }
  return out.sort((a, b) => b.seconds - a.seconds);
}

interface Window {
  /** Bucket range [from, to) of the device series. */
  from: number;
  to: number;
  seconds: number;
  /** Share of the window's time tasks waited on storage (undefined: no I/O data). */
  waited?: number;
}

function devicePlateau(
  d: DeviceSeries,
  run: RunModel,
  limits: readonly TaskLimits[],
  o: Opts,
): StoragePlateau | undefined {
  const n = d.buckets;
  const width = (k: number) => Math.max(0, Math.min(d.intervalS, run.wallS - k * d.intervalS));
  const sumOf = (a: Float64Array, b?: Float64Array) => {
    const s = new Float64Array(n);
    for (let k = 0; k < n; k++) s[k] = (a[k] as number) + (b ? (b[k] as number) : 0);
    return s;
  };
  // Windows of about 4 s (at least 6 of them in the run), and the storage wait in each.
  const covered = Math.min(run.wallS, n * d.intervalS);
  const per = Math.max(1, Math.min(Math.round(4 / d.intervalS), Math.floor(covered / d.intervalS / 6)));
  const windows: Window[] = [];
  for (let k = 0; k < n; k += per) {
    const to = Math.min(n, k + per);
    let w = 0;
    for (let j = k; j < to; j++) w += width(j);
    if (w < 0.5 * per * d.intervalS) continue; // a partial last window is too noisy to judge
    const s0 = k * d.intervalS;
    const io = ioWaitWithin(run.timeline, limits, s0, s0 + w);
    windows.push({ from: k, to, seconds: w, ...(io !== undefined ? { waited: Math.min(1, io / w) } : {}) });
  }
  const ioKnown = windows.some((w) => w.waited !== undefined);
  const waiting = windows.filter((w) => !ioKnown || (w.waited ?? 0) >= o.plateauMinIoShare);
  if (waiting.length < 3) return undefined;

  const bytes: [StoragePlateau["direction"], Float64Array][] = [
    ["read+write", sumOf(d.readBytes, d.writeBytes)],
    ["read", d.readBytes],
    ["write", d.writeBytes],
  ];
  const ops: [StoragePlateau["direction"], Float64Array][] = [];
  if (d.readOps && d.writeOps) ops.push(["read+write", sumOf(d.readOps, d.writeOps)]);
  if (d.readOps) ops.push(["read", d.readOps]);
  if (d.writeOps) ops.push(["write", d.writeOps]);

  const rateOf = (s: Float64Array, w: Window) => {
    let v = 0;
    for (let j = w.from; j < w.to; j++) v += s[j] as number;
    return v / w.seconds;
  };
  type Found = {
    kind: "throughput" | "iops";
    dir: StoragePlateau["direction"];
    /** Windows at the level (the plateau), and those at or above its floor (the limit plus others' traffic). */
    near: Window[];
    atOrAbove: Window[];
    seconds: number;
  };
  let best: Found | undefined;
  const consider = (kind: Found["kind"], dir: Found["dir"], s: Float64Array) => {
    const rates = waiting.map((w) => rateOf(s, w));
    const level = quantile(rates, 0.25);
    if (!(level >= (kind === "throughput" ? o.plateauMinBps : o.plateauMinIops))) return;
    const lo = (1 - 2 * o.plateauBand) * level;
    const hi = (1 + 5 * o.plateauBand) * level;
    const near = waiting.filter((_, i) => (rates[i] as number) >= lo && (rates[i] as number) <= hi);
    const atOrAbove = waiting.filter((_, i) => (rates[i] as number) >= lo);
    const below = rates.filter((r) => r < lo).length;
    const seconds = near.reduce((t, w) => t + w.seconds, 0);
    if (below > 0.2 * rates.length || seconds < o.plateauMinShare * run.wallS) return;
    if (!best || seconds > best.seconds * 1.05) best = { kind, dir, near, atOrAbove, seconds };
  };
  for (const [dir, s] of bytes) consider("throughput", dir, s);
  for (const [dir, s] of ops) consider("iops", dir, s);
  if (!best) return undefined;
  const b = best as Found;

  // The plateau's rates in both units, over its windows; its buckets for the projection.
  const pick = (r: Float64Array | undefined, w: Float64Array | undefined) =>
    b.dir === "read" ? r : b.dir === "write" ? w : r && w ? sumOf(r, w) : undefined;
  const byteSeries = pick(d.readBytes, d.writeBytes) as Float64Array;
  const opSeries = pick(d.readOps, d.writeOps);
  // The plateau's rate: all it moved over its windows' time (a limit that lets large requests through in lumps
  // averages out at its rate; the lower quartile only chose the windows).
  const seconds = b.near.reduce((t, w) => t + w.seconds, 0);
  const total = (ser: Float64Array) => b.near.reduce((t, w) => t + rateOf(ser, w) * w.seconds, 0);
  const bytesPerS = seconds > 0 ? total(byteSeries) / seconds : 0;
  const opsPerS = opSeries && seconds > 0 ? total(opSeries) / seconds : 0;
  const requestBytes = opsPerS > 0 ? bytesPerS / opsPerS : 0;
  // Throughput and requests usually flatten together under one limit: large requests meet a throughput limit
  // first, small ones a request-rate limit.
  let kind = b.kind;
  if (opsPerS > 0) kind = requestBytes >= REQUEST_BYTES_FOR_THROUGHPUT ? "throughput" : "iops";

  const at = new Uint8Array(n);
  let busy = 0;
  let busyKnown = false;
  let waited = 0;
  // Tasks waited on the limit wherever the device ran at or above its floor, not only where it sat exactly at
  // the level (other work on the disk adds above it): those buckets are where lifting the limit helps.
  for (const w of b.atOrAbove) for (let j = w.from; j < w.to; j++) at[j] = 1;
  for (const w of b.near) {
    for (let j = w.from; j < w.to; j++) {
      const bs = d.busyS?.[j];
      if (bs !== undefined && bs > 0) {
        busyKnown = true;
        busy += Math.min(width(j), bs);
      }
    }
    waited += (w.waited ?? 0) * w.seconds;
  }
  const first = b.near[0] as Window;
  const last = b.near.at(-1) as Window;
  return {
    device: d.name,
    kind,
    direction: b.dir,
    bytesPerS,
    opsPerS,
    requestBytes,
    seconds: b.seconds,
    share: run.wallS > 0 ? b.seconds / run.wallS : 0,
    firstS: first.from * d.intervalS,
    lastS: last.from * d.intervalS + last.seconds,
    ...(ioKnown && b.seconds > 0 ? { ioWaitShare: waited / b.seconds } : {}),
    ...(busyKnown && b.seconds > 0 ? { busyShare: busy / b.seconds } : {}),
    intervalS: d.intervalS,
    at,
  };
}

/**
 * Thread-seconds tasks waited on storage within [s0, s1]: from the run's timeline when recorded, else from the
 * tasks' limits models (storage-held time); undefined when neither measured I/O wait.
 */
function ioWaitWithin(
  t: Timeline | undefined,
  limits: readonly TaskLimits[],
  s0: number,
  s1: number,
): number | undefined {
  if (t) {
    let v = 0;
    for (let k = 0; k < t.buckets; k++) {
      const a = t.startS + k * t.intervalS;
      const f = Math.max(0, Math.min(a + t.intervalS, s1) - Math.max(a, s0)) / t.intervalS;
      if (f > 0) v += f * (t.ioWait[k] as number);
    }
    return v;
  }
  if (limits.length === 0) return undefined;
  let v = 0;
  for (const l of limits) {
    const h = heldWithin(l, s0, s1);
    v += h.io + h.memory;
  }
  return v;
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

export interface PlateauLimit {
  /** instance: at the instance's EBS baseline; volume: below it (a volume's limit, or a throttle); unknown: no type. */
  where: "instance" | "volume" | "unknown";
  /** The instance's baseline in the plateau's unit (bytes/s or IOPS), when compared. */
  instanceCap?: number;
  instanceType?: string;
  /** One phrase for summaries. */
  why: string;
}

/** Whether a plateau is the instance's EBS limit or a limit below it, given the measured host's instance type. */
export function classifyPlateau(
  p: StoragePlateau,
  type: { type: string; ebsBaselineBps?: number; ebsBaselineIops?: number } | undefined,
): PlateauLimit {
  const level = p.kind === "throughput" ? p.bytesPerS : p.opsPerS;
  const cap = p.kind === "throughput" ? type?.ebsBaselineBps : type?.ebsBaselineIops;
  if (!type || cap === undefined) {
    return {
      where: "unknown",
      why: type
        ? `${type.type} has no published EBS baseline ${p.kind === "throughput" ? "throughput" : "IOPS"} to compare with`
        : "the instance type is not known, so a volume limit cannot be told from the instance's (host.type or --instance)",
    };
  }
  const unit = (v: number) => (p.kind === "throughput" ? `${(v / 1e6).toFixed(0)} MB/s` : `${v.toFixed(0)} IOPS`);
  if (level >= 0.9 * cap) {
    return {
      where: "instance",
      instanceCap: cap,
      instanceType: type.type,
      why: `at ${type.type}'s EBS baseline (${unit(cap)}): the instance's limit`,
    };
  }
  return {
    where: "volume",
    instanceCap: cap,
    instanceType: type.type,
    why: `below ${type.type}'s EBS baseline (${unit(cap)}): a limit of the volume (its provisioned throughput or IOPS) or a throttle, not the instance`,
  };
}
