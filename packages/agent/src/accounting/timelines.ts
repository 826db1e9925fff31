// Per-interval accounting: thread-seconds by state, bytes and active threads over time, for every task and for
// the run, and the host's block devices over time. Built from the source's counters readings, which include
// the states still open at each reading (see Source.timelineIntervalNs): the growth between two readings is
// spread evenly over the time between them, so a thread blocked or on a CPU for seconds shows in every bucket
// it spent there, not in one lump when it switches.
//
// A process's task is final only when its span is made (attribution may learn more at exec), so each process
// keeps its own series until it ends; then it is added to its task's and to the run's.
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_PIPESPAN_DEVICE_NAME,
  ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME,
  ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES,
  ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS,
  ATTR_PIPESPAN_DEVICE_TIMELINE_READ_SERVICE_TIME,
  ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES,
  ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS,
  ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_SERVICE_TIME,
  ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX,
  ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME,
  ATTR_PIPESPAN_TIMELINE_CPU_TIME,
  ATTR_PIPESPAN_TIMELINE_INTERVAL,
  ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME,
  ATTR_PIPESPAN_TIMELINE_NETWORK_BYTES,
  ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY,
  ATTR_PIPESPAN_TIMELINE_SLEEP_TIME,
  ATTR_PIPESPAN_TIMELINE_STORAGE_BYTES,
  EVENT_PIPESPAN_DEVICE_IO,
} from "@pipespan/semconv";
import type { TaskInfo } from "../attribution/task.js";
import {
  type DeviceCounters,
  type ProcessCounters,
  type ProcessId,
  processId,
  type SourceEvent,
} from "../source/types.js";
import { BucketSeries } from "./bucket-series.js";

/** What the span layer asks of the accounting layer. */
export interface SpanAccounting {
  /** A process's span ended; `task` is the task it was finally attributed to (undefined: none). */
  processEnded(id: ProcessId, task: TaskInfo | undefined): void;
  /** Attributes for a task span covering [startNs, endNs). */
  taskAttributes(task: TaskInfo, startNs: number, endNs: number): Attributes;
  /** Attributes for the run span covering [startNs, endNs). */
  runAttributes(startNs: number, endNs: number): Attributes;
  /** Events for the run span (timestamped at its start). */
  runEvents(startNs: number, endNs: number): { name: string; attributes: Attributes }[];
  /** The task's span has ended: its series is no longer asked for. */
  taskClosed?(task: TaskInfo): void;
}

export interface RunTimelinesOptions {
  /** The run's start (epoch ns): every series is bucketed from here. */
  readonly originNs: number;
  /** The source's reading interval (ns): the narrowest bucket a span shows. */
  readonly intervalNs: number;
  /** Most buckets per span (default 256). */
  readonly maxBuckets?: number;
}

/**
 * Series are kept at a quarter of the reading interval (and 4× the buckets): a task's buckets start at the
 * task's start, not the run's, and drawing coarse run-aligned buckets onto them would smear each edge by up to
 * one interval. At a quarter, a reading's growth still lands where it happened to within a quarter interval.
 */
const FINER = 4;

/** The summed series of a process, task or run, in this order (ns or bytes). */
const CPU = 0;
const IO_WAIT = 1;
const BLOCKED = 2;
const RUNQ = 3;
const SLEEP = 4;
const NET = 5;
const STORAGE = 6;
const THREAD_SHAPE = { sums: 7, maxes: 1 };
const ACTIVE = 0;

/** Device series: read bytes, write bytes, read ops, write ops, busy ns, read service ns, write service ns. */
const DEVICE_SHAPE = { sums: 7, maxes: 0 };
const MAX_DEVICES = 256;

function threadValues(c: ProcessCounters): (number | undefined)[] {
  const sum = (a: number | undefined, b: number | undefined) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  return [
    c.cpuTotalNs ?? sum(c.cpuUserNs, c.cpuSystemNs),
    c.offCpuIoWaitNs,
    c.offCpuBlockedNs,
    c.runqueueDelayNs,
    c.offCpuSleepNs,
    sum(c.netTxBytes, c.netRxBytes),
    sum(c.blockReadBytes, c.blockWriteBytes),
  ];
}

function deviceValues(d: DeviceCounters): (number | undefined)[] {
  return [d.readBytes, d.writeBytes, d.readOps, d.writeOps, d.busyNs, d.readServiceNs, d.writeServiceNs];
}

/**
 * Cumulative readings → growth placed in time. The high-water mark makes a reading that dips (the kernel
 * corrects a run-queue estimate down in rare cases) add nothing, and the next one add only what is new.
 */
class Accumulator {
  readonly series: BucketSeries;
  readonly #seen: number[];
  #lastNs: number;

  constructor(series: BucketSeries, size: number, fromNs: number) {
    this.series = series;
    this.#seen = new Array<number>(size).fill(0);
    this.#lastNs = fromNs;
  }

  add(timeNs: number, cumulative: readonly (number | undefined)[]): void {
    const grew = cumulative.map((v, i) => {
      if (v === undefined || !Number.isFinite(v)) return 0;
      const d = Math.max(0, v - this.#seen[i]!);
      this.#seen[i] = Math.max(this.#seen[i]!, v);
      return d;
    });
    this.series.spread(this.#lastNs, Math.max(this.#lastNs, timeNs), grew);
    this.#lastNs = Math.max(this.#lastNs, timeNs);
  }
}

export class RunTimelines implements SpanAccounting {
  readonly #o: RunTimelinesOptions;
  readonly #procs = new Map<ProcessId, Accumulator>();
  readonly #tasks = new Map<TaskInfo, BucketSeries>();
  readonly #run: BucketSeries;
  readonly #devices = new Map<string, Accumulator>();
  #lastDevicesNs: number;

  constructor(o: RunTimelinesOptions) {
    this.#o = o;
    this.#run = this.#threadSeries();
    this.#lastDevicesNs = o.originNs;
  }

  #series(shape: { sums: number; maxes: number }): BucketSeries {
    return new BucketSeries(this.#o.originNs, this.#o.intervalNs / FINER, shape, FINER * this.#limit);
  }

  #threadSeries(): BucketSeries {
    return this.#series(THREAD_SHAPE);
  }

  get #limit(): number {
    return this.#o.maxBuckets ?? 256;
  }

