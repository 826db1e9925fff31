// Process spans as columns: what the run model keeps of a process span (ids, name, times, measures, exit), packed
// into typed arrays and string tables so a reader thread can hand a batch of them to the model builder in one
// message, without building (or cloning) a span object per process. Every other span travels whole.
//
// The writer classifies a span exactly as RunModelBuilder.add does (not an earlier finding, has process.pid) and
// reads the same attributes the same way; RunModelBuilder.addColumns turns each row back into the ProcessNode
// `add` would have made. Times the columns cannot hold exactly (beyond 64 bits) make the span travel whole.
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_PIPESPAN_FINDING_RULE,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PIPESPAN_PROCESS_OOM_KILLED,
  ATTR_PROCESS_EXIT_CODE,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import type { NormalizedSpan } from "../otlp/model.js";
import { str } from "./assemble.js";
import { num, readMeasures } from "./measures.js";
import type { Measures } from "./types.js";

/** Doubles per row: pid, durationNs, the 13 measures (in Measures' order), exit code. NaN stands for undefined. */
export const NUMS = 16;
const PID = 0;
const DURATION = 1;
const MEASURES = 2;
const EXIT = 15;
/** Flag bits per row. */
const OOM = 1;
const FAILED = 2;
const HAS_EXIT = 4;
const U64_MAX = 2n ** 64n - 1n;

/** A batch of process spans (rows), in the order they were read. */
export interface ProcessColumns {
  rows: number;
  /** Strings the index columns point at (-1: undefined). */
  strings: string[];
  traceId: Int32Array;
  spanId: string[];
  parentSpanId: (string | undefined)[];
  name: Int32Array;
  taskName: Int32Array;
  taskRunId: Int32Array;
  signalName: Int32Array;
  /** Index of the span's resource in the batch's resource list. */
  resource: Int32Array;
  startNs: BigUint64Array;
  endNs: BigUint64Array;
  nums: Float64Array;
  flags: Uint8Array;
}

/** Collects process spans into columns (in a reader thread). */
export class ProcessColumnsWriter {
  #rows = 0;
  #cap: number;
  #strings: string[] = [];
  #stringIndex = new Map<string, number>();
  #traceId: Int32Array;
  #spanId: string[] = [];
  #parentSpanId: (string | undefined)[] = [];
  #name: Int32Array;
  #taskName: Int32Array;
  #taskRunId: Int32Array;
  #signalName: Int32Array;
  #resource: Int32Array;
  #startNs: BigUint64Array;
  #endNs: BigUint64Array;
  #nums: Float64Array;
  #flags: Uint8Array;

  constructor(capacity = 4096) {
    this.#cap = capacity;
    this.#traceId = new Int32Array(capacity);
    this.#name = new Int32Array(capacity);
    this.#taskName = new Int32Array(capacity);
    this.#taskRunId = new Int32Array(capacity);
    this.#signalName = new Int32Array(capacity);
    this.#resource = new Int32Array(capacity);
    this.#startNs = new BigUint64Array(capacity);
    this.#endNs = new BigUint64Array(capacity);
    this.#nums = new Float64Array(capacity * NUMS);
    this.#flags = new Uint8Array(capacity);
  }

  get rows(): number {
    return this.#rows;
  }

