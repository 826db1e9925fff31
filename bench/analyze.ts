// Findings-engine throughput on a 1M-span synthetic run: `node bench/analyze.ts [spans]` (after `npm run build`).
//
// Writes an OTLP/JSON run folder shaped like `pipespan run`'s (run span → task spans → process spans with the
// eBPF source's measurement attributes, 512 spans per line), then times
//   JSON.parse    decoding the lines and nothing else: the floor of any OTLP/JSON reader on this machine
//   end to end    reading + validating the file, building the run model, all rules and the cost model (streamed)
//   engine        the run model, rules and cost model alone, on spans already in memory
// and prints spans/s for each (goal: ≥ 200k spans/s). Not a test: it asserts nothing. KEEP=1 keeps the folder.
// TIMELINE_BUCKETS=256 gives every task span per-bucket thread states (pipespan.timeline.*), as the kernel source
// writes them, so the limits model and the cost projection work bucket by bucket.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { analyzeRun, buildRunModel, loadRun, readOtlpJsonTraces } from "@pipespan/findings";
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

const TOTAL = Number(process.argv[2] ?? 1_000_000);
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

async function writeRun(dir: string): Promise<number> {
  const traceId = hex(0xbe4c4, 32);
  const runSpanId = hex(1, 16);
  const tasks = Math.max(1, Math.floor((TOTAL - 1) / (PROCS_PER_TASK + 1)));
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

const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString("en-US")} spans/s`;

const dir = mkdtempSync(join(process.env["PIPESPAN_TEST_SCRATCH"] ?? tmpdir(), "pipespan-bench-"));
try {
  let t = performance.now();
  const n = await writeRun(dir);
  const mb = statSync(join(dir, "traces.jsonl")).size / 1e6;
  console.log(
    `synthetic run: ${n.toLocaleString("en-US")} spans, ${mb.toFixed(0)} MB of OTLP/JSON (${((performance.now() - t) / 1000).toFixed(1)} s to write)`,
  );

  // The floor: JSON.parse of every line, nothing else.
  t = performance.now();
  let parsed = 0;
  for await (const line of createInterface({ input: createReadStream(join(dir, "traces.jsonl")) })) {
    if (line) parsed += (JSON.parse(line) as { resourceSpans: unknown[] }).resourceSpans.length;
  }
  const decode = performance.now() - t;
  console.log(
    `JSON.parse alone (the floor of any OTLP/JSON reader): ${(decode / 1000).toFixed(2)} s — ${rate(n, decode)}`,
  );

  t = performance.now();
  const loaded = await loadRun(dir);
  const report = analyzeRun(loaded.model);
  const e2e = performance.now() - t;
  console.log(
    `end to end (read + validate + model + rules + cost): ${(e2e / 1000).toFixed(2)} s — ${rate(n, e2e)}  ` +
      `[${report.findings.length} findings, ${loaded.model.tasks.length} tasks, ${report.recommendations.length} recommendations]`,
  );

  const { spans } = await readOtlpJsonTraces(dir);
  t = performance.now();
  const model = buildRunModel(spans);
  const tm = performance.now() - t;
  analyzeRun(model);
  const te = performance.now() - t;
  console.log(
    `engine only (model + rules + cost, spans in memory): ${(te / 1000).toFixed(2)} s — ${rate(n, te)} (model ${(tm / 1000).toFixed(2)} s)`,
  );
  const goal = (ms: number) => (n / (ms / 1000) >= 200_000 ? "met" : "not met");
  console.log(`goal ≥ 200,000 spans/s: engine ${goal(te)}; end to end ${goal(e2e)} (bounded by JSON.parse above)`);
  if (parsed === 0) console.log("(no requests parsed?)");
} finally {
  if (!process.env["KEEP"]) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}
