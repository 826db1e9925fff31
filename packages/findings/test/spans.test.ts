import { context, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_FINDING_BINDING_LIMIT,
  ATTR_PIPESPAN_FINDING_COST_CHANGE,
  ATTR_PIPESPAN_FINDING_EVIDENCE,
  ATTR_PIPESPAN_FINDING_INSTANCE_TYPE,
  ATTR_PIPESPAN_FINDING_RULE,
  ATTR_PIPESPAN_FINDING_SEVERITY,
  ATTR_PIPESPAN_FINDING_SUMMARY,
  ATTR_PROCESS_PID,
  SPAN_ATTRIBUTE_SCHEMAS,
} from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import { analyzeRun, buildRunModel, findingSpans, normalizeReadableSpans } from "../src/index.js";
import { analyze, measured, run, task } from "./helpers.js";

const MB = 1e6;
const story = () =>
  run({
    hostType: "r6i.16xlarge",
    wallS: 3600,
    tasks: [task("io", 0, 3000, { cpu: 300, io: 2500, rq: 5, blockRead: 2400 * MB * 3000, rss: 8 * 1024 ** 3 })],
  });

describe("finding spans", () => {
  const report = analyze(story());
  const parent = { traceId: "0af7651916cd43dd8448eb211c80319c", runSpanId: "b7ad6b7169203331", runId: "r1" };
  const specs = findingSpans(report, parent);

  it("one span per finding, named by rule, with the conventions' attributes", () => {
    expect(specs).toHaveLength(report.findings.length);
    for (const [i, s] of specs.entries()) {
      const f = report.findings[i]!;
      expect(s.name).toBe(`finding ${f.rule}`);
      expect(s.attributes[ATTR_PIPESPAN_FINDING_RULE]).toBe(f.rule);
      expect(s.attributes[ATTR_PIPESPAN_FINDING_SEVERITY]).toBe(f.severity);
      expect(s.attributes[ATTR_PIPESPAN_FINDING_SUMMARY]).toBe(f.summary);
      expect(JSON.parse(String(s.attributes[ATTR_PIPESPAN_FINDING_EVIDENCE]))).toEqual(f.evidence);
      expect(s.attributes[ATTR_CICD_PIPELINE_RUN_ID]).toBe("r1");
      const parsed = SPAN_ATTRIBUTE_SCHEMAS.finding.safeParse(s.attributes);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
  });

  it("puts a task finding at the task's end and names the task", () => {
    const io = specs.find((s) => s.attributes[ATTR_PIPESPAN_FINDING_RULE] === "io-bound");
    expect(io?.attributes[ATTR_CICD_PIPELINE_TASK_NAME]).toBe("io");
    expect(io?.timeUnixNano).toBe(1_700_000_000_000_000_000n + 3000n * 1_000_000_000n);
  });

  it("carries searchable cost attributes on recommendations", () => {
    const rec = specs.find((s) => s.attributes[ATTR_PIPESPAN_FINDING_RULE] === "instance-recommendation");
    expect(rec?.attributes[ATTR_PIPESPAN_FINDING_INSTANCE_TYPE]).toBe(report.recommendations[0]?.instanceType);
    expect(rec?.attributes[ATTR_PIPESPAN_FINDING_BINDING_LIMIT]).toBe(report.recommendations[0]?.bindingLimit);
    expect(rec?.attributes[ATTR_PIPESPAN_FINDING_COST_CHANGE]).toBeLessThan(0);
  });

  it("derives stable, distinct span ids (the same finding keeps its id on re-analysis)", () => {
    const again = findingSpans(analyze(story()), parent);
    expect(again.map((s) => s.spanId)).toEqual(specs.map((s) => s.spanId));
    expect(new Set(specs.map((s) => s.spanId)).size).toBe(specs.length);
    for (const s of specs) expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
    const otherRun = findingSpans(report, { ...parent, runSpanId: "b7ad6b7169203332" });
    expect(otherRun[0]?.spanId).not.toBe(specs[0]?.spanId);
  });
});

describe("in-memory SDK spans", () => {
  it("analyses spans straight from an OTel SDK exporter", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const tracer = provider.getTracer("test");
    const t0 = 1_700_000_000_000;
    const runSpan = tracer.startSpan("RUN p", {
      kind: SpanKind.SERVER,
      startTime: t0,
      attributes: { [ATTR_CICD_PIPELINE_NAME]: "p", [ATTR_CICD_PIPELINE_RUN_ID]: "mem" },
    });
    const ctx = trace.setSpan(context.active(), runSpan);
    const taskSpan = tracer.startSpan(
      "dd",
      { startTime: t0, attributes: { [ATTR_CICD_PIPELINE_TASK_NAME]: "dd" } },
      ctx,
    );
    tracer
      .startSpan(
        "dd",
        {
          startTime: t0,
          attributes: { [ATTR_PROCESS_PID]: 42, [ATTR_CICD_PIPELINE_TASK_NAME]: "dd", ...measured({ cpu: 5, io: 90 }) },
        },
        trace.setSpan(ctx, taskSpan),
      )
      .end(t0 + 100_000);
    taskSpan.end(t0 + 100_000);
    runSpan.end(t0 + 100_000);
    const spans = normalizeReadableSpans(exporter.getFinishedSpans());
    expect(spans.find((s) => s.kind === "server")?.spanId).toBe(runSpan.spanContext().spanId);
    expect(runSpan.spanContext().traceFlags).toBe(TraceFlags.SAMPLED);
    const model = buildRunModel(spans);
    expect(model.runId).toBe("mem");
    expect(model.tasks[0]?.processes).toHaveLength(1);
    const r = analyzeRun(model);
    expect(r.findings.some((f) => f.rule === "io-bound" && f.task === "dd")).toBe(true);
    await provider.shutdown();
  });
});
