// A synthetic run folder for the analyzer benchmark: OTLP/JSON shaped like `pipespan run`'s (run span → task
// spans → process spans with the eBPF source's measurement attributes, 512 spans per line) and a run.json.
// TIMELINE_BUCKETS=256 gives every task span per-bucket thread states (pipespan.timeline.*), as the kernel source
// writes them, so the limits model and the cost projection work bucket by bucket.
import { createWriteStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_BLOCK_READ_BYTES,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS,
  ATTR_PIPESPAN_MEMORY_PEAK_RSS,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_OFFCPU_SLEEP_TIME,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PIPESPAN_RUNQUEUE_DELAY,
  ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX,
  ATTR_PIPESPAN_TIMELINE_CPU_TIME,
  ATTR_PIPESPAN_TIMELINE_INTERVAL,
  ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME,
  ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY,
  ATTR_PIPESPAN_TIMELINE_SLEEP_TIME,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PARENT_PID,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
} from "@pipespan/semconv";

const PROCS_PER_TASK = 49; // + 1 task span = 50 spans per task
const TASK_NAMES = 200;
const BATCH = 512;
const START_NS = 1_767_225_600_000_000_000n;

type V = string | number;
const kv = (a: Record<string, V | number[]>) =>
  Object.entries(a).map(([key, v]) => ({
    key,
    value: Array.isArray(v)
      ? { arrayValue: { values: v.map((x) => ({ doubleValue: x })) } }
      : typeof v === "string"
        ? { stringValue: v }
        : Number.isInteger(v)
          ? { intValue: v }
          : { doubleValue: v },
  }));
const BUCKETS = Number(process.env["TIMELINE_BUCKETS"] ?? 0);

/** Per-bucket thread states of a task of `wall` seconds (48 working threads: 60% on a CPU, 30% in I/O wait). */
function timeline(wall: number): Record<string, number | number[]> {
  if (BUCKETS <= 0) return {};
  const w = wall / BUCKETS;
  const k = (f: number) => Array.from({ length: BUCKETS }, (_, i) => w * 48 * f * (0.8 + (0.4 * ((i * 7) % 5)) / 4));
  return {
    [ATTR_PIPESPAN_TIMELINE_INTERVAL]: w,
    [ATTR_PIPESPAN_TIMELINE_CPU_TIME]: k(0.6),
    [ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME]: k(0.3),
    [ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY]: k(0.02),
    [ATTR_PIPESPAN_TIMELINE_SLEEP_TIME]: k(0.08),
    [ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX]: Array.from({ length: BUCKETS }, () => 48),
  };
}
const hex = (n: number, d: number) => n.toString(16).padStart(d, "0");
const ns = (s: number) => String(START_NS + BigInt(Math.round(s * 1e9)));

/** Writes `total` spans (about 1.1 kB each) into dir/traces.jsonl and dir/run.json; resolves to the span count. */
export async function writeSyntheticRun(dir: string, total: number): Promise<number> {
  const traceId = hex(0xbe4c4, 32);
  const runSpanId = hex(1, 16);
  const tasks = Math.max(1, Math.floor((total - 1) / (PROCS_PER_TASK + 1)));
  const slot = 60; // a task runs 45–60 s; 16 at a time
  const wall = Math.ceil(tasks / 16) * slot;
  const resource = { attributes: kv({ [ATTR_SERVICE_NAME]: "pipespan", [ATTR_HOST_TYPE]: "r6i.16xlarge" }) };
  const file = createWriteStream(join(dir, "traces.jsonl"));
  let batch: unknown[] = [];
  let spans = 0;
  let nextId = 2;
  const flush = async () => {
    if (batch.length === 0) return;
    const line = `${JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "pipespan" }, spans: batch }] }] })}\n`;
    batch = [];
    if (!file.write(line)) await new Promise<void>((r) => file.once("drain", () => r()));
  };
  const push = async (s: unknown) => {
    batch.push(s);
    spans++;
    if (batch.length >= BATCH) await flush();
  };
  for (let t = 0; t < tasks; t++) {
    const name = `TASK_${t % TASK_NAMES}`;
    const start = Math.floor(t / 16) * slot + (t % 16) * 0.1;
    const end = start + 45 + (t % 7) * 2;
    const taskSpanId = hex(nextId++, 16);
    await push({
      traceId,
      spanId: taskSpanId,
      parentSpanId: runSpanId,
      name,
      kind: 1,
      startTimeUnixNano: ns(start),
      endTimeUnixNano: ns(end),
      attributes: kv({
        [ATTR_CICD_PIPELINE_TASK_NAME]: name,
        [ATTR_CICD_PIPELINE_TASK_RUN_ID]: `${name}-${t}`,
        ...timeline(end - start),
      }),
    });
    const wrapperId = hex(nextId++, 16);
    for (let p = 0; p < PROCS_PER_TASK; p++) {
      const ps = start + (p === 0 ? 0 : (p - 1) * ((end - start) / PROCS_PER_TASK));
      const pe = p === 0 ? end : ps + (end - start) / PROCS_PER_TASK;
      const w = pe - ps;
      await push({
        traceId,
        spanId: p === 0 ? wrapperId : hex(nextId++, 16),
        parentSpanId: p === 0 ? taskSpanId : wrapperId,
        name: p === 0 ? "bash" : "tool",
        kind: 1,
        startTimeUnixNano: ns(ps),
        endTimeUnixNano: ns(pe),
        attributes: kv({
          [ATTR_PROCESS_PID]: 1000 + ((t * PROCS_PER_TASK + p) % 4_000_000),
          [ATTR_PROCESS_PARENT_PID]: 999,
          [ATTR_PROCESS_EXECUTABLE_NAME]: p === 0 ? "bash" : "tool",
          [ATTR_CICD_PIPELINE_TASK_NAME]: name,
          [ATTR_CICD_PIPELINE_TASK_RUN_ID]: `${name}-${t}`,
          [ATTR_PIPESPAN_CPU_TIME]: p === 0 ? 0.01 : w * 0.6,
          [ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]: p === 0 ? 0 : w * 0.3,
          [ATTR_PIPESPAN_OFFCPU_SLEEP_TIME]: p === 0 ? w : w * 0.05,
          [ATTR_PIPESPAN_RUNQUEUE_DELAY]: p === 0 ? 0 : w * 0.02,
          [ATTR_PIPESPAN_BLOCK_READ_BYTES]: Math.round(w * 20e6),
          [ATTR_PIPESPAN_BLOCK_WRITE_BYTES]: Math.round(w * 5e6),
          [ATTR_PIPESPAN_MEMORY_PEAK_RSS]: 200 * 1024 ** 2,
          [ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS]: 3,
        }),
      });
    }
  }
  await push({
    traceId,
    spanId: runSpanId,
    name: "RUN bench",
    kind: 2,
    startTimeUnixNano: ns(0),
    endTimeUnixNano: ns(wall),
    attributes: kv({
      [ATTR_CICD_PIPELINE_NAME]: "bench",
      [ATTR_CICD_PIPELINE_RUN_ID]: "bench-1",
      [ATTR_PIPESPAN_RUN_SOURCE]: "ebpf",
    }),
  });
  await flush();
  await new Promise<void>((r) => file.end(r));
  writeFileSync(join(dir, "run.json"), JSON.stringify({ runId: "bench-1", traceId, runSpanId }));
  return spans;
}
