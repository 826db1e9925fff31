// runTaskCommand, in this process and, as `pipespan task` runs it, in a Node child of a bash step.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { CommandStartError, runTaskCommand, startPipelineRun } from "@pipespan/sdk";
import {
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_ERROR_TYPE,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PROCESS_EXIT_CODE,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_ID,
  ENV_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_TASK_NAME,
  ENV_TRACEPARENT,
} from "@pipespan/semconv";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupTracing, splitTraceparent, type Tracing } from "./helpers/tracing.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = fileURLToPath(new URL("./fixtures/task-command.mjs", import.meta.url));
// HOME and SHLVL keep bash from taking a socket stdin for an ssh session and sourcing ~/.bashrc.
const BASE_ENV = { PATH: process.env["PATH"], HOME: process.env["HOME"], SHLVL: "1" };
const PRINT_ENV =
  'echo "$TRACEPARENT|$PIPESPAN_RUN_ID|$PIPESPAN_PIPELINE_NAME|$PIPESPAN_TASK_NAME|$PIPESPAN_TASK_RUN_ID|$PIPESPAN_TASK_ATTEMPT"';

let tracing: Tracing | undefined;
let scratch: string;
beforeAll(() => {
  // The fixture runs in a separate Node process, where vitest's alias does not apply: it imports the built
  // package, so build it (tsc -b is incremental: a no-op when dist is current).
  execFileSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-b", "packages/sdk/tsconfig.json"], {
    cwd: repo,
    stdio: "inherit",
  });
  scratch = mkdtempSync(join(tmpdir(), "pipespan-sdk-task-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

interface FixtureSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
}
interface FixtureOut {
  ok: boolean;
  message?: string;
  exitCode?: number;
  result?: { exitCode: number; signal: string | null; result: string; parentFrom: string; runId: string };
  spans: FixtureSpan[];
}

function fields(line: string) {
  const [traceparent, runId, pipelineName, taskName, taskRunId, attempt] = line.split("|");
  return { ...splitTraceparent(traceparent!), runId, pipelineName, taskName, taskRunId, attempt };
}

describe("runTaskCommand", () => {
  it("joins the parent from the environment and passes its own span to the command", async () => {
    tracing = setupTracing();
    const parentTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentSpan = "00f067aa0ba902b7";
    const result = await runTaskCommand({
      name: "checksum",
      command: "bash",
      args: ["-c", PRINT_ENV],
      env: {
        ...BASE_ENV,
        [ENV_TRACEPARENT]: `00-${parentTrace}-${parentSpan}-01`,
        [ENV_PIPESPAN_RUN_ID]: "run-42",
        [ENV_PIPESPAN_PIPELINE_NAME]: "shell-pipeline",
        [ENV_PIPESPAN_TASK_NAME]: "outer",
        [ENV_PIPESPAN_TASK_ATTEMPT]: "5",
      },
      stdio: ["ignore", "pipe", "pipe"],
      tracerProvider: tracing.provider,
    });
    const span = tracing.byName("checksum");
    expect(result).toMatchObject({
      exitCode: 0,
      signal: null,
      result: "success",
      runId: "run-42",
      parentFrom: "env",
      issues: [],
      traceId: parentTrace,
      spanId: span.spanContext().spanId,
    });
    expect(result.taskRunId).toMatch(/^checksum-[0-9a-f]{8}$/);
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.spanContext().traceId).toBe(parentTrace);
    expect(span.parentSpanContext?.spanId).toBe(parentSpan);
    expect(span.attributes).toMatchObject({
      [ATTR_CICD_PIPELINE_TASK_NAME]: "checksum",
      [ATTR_CICD_PIPELINE_TASK_RUN_ID]: result.taskRunId,
      [ATTR_CICD_PIPELINE_RUN_ID]: "run-42",
      [ATTR_PIPESPAN_TASK_ATTEMPT]: 1, // the parent's attempt is the parent's
      [ATTR_CICD_PIPELINE_TASK_RUN_RESULT]: "success",
      [ATTR_PROCESS_EXIT_CODE]: 0,
    });
    const seen = fields(result.stdout!.trim());
    expect(seen).toEqual({
      traceId: parentTrace,
      spanId: span.spanContext().spanId,
      flags: "01",
      runId: "run-42",
      pipelineName: "shell-pipeline",
      taskName: "checksum",
      taskRunId: result.taskRunId,
      attempt: "1",
    });
  });

  it("starts a new trace with a fresh run id when there is no parent, and says why a bad one was ignored", async () => {
    tracing = setupTracing();
    const result = await runTaskCommand({
      name: "alone",
      command: "bash",
      args: ["-c", PRINT_ENV],
      env: { ...BASE_ENV, [ENV_TRACEPARENT]: "not-a-traceparent" },
      stdio: ["ignore", "pipe", "pipe"],
      tracerProvider: tracing.provider,
    });
    expect(result.parentFrom).toBe("none");
    expect(result.issues).toEqual(['TRACEPARENT ignored: version "no" is not two lower-case hex digits']);
    expect(result.runId).toMatch(/^[0-9a-f-]{36}$/);
    const span = tracing.byName("alone");
    expect(span.parentSpanContext).toBeUndefined();
    const seen = fields(result.stdout!.trim());
    expect(seen.spanId).toBe(span.spanContext().spanId);
    expect(seen.runId).toBe(result.runId);
    expect(seen.pipelineName).toBe(""); // unknown, so not invented
  });

  it("resolves to the command's exit code, 128 + n for a signal", async () => {
    tracing = setupTracing();
    const env = { ...BASE_ENV };
    const seven = await runTaskCommand({
      name: "seven",
      command: "bash",
      args: ["-c", "exit 7"],
      env,
      tracerProvider: tracing.provider,
    });
    const term = await runTaskCommand({
      name: "term",
      command: "bash",
      args: ["-c", "kill -TERM $$"],
      env,
      tracerProvider: tracing.provider,
    });
    expect(seven).toMatchObject({ exitCode: 7, signal: null, result: "failure" });
    expect(term).toMatchObject({ exitCode: 143, signal: "SIGTERM", result: "cancellation" });
    expect(tracing.byName("seven").attributes).toMatchObject({ [ATTR_PROCESS_EXIT_CODE]: 7, [ATTR_ERROR_TYPE]: "7" });
    expect(tracing.byName("seven").status).toEqual({ code: SpanStatusCode.ERROR, message: "bash exited with code 7" });
    expect(tracing.byName("term").attributes).toMatchObject({
      [ATTR_PROCESS_EXIT_CODE]: 143,
      [ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]: "SIGTERM",
    });
  });

  it("rejects a missing command with one line, after ending the span as error", async () => {
    tracing = setupTracing();
    const error = await runTaskCommand({
      name: "nope",
      command: "pipespan-no-such-command-xyz",
      env: { ...BASE_ENV },
      tracerProvider: tracing.provider,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CommandStartError);
    expect(error.message).toBe("pipespan task: command not found: pipespan-no-such-command-xyz");
    expect(error.exitCode).toBe(127);
    const span = tracing.byName("nope");
    expect(span.attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("error");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    await expect(runTaskCommand({ name: "", command: "true", tracerProvider: tracing.provider })).rejects.toThrow(
      "pipespan: task name must not be empty",
    );
  });

  it("nests under the SDK task of a bash step that calls it from another Node process", async () => {
    tracing = setupTracing();
    const run = startPipelineRun({ name: "mixed", tracerProvider: tracing.provider, env: {} });
    const outFile = join(scratch, "nested.json");
    // bash step -> node (runTaskCommand "inner") -> bash printing what it was given.
    const step = await run.exec("outer", "bash", ["-c", '"$NODE" "$FIXTURE" "$OUT" inner bash -c "$PRINT_ENV"'], {
      stdio: "pipe",
      env: { NODE: process.execPath, FIXTURE: fixture, OUT: outFile, PRINT_ENV },
    });
    run.end();
    const outer = tracing.byName("outer");
    const nested = JSON.parse(readFileSync(outFile, "utf8")) as FixtureOut;
    expect(nested.ok).toBe(true);
    expect(nested.spans).toHaveLength(1);
    const inner = nested.spans[0]!;
    expect(inner.name).toBe("inner");
    expect(inner.kind).toBe(SpanKind.INTERNAL);
    expect(inner.traceId).toBe(outer.spanContext().traceId);
    expect(inner.parentSpanId).toBe(outer.spanContext().spanId);
    expect(inner.attributes[ATTR_CICD_PIPELINE_RUN_ID]).toBe(run.runId);
    expect(nested.result).toMatchObject({ exitCode: 0, result: "success", parentFrom: "env", runId: run.runId });
    // The innermost command was told the nested span, not the outer one.
    const seen = fields(step.stdout!.trim());
    expect(seen).toMatchObject({
      traceId: outer.spanContext().traceId,
      spanId: inner.spanId,
      runId: run.runId,
      pipelineName: "mixed",
      taskName: "inner",
    });
  });

  it("forwards SIGTERM to the command and exits as it did", async () => {
    const outFile = join(scratch, "signal.json");
    const child = spawn(process.execPath, [fixture, outFile, "sleeper", "bash", "-c", "echo ready; exec sleep 30"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...BASE_ENV },
    });
    const started = performance.now();
    // Signal only once the command runs (it says "ready" just before it becomes sleep).
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) resolve();
      });
      child.once("exit", () => reject(new Error("fixture exited before the command started")));
    });
    child.kill("SIGTERM");
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once("exit", (c, s) => resolve([c, s])),
    );
    const elapsed = performance.now() - started;
    // The wrapper survived the signal, waited for its command, and exited with the command's status.
    expect(signal).toBeNull();
    expect(code).toBe(143);
    expect(elapsed).toBeLessThan(10_000); // sleep 30 did not run to the end
    const out = JSON.parse(readFileSync(outFile, "utf8")) as FixtureOut;
    expect(out.result).toMatchObject({ exitCode: 143, signal: "SIGTERM", result: "cancellation", parentFrom: "none" });
    expect(out.spans[0]!.attributes[ATTR_CICD_PIPELINE_TASK_RUN_RESULT]).toBe("cancellation");
  });
});
