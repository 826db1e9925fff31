// What the whole instance did over time, reconstructed from process spans: CPU cores in use, storage and network
// throughput, and an upper bound of resident memory, in fixed-width time bins.
//
// Spans carry totals, not time series, so each process's total is spread evenly over its lifetime (a rate of
// total / wall). Summing those rates over the processes alive in a bin gives the instance's average rate in that
// bin. A burst shorter than a process's lifetime is therefore smoothed: peaks read from the profile are lower
// bounds of the true instantaneous peaks, and shares of time "at a cap" are conservative.
//
// Memory is different: a process's peak RSS counts in every bin it was alive in at all, and peaks of processes
// alive in the same bin are added up. That is an upper bound of what was resident at once (peaks need not
// coincide, and shared pages are counted per process) — the safe direction for an "overprovisioned" verdict.
//
// O(processes + bins): difference arrays, no sorting.
import { storageBytes } from "./measures.js";
import type { ProcessNode } from "./types.js";

export const DEFAULT_BINS = 2048;

export interface Profile {
  readonly startS: number;
  readonly endS: number;
  readonly binS: number;
  readonly bins: number;
  /** CPU cores busy on average in each bin. */
  readonly cores: Float64Array;
  /** Storage bytes/s (block layer where measured, else I/O accounting), read + write. */
  readonly storageBps: Float64Array;
  /** Network bytes/s per direction. */
  readonly netTxBps: Float64Array;
  readonly netRxBps: Float64Array;
  /** Upper bound of resident bytes (sum of peak RSS of the processes alive in the bin). */
  readonly rssUpper: Float64Array;
}

export function buildProfile(
  processes: readonly ProcessNode[],
  startS: number,
  endS: number,
  bins = DEFAULT_BINS,
): Profile {
  const span = Math.max(endS - startS, 1e-9);
  const binS = span / bins;
  const rate = () => ({ direct: new Float64Array(bins), diff: new Float64Array(bins + 1) });
  const cpu = rate();
  const sto = rate();
  const tx = rate();
  const rx = rate();
  const rssDiff = new Float64Array(bins + 1);

  for (const p of processes) {
    const a = Math.min(Math.max(p.startS, startS), endS);
    const b = Math.min(Math.max(p.endS, startS), endS);
    const ia = Math.min(bins - 1, Math.floor((a - startS) / binS));
    const ib = Math.min(bins - 1, Math.floor((b - startS) / binS));
    const m = p.m;
    const wall = p.wallS;
    const spread = (acc: ReturnType<typeof rate>, total: number | undefined) => {
      if (total === undefined || total <= 0) return;
      if (wall <= 0 || ia === ib || b <= a) {
        // Within one bin (or a zero-length span): the bin's average rate grows by total / bin width.
        acc.direct[ia] = (acc.direct[ia] as number) + total / binS;
        return;
      }
      const r = total / wall;
      const firstPart = (ia + 1) * binS - (a - startS);
      const lastPart = b - startS - ib * binS;
      acc.direct[ia] = (acc.direct[ia] as number) + (r * firstPart) / binS;
      acc.direct[ib] = (acc.direct[ib] as number) + (r * lastPart) / binS;
      acc.diff[ia + 1] = (acc.diff[ia + 1] as number) + r;
      acc.diff[ib] = (acc.diff[ib] as number) - r;
    };
    spread(cpu, m.cpuS);
    spread(sto, storageBytes(m)?.bytes);
    spread(tx, m.netTxBytes);
    spread(rx, m.netRxBytes);
    if (m.peakRssBytes !== undefined && m.peakRssBytes > 0) {
      rssDiff[ia] = (rssDiff[ia] as number) + m.peakRssBytes;
      rssDiff[ib + 1] = (rssDiff[ib + 1] as number) - m.peakRssBytes;
    }
  }
  const finish = (acc: ReturnType<typeof rate>) => {
    let run = 0;
    for (let i = 0; i < bins; i++) {
      run += acc.diff[i] as number;
      acc.direct[i] = Math.max(0, (acc.direct[i] as number) + run);
    }
    return acc.direct;
  };
  const rssUpper = new Float64Array(bins);
  let rss = 0;
  for (let i = 0; i < bins; i++) {
    rss += rssDiff[i] as number;
    rssUpper[i] = Math.max(0, rss);
  }
  return {
    startS,
    endS,
    binS,
    bins,
    cores: finish(cpu),
    storageBps: finish(sto),
    netTxBps: finish(tx),
    netRxBps: finish(rx),
    rssUpper,
  };
}

/** Bin index range [from, to) covering [s, e]. */
function binRange(p: Profile, s: number, e: number): [number, number] {
  const from = Math.max(0, Math.min(p.bins - 1, Math.floor((s - p.startS) / p.binS)));
  const to = Math.max(from + 1, Math.min(p.bins, Math.ceil((e - p.startS) / p.binS)));
  return [from, to];
}

/** Largest bin value within [s, e] (the whole profile by default). */
export function peakOf(p: Profile, series: Float64Array, s = p.startS, e = p.endS): number {
  const [from, to] = binRange(p, s, e);
  let max = 0;
  for (let i = from; i < to; i++) max = Math.max(max, series[i] as number);
  return max;
}

/** Seconds within [s, e] in which the series was at or above `threshold`. */
export function secondsAtOrAbove(p: Profile, series: Float64Array, threshold: number, s = p.startS, e = p.endS) {
  const [from, to] = binRange(p, s, e);
  let n = 0;
  for (let i = from; i < to; i++) if ((series[i] as number) >= threshold) n++;
  return n * p.binS;
}

/** Integral of the series over [s, e] (e.g. bytes moved by the whole instance while a task ran). */
export function integralOf(p: Profile, series: Float64Array, s = p.startS, e = p.endS): number {
  const [from, to] = binRange(p, s, e);
  let sum = 0;
  for (let i = from; i < to; i++) sum += series[i] as number;
  return sum * p.binS;
}

/** Element-wise larger of two series (network: the busier direction, since caps apply per direction). */
export function maxSeries(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.max(a[i] as number, b[i] as number);
  return out;
}