  #render(series: BucketSeries, startNs: number, endNs: number) {
    return series.render(startNs, endNs, { minWidthNs: this.#o.intervalNs, limit: this.#limit });
  }

  /** Feeds one source event (before the process table applies it). */
  observe(e: SourceEvent): void {
    switch (e.type) {
      case "start": {
        const id = processId(e.key);
        if (!this.#procs.has(id)) {
          const from = Math.max(this.#o.originNs, e.startTimeNs);
          this.#procs.set(id, new Accumulator(this.#threadSeries(), THREAD_SHAPE.sums, from));
        }
        return;
      }
      case "counters": {
        const p = this.#procs.get(processId(e.key));
        if (!p) return;
        p.add(e.timeNs, threadValues(e.counters));
        if (e.activeThreads !== undefined) p.series.max(e.timeNs, ACTIVE, e.activeThreads);
        return;
      }
      case "exit":
        this.#procs.get(processId(e.key))?.add(e.timeNs, threadValues(e.counters));
        return;
      case "devices":
        this.#observeDevices(e.timeNs, e.devices);
        return;
      default:
        return;
    }
  }

  #observeDevices(timeNs: number, devices: readonly DeviceCounters[]): void {
    for (const d of devices) {
      let acc = this.#devices.get(d.name);
      if (!acc) {
        if (this.#devices.size >= MAX_DEVICES) continue;
        // first seen now: what it did happened since the previous reading
        acc = new Accumulator(this.#series(DEVICE_SHAPE), DEVICE_SHAPE.sums, this.#lastDevicesNs);
        this.#devices.set(d.name, acc);
      }
      acc.add(timeNs, deviceValues(d));
    }
    this.#lastDevicesNs = Math.max(this.#lastDevicesNs, timeNs);
  }

  processEnded(id: ProcessId, task: TaskInfo | undefined): void {
    const p = this.#procs.get(id);
    if (!p) return;
    this.#procs.delete(id);
    this.#run.merge(p.series);
    if (!task) return;
    const t = this.#tasks.get(task);
    // A task's first process hands over its own series (nothing else holds it now): a copy would be the same.
    if (!t) this.#tasks.set(task, p.series);
    else t.merge(p.series);
  }

  taskAttributes(task: TaskInfo, startNs: number, endNs: number): Attributes {
    const t = this.#tasks.get(task);
    return t ? this.#threadAttributes(t, startNs, endNs) : {};
  }

  runAttributes(startNs: number, endNs: number): Attributes {
    return this.#threadAttributes(this.#run, startNs, endNs);
  }

  taskClosed(task: TaskInfo): void {
    this.#tasks.delete(task);
  }

  runEvents(startNs: number, endNs: number): { name: string; attributes: Attributes }[] {
    const events: { name: string; attributes: Attributes }[] = [];
    for (const [name, acc] of [...this.#devices].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const s = acc.series;
      if (s.total(0) + s.total(1) + s.total(2) + s.total(3) === 0) continue; // moved no data during the run
      const r = this.#render(s, startNs, endNs);
      events.push({
        name: EVENT_PIPESPAN_DEVICE_IO,
        attributes: {
          [ATTR_PIPESPAN_DEVICE_NAME]: name,
          [ATTR_PIPESPAN_TIMELINE_INTERVAL]: r.intervalNs / 1e9,
          [ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES]: r.sums[0]!.map(Math.round),
          [ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES]: r.sums[1]!.map(Math.round),
          [ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS]: r.sums[2]!.map(round3),
          [ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS]: r.sums[3]!.map(round3),
          [ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME]: r.sums[4]!.map(seconds),
          [ATTR_PIPESPAN_DEVICE_TIMELINE_READ_SERVICE_TIME]: r.sums[5]!.map(seconds),
          [ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_SERVICE_TIME]: r.sums[6]!.map(seconds),
        },
      });
    }
    return events;
  }

  #threadAttributes(series: BucketSeries, startNs: number, endNs: number): Attributes {
    if (series.length === 0) return {};
    const r = this.#render(series, startNs, endNs);
    return {
      [ATTR_PIPESPAN_TIMELINE_INTERVAL]: r.intervalNs / 1e9,
      [ATTR_PIPESPAN_TIMELINE_CPU_TIME]: r.sums[CPU]!.map(seconds),
      [ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME]: r.sums[IO_WAIT]!.map(seconds),
      [ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME]: r.sums[BLOCKED]!.map(seconds),
      [ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY]: r.sums[RUNQ]!.map(seconds),
      [ATTR_PIPESPAN_TIMELINE_SLEEP_TIME]: r.sums[SLEEP]!.map(seconds),
      [ATTR_PIPESPAN_TIMELINE_NETWORK_BYTES]: r.sums[NET]!.map(Math.round),
      [ATTR_PIPESPAN_TIMELINE_STORAGE_BYTES]: r.sums[STORAGE]!.map(Math.round),
      [ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX]: r.maxes[ACTIVE]!,
    };
  }
}

const round3 = (v: number) => Math.round(v * 1e3) / 1e3;
const seconds = (ns: number) => Math.round(ns / 1e3) / 1e6;
