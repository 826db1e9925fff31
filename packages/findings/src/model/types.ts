// The normalized run model the rules and the cost model work on: one pipeline run as tasks and processes with
// their measurements, built from spans only (OTLP/JSON files, a backend's export, or in-memory SDK spans).
//
// Times: seconds relative to the run's start (numbers; exact to well under a microsecond for any real run).
// Measurements: undefined means "not measured by the source" — never 0. A rule that needs a value that is
// undefined says so instead of guessing.

import type { Attributes } from "../otlp/model.js";

/** What a source measured for a process, task or run. Times in seconds, sizes in bytes. */
export interface Measures {
  /** On-CPU time (user + system, plus CPU of unseen descendants). */
  cpuS?: number;
  /**
   * Off-CPU time in io_schedule (D state waiting on storage, page-in, writeback throttling; eBPF source). Runs
   * recorded before the kernel source split D state carry all of D state here.
   */
  ioWaitS?: number;
  /** Off-CPU time in other uninterruptible waits (kernel locks, mutexes taken in D; eBPF source). */
  blockedS?: number;
  /** Off-CPU time in interruptible sleep (S state): sleep(), pipes, sockets, waiting for children (eBPF). */
  sleepS?: number;
  /** Time runnable but waiting for a CPU (eBPF). */
  runqueueS?: number;
  /** Storage bytes from task I/O accounting (both sources). */
  diskReadBytes?: number;
  diskWriteBytes?: number;
  /** Block-layer bytes submitted on behalf of the process (eBPF). */
  blockReadBytes?: number;
  blockWriteBytes?: number;
  /** Socket bytes (eBPF). */
  netTxBytes?: number;
  netRxBytes?: number;
  /** Peak RSS (for a task or run: the largest of its processes, as the span conventions define it). */
  peakRssBytes?: number;
  majorFaults?: number;
}

export interface ProcessNode {
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** Executable name (the span name). */
  readonly name: string;
  readonly pid?: number;
  /** Seconds from the run's start (the builder records epoch seconds and rebases them). */
  startS: number;
  endS: number;
  readonly wallS: number;
  readonly m: Measures;
  /** Key of the task it belongs to (TaskNode.key), undefined for processes of the run itself. */
  taskKey?: string;
  /** True when another process span names this one as its parent. */
  hasChildren: boolean;
  readonly oomKilled: boolean;
  /** Name of the signal that killed it, when one did. */
  readonly signalName?: string;
  readonly exitCode?: number;
  readonly failed: boolean;
}

export interface TaskNode {
  /** The task span's id, or `name#taskRunId` for a task known only from its processes' attributes. */
  readonly key: string;
  readonly spanId?: string;
  readonly name: string;
  readonly taskRunId?: string;
  readonly attempt?: number;
  startS: number;
  endS: number;
  wallS: number;
  /** The task span's own totals, or (when it has none) the sums over its processes. */
  m: Measures;
  /** Where `m` came from. */
  measuresFrom: "span" | "processes";
  readonly requestedCpus?: number;
  readonly requestedMemoryBytes?: number;
  /** Thread states per time bucket (the task span's pipespan.timeline.*), when the source recorded them. */
  timeline?: Timeline;
  readonly processes: ProcessNode[];
  failed: boolean;
  /**
   * True for the stand-in task of a run that has no tasks at all (the root command did the work itself): it
   * holds every process and is named after the pipeline. Findings about it are run-level findings.
   */
  readonly wholeRun?: boolean;
}

/** Which measurements the spans of this run carry at all (for "not enough data" decisions). */
export interface Coverage {
  /** Processes with a CPU time. */
  cpu: number;
  ioWait: number;
  blocked: number;
  sleep: number;
  runqueue: number;
  block: number;
  disk: number;
  network: number;
  peakRss: number;
  majorFaults: number;
  /** Process spans in the run. */
  processes: number;
}

export interface RunModel {
  readonly traceId: string;
  readonly runSpanId?: string;
  readonly pipelineName?: string;
  readonly runId?: string;
  /** pipespan.run.source of the run span (procfs or ebpf), when known. */
  readonly source?: string;
  /** Absolute start of the run, ns since the epoch (every other time is relative to it). */
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly wallS: number;
  /** The run span's totals, or sums over all processes. */
  readonly m: Measures;
  readonly tasks: TaskNode[];
  /** Every process span of the run. */
  readonly processes: ProcessNode[];
  /** host.type from the resource, when any span's resource carries it. */
  readonly hostType?: string;
  /** The run span's resource attributes (or the first span's). */
  readonly resource: Attributes;
  /** The host the spans were measured on (resource pipespan.host.*), as far as the spans say. */
  readonly host: MeasuredHost;
  /** The run span's timeline (all tasks together), when recorded. */
  readonly timeline?: Timeline;
  /** Per-device storage series (the run span's pipespan.device.io events). */
  readonly devices: DeviceSeries[];
  /** Timelines or device series that were present but malformed (one line each; they were ignored). */
  readonly dataProblems: string[];
  readonly coverage: Coverage;
  /** Spans read, spans used, and spans ignored (earlier finding spans, spans of other traces, unknown kinds). */
  readonly spanCounts: { read: number; used: number; findings: number; otherTraces: number; other: number };
}

/** The measured host's size, from the resource (pipespan.host.cpu.logical_count, pipespan.host.memory.total). */
export interface MeasuredHost {
  cpus?: number;
  memoryBytes?: number;
}

/**
 * Thread-seconds by state per time bucket, summed over every thread of every process of a task (or the run).
 * Bucket k covers [startS + k·intervalS, startS + (k+1)·intervalS). Series the source did not record are
 * undefined; every present series has `buckets` values.
 */
export interface Timeline {
  /** Seconds from the run's start at which bucket 0 begins (the span's start). */
  readonly startS: number;
  readonly intervalS: number;
  readonly buckets: number;
  readonly cpu: Float64Array;
  readonly ioWait: Float64Array;
  readonly blocked?: Float64Array;
  readonly runqueue?: Float64Array;
  readonly sleep?: Float64Array;
  /** Socket bytes sent + received. */
  readonly network?: Float64Array;
  /** Block bytes submitted. */
  readonly storage?: Float64Array;
  /** Most threads on a CPU, runnable or in D at one read (0 = unknown). */
  readonly activeMax?: Float64Array;
}

/** One block device's traffic over the run (host-wide), bucketed from the run's start. */
export interface DeviceSeries {
  readonly name: string;
  readonly intervalS: number;
  readonly buckets: number;
  readonly readBytes: Float64Array;
  readonly writeBytes: Float64Array;
  readonly readOps?: Float64Array;
  readonly writeOps?: Float64Array;
  readonly busyS?: Float64Array;
}
