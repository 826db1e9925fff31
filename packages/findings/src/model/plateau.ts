// Storage limits found from the device series alone, without knowing any cap: a device whose throughput (or
// request rate) sits flat at its own maximum for much of the run while tasks wait on storage has hit a limit —
// a volume's provisioned throughput or IOPS, the instance's EBS bandwidth, or a throttle.
//
// For each device and each series (read + write bytes, read bytes, write bytes, and the same for requests):
//   level  = the 95th percentile of the per-bucket rates (the device's own maximum, robust to a stray spike);
//   plateau buckets = those within `band` of the level (at least (1 − band) × level);
//   a plateau when they cover at least `minShare` of the run, at a rate worth judging, and tasks were waiting on
//   storage for at least `minIoShare` of that time (a steady reader that is CPU-bound is flat too, but nothing
//   waits on its device).
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
  /** Per device bucket: 1 when at the plateau. */
  at: Uint8Array;
}

const REQUEST_BYTES_FOR_THROUGHPUT = 32 * 1024;

export function findPlateaus(
  run: RunModel,
  limits: readonly TaskLimits[],
  o: Pick<ModelOptions, "plateauBand" | "plateauMinShare" | "plateauMinBps" | "plateauMinIops" | "plateauMinIoShare">,
): StoragePlateau[] {
  const out: StoragePlateau[] = [];
  for (const d of run.devices) {
    const p = devicePlateau(d, run, limits, o);
    if (p) out.push(p);
  }
  return out.sort((a, b) => b.seconds - a.seconds);
}

function devicePlateau(
  d: DeviceSeries,
  run: RunModel,
  limits: readonly TaskLimits[],
  o: Pick<ModelOptions, "plateauBand" | "plateauMinShare" | "plateauMinBps" | "plateauMinIops" | "plateauMinIoShare">,
): StoragePlateau | undefined {
  const n = d.buckets;
  const width = (k: number) => Math.max(0, Math.min(d.intervalS, run.wallS - k * d.intervalS));
  const sumOf = (a: Float64Array, b?: Float64Array) => {
    const s = new Float64Array(n);
    for (let k = 0; k < n; k++) s[k] = (a[k] as number) + (b ? (b[k] as number) : 0);
    return s;
  };
  const bytes: [StoragePlateau["direction"], Float64Array][] = [
    ["read+write", sumOf(d.readBytes, d.writeBytes)],
    ["read", d.readBytes],
    ["write", d.writeBytes],
  ];
  const ops: [StoragePlateau["direction"], Float64Array][] = [];
  if (d.readOps && d.writeOps) ops.push(["read+write", sumOf(d.readOps, d.writeOps)]);
  if (d.readOps) ops.push(["read", d.readOps]);
  if (d.writeOps) ops.push(["write", d.writeOps]);

  let best:
    | { kind: "throughput" | "iops"; dir: StoragePlateau["direction"]; at: Uint8Array; seconds: number }
    | undefined;
  const consider = (kind: "throughput" | "iops", dir: StoragePlateau["direction"], s: Float64Array) => {
    const found = flatAtMax(
      s,
      width,
      d.intervalS,
      o.plateauBand,
      kind === "throughput" ? o.plateauMinBps : o.plateauMinIops,
    );
    if (!found || found.seconds < o.plateauMinShare * run.wallS) return;
    if (!best || found.seconds > best.seconds * 1.05) best = { kind, dir, ...found };
  };
  for (const [dir, s] of bytes) consider("throughput", dir, s);
  for (const [dir, s] of ops) consider("iops", dir, s);
  if (!best) return undefined;
  const b = best as { kind: "throughput" | "iops"; dir: StoragePlateau["direction"]; at: Uint8Array; seconds: number };

  // The rates over the plateau buckets, in both units.
  const series = (dir: StoragePlateau["direction"], r?: Float64Array, w?: Float64Array) =>
    dir === "read" ? r : dir === "write" ? w : r && w ? sumOf(r, w) : undefined;
  const byteSeries = series(b.dir, d.readBytes, d.writeBytes) as Float64Array;
  const opSeries = series(b.dir, d.readOps, d.writeOps);
  const rates = (s: Float64Array) => {
    const v: number[] = [];
    for (let k = 0; k < n; k++) if (b.at[k] && width(k) > 0) v.push((s[k] as number) / width(k));
    return median(v);
  };
  const bytesPerS = rates(byteSeries);
  const opsPerS = opSeries ? rates(opSeries) : 0;
  const requestBytes = opsPerS > 0 ? bytesPerS / opsPerS : 0;
  // Throughput and requests usually flatten together under one limit: large requests meet a throughput limit
  // first, small ones a request-rate limit.
  let kind = b.kind;
  if (opsPerS > 0) kind = requestBytes >= REQUEST_BYTES_FOR_THROUGHPUT ? "throughput" : "iops";

  let first = -1;
  let last = -1;
  let busy = 0;
  let busyKnown = false;
  let waited = 0;
  let ioKnown = false;
  for (let k = 0; k < n; k++) {
    if (!b.at[k]) continue;
    const s0 = k * d.intervalS;
    const w = width(k);
    if (first < 0) first = s0;
    last = s0 + w;
    if (d.busyS && (d.busyS[k] as number) > 0) {
      busyKnown = true;
      busy += Math.min(w, d.busyS[k] as number);
    }
    const io = ioWaitWithin(run.timeline, limits, s0, s0 + w);
    if (io !== undefined) {
      ioKnown = true;
      waited += Math.min(w, io);
    }
  }
  const ioWaitShare = ioKnown && b.seconds > 0 ? waited / b.seconds : undefined;
  if (ioWaitShare !== undefined && ioWaitShare < o.plateauMinIoShare) return undefined;
  return {
    device: d.name,
    kind,
    direction: b.dir,
    bytesPerS,
    opsPerS,
    requestBytes,
    seconds: b.seconds,
    share: run.wallS > 0 ? b.seconds / run.wallS : 0,
    firstS: first,
    lastS: last,
    ...(ioWaitShare !== undefined ? { ioWaitShare } : {}),
    ...(busyKnown && b.seconds > 0 ? { busyShare: busy / b.seconds } : {}),
    intervalS: d.intervalS,
    at: b.at,
  };
}

/** Buckets within `band` of the series' 95th-percentile rate, when that rate is at least `minRate`. */
export function flatAtMax(
  s: Float64Array,
  width: (k: number) => number,
  intervalS: number,
  band: number,
  minRate: number,
): { at: Uint8Array; seconds: number; level: number } | undefined {
  const rates: number[] = [];
  const idx: number[] = [];
  for (let k = 0; k < s.length; k++) {
    const w = width(k);
    // A partial last bucket is too noisy to judge a rate from.
    if (w < 0.5 * intervalS) continue;
    rates.push((s[k] as number) / w);
    idx.push(k);
  }
  if (rates.length < 4) return undefined;
  const level = quantile(rates, 0.95);
  if (!(level >= minRate) || level <= 0) return undefined;
  const at = new Uint8Array(s.length);
  let seconds = 0;
  rates.forEach((r, i) => {
    if (r >= (1 - band) * level) {
      at[idx[i] as number] = 1;
      seconds += width(idx[i] as number);
    }
  });
  return { at, seconds, level };
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

function median(values: readonly number[]): number {
  return values.length === 0 ? 0 : quantile(values, 0.5);
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
