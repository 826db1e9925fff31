import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_PIPESPAN_BLOCK_READ_BYTES,
  ATTR_PIPESPAN_BLOCK_READ_OPS,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PIPESPAN_BLOCK_WRITE_OPS,
  ATTR_PIPESPAN_CONTEXT_SWITCHES_INVOLUNTARY,
  ATTR_PIPESPAN_CONTEXT_SWITCHES_VOLUNTARY,
  ATTR_PIPESPAN_CPU_SYSTEM_TIME,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_CPU_UNATTRIBUTED_TIME,
  ATTR_PIPESPAN_CPU_USER_TIME,
  ATTR_PIPESPAN_CPU_UTILIZATION,
  ATTR_PIPESPAN_DISK_CANCELLED_WRITE_BYTES,
  ATTR_PIPESPAN_DISK_READ_BYTES,
  ATTR_PIPESPAN_DISK_WRITE_BYTES,
  ATTR_PIPESPAN_FILE_READ_BYTES,
  ATTR_PIPESPAN_FILE_WRITE_BYTES,
  ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS,
  ATTR_PIPESPAN_MEMORY_MINOR_FAULTS,
  ATTR_PIPESPAN_MEMORY_PEAK_RSS,
  ATTR_PIPESPAN_NETWORK_RX_BYTES,
  ATTR_PIPESPAN_NETWORK_TX_BYTES,
  ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_OFFCPU_SLEEP_TIME,
  ATTR_PIPESPAN_RUNQUEUE_DELAY,
} from "@pipespan/semconv";
import type { NumericCounter, ProcessCounters } from "../source/types.js";

/** Totals of a process, task or run: counters plus CPU of unseen descendants. */
export interface Totals {
  counters: ProcessCounters;
  unattributedCpuNs?: number;
}

const SUMMED: readonly NumericCounter[] = [
  "cpuTotalNs",
  "cpuUserNs",
  "cpuSystemNs",
  "offCpuIoWaitNs",
  "offCpuBlockedNs",
  "offCpuSleepNs",
  "runqueueDelayNs",
  "diskReadBytes",
  "diskWriteBytes",
  "diskCancelledWriteBytes",
  "fileReadBytes",
  "fileWriteBytes",
  "blockReadBytes",
  "blockWriteBytes",
  "blockReadOps",
  "blockWriteOps",
  "netTxBytes",
  "netRxBytes",
  "majorFaults",
  "minorFaults",
  "voluntaryCtxSwitches",
  "involuntaryCtxSwitches",
];

/** Adds `from` into `into` (sums; peak RSS is the maximum). A field stays undefined until some input has it. */
export function addTotals(into: Totals, from: Totals): void {
  // Runs a few times for every process: indexed loops, nothing allocated.
  for (let i = 0; i < SUMMED.length; i++) {
    const k = SUMMED[i] as NumericCounter;
    const v = from.counters[k];
    if (v !== undefined) into.counters[k] = (into.counters[k] ?? 0) + v;
  }
  const rss = from.counters.peakRssBytes;
  if (rss !== undefined) into.counters.peakRssBytes = Math.max(into.counters.peakRssBytes ?? 0, rss);
  if (from.unattributedCpuNs !== undefined) {
    into.unattributedCpuNs = (into.unattributedCpuNs ?? 0) + from.unattributedCpuNs;
  }
}

/** On-CPU ns of these totals, including CPU of descendants the source never saw. */
export function cpuNs(t: Totals): number | undefined {
  const c = t.counters;
  if (c.cpuTotalNs !== undefined) return c.cpuTotalNs + (t.unattributedCpuNs ?? 0);
  if (c.cpuUserNs === undefined && c.cpuSystemNs === undefined) return undefined;
  return (c.cpuUserNs ?? 0) + (c.cpuSystemNs ?? 0) + (t.unattributedCpuNs ?? 0);
}

const SECONDS: [NumericCounter, string][] = [
  ["cpuUserNs", ATTR_PIPESPAN_CPU_USER_TIME],
  ["cpuSystemNs", ATTR_PIPESPAN_CPU_SYSTEM_TIME],
  ["offCpuIoWaitNs", ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME],
  ["offCpuBlockedNs", ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME],
  ["offCpuSleepNs", ATTR_PIPESPAN_OFFCPU_SLEEP_TIME],
  ["runqueueDelayNs", ATTR_PIPESPAN_RUNQUEUE_DELAY],
];

const COUNTS: [NumericCounter, string][] = [
  ["diskReadBytes", ATTR_PIPESPAN_DISK_READ_BYTES],
  ["diskWriteBytes", ATTR_PIPESPAN_DISK_WRITE_BYTES],
  ["diskCancelledWriteBytes", ATTR_PIPESPAN_DISK_CANCELLED_WRITE_BYTES],
  ["fileReadBytes", ATTR_PIPESPAN_FILE_READ_BYTES],
  ["fileWriteBytes", ATTR_PIPESPAN_FILE_WRITE_BYTES],
  ["blockReadBytes", ATTR_PIPESPAN_BLOCK_READ_BYTES],
  ["blockWriteBytes", ATTR_PIPESPAN_BLOCK_WRITE_BYTES],
  ["blockReadOps", ATTR_PIPESPAN_BLOCK_READ_OPS],
  ["blockWriteOps", ATTR_PIPESPAN_BLOCK_WRITE_OPS],
  ["netTxBytes", ATTR_PIPESPAN_NETWORK_TX_BYTES],
  ["netRxBytes", ATTR_PIPESPAN_NETWORK_RX_BYTES],
  ["peakRssBytes", ATTR_PIPESPAN_MEMORY_PEAK_RSS],
  ["majorFaults", ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS],
  ["minorFaults", ATTR_PIPESPAN_MEMORY_MINOR_FAULTS],
  ["voluntaryCtxSwitches", ATTR_PIPESPAN_CONTEXT_SWITCHES_VOLUNTARY],
  ["involuntaryCtxSwitches", ATTR_PIPESPAN_CONTEXT_SWITCHES_INVOLUNTARY],
];

const round = (s: number) => Math.round(s * 1e6) / 1e6;

/**
 * The measurement attributes of a span covering `wallNs` of wall time, added to `into` (a new object by default).
 * Unmeasured values are left out.
 */
export function measureAttributes(t: Totals, wallNs: number, into: Attributes = {}): Attributes {
  const attrs = into;
  const c = t.counters;
  for (let i = 0; i < SECONDS.length; i++) {
    const [k, name] = SECONDS[i] as [NumericCounter, string];
    const v = c[k];
    if (v !== undefined) attrs[name] = round(v / 1e9);
  }
  for (let i = 0; i < COUNTS.length; i++) {
    const [k, name] = COUNTS[i] as [NumericCounter, string];
    const v = c[k];
    if (v !== undefined) attrs[name] = Math.round(v);
  }
  const cpu = cpuNs(t);
  if (cpu !== undefined) {
    attrs[ATTR_PIPESPAN_CPU_TIME] = round(cpu / 1e9);
    if (wallNs > 0) attrs[ATTR_PIPESPAN_CPU_UTILIZATION] = Math.round((cpu / wallNs) * 1e4) / 1e4;
  }
  if (t.unattributedCpuNs !== undefined && t.unattributedCpuNs > 0) {
    attrs[ATTR_PIPESPAN_CPU_UNATTRIBUTED_TIME] = round(t.unattributedCpuNs / 1e9);
  }
  return attrs;
}
