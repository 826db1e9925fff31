// Findings are searchable in a real backend: `pipespan run` analyses the run when it ends and exports the findings
// as spans (children of the run span) over OTLP; through the Collector they must land in Jaeger on the run's
// trace, and Jaeger's tag search for a finding rule must return the run.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type NormalizedSpan, type NormalizedTraces, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_PIPESPAN_FINDING_RULE,
  ATTR_PIPESPAN_FINDING_SEVERITY,
  ATTR_PIPESPAN_FINDING_SUMMARY,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { isFindingSpan, rootOf, sameValue } from "./support/compare.js";
import { e2eEnv } from "./support/env.js";
import { JaegerClient, type JaegerTrace } from "./support/jaeger.js";

const SERVICE = "pipespan";

describe("finding spans of `pipespan run` in Jaeger (through the Collector)", () => {
  const env = e2eEnv();
  const jaeger = new JaegerClient(`http://${env.jaegerQuery}`);
  const runId = `e2e-findings-${Date.now()}`;
  const out = tmpOutDir();
  let local: NormalizedTraces;
  let findings: NormalizedSpan[] = [];
  let trace: JaegerTrace;

  beforeAll(async () => {
    // A CPU-heavy task and a waiting one, one after the other: enough for the rules to judge.
    const script = [
      `PIPESPAN_TASK_NAME=crunch bash -c 'head -c 30000000 /dev/urandom | gzip -1 > /dev/null'`,
      `PIPESPAN_TASK_NAME=rest sleep 1.2`,
    ].join("; ");
    const r = await runPipespan(
      ["run", "--name", "findings-e2e", "--run-id", runId, "--out", out, "--", "bash", "-c", script],
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${env.collectorOtlpGrpc}` }, timeoutMs: 120_000 },
    );
    if (r.code !== 0) throw new Error(`pipespan run failed (${r.code}):\n${r.stderr}`);
    // The run folder holds the run's spans and, next to them, the finding spans (traces-findings.jsonl).
    local = await readOtlpJsonTraces(join(out, runId));
    findings = local.spans.filter((s) => isFindingSpan(s.attributes));
    const root = rootOf(local.spans);
    trace = await JaegerClient.waitFor(
      `trace ${root.traceId} in Jaeger with all ${local.spans.length} spans (findings included)`,
      async () => {
        const t = await jaeger.trace(root.traceId);
        return t && t.spans.length >= local.spans.length ? t : undefined;
      },
      60_000,
    );
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("pipespan run emitted finding spans for the run (the findings feature is present)", () => {
    expect(
      findings.length,
      "pipespan run wrote no finding spans next to the run's spans: finding spans are part of the findings issue",
    ).toBeGreaterThanOrEqual(1);
  });

  it("every finding is on the run's trace in Jaeger, a child of the run span, with its attributes", () => {
    expect(findings.length).toBeGreaterThanOrEqual(1);
    const run = rootOf(trace.spans);
    for (const f of findings) {
      const got = trace.spans.find((s) => s.spanId === f.spanId);
      expect(got, f.name).toBeDefined();
      expect(got!.parentSpanId).toBe(run.spanId);
      expect(got!.name).toBe(f.name);
      for (const key of [ATTR_PIPESPAN_FINDING_RULE, ATTR_PIPESPAN_FINDING_SEVERITY, ATTR_PIPESPAN_FINDING_SUMMARY]) {
        expect(sameValue(f.attributes[key]!, got!.tags[key]), `${f.name} ${key}`).toBe(true);
      }
    }
  });

  it("Jaeger's tag search for each finding rule returns the run", async () => {
    expect(findings.length).toBeGreaterThanOrEqual(1);
    const rules = new Set(findings.map((f) => String(f.attributes[ATTR_PIPESPAN_FINDING_RULE])));
    for (const rule of rules) {
      const hits = await jaeger.search({ service: SERVICE, tags: { [ATTR_PIPESPAN_FINDING_RULE]: rule }, limit: 100 });
      expect(
        hits.map((t) => t.traceId),
        rule,
      ).toContain(trace.traceId);
      // The hit is the whole run, not just the finding span.
      const hit = hits.find((t) => t.traceId === trace.traceId)!;
      expect(hit.spans.some((s) => s.tags[ATTR_CICD_PIPELINE_RUN_ID] === runId && !s.parentSpanId)).toBe(true);
    }
  });
});
