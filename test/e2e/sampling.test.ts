// Tail sampling of the shipped config, for real: local.yaml with PIPESPAN_SAMPLING_PERCENT=0, so a run reaches
// Jaeger only when it holds a finding or an error. A run that fails must arrive whole; a clean run without
// findings must not arrive at all — yet its task metrics must, because span metrics are derived before sampling.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { type NormalizedTraces, RULE_IDS, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_PIPESPAN_FINDING_RULE,
  ATTR_PIPESPAN_FINDING_SEVERITY,
  ATTR_SERVICE_NAME,
  PIPESPAN_FINDING_SEVERITY_VALUE_INFO,
  PIPESPAN_FINDING_SEVERITY_VALUE_WARNING,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { LOCAL_CONFIGS, type RunningCollector, startCollector } from "./support/collector.js";
import { isFindingSpan, rootOf } from "./support/compare.js";
import { e2eEnv } from "./support/env.js";
import { JaegerClient } from "./support/jaeger.js";
import { scrape } from "./support/prometheus.js";
import { TASK_DURATION, taskHistogram } from "./support/task-metrics.js";

/**
 * What the policy says about a run: kept when it holds an error or a finding above info (the rest: 0 %). Every run
 * gets an info finding (critical-path), so info findings cannot be a reason to keep one.
 */
function keptByPolicy(t: NormalizedTraces): boolean {
  return t.spans.some(
    (s) =>
      s.status.code === "error" ||
      (isFindingSpan(s.attributes) &&
        s.attributes[ATTR_PIPESPAN_FINDING_SEVERITY] !== PIPESPAN_FINDING_SEVERITY_VALUE_INFO),
  );
}

/** Sends one synthetic run (a root span and one finding span under it) straight through the OTel SDK. */
async function sendRunWithFinding(endpoint: string, name: string, rule: string, severity: string): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: "pipespan-e2e-sampling" }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://${endpoint}` }) })],
  });
  const tracer = provider.getTracer("e2e");
  const root = tracer.startSpan(`RUN ${name}`, {
    kind: SpanKind.SERVER,
    attributes: { [ATTR_CICD_PIPELINE_NAME]: name },
  });
  const child = tracer.startSpan(
    `finding ${rule}`,
    { attributes: { [ATTR_PIPESPAN_FINDING_RULE]: rule, [ATTR_PIPESPAN_FINDING_SEVERITY]: severity } },
    trace.setSpan(context.active(), root),
  );
  child.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

describe("tail sampling (local.yaml, other runs sampled at 0 %)", () => {
  const env = e2eEnv();
  const jaeger = new JaegerClient(`http://${env.jaegerQuery}`);
  const stamp = Date.now();
  const out = tmpOutDir();
  let collector: RunningCollector;
  const runs: Record<"clean" | "failing", { runId: string; code: number | null; local?: NormalizedTraces }> = {
    clean: { runId: `e2e-sampling-clean-${stamp}`, code: null },
    failing: { runId: `e2e-sampling-failing-${stamp}`, code: null },
  };

  beforeAll(async () => {
    collector = await startCollector(env.otelcolBin, LOCAL_CONFIGS, {
      PIPESPAN_TRACES_ENDPOINT: env.jaegerOtlpGrpc,
      PIPESPAN_SAMPLING_PERCENT: "0",
      PIPESPAN_SAMPLING_AFTER_RUN_WAIT: "1s",
    });
    const scripts = {
      clean: `PIPESPAN_TASK_NAME=quiet_step_${stamp} bash -c 'sleep 0.5'`,
      failing: `PIPESPAN_TASK_NAME=failing_step_${stamp} bash -c 'sleep 0.5; exit 3'`,
    };
    for (const which of ["clean", "failing"] as const) {
      const run = runs[which];
      const r = await runPipespan(
        ["run", "--name", `sampling-${which}`, "--run-id", run.runId, "--out", out, "--", "bash", "-c", scripts[which]],
        { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${collector.otlpGrpc}` } },
      );
      run.code = r.code;
      run.local = await readOtlpJsonTraces(join(out, run.runId));
    }
  });

  afterAll(async () => {
    await collector?.stop();
    rmSync(out, { recursive: true, force: true });
    if (collector) rmSync(collector.dir, { recursive: true, force: true });
  });

  it("ran one clean and one failing pipeline", () => {
    expect(runs.clean.code).toBe(0);
    expect(runs.failing.code).toBe(3);
    expect(keptByPolicy(runs.failing.local!)).toBe(true);
    // The drop path must be exercised: the clean run has neither an error nor a finding.
    expect(keptByPolicy(runs.clean.local!), "the clean run unexpectedly holds an error or a finding").toBe(false);
  });

  it("keeps the failing run, whole", async () => {
    const local = runs.failing.local!;
    const root = rootOf(local.spans);
    const t = await JaegerClient.waitFor(
      "the failing run in Jaeger",
      async () => {
        const got = await jaeger.trace(root.traceId);
        return got && got.spans.length >= local.spans.length ? got : undefined;
      },
      30_000,
    );
    expect(new Set(t.spans.map((s) => s.spanId))).toEqual(new Set(local.spans.map((s) => s.spanId)));
    expect(t.spans.find((s) => s.spanId === root.spanId)?.tags["otel.status_code"]).toBe("ERROR");
  });

  it("drops the clean run (decided before the failing run was, so its absence is final)", async () => {
    const root = rootOf(runs.clean.local!.spans);
    // The failing run was decided after the clean one; give Jaeger's batch a moment, then look.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await jaeger.trace(root.traceId)).toBeUndefined();
    const exported = readFileSync(join(collector.dir, "exported-traces.jsonl"), "utf8");
    expect(exported).not.toContain(root.traceId);
    expect(exported).toContain(rootOf(runs.failing.local!.spans).traceId);
  });

  it("keeps a run with a warning finding and drops one with only an info finding", async () => {
    const ioBound = RULE_IDS.find((r) => r === "io-bound")!;
    const infoOnly = RULE_IDS.find((r) => r === "critical-path")!;
    const dropped = await sendRunWithFinding(
      collector.otlpGrpc,
      "sampling-info",
      infoOnly,
      PIPESPAN_FINDING_SEVERITY_VALUE_INFO,
    );
    const kept = await sendRunWithFinding(
      collector.otlpGrpc,
      "sampling-warning",
      ioBound,
      PIPESPAN_FINDING_SEVERITY_VALUE_WARNING,
    );
    const t = await JaegerClient.waitFor("the run with a warning finding", () => jaeger.trace(kept), 30_000);
    expect(t.spans.map((s) => s.tags[ATTR_PIPESPAN_FINDING_RULE]).filter(Boolean)).toEqual([ioBound]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await jaeger.trace(dropped)).toBeUndefined();
  });

  it("still counts the dropped run in the span-derived task metrics", async () => {
    const task = `quiet_step_${stamp}`;
    const h = await JaegerClient.waitFor(
      `task metrics of ${task}`,
      async () => taskHistogram(await scrape(collector.prometheus), TASK_DURATION, task),
      20_000,
    );
    expect(h.count).toBe(1);
    expect(h.sum).toBeGreaterThan(0.4);
  });
});
