// run.exec with real child processes (bash, sleep, head): the env protocol as a child sees it, exit codes,
// signals, spawn failures and cancellation.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SpanStatusCode } from "@opentelemetry/api";
import { CommandStartError, ExecError, startPipelineRun } from "@pipespan/sdk";
import {
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL,
  ATTR_ERROR_TYPE,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PROCESS_EXIT_CODE,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_ID,
  ENV_TRACEPARENT,
} from "@pipespan/semconv";
import { afterEach, describe, expect, it } from "vitest";
import { setupTracing, splitTraceparent, type Tracing } from "./helpers/tracing.js";

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

function newRun() {
  tracing = setupTracing();
  return { t: tracing, run: startPipelineRun({ name: "exec-test", tracerProvider: tracing.provider, env: {} }) };
}

describe("PipelineRun.exec", () => {
  it("gives the child the protocol of its task span", async () => {
    const { t, run } = newRun();
    const stale = `00-${"1".repeat(32)}-${"2".repeat(16)}-01`;
    const result = await run.exec(
      "report",
      "bash",
      [
        "-c",
        'echo "$TRACEPARENT $PIPESPAN_TASK_NAME"; echo "$PIPESPAN_RUN_ID|$PIPESPAN_PIPELINE_NAME|$PIPESPAN_TASK_RUN_ID|$PIPESPAN_TASK_ATTEMPT|$EXTRA"',
      ],
      // A stale TRACEPARENT handed in by the caller must not reach the child.
      { stdio: "pipe", env: { EXTRA: "kept", [ENV_TRACEPARENT]: stale } },
    );
    run.end();
    const [first, second] = result.stdout!.trimEnd().split("\n");
    const [traceparent, taskName] = first!.split(" ");
    const span = t.byName("report");
    const parsed = splitTraceparent(traceparent!);
    expect(parsed.traceId).toBe(span.spanContext().traceId);
    expect(parsed.spanId).toBe(span.spanContext().spanId);
    expect(parsed.flags).toBe("01");
    expect(taskName).toBe("report");
    expect(second).toBe(`${run.runId}|exec-test|report-1|1|kept`);
    expect(result).toMatchObject({ exitCode: 0, signal: null, result: "success", taskRunId: "report-1" });
    expect(result.pid).toBeGreaterThan(0);
    expect(span.attributes[ATTR_PROCESS_EXIT_CODE]).toBe(0);
    expect(span.attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("success");
  });

  it("runs in workDir and reports it as a file:// URL", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "pipespan-sdk-exec-")));
    try {
      const { t, run } = newRun();
      const result = await run.exec("where", "pwd", [], { stdio: "pipe", workDir: dir });
      run.end();
      expect(result.stdout).toBe(`${dir}\n`);
      expect(t.byName("where").attributes[ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL]).toBe(pathToFileURL(dir).href);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects with ExecError on a non-zero exit and marks the task failed", async () => {
    const { t, run } = newRun();
    const failure = await run.exec("fails", "bash", ["-c", "echo oops >&2; exit 3"], { stdio: "pipe" }).catch((e) => e);
    expect(failure).toBeInstanceOf(ExecError);
    expect(failure.message).toBe("pipespan: task fails: bash exited with code 3");
    expect(failure.exitCode).toBe(3);
    expect(failure.execResult.stderr).toBe("oops\n");
    const allowed = await run.exec("allowed", "bash", ["-c", "exit 4"], { allowFailure: true });
    expect(allowed).toMatchObject({ exitCode: 4, result: "failure" });
    expect(run.end()).toBe("failure");

    for (const [name, code] of [
      ["fails", 3],
      ["allowed", 4],
    ] as const) {
      const span = t.byName(name);
      expect(span.attributes[ATTR_PROCESS_EXIT_CODE]).toBe(code);
      expect(span.attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("failure");
      expect(span.attributes[ATTR_ERROR_TYPE]).toBe(String(code));
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    }
  });

  it("reports death by signal as 128 + n, SIGKILL as failure and SIGTERM as cancellation", async () => {
    const { t, run } = newRun();
    const killed = await run.exec("killed", "bash", ["-c", "kill -KILL $$"], { allowFailure: true });
    const terminated = await run.exec("terminated", "bash", ["-c", "kill -TERM $$"], { allowFailure: true });
    expect(killed).toMatchObject({ exitCode: 137, signal: "SIGKILL", result: "failure" });
    expect(terminated).toMatchObject({ exitCode: 143, signal: "SIGTERM", result: "cancellation" });
    run.end();
    expect(t.byName("killed").attributes).toMatchObject({
      [ATTR_PROCESS_EXIT_CODE]: 137,
      [ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL]: 9,
      [ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]: "SIGKILL",
      [ATTR_ERROR_TYPE]: "SIGKILL",
    });
    expect(t.byName("terminated").attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("cancellation");
  });

  it("says in one line when the command does not exist, and marks the task as error", async () => {
    const { t, run } = newRun();
    const error = await run.exec("missing", "pipespan-no-such-command-xyz").catch((e) => e);
    expect(error).toBeInstanceOf(CommandStartError);
    expect(error.message).toBe("pipespan: task missing: command not found: pipespan-no-such-command-xyz");
    expect(error.exitCode).toBe(127);
    const noDir = await run.exec("nodir", "true", [], { workDir: "/nonexistent/pipespan" }).catch((e) => e);
    expect(noDir.message).toBe("pipespan: task nodir: working directory not found: /nonexistent/pipespan");
    expect(run.end()).toBe("error");
    const span = t.byName("missing");
    expect(span.attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("error");
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe("ENOENT");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("cancels the child when the AbortSignal fires", async () => {
    const { t, run } = newRun();
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 200);
    const error = await run.exec("slow", "sleep", ["30"], { signal: controller.signal }).catch((e) => e);
    const elapsed = performance.now() - started;
    expect(error.name).toBe("AbortError");
    // Aborted after 200 ms; SIGTERM ends sleep at once. 5 s leaves room for a loaded machine, far below 30 s.
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(5000);
    run.end();
    const span = t.byName("slow");
    expect(span.attributes).toMatchObject({
      [ATTR_CICD_PIPELINE_TASK_RUN_RESULT]: "cancellation",
      [ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]: "SIGTERM",
    });
  });

  it("bounds captured output", async () => {
    const { run } = newRun();
    const result = await run.exec("big", "head", ["-c", "100000", "/dev/zero"], {
      stdio: "pipe",
      maxOutputBytes: 1000,
    });
    run.end();
    expect(result.stdout).toHaveLength(1000);
    expect(result.outputTruncated).toBe(true);
  });

  it("under an outer run (as `pipespan run` starts it) the child's task span hangs under the outer run span", async () => {
    tracing = setupTracing();
    const t = tracing;
    const outerTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const outerSpanId = "00f067aa0ba902b7";
    const run = startPipelineRun({
      name: "exec-test",
      tracerProvider: t.provider,
      env: {
        [ENV_TRACEPARENT]: `00-${outerTraceId}-${outerSpanId}-01`,
        [ENV_PIPESPAN_RUN_ID]: "agent-run-1",
        [ENV_PIPESPAN_PIPELINE_NAME]: "exec-test",
      },
    });
    expect(run.ownsRunSpan).toBe(false);
    const result = await run.exec(
      "report",
      "bash",
      ["-c", 'echo "$TRACEPARENT|$PIPESPAN_RUN_ID|$PIPESPAN_PIPELINE_NAME"'],
      {
        stdio: "pipe",
      },
    );
    expect(run.end()).toBe("success");
    const [traceparent, runId, pipelineName] = result.stdout!.trimEnd().split("|");
    const span = t.byName("report");
    expect(t.spans()).toHaveLength(1);
    expect(span.parentSpanContext?.spanId).toBe(outerSpanId);
    expect(splitTraceparent(traceparent!)).toEqual({
      traceId: outerTraceId,
      spanId: span.spanContext().spanId,
      flags: "01",
    });
    expect([runId, pipelineName]).toEqual(["agent-run-1", "exec-test"]);
  });
});
