// Timeline attributes (conventions/model/timeline.yaml) for synthetic runs: per-bucket thread-seconds, device
// series on the run span, the measured host on the resource.
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
import type { AttrValue } from "./synthetic.ts";

/** Thread-seconds (and bytes) of one bucket. */
export interface B {
  cpu?: number;
  io?: number;
  blocked?: number;
  rq?: number;
  sleep?: number;
  net?: number;
  storage?: number;
  active?: number;
}

/** `n` copies of a bucket. */
export function repeat(n: number, b: B): B[] {
  return Array.from({ length: n }, () => ({ ...b }));
}

/** The timeline attributes of a task or run span. Series whose buckets never set a value are left out. */
export function timelineAttrs(interval: number, buckets: readonly B[]): Record<string, AttrValue> {
  const a: Record<string, AttrValue> = { [ATTR_PIPESPAN_TIMELINE_INTERVAL]: interval };
  const put = (key: string, f: (b: B) => number | undefined, always = false) => {
    if (!always && buckets.every((b) => f(b) === undefined)) return;
    a[key] = buckets.map((b) => f(b) ?? 0);
  };
  put(ATTR_PIPESPAN_TIMELINE_CPU_TIME, (b) => b.cpu, true);
  put(ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME, (b) => b.io, true);
  put(ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME, (b) => b.blocked);
  put(ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY, (b) => b.rq);
  put(ATTR_PIPESPAN_TIMELINE_SLEEP_TIME, (b) => b.sleep);
  put(ATTR_PIPESPAN_TIMELINE_NETWORK_BYTES, (b) => b.net);
  put(ATTR_PIPESPAN_TIMELINE_STORAGE_BYTES, (b) => b.storage);
  put(ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX, (b) => b.active);
  return a;
}

export interface DeviceBuckets {
  name: string;
  interval: number;
  readBytes: number[];
  writeBytes: number[];
  readOps?: number[];
  writeOps?: number[];
  busy?: number[];
}

/** A pipespan.device.io event for SynthRun.runEvents. */
export function deviceEvent(d: DeviceBuckets): { name: string; attrs: Record<string, AttrValue> } {
  return {
    name: EVENT_PIPESPAN_DEVICE_IO,
    attrs: {
      [ATTR_PIPESPAN_DEVICE_NAME]: d.name,
      [ATTR_PIPESPAN_TIMELINE_INTERVAL]: d.interval,
      [ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES]: d.readBytes,
      [ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES]: d.writeBytes,
      ...(d.readOps ? { [ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS]: d.readOps } : {}),
      ...(d.writeOps ? { [ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS]: d.writeOps } : {}),
      ...(d.busy ? { [ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME]: d.busy } : {}),
    },
  };
}

/** The measured host on the resource. */
export function hostResource(cpus: number, memoryBytes: number): Record<string, AttrValue> {
  return { [ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT]: cpus, [ATTR_PIPESPAN_HOST_MEMORY_TOTAL]: memoryBytes };
}
