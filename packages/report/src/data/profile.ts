// The run's resource profile for the page: the findings package's profile (reconstructed from process spans) at a
// resolution fit for a chart.
import { buildProfile, type RunModel } from "@pipespan/findings";
import type { ReportProfile } from "./types.js";

export function profileBinsFor(wallS: number): number {
  return Math.max(20, Math.min(400, Math.ceil(wallS / 0.1)));
}

export function profileData(model: RunModel, bins?: number): ReportProfile {
  const p = buildProfile(model.processes, 0, model.wallS, bins ?? profileBinsFor(model.wallS));
  const ints = (a: Float64Array) => Array.from(a, (v) => Math.round(v));
  return {
    binS: p.binS,
    cores: Array.from(p.cores, (v) => Math.round(v * 1000) / 1000),
    storageBps: ints(p.storageBps),
    netTxBps: ints(p.netTxBps),
    netRxBps: ints(p.netRxBps),
    rssBytes: ints(p.rssUpper),
    notes: [
      "Spans carry totals: each process's CPU time and bytes are spread evenly over its life, so short bursts are smoothed (peaks shown are lower bounds).",
      "Resident memory is an upper bound: the peak RSS of every process alive in a bin, added up.",
    ],
  };
}
