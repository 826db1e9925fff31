import { mkdtempSync } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CPU_MODE,
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_CPU_UTILIZATION,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
  METRIC_PROCESS_CPU_TIME,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OtlpReceiver } from "../../../../test/support/otlp-receiver.js";
import {
  CountingExporter,
  createOtlpExportersFromEnv,
  DEFAULT_OTLP_TIMEOUT_MILLIS,
  describeExportFailure,
  displayEndpoint,
  ExportFailureStats,
  OtlpJsonFileSpanExporter,
} from "../../src/export/index.js";
import { detectResource } from "../../src/resource/index.js";

const nitro = fileURLToPath(new URL("../fixtures/sysfs-ec2-nitro", import.meta.url));
const resource = () => detectResource({ env: { OTEL_SERVICE_NAME: "pipespan-grpc-test" }, sysfsRoot: nitro });
const tmp = () => mkdtempSync(join(os.tmpdir(), "pipespan-grpc-"));

/** A loopback port with nothing listening on it (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A TCP server that accepts connections and never says a word: a black-holed collector. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function makeSpans(provider: TracerProvider) {
  const tracer = provider.getTracer("pipespan-test");
  const parent = tracer.startSpan("run demo", {
    kind: SpanKind.SERVER,
    attributes: { [ATTR_CICD_PIPELINE_NAME]: "demo" },
  });
  const child = tracer.startSpan(
    "align",
    {
      attributes: {
        [ATTR_CICD_PIPELINE_TASK_NAME]: "align",
        [ATTR_PROCESS_PID]: 31337,
        [ATTR_PIPESPAN_CPU_UTILIZATION]: 1.25,
      },
    },
    trace.setSpan(context.active(), parent),
  );
  child.end();
  parent.end();
  return { parent: parent.spanContext(), child: child.spanContext() };
}

describe("createOtlpExportersFromEnv → a real gRPC receiver", () => {
  const receiver = new OtlpReceiver();
  let endpoint: string;
  beforeAll(async () => {
    ({ endpoint } = await receiver.start());
  });
  afterAll(() => receiver.stop());

  it("exports spans with parent ids, attributes, resource and the configured header", async () => {
    const before = { ...process.env };
    const exporters = createOtlpExportersFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: "x-test=1",
    });
    expect(process.env).toEqual(before); // the custom env was only laid over process.env during construction
    expect(exporters?.traces).toBeDefined();
    expect(exporters!.endpoints.traces).toBe(endpoint.replace("http://", ""));
    const dir = tmp();
    const provider = new TracerProvider({
      resource: resource(),
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: new OtlpJsonFileSpanExporter({ dir }) }),
        new BatchSpanProcessor({ exporter: exporters!.traces! }),
      ],
    });
    const ids = makeSpans(provider);
    await provider.shutdown();
    await receiver.waitFor((r) => r.spans().length >= 2, 5_000);

    const spans = receiver.spans();
    expect(spans).toHaveLength(2);
    const parent = spans.find((s) => s.name === "run demo")!;
    const child = spans.find((s) => s.name === "align")!;
    expect(parent).toMatchObject({ traceId: ids.parent.traceId, spanId: ids.parent.spanId, parentSpanId: "", kind: 2 });
    expect(child).toMatchObject({
      traceId: ids.parent.traceId,
      spanId: ids.child.spanId,
      parentSpanId: ids.parent.spanId,
      kind: 1,
    });
    expect(child.attributes).toEqual({
      [ATTR_CICD_PIPELINE_TASK_NAME]: "align",
      [ATTR_PROCESS_PID]: 31337,
      [ATTR_PIPESPAN_CPU_UTILIZATION]: 1.25,
    });
    expect(child.resource[ATTR_SERVICE_NAME]).toBe("pipespan-grpc-test");
    expect(child.resource[ATTR_HOST_TYPE]).toBe("m6i.large");
    expect(BigInt(child.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(child.startTimeUnixNano));
    expect(receiver.headerValues("x-test")).toEqual(["1"]);
    expect(receiver.headers[0]!.path).toBe("/opentelemetry.proto.collector.trace.v1.TraceService/Export");
    expect(exporters!.stats.traces).toEqual({ exports: 1, failures: 0, failedItems: 0 });

    // The same spans went to the local file, with the same ids.
    const local = await readOtlpJsonTraces(dir);
    expect(local.spans.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanId).sort());
  });

  it("exports metrics with the signal-specific header", async () => {
    const exporters = createOtlpExportersFromEnv({
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: "x-metrics=yes",
    });
    expect(exporters?.traces).toBeUndefined(); // only the metrics endpoint was given
    const provider = new MeterProvider({
      resource: resource(),
      readers: [new PeriodicExportingMetricReader({ exporter: exporters!.metrics!, exportIntervalMillis: 600_000 })],
    });
    const cpu = provider.getMeter("m").createCounter(METRIC_PROCESS_CPU_TIME, { unit: "s" });
    cpu.add(2.5, { [ATTR_CPU_MODE]: "user" });
    cpu.add(1, { [ATTR_CPU_MODE]: "user" });
    await provider.shutdown();
    await receiver.waitFor((r) => r.metrics().length >= 1, 5_000);
    const point = receiver.metrics().find((p) => p.name === METRIC_PROCESS_CPU_TIME)!;
    expect(point).toMatchObject({ type: "sum", value: 3.5, isMonotonic: true, aggregationTemporality: 2, unit: "s" });
    expect(point.attributes).toEqual({ [ATTR_CPU_MODE]: "user" });
    expect(receiver.headers.filter((h) => h.signal === "metrics").map((h) => h.metadata["x-metrics"])).toEqual([
      ["yes"],
    ]);
    expect(exporters!.stats.metrics.failures).toBe(0);
  });

  it("counts a failure the backend reports, with its gRPC status", async () => {
    receiver.respondWith({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: "quota exceeded" });
    try {
      const lines: string[] = [];
      const exporters = createOtlpExportersFromEnv(
        { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
        { onFirstFailure: (l) => lines.push(l) },
      )!;
      const provider = new TracerProvider({
        spanProcessors: [new BatchSpanProcessor({ exporter: exporters.traces! })],
      });
      makeSpans(provider);
      await provider.shutdown();
      expect(exporters.stats.traces).toMatchObject({ exports: 1, failures: 1, failedItems: 2 });
      expect(lines).toEqual([
        `pipespan: could not export traces to ${displayEndpoint(endpoint)} (RESOURCE_EXHAUSTED: quota exceeded) — local files are complete`,
      ]);
    } finally {
      receiver.respondWith(undefined);
    }
  });
});

describe("an unreachable endpoint", () => {
  it("fails fast when nothing listens, is counted once per batch, and leaves the local file complete", async () => {
    const port = await closedPort();
    const lines: string[] = [];
    const exporters = createOtlpExportersFromEnv(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      { onFirstFailure: (l) => lines.push(l) },
    )!;
    expect(exporters.defaultTimeoutApplied.traces).toBe(DEFAULT_OTLP_TIMEOUT_MILLIS);
    const dir = tmp();
    const provider = new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: new OtlpJsonFileSpanExporter({ dir }) }),
        new BatchSpanProcessor({ exporter: exporters.traces! }),
      ],
    });
    const tracer = provider.getTracer("t");
    for (let i = 0; i < 3; i++) tracer.startSpan(`s${i}`).end();
    const t0 = performance.now();
    await provider.shutdown();
    const elapsed = performance.now() - t0;
    // A refused connection is final at once; 2 s leaves room for a loaded machine, far below the 5 s deadline.
    expect(elapsed).toBeLessThan(2_000);
    expect(exporters.stats.traces).toEqual({
      exports: 1,
      failures: 1,
      failedItems: 3,
      firstError: "UNAVAILABLE: connect ECONNREFUSED",
      firstFailureLine: lines[0],
    });
    expect(lines).toEqual([
      `pipespan: could not export traces to 127.0.0.1:${port} (UNAVAILABLE: connect ECONNREFUSED) — local files are complete`,
    ]);
    const local = await readOtlpJsonTraces(dir);
    expect(local.spans.map((s) => s.name)).toEqual(["s0", "s1", "s2"]);
  });

  describe("a black-holed endpoint (accepts TCP, never answers)", () => {
    let hole: Awaited<ReturnType<typeof silentServer>>;
    beforeAll(async () => {
      hole = await silentServer();
    });
    afterAll(() => hole.close());

    const timedExport = async (env: Record<string, string>, options = {}) => {
      const exporters = createOtlpExportersFromEnv(env, options)!;
      const provider = new TracerProvider({
        spanProcessors: [new BatchSpanProcessor({ exporter: exporters.traces! })],
      });
      provider.getTracer("t").startSpan("x").end();
      const t0 = performance.now();
      await provider.shutdown();
      return { elapsed: performance.now() - t0, exporters };
    };

    it("gives up at OTEL_EXPORTER_OTLP_TIMEOUT when the user set one", async () => {
      const { elapsed, exporters } = await timedExport({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${hole.port}`,
        OTEL_EXPORTER_OTLP_TIMEOUT: "800",
      });
      expect(exporters.defaultTimeoutApplied.traces).toBeUndefined();
      expect(elapsed).toBeGreaterThanOrEqual(750);
      expect(elapsed).toBeLessThan(3_000);
      expect(exporters.stats.traces.failures).toBe(1);
      expect(exporters.stats.traces.firstFailureLine).toMatch(
        new RegExp(
          `^pipespan: could not export traces to 127\\.0\\.0\\.1:${hole.port} \\(DEADLINE_EXCEEDED: Deadline exceeded after \\d+\\.\\d+s\\) — local files are complete$`,
        ),
      );
    });

    it("gives up at pipespan's default when the user set none", async () => {
      const { elapsed, exporters } = await timedExport(
        { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${hole.port}` },
        { defaultTimeoutMillis: 1_200 },
      );
      expect(exporters.defaultTimeoutApplied.traces).toBe(1_200);
      expect(elapsed).toBeGreaterThanOrEqual(1_150);
      expect(elapsed).toBeLessThan(3_500);
      expect(exporters.stats.traces.firstError).toMatch(/^DEADLINE_EXCEEDED: /);
    });
  });
});

describe("createOtlpExportersFromEnv decisions", () => {
  it("returns undefined when no OTLP endpoint is configured", () => {
    expect(createOtlpExportersFromEnv({})).toBeUndefined();
    expect(createOtlpExportersFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "  " })).toBeUndefined();
    expect(createOtlpExportersFromEnv({ OTEL_EXPORTER_OTLP_HEADERS: "a=b" })).toBeUndefined();
  });

  it("creates only the signals that have an endpoint and are not switched off", async () => {
    const onlyTraces = createOtlpExportersFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4317" })!;
    expect([!!onlyTraces.traces, !!onlyTraces.metrics]).toEqual([true, false]);
    const both = createOtlpExportersFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example:4317/" })!;
    expect([!!both.traces, !!both.metrics]).toEqual([true, true]);
    expect(both.endpoints).toEqual({ traces: "collector.example:4317", metrics: "collector.example:4317" });
    const noTraces = createOtlpExportersFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4317",
      OTEL_TRACES_EXPORTER: "none",
    })!;
    expect([!!noTraces.traces, !!noTraces.metrics]).toEqual([false, true]);
    expect(
      createOtlpExportersFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4317",
        OTEL_TRACES_EXPORTER: "none",
        OTEL_METRICS_EXPORTER: "none",
      }),
    ).toBeUndefined();
    await Promise.all([onlyTraces.shutdown(), both.shutdown(), noTraces.shutdown()]);
  });

  it("warns when another OTLP protocol is asked for", () => {
    const e = createOtlpExportersFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_METRICS_EXPORTER: "none",
    })!;
    expect(e.warnings).toEqual([
      "pipespan: OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf is not supported; traces are exported over OTLP gRPC to 127.0.0.1:4318",
    ]);
  });
});

describe("CountingExporter", () => {
  it("turns a throwing exporter into a counted failure and never throws itself", async () => {
    const stats = new ExportFailureStats();
    const lines: string[] = [];
    const counting = new CountingExporter<string[]>({
      exporter: {
        export() {
          throw new Error("boom\nsecond line");
        },
        shutdown: () => Promise.reject(new Error("shutdown failed")),
      },
      signal: "traces",
      endpoint: "collector:4317",
      countItems: (items) => items.length,
      stats,
      onFirstFailure: (l) => lines.push(l),
    });
    // The failure is the wrapper's: counted here, reported as done upstream so no processor rejects its shutdown.
    const result = await new Promise<{ code: number }>((resolve) => counting.export(["a", "b"], resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await expect(counting.shutdown()).resolves.toBeUndefined();
    expect(stats.traces).toMatchObject({ exports: 1, failures: 2, failedItems: 2, firstError: "boom second line" });
    expect(stats.totalFailures).toBe(2);
    expect(lines).toEqual([
      "pipespan: could not export traces to collector:4317 (boom second line) — local files are complete",
    ]);
  });
});

describe("CountingExporter with propagateFailures", () => {
  it("passes the failure on when asked to", async () => {
    const counting = new CountingExporter<string[]>({
      exporter: {
        export: (_items, cb) => cb({ code: ExportResultCode.FAILED, error: new Error("nope") }),
        shutdown: async () => {},
      },
      signal: "metrics",
      endpoint: "c:1",
      countItems: (items) => items.length,
      propagateFailures: true,
    });
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => counting.export(["a"], resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe("nope");
    expect(counting.stats.metrics).toMatchObject({ exports: 1, failures: 1, failedItems: 1, firstError: "nope" });
  });
});

describe("describeExportFailure", () => {
  it("makes one line out of gRPC errors", () => {
    const err = Object.assign(new Error("14 UNAVAILABLE: No connection established"), {
      code: 14,
      details:
        "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9 (2025-01-01T00:00:00.000Z)",
    });
    expect(describeExportFailure(err, "127.0.0.1:9")).toBe(
      "pipespan: could not export traces to 127.0.0.1:9 (UNAVAILABLE: connect ECONNREFUSED) — local files are complete",
    );
    expect(describeExportFailure("weird", "h:1", { signal: "metrics" })).toBe(
      "pipespan: could not export metrics to h:1 (weird) — local files are complete",
    );
  });
});
