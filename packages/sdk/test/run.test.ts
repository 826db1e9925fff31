import { pathToFileURL } from "node:url";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { ATTR_EXCEPTION_MESSAGE } from "@opentelemetry/semantic-conventions";
import {
  CICD_PIPELINE_RESULT_VALUE_CANCELLATION,
  CICD_PIPELINE_RESULT_VALUE_ERROR,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_RESULT_VALUE_SKIP,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  CICD_PIPELINE_RESULT_VALUE_TIMEOUT,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE,
} from "@opentelemetry/semantic-conventions/incubating";
import {
  deriveRunResult,
  RESULT_CANCELLATION,
  RESULT_ERROR,
  RESULT_FAILURE,
  RESULT_SKIP,
  RESULT_SUCCESS,
  RESULT_TIMEOUT,
  startPipelineRun,
} from "@pipespan/sdk";
import {
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL,
  ATTR_ERROR_TYPE,
  ATTR_PIPESPAN_RUN_TASK_COUNT,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_ID,
  ENV_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
} from "@pipespan/semconv";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupTracing, type Tracing, useAsyncContext } from "./helpers/tracing.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const toMs = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;

let tracing: Tracing;
let restoreContext: () => void;
beforeAll(() => {
  restoreContext = useAsyncContext();
});
afterAll(() => restoreContext());
afterEach(async () => {
  await tracing?.shutdown();
});

function newTracing(): Tracing {
  tracing = setupTracing();
  return tracing;
}

function expectChildOf(child: ReadableSpan, parent: ReadableSpan): void {
  expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
  expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
}

