// The run's resource profile for the page: the findings package's profile (reconstructed from process spans) at a
// resolution fit for a chart.
import { buildProfile, type RunModel } from "@pipespan/findings";
import type { ReportProfile } from "./types.js";

export function profileBinsFor(wallS: number): number {
  return Math.max(20, Math.min(400, Math.ceil(wallS / 0.1)));
}

/**
 * One block device's traffic over the run, as a run model carries it when the source recorded device series
 * (host-wide bytes per bucket of `intervalS` from the run's start).
 */
interface DeviceSeriesLike {
  readonly name: string;
  readonly intervalS: number;
  readonly buckets: number;
  readonly readBytes: ArrayLike<number>;
  readonly writeBytes: ArrayLike<number>;
}

/** Bytes per bucket → average bytes/s in each of the profile's bins (overlaps shared out by length). */
export function rebin(d: DeviceSeriesLike, bins: number, binS: number): number[] {
  const out = new Array<number>(bins).fill(0);
  const n = Math.min(d.buckets, d.readBytes.length, d.writeBytes.length);
  if (!(d.intervalS > 0) || !(binS > 0)) return out;
  for (let k = 0; k < n; k++) {
    const bytes = (Number(d.readBytes[k]) || 0) + (Number(d.writeBytes[k]) || 0);
    if (bytes <= 0) continue;
    const a = k * d.intervalS;
    const b = a + d.intervalS;
    for (let i = Math.max(0, Math.floor(a / binS)); i < bins && i * binS < b; i++) {
      const overlap = Math.min(b, (i + 1) * binS) - Math.max(a, i * binS);
      if (overlap > 0) out[i] = (out[i] as number) + (bytes * overlap) / d.intervalS / binS;
    }
  }
  return out.map((v) => Math.round(v));
}

export function profileData(model: RunModel, bins?: number): ReportProfile {
  const p = buildProfile(model.processes, 0, model.wallS, bins ?? profileBinsFor(model.wallS));
  const ints = (a: Float64Array) => Array.from(a, (v) => Math.round(v));
  const devices = (model as { devices?: readonly DeviceSeriesLike[] }).devices ?? [];
  return {
    ...(devices.length > 0
      ? { storageDevices: devices.map((d) => ({ name: d.name, bps: rebin(d, p.bins, p.binS) })) }
      : {}),
    binS: p.binS,
    cores: Array.from(p.cores, (v) => Math.round(v * 1000) / 1000),
    storageBps: ints(p.storageBps),
    netTxBps: ints(p.netTxBps),
    netRxBps: ints(p.netRxBps),
    rssBytes: ints(p.rssUpper),
    notes: [
      "Spans carry totals: each process's CPU time and bytes are spread evenly over its life, so short bursts are smoothed (peaks shown are lower bounds).",
      "Resident memory is an upper bound: the peak RSS of every process alive in a bin, added up.",
      ...(devices.length > 0 ? ["Per-device storage lines are host-wide, as the block devices saw it."] : []),
    ],
  };
}
