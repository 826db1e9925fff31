// Span attributes → timelines, device series and the measured host (conventions/model/timeline.yaml).
//
// These come from files we did not write: a series is used only when it is an array of finite non-negative
// numbers of the same length as the others, under a positive interval. Anything else is reported once (a
// "data problem") and ignored, so the task is judged from its totals instead — never from half-valid data.
import {
  ATTR_PIPESPAN_DEVICE_NAME,
  ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME,
  ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES,
  ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS,
  ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES,
  ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS,
  ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT,
  ATTR_PIPESPAN_HOST_MEMORY_TOTAL,
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
import type { Attributes, AttributeValue, NormalizedEvent } from "../otlp/model.js";
import { num } from "./measures.js";
import type { DeviceSeries, MeasuredHost, Timeline } from "./types.js";

/** More buckets than any conforming source writes (256), with room for other writers; beyond this: rejected. */
export const MAX_BUCKETS = 65_536;

type Series = Float64Array | undefined | "bad";

/** A numeric array attribute as a Float64Array; undefined when absent, "bad" when malformed. */
function series(v: AttributeValue | undefined): Series {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length > MAX_BUCKETS) return "bad";
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = num(v[i]);
    if (x === undefined) return "bad";
    out[i] = x;
  }
  return out;
}

/**
 * The timeline of a task or run span, or undefined when the span has none. A timeline needs the interval, CPU
 * time and I/O wait; the other series are optional. `problem` receives one line when the data is malformed.
 */
export function readTimeline(a: Attributes, startS: number, problem: (why: string) => void): Timeline | undefined {
  const cpu = series(a[ATTR_PIPESPAN_TIMELINE_CPU_TIME]);
  const io = series(a[ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME]);
  if (cpu === undefined && io === undefined) return undefined;
  const interval = num(a[ATTR_PIPESPAN_TIMELINE_INTERVAL]);
  if (interval === undefined || interval <= 0) {
    problem(`${ATTR_PIPESPAN_TIMELINE_INTERVAL} is missing or not positive`);
    return undefined;
  }
  if (cpu === undefined || io === undefined) {
    problem(`a timeline needs both ${ATTR_PIPESPAN_TIMELINE_CPU_TIME} and ${ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME}`);
    return undefined;
  }
  const optional = {
    blocked: series(a[ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME]),
    runqueue: series(a[ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY]),
    sleep: series(a[ATTR_PIPESPAN_TIMELINE_SLEEP_TIME]),
    network: series(a[ATTR_PIPESPAN_TIMELINE_NETWORK_BYTES]),
    storage: series(a[ATTR_PIPESPAN_TIMELINE_STORAGE_BYTES]),
    activeMax: series(a[ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX]),
  };
  const all: [string, Series][] = [
    [ATTR_PIPESPAN_TIMELINE_CPU_TIME, cpu],
    [ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME, io],
    [ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME, optional.blocked],
    [ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY, optional.runqueue],
    [ATTR_PIPESPAN_TIMELINE_SLEEP_TIME, optional.sleep],
    [ATTR_PIPESPAN_TIMELINE_NETWORK_BYTES, optional.network],
    [ATTR_PIPESPAN_TIMELINE_STORAGE_BYTES, optional.storage],
    [ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX, optional.activeMax],
  ];
  const bad = all.filter(([, s]) => s === "bad").map(([k]) => k);
  if (bad.length > 0) {
    problem(`${bad.join(", ")} is not an array of non-negative numbers (at most ${MAX_BUCKETS})`);
    return undefined;
  }
  const n = (cpu as Float64Array).length;
  const uneven = all.filter(([, s]) => s !== undefined && (s as Float64Array).length !== n).map(([k]) => k);
  if (uneven.length > 0) {
    problem(`${uneven.join(", ")} has a different length than ${ATTR_PIPESPAN_TIMELINE_CPU_TIME} (${n})`);
    return undefined;
  }
  if (n === 0) return undefined;
  const keep = (s: Series) => (s instanceof Float64Array ? s : undefined);
  return {
    startS,
    intervalS: interval,
    buckets: n,
    cpu: cpu as Float64Array,
    ioWait: io as Float64Array,
    ...opt("blocked", keep(optional.blocked)),
    ...opt("runqueue", keep(optional.runqueue)),
    ...opt("sleep", keep(optional.sleep)),
    ...opt("network", keep(optional.network)),
    ...opt("storage", keep(optional.storage)),
    ...opt("activeMax", keep(optional.activeMax)),
  };
}

function opt<K extends string>(k: K, v: Float64Array | undefined): { [P in K]?: Float64Array } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: Float64Array };
}

/** The run span's pipespan.device.io events as device series (malformed events are reported and skipped). */
export function readDevices(events: readonly NormalizedEvent[], problem: (why: string) => void): DeviceSeries[] {
  const out: DeviceSeries[] = [];
  for (const e of events) {
    if (e.name !== EVENT_PIPESPAN_DEVICE_IO) continue;
    const a = e.attributes;
    const name = typeof a[ATTR_PIPESPAN_DEVICE_NAME] === "string" ? (a[ATTR_PIPESPAN_DEVICE_NAME] as string) : "";
    const where = `${EVENT_PIPESPAN_DEVICE_IO} event${name ? ` for ${name}` : ""}`;
    const interval = num(a[ATTR_PIPESPAN_TIMELINE_INTERVAL]);
    const rb = series(a[ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES]);
    const wb = series(a[ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES]);
    const ro = series(a[ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS]);
    const wo = series(a[ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS]);
    const busy = series(a[ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME]);
    if (name === "" || interval === undefined || interval <= 0) {
      problem(`${where}: needs ${ATTR_PIPESPAN_DEVICE_NAME} and a positive ${ATTR_PIPESPAN_TIMELINE_INTERVAL}`);
      continue;
    }
    if (!(rb instanceof Float64Array) || !(wb instanceof Float64Array)) {
      problem(`${where}: needs read and write byte series`);
      continue;
    }
    const n = rb.length;
    const others = [wb, ro, wo, busy];
    if (others.some((s) => s === "bad" || (s instanceof Float64Array && s.length !== n))) {
      problem(`${where}: a series is malformed or of a different length`);
      continue;
    }
    out.push({
      name,
      intervalS: interval,
      buckets: n,
      readBytes: rb,
      writeBytes: wb,
      ...(ro instanceof Float64Array ? { readOps: ro } : {}),
      ...(wo instanceof Float64Array ? { writeOps: wo } : {}),
      ...(busy instanceof Float64Array ? { busyS: busy } : {}),
    });
  }
  return out;
}

/** The measured host's logical CPUs and memory from the resource (undefined where absent or not positive). */
export function readHost(resource: Attributes): MeasuredHost {
  const cpus = num(resource[ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT]);
  const mem = num(resource[ATTR_PIPESPAN_HOST_MEMORY_TOTAL]);
  return {
    ...(cpus !== undefined && cpus >= 1 ? { cpus: Math.floor(cpus) } : {}),
    ...(mem !== undefined && mem > 0 ? { memoryBytes: mem } : {}),
  };
}

/** Wall seconds of bucket k of a timeline covering a span of `wallS` (the last bucket may be partial). */
export function bucketWidth(t: { intervalS: number }, k: number, wallS: number): number {
  const from = k * t.intervalS;
  return Math.max(0, Math.min(t.intervalS, wallS - from));
}
