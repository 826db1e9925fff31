// Span attributes → Measures, and sums of Measures. Values come from files we did not write: anything that is
// not a finite, non-negative number is treated as "not measured" rather than trusted.
import {
  ATTR_PIPESPAN_BLOCK_READ_BYTES,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PIPESPAN_CPU_SYSTEM_TIME,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_CPU_USER_TIME,
  ATTR_PIPESPAN_DISK_READ_BYTES,
  ATTR_PIPESPAN_DISK_WRITE_BYTES,
  ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS,
  ATTR_PIPESPAN_MEMORY_PEAK_RSS,
  ATTR_PIPESPAN_NETWORK_RX_BYTES,
  ATTR_PIPESPAN_NETWORK_TX_BYTES,
  ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_OFFCPU_SLEEP_TIME,
  ATTR_PIPESPAN_RUNQUEUE_DELAY,
} from "@pipespan/semconv";
import type { Attributes, AttributeValue } from "../otlp/model.js";
import type { Measures } from "./types.js";

/** A finite non-negative number from an attribute value (int, double or bigint), else undefined. */
export function num(v: AttributeValue | undefined): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v === "bigint") return v >= 0n ? Number(v) : undefined;
  return undefined;
}

/**
 * The measurement attributes of a process, task or run span. Every Measures object has the same shape (absent
 * values are undefined), which keeps property access monomorphic on million-span runs.
 */
export function readMeasures(a: Attributes): Measures {
  let cpu = num(a[ATTR_PIPESPAN_CPU_TIME]);
  if (cpu === undefined) {
    const user = num(a[ATTR_PIPESPAN_CPU_USER_TIME]);
    const sys = num(a[ATTR_PIPESPAN_CPU_SYSTEM_TIME]);
    if (user !== undefined || sys !== undefined) cpu = (user ?? 0) + (sys ?? 0);
  }
  return {
    cpuS: cpu,
    ioWaitS: num(a[ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]),
    blockedS: num(a[ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME]),
    sleepS: num(a[ATTR_PIPESPAN_OFFCPU_SLEEP_TIME]),
    runqueueS: num(a[ATTR_PIPESPAN_RUNQUEUE_DELAY]),
    diskReadBytes: num(a[ATTR_PIPESPAN_DISK_READ_BYTES]),
    diskWriteBytes: num(a[ATTR_PIPESPAN_DISK_WRITE_BYTES]),
    blockReadBytes: num(a[ATTR_PIPESPAN_BLOCK_READ_BYTES]),
    blockWriteBytes: num(a[ATTR_PIPESPAN_BLOCK_WRITE_BYTES]),
    netTxBytes: num(a[ATTR_PIPESPAN_NETWORK_TX_BYTES]),
    netRxBytes: num(a[ATTR_PIPESPAN_NETWORK_RX_BYTES]),
    peakRssBytes: num(a[ATTR_PIPESPAN_MEMORY_PEAK_RSS]),
    majorFaults: num(a[ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS]),
  };
}

/** An empty Measures (every value unmeasured), of the same shape readMeasures returns. */
export function emptyMeasures(): Measures {
  return readMeasures({});
}

/** True when the span carried any measurement at all. */
export function hasAnyMeasure(m: Measures): boolean {
  for (const k in m) if (m[k as keyof Measures] !== undefined) return true;
  return false;
}

const add = (a: number | undefined, b: number | undefined) => (b === undefined ? a : (a ?? 0) + b);

/** Adds `from` into `into`: sums, except peak RSS (the maximum). A field stays undefined until an input has it. */
export function addMeasures(into: Measures, from: Measures): void {
  into.cpuS = add(into.cpuS, from.cpuS);
  into.ioWaitS = add(into.ioWaitS, from.ioWaitS);
  into.blockedS = add(into.blockedS, from.blockedS);
  into.sleepS = add(into.sleepS, from.sleepS);
  into.runqueueS = add(into.runqueueS, from.runqueueS);
  into.diskReadBytes = add(into.diskReadBytes, from.diskReadBytes);
  into.diskWriteBytes = add(into.diskWriteBytes, from.diskWriteBytes);
  into.blockReadBytes = add(into.blockReadBytes, from.blockReadBytes);
  into.blockWriteBytes = add(into.blockWriteBytes, from.blockWriteBytes);
  into.netTxBytes = add(into.netTxBytes, from.netTxBytes);
  into.netRxBytes = add(into.netRxBytes, from.netRxBytes);
  into.majorFaults = add(into.majorFaults, from.majorFaults);
  const rss = from.peakRssBytes;
  if (rss !== undefined) into.peakRssBytes = Math.max(into.peakRssBytes ?? 0, rss);
}

/**
 * Bytes that went to or from storage: the larger of the block-layer bytes (eBPF, counted at bio submission in
 * the submitter's context) and the task I/O accounting bytes (both sources). Each undercounts somewhere: bios
 * held back by cgroup I/O throttling are submitted later by a kernel worker (not in block bytes), and buffered
 * writes are charged when pages are dirtied but may never reach the disk within the run (I/O accounting).
 */
export function storageBytes(m: Measures): { bytes: number; from: "block" | "io_accounting" } | undefined {
  const hasBlock = m.blockReadBytes !== undefined || m.blockWriteBytes !== undefined;
  const hasIo = m.diskReadBytes !== undefined || m.diskWriteBytes !== undefined;
  if (!hasBlock && !hasIo) return undefined;
  const block = (m.blockReadBytes ?? 0) + (m.blockWriteBytes ?? 0);
  const io = (m.diskReadBytes ?? 0) + (m.diskWriteBytes ?? 0);
  return hasBlock && block >= io ? { bytes: block, from: "block" } : { bytes: io, from: "io_accounting" };
}
