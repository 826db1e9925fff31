// `pipespan run` of examples/demo, exported over OTLP gRPC to the OCB-built Collector (collector-config/local.yaml)
// which forwards to a real Jaeger v2. The known truth is the OTLP/JSON pipespan wrote locally for the same run:
// Jaeger's HTTP API must return the same spans, tree and attributes; the Collector's Prometheus endpoint must
// serve per-task span-derived metrics equal to what the task spans say.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type NormalizedSpan, type NormalizedTraces, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  METRIC_PROCESS_CPU_TIME,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { isProcessSpan, isTaskSpan, numberAttr, rootOf, sameValue, tasksByName } from "./support/compare.js";
import { e2eEnv } from "./support/env.js";
import { JaegerClient, type JaegerSpan, type JaegerTrace } from "./support/jaeger.js";
import { type Sample, scrape } from "./support/prometheus.js";
import {
  promName,
  TASK_CPU_TIME,
  TASK_DURATION,
  TASK_IO_WAIT_TIME,
  TASK_LABEL,
  TASK_RUNS,
  taskHistogram,
} from "./support/task-metrics.js";

const SERVICE = "pipespan";
/**
 * The demo's first step (examples/demo/pipeline.sh): run in the foreground with PIPESPAN_TASK_NAME and long
 * enough at 24 MB for any source to see it. The background steps (`task compress … &`) start as a forked shell
 * that only gets its task name when it execs, so under the procfs source their attribution can depend on
 * sampling timing; for them the tests check their programs, and for the full set of tasks they compare with
 * what pipespan wrote locally.
 */
const FIRST_TASK = "simulate_reads";
/** Programs of the background steps: gzip (compress) and sort (sort_reads). */
const BACKGROUND_PROGRAMS = ["gzip", "sort"];

