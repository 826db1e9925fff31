// The shipped gateway.yaml, run for real on loopback, with its Honeycomb exporters pointed at an in-process OTLP
// gRPC receiver (plaintext through HONEYCOMB_OTLP_INSECURE, as for an in-cluster Refinery) and its Jaeger/Tempo
// exporter at another: the API key must arrive as the x-honeycomb-team header (and the metrics dataset as
// x-honeycomb-dataset), the whole run must reach both, and the key must not leak to the other backend.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type NormalizedTraces, readOtlpJsonTraces } from "@pipespan/findings";
import { ATTR_CICD_PIPELINE_TASK_NAME } from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { OtlpReceiver } from "../support/otlp-receiver.js";
import { GATEWAY_CONFIG, type RunningCollector, startCollector } from "./support/collector.js";
import { e2eEnv } from "./support/env.js";

const TEAM_HEADER = "x-honeycomb-team";
const DATASET_HEADER = "x-honeycomb-dataset";

describe("gateway.yaml → Honeycomb exporter (header from HONEYCOMB_API_KEY)", () => {
  const env = e2eEnv();
  const honeycomb = new OtlpReceiver();
  const tempo = new OtlpReceiver();
  const apiKey = `hc-test-${randomBytes(8).toString("hex")}`;
  const dataset = "pipespan-e2e-metrics";
  const runId = `e2e-honeycomb-${Date.now()}`;
  const out = tmpOutDir();
  let gateway: RunningCollector;
  let local: NormalizedTraces;

  beforeAll(async () => {
    const [hc, tp] = await Promise.all([honeycomb.start(), tempo.start()]);
    gateway = await startCollector(env.otelcolBin, GATEWAY_CONFIG, {
      PIPESPAN_TRACES_ENDPOINT: `127.0.0.1:${tp.port}`,
      PIPESPAN_TRACES_INSECURE: "true",
      HONEYCOMB_OTLP_ENDPOINT: `127.0.0.1:${hc.port}`,
      HONEYCOMB_OTLP_INSECURE: "true",
      HONEYCOMB_API_KEY: apiKey,
      HONEYCOMB_METRICS_DATASET: dataset,
      PIPESPAN_SAMPLING_PERCENT: "100",
      PIPESPAN_SAMPLING_AFTER_RUN_WAIT: "1s",
    });
    const r = await runPipespan(
      [
        "run",
        "--name",
        "honeycomb-e2e",
        "--run-id",
        runId,
        "--out",
        out,
        "--",
        "bash",
        "-c",
        `PIPESPAN_TASK_NAME=hc_work bash -c 'head -c 4000000 /dev/urandom | gzip -1 > /dev/null; sleep 0.4'`,
      ],
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${gateway.otlpGrpc}`, OTEL_METRIC_EXPORT_INTERVAL: "1000" } },
    );
    if (r.code !== 0) throw new Error(`pipespan run failed (${r.code}):\n${r.stderr}`);
    local = await readOtlpJsonTraces(join(out, runId));
    const all = (rc: OtlpReceiver) => rc.spans().filter((s) => s.traceId === local.spans[0]!.traceId).length;
    await honeycomb.waitFor((rc) => all(rc) >= local.spans.length, 30_000);
    await tempo.waitFor((rc) => all(rc) >= local.spans.length, 30_000);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([honeycomb.stop(), tempo.stop()]);
    rmSync(out, { recursive: true, force: true });
    if (gateway) rmSync(gateway.dir, { recursive: true, force: true });
  });

  it("sends every trace export to Honeycomb with x-honeycomb-team = HONEYCOMB_API_KEY", () => {
    const traceCalls = honeycomb.headers.filter((h) => h.signal === "traces");
    expect(traceCalls.length).toBeGreaterThanOrEqual(1);
    for (const call of traceCalls) expect(call.metadata[TEAM_HEADER]).toEqual([apiKey]);
  });

  it("delivers the whole run to Honeycomb and to the Jaeger/Tempo exporter", () => {
    const ids = new Set(local.spans.map((s) => s.spanId));
    for (const rc of [honeycomb, tempo]) {
      const got = rc.spans().filter((s) => s.traceId === local.spans[0]!.traceId);
      expect(new Set(got.map((s) => s.spanId))).toEqual(ids);
      expect(got.some((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === "hc_work")).toBe(true);
    }
  });

  it("sends metrics to Honeycomb with the key and the dataset header", async () => {
    await honeycomb.waitFor((rc) => rc.headers.some((h) => h.signal === "metrics"), 40_000);
    const metricCalls = honeycomb.headers.filter((h) => h.signal === "metrics");
    for (const call of metricCalls) {
      expect(call.metadata[TEAM_HEADER]).toEqual([apiKey]);
      expect(call.metadata[DATASET_HEADER]).toEqual([dataset]);
    }
    expect(honeycomb.metrics().length).toBeGreaterThan(0);
  });

  it("never sends the Honeycomb key to the other backend", () => {
    expect(tempo.headers.length).toBeGreaterThan(0);
    expect(tempo.headerValues(TEAM_HEADER)).toEqual([]);
    expect(JSON.stringify(tempo.headers)).not.toContain(apiKey);
  });
});
