// The replay path decodes the run's OTLP/JSON lines back into SDK objects and sends them with the upstream
// protobuf serializers. Known truth: spans and metrics made by the real OTel SDK. Serialized to OTLP/JSON (what
// the files hold), decoded, and serialized to protobuf again, they must give the very bytes the SDK's own objects
// give — nothing lost or changed on the way through the files.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, ValueType } from "@opentelemetry/api";
import {
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { decodeMetricsRequest, decodeTraceRequest, OtlpJsonDecodeError } from "@pipespan/agent";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_STALL_DEVICE,
  ATTR_PIPESPAN_STALL_DURATION,
  ATTR_SERVICE_NAME,
  EVENT_PIPESPAN_STALL,
} from "@pipespan/semconv";
import { describe, expect, it } from "vitest";

const resource = resourceFromAttributes({
  [ATTR_SERVICE_NAME]: "decode-test",
  [ATTR_HOST_TYPE]: "r6i.large",
  n: 3,
  f: 1.5,
});

async function spans() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer("pipespan", "1.2.3");
  const root = tracer.startSpan("run demo", {
    kind: SpanKind.SERVER,
    startTime: [1_800_000_000, 123_456_789],
    attributes: {
      [ATTR_CICD_PIPELINE_NAME]: "demo",
      count: 7,
      ratio: 0.25,
      ok: true,
      tags: ["a", "b"],
      nums: [1, 2.5],
    },
  });
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  const child = tracer.startSpan("gzip", { startTime: [1_800_000_001, 5] }, ctx);
  child.addEvent(
    EVENT_PIPESPAN_STALL,
    { [ATTR_PIPESPAN_STALL_DURATION]: 1.25, [ATTR_PIPESPAN_STALL_DEVICE]: "vda" },
    [1_800_000_001, 999],
  );
  child.addLink({ context: root.spanContext(), attributes: { why: "follows" } });
  child.setStatus({ code: SpanStatusCode.ERROR, message: "exited with code 2" });
  child.end([1_800_000_002, 0]);
  root.end([1_800_000_003, 1]);
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

async function metrics() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter("pipespan", "1.2.3");
  meter.createCounter("c", { unit: "s", description: "a counter" }).add(1.5, { task: "x" });
  meter.createCounter("ci", { valueType: ValueType.INT }).add(4, { task: "y" });
  meter.createUpDownCounter("ud").add(-3);
  meter.createGauge("g", { unit: "By" }).record(4096, { task: "x" });
  const h = meter.createHistogram("h", { unit: "s" });
  for (const v of [0.1, 2, 30, 400]) h.record(v, { task: "x" });
  await reader.forceFlush();
  const out = exporter.getMetrics();
  await provider.shutdown();
  return out;
}

describe("OTLP/JSON → SDK objects → OTLP protobuf", () => {
  it("spans re-encode to the exact protobuf bytes of the original spans", async () => {
    const original = await spans();
    expect(original).toHaveLength(2);
    const json = JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(original) as Uint8Array).toString("utf8"));
    const decoded = decodeTraceRequest(json);
    expect(decoded).toHaveLength(original.length);
    const a = Buffer.from(ProtobufTraceSerializer.serializeRequest(original) as Uint8Array);
    const b = Buffer.from(ProtobufTraceSerializer.serializeRequest(decoded) as Uint8Array);
    expect(b.equals(a)).toBe(true);
  });

  it("metrics (sum, int sum, up-down, gauge, histogram) re-encode to the exact protobuf bytes", async () => {
    const original = await metrics();
    expect(original.length).toBeGreaterThan(0);
    expect(original[0]?.scopeMetrics[0]?.metrics.length).toBe(5);
    for (const rm of original) {
      const json = JSON.parse(Buffer.from(JsonMetricsSerializer.serializeRequest(rm) as Uint8Array).toString("utf8"));
      const decoded = decodeMetricsRequest(json);
      expect(decoded).toHaveLength(1);
      const a = Buffer.from(ProtobufMetricsSerializer.serializeRequest(rm) as Uint8Array);
      const b = Buffer.from(ProtobufMetricsSerializer.serializeRequest(decoded[0] as never) as Uint8Array);
      expect(b.equals(a)).toBe(true);
    }
  });

  it("malformed input is one OtlpJsonDecodeError with a short reason", () => {
    const bad: unknown[] = [
      null,
      [],
      { resourceSpans: 3 },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "zz", spanId: "00" }] }] }] },
      { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: "a".repeat(32), spanId: "b".repeat(16), kind: 9 }] }] }] },
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "x", sum: { dataPoints: [{ asDouble: "x" }] } }] }] }] },
    ];
    for (const b of bad) {
      let caught: unknown;
      try {
        "resourceMetrics" in ((b as object) ?? {}) ? decodeMetricsRequest(b) : decodeTraceRequest(b);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(b)).toBeInstanceOf(OtlpJsonDecodeError);
      expect((caught as Error).message).not.toContain("\n");
    }
  });
});