describe("pipespan run → Collector (local.yaml) → Jaeger v2", () => {
  const env = e2eEnv();
  const jaeger = new JaegerClient(`http://${env.jaegerQuery}`);
  const runId = `e2e-demo-${Date.now()}`;
  const out = tmpOutDir();
  let local: NormalizedTraces;
  let localRoot: NormalizedSpan;
  let trace: JaegerTrace;
  let byId: Map<string, JaegerSpan>;

  beforeAll(async () => {
    const r = await runPipespan(
      ["run", "--name", "demo", "--run-id", runId, "--out", out, "--", "bash", "examples/demo/pipeline.sh"],
      {
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://${env.collectorOtlpGrpc}`,
          OTEL_METRIC_EXPORT_INTERVAL: "1000",
          DEMO_SIZE_MB: "24",
        },
        timeoutMs: 180_000,
      },
    );
    if (r.code !== 0) throw new Error(`pipespan run failed (${r.code}):\n${r.stderr}`);
    local = await readOtlpJsonTraces(join(out, runId));
    localRoot = rootOf(local.spans);
    // Spans pass the Collector's tail sampling (decided 3 s after the run span arrived), then Jaeger's batch.
    trace = await JaegerClient.waitFor(
      `trace ${localRoot.traceId} in Jaeger with all ${local.spans.length} spans`,
      async () => {
        const t = await jaeger.trace(localRoot.traceId);
        return t && t.spans.length >= local.spans.length ? t : undefined;
      },
      60_000,
    );
    byId = new Map(trace.spans.map((s) => [s.spanId, s]));
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("Jaeger holds exactly the spans pipespan wrote locally, without warnings", () => {
    expect(trace.spans).toHaveLength(local.spans.length);
    expect(new Set(trace.spans.map((s) => s.spanId))).toEqual(new Set(local.spans.map((s) => s.spanId)));
    expect(trace.warnings).toEqual([]);
    expect(new Set(trace.spans.map((s) => s.serviceName))).toEqual(new Set([SERVICE]));
  });

  it("is one tree: the run span at the root, the demo's tasks under it, processes under their task", () => {
    const root = rootOf(trace.spans);
    expect(root.spanId).toBe(localRoot.spanId);
    expect(root.name).toBe("RUN demo");
    expect(root.tags["span.kind"]).toBe("server");
    for (const s of trace.spans) if (s !== root) expect(byId.has(s.parentSpanId), `parent of ${s.name}`).toBe(true);

    const tasks = trace.spans.filter((s) => s.parentSpanId === root.spanId && isTaskSpan(s.tags));
    expect(tasks.map((t) => t.name)).toContain(FIRST_TASK);
    expect(tasks.map((t) => t.name).sort()).toEqual(
      local.spans
        .filter((s) => isTaskSpan(s.attributes))
        .map((s) => s.name)
        .sort(),
    );

    // Every process span hangs under a task (directly or through its parent process), with that task's name;
    // the only exception is the root command's own process, directly under the run.
    const procs = trace.spans.filter((s) => isProcessSpan(s.tags));
    const taskOf = new Map<JaegerSpan, JaegerSpan>();
    for (const p of procs) {
      let up = byId.get(p.parentSpanId);
      while (up && isProcessSpan(up.tags)) up = byId.get(up.parentSpanId);
      expect(up, `ancestor of ${p.name}`).toBeDefined();
      if (up === root) {
        expect(p.parentSpanId).toBe(root.spanId);
      } else {
        expect(isTaskSpan(up!.tags), `${p.name} under ${up!.name}`).toBe(true);
        expect(p.tags[ATTR_CICD_PIPELINE_TASK_NAME]).toBe(up!.tags[ATTR_CICD_PIPELINE_TASK_NAME]);
        taskOf.set(p, up!);
      }
    }
    // The first step's processes are under its task; the background steps' programs ran under some task.
    const first = tasks.find((t) => t.name === FIRST_TASK)!;
    expect([...taskOf.values()]).toContain(first);
    for (const program of BACKGROUND_PROGRAMS) {
      const spans = procs.filter((p) => p.tags[ATTR_PROCESS_EXECUTABLE_NAME] === program);
      expect(spans.length, program).toBeGreaterThanOrEqual(1);
      for (const p of spans) expect(taskOf.has(p), `${program} under a task`).toBe(true);
    }
  });

  it("keeps every attribute and the resource as pipespan wrote them", () => {
    const root = byId.get(localRoot.spanId)!;
    expect(root.tags[ATTR_CICD_PIPELINE_NAME]).toBe("demo");
    expect(root.tags[ATTR_CICD_PIPELINE_RUN_ID]).toBe(runId);
    expect(root.tags[ATTR_CICD_PIPELINE_RESULT]).toBe(CICD_PIPELINE_RESULT_VALUE_SUCCESS);
    for (const s of local.spans) {
      const remote = byId.get(s.spanId)!;
      // Same times (Jaeger keeps microseconds).
      expect(remote.startUs).toBe(Number(s.startNs / 1000n));
      expect(Math.abs(remote.durationUs - s.durationNs / 1000)).toBeLessThanOrEqual(1);
      for (const [key, value] of Object.entries(s.attributes)) {
        expect(
          sameValue(value, remote.tags[key]),
          `${s.name}: ${key} = ${String(value)} vs ${String(remote.tags[key])}`,
        ).toBe(true);
      }
      for (const [key, value] of Object.entries(s.resource)) {
        if (key === ATTR_SERVICE_NAME) expect(remote.serviceName).toBe(value);
        else expect(sameValue(value, remote.resource[key]), `resource ${key}`).toBe(true);
      }
    }
    for (const t of local.spans.filter((s) => isTaskSpan(s.attributes))) {
      expect(byId.get(t.spanId)!.tags[ATTR_CICD_PIPELINE_TASK_RUN_ID]).toBe(
        t.attributes[ATTR_CICD_PIPELINE_TASK_RUN_ID],
      );
    }
  });

  it("finds the run through Jaeger's search: by run id, by task name, by operation", async () => {
    const byRun = await jaeger.search({ service: SERVICE, tags: { [ATTR_CICD_PIPELINE_RUN_ID]: runId } });
    expect(byRun.map((t) => t.traceId)).toEqual([localRoot.traceId]);
    const byTask = await jaeger.search({ service: SERVICE, tags: { [ATTR_CICD_PIPELINE_TASK_NAME]: FIRST_TASK } });
    expect(byTask.map((t) => t.traceId)).toContain(localRoot.traceId);
    const byOp = await jaeger.search({ service: SERVICE, operation: "RUN demo" });
    expect(byOp.map((t) => t.traceId)).toContain(localRoot.traceId);
    expect(await jaeger.services()).toContain(SERVICE);
  });

  describe("span-derived task metrics on the Collector's Prometheus endpoint", () => {
    let samples: Sample[] = [];
    let tasks: Map<string, NormalizedSpan[]>;

    beforeAll(async () => {
      tasks = tasksByName(local.spans);
      // The span_metrics connectors flush every 2 s (local.yaml); wait until every task has its series.
      samples = await JaegerClient.waitFor(
        "per-task series for every task of the run",
        async () => {
          const s = await scrape(env.collectorPrometheus);
          const ok = [...tasks.keys()].every((name) => taskHistogram(s, TASK_CPU_TIME, name) !== undefined);
          return ok ? s : undefined;
        },
        30_000,
      );
    });

    it("counts each task once per task span", () => {
      for (const [name, spans] of tasks) {
        const runs = samples.filter((s) => s.name === TASK_RUNS && s.labels[TASK_LABEL] === name);
        expect(
          runs.reduce((a, s) => a + s.value, 0),
          name,
        ).toBe(spans.length);
        expect(taskHistogram(samples, TASK_DURATION, name)?.count, name).toBe(spans.length);
      }
    });

    it("wall time per task equals the task spans' durations", () => {
      for (const [name, spans] of tasks) {
        const h = taskHistogram(samples, TASK_DURATION, name)!;
        const truth = spans.reduce((a, s) => a + s.durationNs / 1e9, 0);
        expect(h.sum, name).toBeCloseTo(truth, 6);
        expect(h.sum, name).toBeGreaterThan(0);
        // Buckets are cumulative and end at the count.
        for (let i = 1; i < h.buckets.length; i++)
          expect(h.buckets[i]!.count).toBeGreaterThanOrEqual(h.buckets[i - 1]!.count);
        expect(h.buckets.at(-1)).toEqual({ le: Number.POSITIVE_INFINITY, count: h.count });
      }
    });

    it("CPU time per task equals the task spans' pipespan.cpu.time, and is plausible", () => {
      const cores = 2;
      let total = 0;
      for (const [name, spans] of tasks) {
        const h = taskHistogram(samples, TASK_CPU_TIME, name)!;
        const truth = spans.reduce((a, s) => a + (numberAttr(s, ATTR_PIPESPAN_CPU_TIME) ?? 0), 0);
        expect(h.sum, name).toBeCloseTo(truth, 6);
        expect(h.count, name).toBe(spans.length);
        // A task cannot burn more CPU than its wall time on every core of this machine (+ one 10 ms tick per process).
        const wall = spans.reduce((a, s) => a + s.durationNs / 1e9, 0);
        expect(h.sum, name).toBeLessThanOrEqual(wall * cores + 0.01 * 50);
        total += h.sum;
      }
      // gzip of 24 MB and the sort do real work.
      expect(total).toBeGreaterThan(0.1);
    });

    it("I/O-wait time per task exists exactly where the task spans measured it, with the same value", () => {
      for (const [name, spans] of tasks) {
        const measured = spans.filter((s) => numberAttr(s, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME) !== undefined);
        const h = taskHistogram(samples, TASK_IO_WAIT_TIME, name);
        if (measured.length === 0) {
          // Not measured (the procfs source cannot see I/O wait): no series, rather than a false 0 s.
          expect(h, name).toBeUndefined();
          continue;
        }
        const truth = measured.reduce((a, s) => a + (numberAttr(s, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME) ?? 0), 0);
        expect(h?.count, name).toBe(measured.length);
        expect(h!.sum, name).toBeCloseTo(truth, 6);
      }
    });

    it("passes pipespan's own metrics through (process.cpu.time by task)", () => {
      const cpu = samples.filter((s) => s.name === promName(METRIC_PROCESS_CPU_TIME, "_seconds_total"));
      const names = new Set(cpu.map((s) => s.labels[TASK_LABEL]));
      expect(names).toContain(FIRST_TASK);
      expect(cpu.filter((s) => s.labels[TASK_LABEL] === FIRST_TASK).reduce((a, s) => a + s.value, 0)).toBeGreaterThan(
        0,
      );
    });
  });

  it("sent the same trace to the Honeycomb exporter (local.yaml's stand-in wrote it to a file)", async () => {
    const file = join(env.runDir, "honeycomb-sink-traces.jsonl");
    const got = await JaegerClient.waitFor(
      "the run's spans in honeycomb-sink-traces.jsonl",
      async () => {
        const t = await readOtlpJsonTraces(file, { onProblem: "collect" });
        const mine = t.spans.filter((s) => s.traceId === localRoot.traceId);
        return mine.length >= local.spans.length ? mine : undefined;
      },
      20_000,
    );
    expect(new Set(got.map((s) => s.spanId))).toEqual(new Set(local.spans.map((s) => s.spanId)));
    expect(got.find((s) => s.spanId === localRoot.spanId)?.attributes[ATTR_PROCESS_PID]).toBeUndefined();
  });
});
