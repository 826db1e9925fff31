import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { readOtlpJsonMetrics, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CPU_MODE,
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_CPU_UTILIZATION,
  ATTR_PIPESPAN_PROCESS_OOM_KILLED,
  ATTR_PIPESPAN_STALL_DURATION,
  ATTR_PROCESS_COMMAND_LINE,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
  EVENT_PIPESPAN_STALL,
  METRIC_PIPESPAN_MEMORY_PEAK_RSS,
  METRIC_PIPESPAN_TASK_DURATION,
  METRIC_PROCESS_CPU_TIME,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otlpJsonRoundTrip } from "../../../../test/support/otlp-json-check.js";
import { describeExportFailure } from "../../src/export/export-failure.js";
import { OtlpJsonFileMetricExporter, OtlpJsonFileSpanExporter } from "../../src/export/otlp-json-file.js";
import { detectResource } from "../../src/resource/index.js";

const nitro = fileURLToPath(new URL("../fixtures/sysfs-ec2-nitro", import.meta.url));
const resource = () => detectResource({ env: { OTEL_SERVICE_NAME: "pipespan-test" }, sysfsRoot: nitro });
const tmp = () => mkdtempSync(join(os.tmpdir(), "pipespan-export-"));

// 2023-11-14T22:13:20.123456789Z and 2.5 s later, as HrTime: exact nanoseconds must survive the whole path.
const START: [number, number] = [1_700_000_000, 123_456_789];
const CHILD_START: [number, number] = [1_700_000_000, 623_456_789];
const CHILD_END: [number, number] = [1_700_000_002, 123_456_788];
const END: [number, number] = [1_700_000_002, 623_456_789];
const ns = (t: [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

const lines = (path: string) => {
  const text = readFileSync(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text.slice(0, -1).split("\n");
};

// biome-ignore lint/suspicious/noExplicitAny: decoded protobuf objects
type Any = any;
const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString("hex") : "");
function decodedAttrs(kvs: Any[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) {
    const v = kv.value;
    out[kv.key] = v.value === "intValue" ? Number(v.intValue) : v[v.value];
  }
  return out;
}

describe("OtlpJsonFileSpanExporter", () => {
  let dir: string;
  let parentIds: { traceId: string; spanId: string };
  let childIds: { traceId: string; spanId: string };

  beforeAll(async () => {
    dir = tmp();
    const provider = new TracerProvider({
      resource: resource(),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OtlpJsonFileSpanExporter({ dir }) })],
    });
    const tracer = provider.getTracer("pipespan-test", "1.2.3");
    const parent = tracer.startSpan("run demo", {
      kind: SpanKind.SERVER,
      startTime: START,
      attributes: { [ATTR_CICD_PIPELINE_NAME]: "demo", [ATTR_CICD_PIPELINE_RUN_ID]: "run-42" },
    });
    const child = tracer.startSpan(
      "align",
      {
        kind: SpanKind.INTERNAL,
        startTime: CHILD_START,
        attributes: {
          [ATTR_CICD_PIPELINE_TASK_NAME]: "align",
          [ATTR_PROCESS_PID]: 4242,
          [ATTR_PIPESPAN_CPU_UTILIZATION]: 0.75,
          [ATTR_PIPESPAN_PROCESS_OOM_KILLED]: false,
          [ATTR_PROCESS_COMMAND_LINE]: 'bwa mem -t 8 ref.fa "a b"\nnext',
        },
      },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent(EVENT_PIPESPAN_STALL, { [ATTR_PIPESPAN_STALL_DURATION]: 1.5 }, CHILD_START);
    child.setStatus({ code: SpanStatusCode.ERROR, message: "exit code 137" });
    child.end(CHILD_END);
    parent.end(END);
    parentIds = parent.spanContext();
    childIds = child.spanContext();
    await provider.shutdown();
  });

  it("writes one OTLP/JSON ExportTraceServiceRequest per export batch, one per line", () => {
    // SimpleSpanProcessor exports each span on its own: child first (it ended first), then the parent.
    const l = lines(join(dir, "traces.jsonl"));
    expect(l).toHaveLength(2);
    const names = l.map((line) => JSON.parse(line).resourceSpans[0].scopeSpans[0].spans.map((s: Any) => s.name));
    expect(names).toEqual([["align"], ["run demo"]]);
  });

  it("uses the OTLP/JSON encoding: hex ids, integer enums, nanosecond strings", () => {
    const [childLine] = lines(join(dir, "traces.jsonl"));
    const span = JSON.parse(childLine!).resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.traceId).toBe(childIds.traceId);
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.parentSpanId).toBe(parentIds.spanId);
    expect(span.kind).toBe(1); // SPAN_KIND_INTERNAL
    expect(span.status).toEqual({ code: 2, message: "exit code 137" });
    expect(span.startTimeUnixNano).toBe(ns(CHILD_START).toString());
    expect(span.attributes).toContainEqual({ key: ATTR_PROCESS_PID, value: { intValue: 4242 } });
  });

  it("decodes line by line against the official protos and survives a protobuf round trip", () => {
    const spans: Any[] = [];
    for (const line of lines(join(dir, "traces.jsonl"))) {
      const { decoded, bytes } = otlpJsonRoundTrip(JSON.parse(line), "traces");
      expect(bytes.length).toBeGreaterThan(100);
      for (const rs of (decoded as Any).resourceSpans) {
        for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ s, rs, ss });
      }
    }
    expect(spans).toHaveLength(2);
    const child = spans.find((x) => x.s.name === "align")!;
    const parent = spans.find((x) => x.s.name === "run demo")!;
    expect(hex(child.s.traceId)).toBe(childIds.traceId);
    expect(hex(child.s.spanId)).toBe(childIds.spanId);
    expect(hex(child.s.parentSpanId)).toBe(parentIds.spanId);
    expect(hex(parent.s.spanId)).toBe(parentIds.spanId);
    expect(parent.s.parentSpanId).toBeUndefined();
    expect(parent.s.kind).toBe(2); // SERVER
    expect(child.s.startTimeUnixNano).toBe(ns(CHILD_START).toString());
    expect(child.s.endTimeUnixNano).toBe(ns(CHILD_END).toString());
    expect(decodedAttrs(child.s.attributes)).toEqual({
      [ATTR_CICD_PIPELINE_TASK_NAME]: "align",
      [ATTR_PROCESS_PID]: 4242,
      [ATTR_PIPESPAN_CPU_UTILIZATION]: 0.75,
      [ATTR_PIPESPAN_PROCESS_OOM_KILLED]: false,
      [ATTR_PROCESS_COMMAND_LINE]: 'bwa mem -t 8 ref.fa "a b"\nnext',
    });
    expect(decodedAttrs(parent.s.attributes)).toEqual({
      [ATTR_CICD_PIPELINE_NAME]: "demo",
      [ATTR_CICD_PIPELINE_RUN_ID]: "run-42",
    });
    expect(child.s.events[0].name).toBe(EVENT_PIPESPAN_STALL);
    expect(decodedAttrs(child.s.events[0].attributes)).toEqual({ [ATTR_PIPESPAN_STALL_DURATION]: 1.5 });
    expect(child.s.status).toEqual({ code: 2, message: "exit code 137" });
    const res = decodedAttrs(child.rs.resource.attributes);
    expect(res[ATTR_SERVICE_NAME]).toBe("pipespan-test");
    expect(res[ATTR_HOST_TYPE]).toBe("m6i.large");
    expect(child.ss.scope).toEqual({ name: "pipespan-test", version: "1.2.3" });
  });

  it("reads back as the same tree through @pipespan/findings", async () => {
    const { spans, resources, problems } = await readOtlpJsonTraces(dir);
    expect(problems).toEqual([]);
    expect(spans).toHaveLength(2);
    expect(resources).toHaveLength(1);
    const parent = spans.find((s) => s.name === "run demo")!;
    const child = spans.find((s) => s.name === "align")!;
    expect(parent.parentSpanId).toBeUndefined();
    expect(parent.kind).toBe("server");
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).toBe(childIds.spanId);
    expect(parent.startNs).toBe(ns(START));
    expect(parent.endNs).toBe(ns(END));
    expect(parent.durationNs).toBe(2_500_000_000);
    expect(child.durationNs).toBe(1_499_999_999);
    expect(child.attributes).toEqual({
      [ATTR_CICD_PIPELINE_TASK_NAME]: "align",
      [ATTR_PROCESS_PID]: 4242,
      [ATTR_PIPESPAN_CPU_UTILIZATION]: 0.75,
      [ATTR_PIPESPAN_PROCESS_OOM_KILLED]: false,
      [ATTR_PROCESS_COMMAND_LINE]: 'bwa mem -t 8 ref.fa "a b"\nnext',
    });
    expect(child.events).toEqual([
      { name: EVENT_PIPESPAN_STALL, timeNs: ns(CHILD_START), attributes: { [ATTR_PIPESPAN_STALL_DURATION]: 1.5 } },
    ]);
    expect(child.status).toEqual({ code: "error", message: "exit code 137" });
    expect(child.resource[ATTR_HOST_TYPE]).toBe("m6i.large");
    expect(child.resource).toBe(parent.resource);
    expect(child.source).toEqual({ file: join(dir, "traces.jsonl"), line: 1 });
  });

  it("puts a whole BatchSpanProcessor batch on one line", async () => {
    const d = tmp();
    const provider = new TracerProvider({
      resource: resource(),
      spanProcessors: [
        new BatchSpanProcessor({ exporter: new OtlpJsonFileSpanExporter({ dir: d }), scheduledDelayMillis: 60_000 }),
      ],
    });
    const tracer = provider.getTracer("t");
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`).end();
    await provider.shutdown();
    const l = lines(join(d, "traces.jsonl"));
    expect(l).toHaveLength(1);
    expect(JSON.parse(l[0]!).resourceSpans[0].scopeSpans[0].spans).toHaveLength(5);
  });
});

describe("OtlpJsonFileMetricExporter", () => {
  let dir: string;

  beforeAll(async () => {
    dir = tmp();
    const reader = new PeriodicExportingMetricReader({
      exporter: new OtlpJsonFileMetricExporter({ dir }),
      exportIntervalMillis: 600_000,
    });
    const provider = new MeterProvider({ resource: resource(), readers: [reader] });
    const meter = provider.getMeter("pipespan-test");
    const cpu = meter.createCounter(METRIC_PROCESS_CPU_TIME, { unit: "s" });
    cpu.add(3, { [ATTR_CPU_MODE]: "user" });
    cpu.add(4, { [ATTR_CPU_MODE]: "user" });
    cpu.add(0.5, { [ATTR_CPU_MODE]: "system" });
    const duration = meter.createHistogram(METRIC_PIPESPAN_TASK_DURATION, { unit: "s" });
    for (const v of [1, 2, 30]) duration.record(v, { [ATTR_CICD_PIPELINE_TASK_NAME]: "align" });
    const rss = meter.createGauge(METRIC_PIPESPAN_MEMORY_PEAK_RSS, { unit: "By" });
    rss.record(123_456_789, { [ATTR_CICD_PIPELINE_TASK_NAME]: "align" });
    await provider.forceFlush();
    await provider.shutdown();
  });

  it("writes one ExportMetricsServiceRequest per collection that round-trips through the protos", () => {
    const l = lines(join(dir, "metrics.jsonl"));
    // forceFlush collected once; shutdown collects (cumulative, unchanged values) once more.
    expect(l).toHaveLength(2);
    for (const line of l) {
      const { decoded } = otlpJsonRoundTrip(JSON.parse(line), "metrics");
      const metrics = (decoded as Any).resourceMetrics[0].scopeMetrics[0].metrics;
      const cpu = metrics.find((m: Any) => m.name === METRIC_PROCESS_CPU_TIME);
      expect(cpu.sum.isMonotonic).toBe(true);
      expect(cpu.sum.aggregationTemporality).toBe(2); // CUMULATIVE
      const user = cpu.sum.dataPoints.find((p: Any) => decodedAttrs(p.attributes)[ATTR_CPU_MODE] === "user");
      expect(user.asDouble).toBe(7);
      const hist = metrics.find((m: Any) => m.name === METRIC_PIPESPAN_TASK_DURATION).histogram.dataPoints[0];
      expect(hist.count).toBe("3");
      expect(hist.sum).toBe(33);
      expect(hist.min).toBe(1);
      expect(hist.max).toBe(30);
    }
  });

  it("reads back through @pipespan/findings", async () => {
    const { points, problems } = await readOtlpJsonMetrics(dir);
    expect(problems).toEqual([]);
    const first = points.filter((p) => p.source?.line === 1);
    const user = first.find((p) => p.name === METRIC_PROCESS_CPU_TIME && p.attributes[ATTR_CPU_MODE] === "user")!;
    expect(user).toMatchObject({ type: "sum", value: 7, temporality: "cumulative", isMonotonic: true, unit: "s" });
    const system = first.find((p) => p.name === METRIC_PROCESS_CPU_TIME && p.attributes[ATTR_CPU_MODE] === "system")!;
    expect(system.value).toBe(0.5);
    const hist = first.find((p) => p.name === METRIC_PIPESPAN_TASK_DURATION)!;
    expect(hist.value).toMatchObject({ count: 3, sum: 33, min: 1, max: 30 });
    const rss = first.find((p) => p.name === METRIC_PIPESPAN_MEMORY_PEAK_RSS)!;
    expect(rss).toMatchObject({ type: "gauge", value: 123_456_789, unit: "By" });
    expect(rss.resource[ATTR_HOST_TYPE]).toBe("m6i.large");
  });
});

describe("file exporter failures", () => {
  const exportOnce = async (exporter: OtlpJsonFileSpanExporter, names: string[]): Promise<ExportResult> => {
    const provider = new TracerProvider({ resource: resource() });
    const tracer = provider.getTracer("t");
    const spans = names.map((n) => {
      const s = tracer.startSpan(n);
      s.end();
      return s as unknown as Parameters<OtlpJsonFileSpanExporter["export"]>[0][number];
    });
    return new Promise((resolve) => exporter.export(spans, resolve));
  };

  it("reports a removed output folder through the export result, not by throwing", async () => {
    const d = tmp();
    const exporter = new OtlpJsonFileSpanExporter({ dir: d });
    expect((await exportOnce(exporter, ["a"])).code).toBe(ExportResultCode.SUCCESS);
    rmSync(d, { recursive: true });
    const result = await exportOnce(exporter, ["b", "c"]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe(
      `could not open ${join(d, "traces.jsonl")} for appending: ENOENT: no such file or directory, open '${join(d, "traces.jsonl")}'`,
    );
    expect(exporter.stats).toMatchObject({ lines: 1, items: 1, failures: 1, failedItems: 2 });
  });

  it("reports a full disk (ENOSPC from /dev/full) in one line", async () => {
    const exporter = new OtlpJsonFileSpanExporter({ dir: "/dev", fileName: "full" });
    const result = await exportOnce(exporter, ["a"]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect((result.error as Error & { code?: string }).code).toBe("ENOSPC");
    expect(result.error?.message).toMatch(/^could not append to \/dev\/full: ENOSPC: no space left on device/);
    expect(exporter.stats.firstError).toBe(result.error?.message);
    expect(describeExportFailure(result.error, "/dev/full", { localFilesComplete: false })).toBe(
      "pipespan: could not export traces to /dev/full (ENOSPC: no space left on device, write) — local files are incomplete too",
    );
  });

  it("refuses exports after shutdown", async () => {
    const exporter = new OtlpJsonFileSpanExporter({ dir: tmp() });
    await exporter.shutdown();
    const result = await exportOnce(exporter, ["late"]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/is shut down; 1 item\(s\) not written/);
  });

  describe.skipIf(process.getuid?.() !== 0)("on a real full filesystem (needs root to mount a 64 KiB tmpfs)", () => {
    let mnt: string;
    beforeAll(() => {
      mnt = tmp();
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt]);
    });
    afterAll(() => {
      execFileSync("umount", [mnt]);
      rmSync(mnt, { recursive: true });
    });

    it("leaves only complete lines behind when a write runs out of space half-way, and carries on", async () => {
      const filler = join(mnt, "filler");
      writeFileSync(filler, Buffer.alloc(24 * 1024));
      const exporter = new OtlpJsonFileSpanExporter({ dir: mnt });
      const file = join(mnt, "traces.jsonl");
      const big = "x".repeat(9_000);
      let failedAt = -1;
      for (let i = 0; i < 20 && failedAt < 0; i++) {
        const result = await exportOnce(exporter, [`${i}-${big}`]);
        if (result.code !== ExportResultCode.SUCCESS) {
          failedAt = i;
          expect((result.error as Error & { code?: string }).code).toBe("ENOSPC");
        }
      }
      expect(failedAt).toBeGreaterThan(0);
      expect(exporter.stats.failures).toBe(1);
      // The partial record was cut off again: the file holds exactly the complete lines.
      const text = readFileSync(file, "utf8");
      expect(statSync(file).size).toBe(Buffer.byteLength(text));
      expect(text.endsWith("\n")).toBe(true);
      expect(text.slice(0, -1).split("\n")).toHaveLength(failedAt);
      // Space comes back: the next batch lands on its own complete line.
      rmSync(filler);
      expect((await exportOnce(exporter, [`${failedAt + 1}-after`])).code).toBe(ExportResultCode.SUCCESS);
      const { spans, problems } = await readOtlpJsonTraces(file);
      expect(problems).toEqual([]);
      expect(spans.map((s) => s.name.split("-")[0])).toEqual([
        ...Array.from({ length: failedAt }, (_, i) => String(i)),
        String(failedAt + 1),
      ]);
    });
  });
});