describe("startPipelineRun", () => {
  it("makes one run span and three task spans (one parallel pair) per the conventions", async () => {
    const t = newTracing();
    const run = startPipelineRun({ name: "rnaseq", tracerProvider: t.provider, env: {} });
    expect(run.parentFrom).toBe("none");
    expect(run.ownsRunSpan).toBe(true);
    // A UUID by default.
    expect(run.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const prepared = await run.task("prepare", async () => {
      await sleep(5);
      return 42;
    });
    expect(prepared).toBe(42);
    const marks: Record<string, { start: number; end: number }> = {};
    const timed = (name: string, ms: number) =>
      run.task(name, async () => {
        marks[name] = { start: performance.now(), end: 0 };
        await sleep(ms);
        marks[name]!.end = performance.now();
      });
    await Promise.all([timed("align", 150), timed("count", 100)]);
    expect(run.end()).toBe(RESULT_SUCCESS);

    const spans = t.spans();
    expect(spans).toHaveLength(4);
    const runSpan = t.byName("RUN rnaseq");
    expect(runSpan.kind).toBe(SpanKind.SERVER);
    expect(runSpan.parentSpanContext).toBeUndefined();
    expect(runSpan.status.code).toBe(SpanStatusCode.UNSET);
    expect(runSpan.attributes).toMatchObject({
      [ATTR_CICD_PIPELINE_NAME]: "rnaseq",
      [ATTR_CICD_PIPELINE_RUN_ID]: run.runId,
      [ATTR_CICD_PIPELINE_ACTION_NAME]: "RUN",
      [ATTR_CICD_PIPELINE_RESULT]: "success",
      [ATTR_PIPESPAN_RUN_TASK_COUNT]: 3,
    });

    const cwdUrl = pathToFileURL(process.cwd()).href;
    for (const name of ["prepare", "align", "count"]) {
      const span = t.byName(name);
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expectChildOf(span, runSpan);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        [ATTR_CICD_PIPELINE_TASK_NAME]: name,
        [ATTR_CICD_PIPELINE_TASK_RUN_ID]: `${name}-1`,
        [ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL]: cwdUrl,
        [ATTR_CICD_PIPELINE_TASK_RUN_RESULT]: "success",
        [ATTR_CICD_PIPELINE_RUN_ID]: run.runId,
        [ATTR_PIPESPAN_TASK_ATTEMPT]: 1,
      });
    }
    // The pair really ran in parallel: each started before the other ended, in the callbacks and in the spans.
    expect(marks["align"]!.start).toBeLessThan(marks["count"]!.end);
    expect(marks["count"]!.start).toBeLessThan(marks["align"]!.end);
    const align = t.byName("align");
    const count = t.byName("count");
    expect(toMs(count.startTime)).toBeLessThan(toMs(align.endTime));
    expect(toMs(align.startTime)).toBeLessThan(toMs(count.endTime));
    // Span durations cover the sleeps (timers never fire early; allow 1 ms for clock granularity) and the run
    // span covers its tasks.
    expect(toMs(align.duration)).toBeGreaterThanOrEqual(149);
    expect(toMs(count.duration)).toBeGreaterThanOrEqual(99);
    expect(toMs(runSpan.startTime)).toBeLessThanOrEqual(toMs(t.byName("prepare").startTime));
    expect(toMs(runSpan.endTime)).toBeGreaterThanOrEqual(toMs(align.endTime));
  });

  it("marks a failing task and the run as failed, records the exception and rethrows it", async () => {
    const t = newTracing();
    const run = startPipelineRun({ name: "p", tracerProvider: t.provider, env: {} });
    await run.task("ok", () => "fine");
    const boom = new RangeError("reference genome missing");
    await expect(
      run.task("align", async () => {
        await sleep(1);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(run.end()).toBe(RESULT_FAILURE);

    const failed = t.byName("align");
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "reference genome missing" });
    expect(failed.attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("failure");
    expect(failed.attributes[ATTR_ERROR_TYPE]).toBe("RangeError");
    expect(failed.events.map((e) => e.name)).toEqual(["exception"]);
    expect(failed.events[0]!.attributes?.[ATTR_EXCEPTION_MESSAGE]).toBe("reference genome missing");
    expect(t.byName("ok").attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("success");

    const runSpan = t.byName("RUN p");
    expect(runSpan.attributes[ATTR_CICD_PIPELINE_RESULT]).toBe("failure");
    expect(runSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: "1 of 2 tasks did not succeed" });
  });

  it("makes the task span active for user code and also hands its context over explicitly", async () => {
    const t = newTracing();
    const run = startPipelineRun({ name: "p", tracerProvider: t.provider, env: {} });
    const tracer = t.provider.getTracer("user");
    await run.task("work", async (task) => {
      await sleep(1);
      tracer.startSpan("implicit").end(); // parent from the active context (the context manager)
      tracer.startSpan("explicit", {}, task.context).end();
      expect(trace.getActiveSpan()).toBe(task.span);
    });
    run.end();
    const work = t.byName("work");
    expectChildOf(t.byName("implicit"), work);
    expectChildOf(t.byName("explicit"), work);
  });

  it("keeps task run ids unique within the run and honours explicit ids, attempts and results", async () => {
    const t = newTracing();
    const run = startPipelineRun({ name: "p", tracerProvider: t.provider, env: {} });
    const ids: string[] = [];
    await run.task("qc", (task) => ids.push(task.taskRunId));
    await run.task("qc", (task) => ids.push(task.taskRunId), { taskRunId: "qc-3", attempt: 2 });
    await run.task("qc", (task) => ids.push(task.taskRunId));
    await run.task("qc", (task) => ids.push(task.taskRunId));
    await run.task("report", (task) => task.setResult("skip"));
    expect(ids).toEqual(["qc-1", "qc-3", "qc-2", "qc-4"]);
    expect(run.end()).toBe(RESULT_SUCCESS); // a skipped task does not fail the run
    const attempts = t
      .spans()
      .filter((s) => s.name === "qc")
      .map((s) => [s.attributes[ATTR_CICD_PIPELINE_TASK_RUN_ID], s.attributes[ATTR_PIPESPAN_TASK_ATTEMPT]]);
    expect(attempts).toEqual([
      ["qc-1", 1],
      ["qc-3", 2],
      ["qc-2", 1],
      ["qc-4", 1],
    ]);
    const report = t.byName("report");
    expect(report.attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("skip");
    expect(report.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("ends once, refuses tasks after the end, and takes an explicit result", async () => {
    const t = newTracing();
    const run = startPipelineRun({ name: "p", tracerProvider: t.provider, env: {}, runId: "run-7" });
    expect(run.end("cancellation")).toBe(RESULT_CANCELLATION);
    expect(run.end("success")).toBe(RESULT_CANCELLATION);
    expect(run.ended).toBe(true);
    await expect(run.task("late", () => 1)).rejects.toThrow("pipeline run run-7 has ended");
    const runSpan = t.byName("RUN p");
    expect(runSpan.attributes[ATTR_CICD_PIPELINE_RUN_ID]).toBe("run-7");
    expect(runSpan.attributes[ATTR_CICD_PIPELINE_RESULT]).toBe("cancellation");
    expect(runSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: "run ended: cancellation" });
    expect(t.spans()).toHaveLength(1);
  });

  it("rejects bad names with one clear error", async () => {
    const t = newTracing();
    expect(() => startPipelineRun({ name: "", tracerProvider: t.provider })).toThrow(
      "pipespan: pipeline name must not be empty",
    );
    expect(() => startPipelineRun({ name: "a\nb", tracerProvider: t.provider })).toThrow(
      "pipespan: pipeline name contains control characters",
    );
    const run = startPipelineRun({ name: "p", tracerProvider: t.provider, env: {} });
    await expect(run.task("x".repeat(300), () => 1)).rejects.toThrow(
      "pipespan: task name is 300 characters long (at most 256)",
    );
    await expect(run.task("t", () => 1, { attempt: 0 })).rejects.toThrow("pipespan: attempt must be between 1");
    run.end();
    expect(t.spans().map((s) => s.name)).toEqual(["RUN p"]);
  });

  it("joins the run span of an outer run (TRACEPARENT + PIPESPAN_RUN_ID) instead of starting a second one", async () => {
    const t = newTracing();
    // What `pipespan run` hands its command: TRACEPARENT = its own pipeline_run span.
    const outerTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const outerSpanId = "00f067aa0ba902b7";
    const outerTraceparent = `00-${outerTraceId}-${outerSpanId}-01`;
    const run = startPipelineRun({
      name: "inner",
      tracerProvider: t.provider,
      env: {
        [ENV_TRACEPARENT]: outerTraceparent,
        [ENV_TRACESTATE]: "vendor=abc",
        [ENV_PIPESPAN_RUN_ID]: "outer-run-9",
        [ENV_PIPESPAN_PIPELINE_NAME]: "outer",
      },
    });
    expect(run.ownsRunSpan).toBe(false);
    expect(run.parentFrom).toBe("env");
    expect(run.runId).toBe("outer-run-9");
    // The run span's name is the outer run's; the caller's differing name is reported, not silently dropped.
    expect(run.name).toBe("outer");
    expect(run.issues).toEqual([
      'name "inner" not used: joined the run span of pipeline "outer" (PIPESPAN_PIPELINE_NAME; `pipespan run --name` sets it)',
    ]);
    // run.span stands for the remote run span: same ids, nothing recorded.
    expect(run.span.isRecording()).toBe(false);
    expect(run.span.spanContext()).toMatchObject({ traceId: outerTraceId, spanId: outerSpanId, isRemote: true });
    expect(trace.getSpan(run.context)).toBe(run.span);
    // A child of the run (not of a task) gets the outer run span itself as TRACEPARENT.
    expect(run.env()).toEqual({
      [ENV_TRACEPARENT]: outerTraceparent,
      [ENV_TRACESTATE]: "vendor=abc",
      [ENV_PIPESPAN_RUN_ID]: "outer-run-9",
      [ENV_PIPESPAN_PIPELINE_NAME]: "outer",
    });

    let taskEnv: Record<string, string> = {};
    await run.task("prepare", (task) => {
      taskEnv = task.env();
    });
    await expect(
      run.task("align", () => {
        throw new Error("no index");
      }),
    ).rejects.toThrow("no index");
    expect(run.end()).toBe(RESULT_FAILURE); // still derived from the tasks
    expect(run.end()).toBe(RESULT_FAILURE);
    expect(run.ended).toBe(true);

    // Exactly the two task spans: the SDK emitted no run span (and no SERVER span of any name).
    const spans = t.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(["align", "prepare"]);
    expect(spans.filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(0);
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expect(span.spanContext().traceId).toBe(outerTraceId);
      expect(span.parentSpanContext?.spanId).toBe(outerSpanId);
      expect(span.parentSpanContext?.isRemote).toBe(true);
      expect(span.attributes[ATTR_CICD_PIPELINE_RUN_ID]).toBe("outer-run-9");
      expect(span.spanContext().traceState?.get("vendor")).toBe("abc");
    }
    const prepare = t.byName("prepare");
    expect(taskEnv[ENV_TRACEPARENT]).toBe(`00-${outerTraceId}-${prepare.spanContext().spanId}-01`);
    expect(taskEnv[ENV_PIPESPAN_RUN_ID]).toBe("outer-run-9");
    expect(taskEnv[ENV_PIPESPAN_PIPELINE_NAME]).toBe("outer");
  });

  it("when joining, takes the caller's name if the outer run gives none and reports a conflicting runId", async () => {
    const t = newTracing();
    const run = startPipelineRun({
      name: "mine",
      runId: "my-id",
      tracerProvider: t.provider,
      env: {
        [ENV_TRACEPARENT]: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        [ENV_PIPESPAN_RUN_ID]: "r-1",
      },
    });
    expect(run.ownsRunSpan).toBe(false);
    expect(run.name).toBe("mine");
    expect(run.runId).toBe("r-1");
    expect(run.issues).toEqual(['runId "my-id" not used: joined the run span of run "r-1" (PIPESPAN_RUN_ID)']);
    // An unsampled outer run: the flags pass on unchanged, and with the default parent-based sampler the task
    // spans are not recorded either, exactly as a child run span would not have been.
    let taskEnv: Record<string, string> = {};
    await run.task("t", (task) => {
      taskEnv = task.env();
    });
    expect(taskEnv[ENV_TRACEPARENT]).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    expect(run.end()).toBe(RESULT_SUCCESS);
    expect(t.spans()).toHaveLength(0);
  });

  it("starts a child run span when TRACEPARENT comes without PIPESPAN_RUN_ID", () => {
    const t = newTracing();
    const parentTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentSpanId = "00f067aa0ba902b7";
    const run = startPipelineRun({
      name: "inner",
      tracerProvider: t.provider,
      env: { [ENV_TRACEPARENT]: `00-${parentTraceId}-${parentSpanId}-01`, [ENV_PIPESPAN_PIPELINE_NAME]: "outer" },
    });
    expect(run.ownsRunSpan).toBe(true);
    expect(run.parentFrom).toBe("env");
    expect(run.name).toBe("inner");
    expect(run.span.isRecording()).toBe(true);
    run.end();
    const span = t.byName("RUN inner");
    expect(span.spanContext().traceId).toBe(parentTraceId);
    expect(span.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span.parentSpanContext?.isRemote).toBe(true);
    expect(span.attributes[ATTR_CICD_PIPELINE_RUN_ID]).toBe(run.runId);
  });

  it('joinEnv: "child" and the parent option keep a run span of their own under a joinable outer run', async () => {
    const t = newTracing();
    const parentTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentSpanId = "00f067aa0ba902b7";
    const env = {
      [ENV_TRACEPARENT]: `00-${parentTraceId}-${parentSpanId}-01`,
      [ENV_PIPESPAN_RUN_ID]: "outer-run-9",
      [ENV_PIPESPAN_PIPELINE_NAME]: "outer",
    };
    const child = startPipelineRun({ name: "inner", tracerProvider: t.provider, env, joinEnv: "child" });
    expect(child.ownsRunSpan).toBe(true);
    expect(child.parentFrom).toBe("env");
    expect(child.runId).toBe("outer-run-9"); // the run id still defaults to the outer one
    expect(child.name).toBe("inner");
    expect(child.issues).toEqual([]);
    await child.task("t", () => undefined);
    child.end();
    const runSpan = t.byName("RUN inner");
    expect(runSpan.spanContext().traceId).toBe(parentTraceId);
    expect(runSpan.parentSpanContext?.spanId).toBe(parentSpanId);
    expectChildOf(t.byName("t"), runSpan);

    const explicitParent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: "1".repeat(32),
      spanId: "2".repeat(16),
      traceFlags: 1,
      isRemote: true,
    });
    const withParent = startPipelineRun({ name: "explicit", tracerProvider: t.provider, env, parent: explicitParent });
    expect(withParent.ownsRunSpan).toBe(true);
    expect(withParent.parentFrom).toBe("option");
    withParent.end();
    const explicitSpan = t.byName("RUN explicit");
    expect(explicitSpan.spanContext().traceId).toBe("1".repeat(32));
    expect(explicitSpan.parentSpanContext?.spanId).toBe("2".repeat(16));
  });

  it("does not join with a malformed PIPESPAN_RUN_ID, and rejects an unknown joinEnv", () => {
    const t = newTracing();
    const run = startPipelineRun({
      name: "p",
      tracerProvider: t.provider,
      env: {
        [ENV_TRACEPARENT]: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        [ENV_PIPESPAN_RUN_ID]: "a\tb",
      },
    });
    expect(run.ownsRunSpan).toBe(true);
    expect(run.parentFrom).toBe("env");
    expect(run.issues).toEqual(["PIPESPAN_RUN_ID ignored: value contains control characters"]);
    run.end();
    expect(t.byName("RUN p").parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(() =>
      startPipelineRun({ name: "p", tracerProvider: t.provider, joinEnv: "adopt" as unknown as boolean }),
    ).toThrow('pipespan: joinEnv must be true, false or "child", got "adopt"');
  });

  it("ignores a malformed TRACEPARENT with a reason and starts a new trace", () => {
    const t = newTracing();
    const run = startPipelineRun({
      name: "p",
      tracerProvider: t.provider,
      env: { [ENV_TRACEPARENT]: `00-${"0".repeat(32)}-00f067aa0ba902b7-01` },
    });
    expect(run.parentFrom).toBe("none");
    expect(run.issues).toEqual(["TRACEPARENT ignored: trace-id is all zeros"]);
    run.end();
    expect(t.byName("RUN p").parentSpanContext).toBeUndefined();
  });

  it("joinEnv: false ignores the environment", () => {
    const t = newTracing();
    const run = startPipelineRun({
      name: "p",
      tracerProvider: t.provider,
      joinEnv: false,
      env: { [ENV_TRACEPARENT]: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", [ENV_PIPESPAN_RUN_ID]: "r" },
    });
    expect(run.parentFrom).toBe("none");
    expect(run.runId).not.toBe("r");
    run.end();
  });
});

describe("PipelineRun.env and the global provider", () => {
  it("gives the run's or a task's protocol variables", async () => {
    const t = newTracing();
    const run = startPipelineRun({ name: "p", tracerProvider: t.provider, env: {}, runId: "r-1" });
    const runEnv = run.env();
    expect(Object.keys(runEnv).sort()).toEqual(
      [ENV_PIPESPAN_PIPELINE_NAME, ENV_PIPESPAN_RUN_ID, ENV_TRACEPARENT].sort(),
    );
    expect(runEnv[ENV_TRACEPARENT]).toBe(`00-${run.span.spanContext().traceId}-${run.span.spanContext().spanId}-01`);
    let fromHandle: Record<string, string> = {};
    let fromSpan: Record<string, string> = {};
    await run.task(
      "t",
      (task) => {
        fromHandle = task.env();
        fromSpan = run.env(task.span);
      },
      { attempt: 2 },
    );
    run.end();
    const span = t.byName("t");
    expect(fromHandle).toEqual({
      [ENV_TRACEPARENT]: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
      [ENV_PIPESPAN_RUN_ID]: "r-1",
      [ENV_PIPESPAN_PIPELINE_NAME]: "p",
      [ENV_PIPESPAN_TASK_NAME]: "t",
      [ENV_PIPESPAN_TASK_RUN_ID]: "t-1",
      [ENV_PIPESPAN_TASK_ATTEMPT]: "2",
    });
    expect(fromSpan).toEqual(fromHandle);
  });

  it("uses the provider registered with @opentelemetry/api when none is passed", async () => {
    const t = newTracing();
    trace.setGlobalTracerProvider(t.provider);
    try {
      const run = startPipelineRun({ name: "global", env: {} });
      await run.task("t", () => undefined);
      run.end();
      expect(t.spans().map((s) => [s.name, s.instrumentationScope.name])).toEqual([
        ["t", "@pipespan/sdk"],
        ["RUN global", "@pipespan/sdk"],
      ]);
    } finally {
      trace.disable();
    }
  });
});

describe("results", () => {
  it("use the OTel CI/CD enum values", () => {
    expect([RESULT_SUCCESS, RESULT_FAILURE, RESULT_ERROR, RESULT_TIMEOUT, RESULT_CANCELLATION, RESULT_SKIP]).toEqual([
      CICD_PIPELINE_RESULT_VALUE_SUCCESS,
      CICD_PIPELINE_RESULT_VALUE_FAILURE,
      CICD_PIPELINE_RESULT_VALUE_ERROR,
      CICD_PIPELINE_RESULT_VALUE_TIMEOUT,
      CICD_PIPELINE_RESULT_VALUE_CANCELLATION,
      CICD_PIPELINE_RESULT_VALUE_SKIP,
    ]);
    expect(RESULT_FAILURE).toBe(CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE);
  });

  it("derive the run result from the most telling task result", () => {
    expect(deriveRunResult([])).toBe("success");
    expect(deriveRunResult(["success", "skip"])).toBe("success");
    expect(deriveRunResult(["success", "failure", "timeout"])).toBe("timeout");
    expect(deriveRunResult(["failure", "error"])).toBe("error");
    expect(deriveRunResult(["error", "cancellation", "failure"])).toBe("cancellation");
  });
});