  /**
   * Takes the span as a row when RunModelBuilder.add would make it a process node (and its times fit): true.
   * `resource` is the index of its resource in the batch's list.
   */
  push(s: NormalizedSpan, resource: number): boolean {
    const a = s.attributes;
    if (a[ATTR_PIPESPAN_FINDING_RULE] !== undefined || a[ATTR_PROCESS_PID] === undefined) return false;
    if (s.startNs > U64_MAX || s.endNs > U64_MAX) return false;
    if (this.#rows === this.#cap) this.#grow();
    const r = this.#rows++;
    this.#traceId[r] = this.#str(s.traceId);
    this.#spanId.push(s.spanId);
    this.#parentSpanId.push(s.parentSpanId);
    this.#name[r] = this.#str(s.name);
    this.#taskName[r] = this.#str(str(a[ATTR_CICD_PIPELINE_TASK_NAME]));
    this.#taskRunId[r] = this.#str(str(a[ATTR_CICD_PIPELINE_TASK_RUN_ID]));
    this.#signalName[r] = this.#str(str(a[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]));
    this.#resource[r] = resource;
    this.#startNs[r] = s.startNs;
    this.#endNs[r] = s.endNs;
    const n = this.#nums;
    const o = r * NUMS;
    n[o + PID] = num(a[ATTR_PROCESS_PID]) ?? Number.NaN;
    n[o + DURATION] = s.durationNs;
    const m = readMeasures(a);
    n[o + MEASURES] = m.cpuS ?? Number.NaN;
    n[o + MEASURES + 1] = m.ioWaitS ?? Number.NaN;
    n[o + MEASURES + 2] = m.blockedS ?? Number.NaN;
    n[o + MEASURES + 3] = m.sleepS ?? Number.NaN;
    n[o + MEASURES + 4] = m.runqueueS ?? Number.NaN;
    n[o + MEASURES + 5] = m.diskReadBytes ?? Number.NaN;
    n[o + MEASURES + 6] = m.diskWriteBytes ?? Number.NaN;
    n[o + MEASURES + 7] = m.blockReadBytes ?? Number.NaN;
    n[o + MEASURES + 8] = m.blockWriteBytes ?? Number.NaN;
    n[o + MEASURES + 9] = m.netTxBytes ?? Number.NaN;
    n[o + MEASURES + 10] = m.netRxBytes ?? Number.NaN;
    n[o + MEASURES + 11] = m.peakRssBytes ?? Number.NaN;
    n[o + MEASURES + 12] = m.majorFaults ?? Number.NaN;
    const exit = a[ATTR_PROCESS_EXIT_CODE];
    let flags = 0;
    if (a[ATTR_PIPESPAN_PROCESS_OOM_KILLED] === true) flags |= OOM;
    if (s.status.code === "error") flags |= FAILED;
    if (typeof exit === "number") {
      flags |= HAS_EXIT;
      n[o + EXIT] = exit;
    }
    this.#flags[r] = flags;
    return true;
  }

  /** The batch so far (its typed arrays trimmed to the rows, ready to transfer); the writer starts afresh. */
  take(): ProcessColumns {
    const rows = this.#rows;
    const out: ProcessColumns = {
      rows,
      strings: this.#strings,
      traceId: this.#traceId.slice(0, rows),
      spanId: this.#spanId,
      parentSpanId: this.#parentSpanId,
      name: this.#name.slice(0, rows),
      taskName: this.#taskName.slice(0, rows),
      taskRunId: this.#taskRunId.slice(0, rows),
      signalName: this.#signalName.slice(0, rows),
      resource: this.#resource.slice(0, rows),
      startNs: this.#startNs.slice(0, rows),
      endNs: this.#endNs.slice(0, rows),
      nums: this.#nums.slice(0, rows * NUMS),
      flags: this.#flags.slice(0, rows),
    };
    this.#rows = 0;
    this.#strings = [];
    this.#stringIndex = new Map();
    this.#spanId = [];
    this.#parentSpanId = [];
    return out;
  }

  #str(s: string | undefined): number {
    if (s === undefined) return -1;
    let i = this.#stringIndex.get(s);
    if (i === undefined) {
      i = this.#strings.length;
      this.#strings.push(s);
      this.#stringIndex.set(s, i);
    }
    return i;
  }

  #grow(): void {
    const cap = this.#cap * 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const grow64 = (a: BigUint64Array) => {
      const b = new BigUint64Array(cap);
      b.set(a);
      return b;
    };
    this.#traceId = grow32(this.#traceId);
    this.#name = grow32(this.#name);
    this.#taskName = grow32(this.#taskName);
    this.#taskRunId = grow32(this.#taskRunId);
    this.#signalName = grow32(this.#signalName);
    this.#resource = grow32(this.#resource);
    this.#startNs = grow64(this.#startNs);
    this.#endNs = grow64(this.#endNs);
    const nums = new Float64Array(cap * NUMS);
    nums.set(this.#nums);
    this.#nums = nums;
    const flags = new Uint8Array(cap);
    flags.set(this.#flags);
    this.#flags = flags;
    this.#cap = cap;
  }
}

/** The transferable buffers of a batch (for postMessage). */
export function columnBuffers(c: ProcessColumns): ArrayBuffer[] {
  return [
    c.traceId,
    c.name,
    c.taskName,
    c.taskRunId,
    c.signalName,
    c.resource,
    c.startNs,
    c.endNs,
    c.nums,
    c.flags,
  ].map((a) => a.buffer as ArrayBuffer);
}

const val = (x: number) => (Number.isNaN(x) ? undefined : x);

/** Row r's Measures, of the same shape (and values) as readMeasures gives for the span's attributes. */
export function rowMeasures(c: ProcessColumns, r: number): Measures {
  const n = c.nums;
  const o = r * NUMS + MEASURES;
  return {
    cpuS: val(n[o] as number),
    ioWaitS: val(n[o + 1] as number),
    blockedS: val(n[o + 2] as number),
    sleepS: val(n[o + 3] as number),
    runqueueS: val(n[o + 4] as number),
    diskReadBytes: val(n[o + 5] as number),
    diskWriteBytes: val(n[o + 6] as number),
    blockReadBytes: val(n[o + 7] as number),
    blockWriteBytes: val(n[o + 8] as number),
    netTxBytes: val(n[o + 9] as number),
    netRxBytes: val(n[o + 10] as number),
    peakRssBytes: val(n[o + 11] as number),
    majorFaults: val(n[o + 12] as number),
  };
}

/** Row r's fields besides the measures. */
export function rowPid(c: ProcessColumns, r: number): number | undefined {
  return val(c.nums[r * NUMS + PID] as number);
}
export function rowDurationNs(c: ProcessColumns, r: number): number {
  return c.nums[r * NUMS + DURATION] as number;
}
export function rowExitCode(c: ProcessColumns, r: number): number | undefined {
  return ((c.flags[r] as number) & HAS_EXIT) !== 0 ? (c.nums[r * NUMS + EXIT] as number) : undefined;
}
export function rowOomKilled(c: ProcessColumns, r: number): boolean {
  return ((c.flags[r] as number) & OOM) !== 0;
}
export function rowFailed(c: ProcessColumns, r: number): boolean {
  return ((c.flags[r] as number) & FAILED) !== 0;
}
export function rowString(c: ProcessColumns, col: Int32Array, r: number): string | undefined {
  const i = col[r] as number;
  return i < 0 ? undefined : c.strings[i];
}
