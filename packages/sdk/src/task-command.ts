// runTaskCommand: the engine of `pipespan task NAME -- cmd args...`, which lets a bash, Python or Make pipeline
// speak the env protocol without an SDK of its own. It reads the parent span from the environment, wraps the
// command in a task span, and hands the command the protocol variables for that span, so the agent's process
// spans, and any nested `pipespan task`, attach under it.
//
// Without a valid TRACEPARENT the task span is the root of a new trace: a standalone `pipespan task` is a
// one-task run. Its run id is then still set (PIPESPAN_RUN_ID if given, else a fresh UUID) and passed on, so
// whatever the command starts, including nested `pipespan task` calls, lands in the same trace and run.
//
// The caller owns the exporter: it flushes the provider and exits with the returned code.

import type { StdioOptions } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { type Attributes, type Context, ROOT_CONTEXT } from "@opentelemetry/api";
import { type ChildOutcome, CommandStartError, runChild } from "./child.js";
import { type EnvRecord, extractEnv, injectEnv, withoutProtocolEnv } from "./env-protocol.js";
import { checkAttempt, checkName, MAX_NAME_LENGTH } from "./limits.js";
import { type PipelineResult, RESULT_CANCELLATION, RESULT_ERROR, RESULT_FAILURE, RESULT_SUCCESS } from "./result.js";
import {
  endTaskSpan,
  errorTypeOfExit,
  resolveTracer,
  resultOfExit,
  setExitAttributes,
  startTaskSpan,
  type TracerSource,
} from "./task-span.js";

/** Signals a `pipespan task` passes on to its command while it runs. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export interface TaskCommandOptions extends TracerSource {
  /** Task name (cicd.pipeline.task.name, the span name). */
  name: string;
  command: string;
  args?: readonly string[];
  /** Environment to read the parent from, and the base of the command's environment; default process.env. */
  env?: Readonly<EnvRecord>;
  /** Run id; default PIPESPAN_RUN_ID from `env`, else a random UUID. */
  runId?: string;
  /** Pipeline name passed on to the command; default PIPESPAN_PIPELINE_NAME from `env`. */
  pipelineName?: string;
  /** Task run id; default `<name>-<8 random hex digits>` (unique without coordination between processes). */
  taskRunId?: string;
  /** Attempt number from 1 (default 1; the parent's PIPESPAN_TASK_ATTEMPT is the parent's, not this task's). */
  attempt?: number;
  /** Working directory of the command (default process.cwd()). */
  cwd?: string;
  attributes?: Attributes;
  /** Stdio of the command (default "inherit"). */
  stdio?: "inherit" | "pipe" | "ignore" | StdioOptions;
  /** Signals to forward to the command while it runs (default SIGINT, SIGTERM, SIGHUP). */
  forwardSignals?: readonly NodeJS.Signals[];
}

export interface TaskCommandResult {
  /** The command's exit status; 128 + signal number when a signal killed it. Use it as the exit code. */
  exitCode: number;
  /** The signal that killed the command, or null. */
  signal: NodeJS.Signals | null;
  result: PipelineResult;
  runId: string;
  taskRunId: string;
  traceId: string;
  spanId: string;
  /** "env" when the span joined a TRACEPARENT from the environment, "none" when it started a new trace. */
  parentFrom: "env" | "none";
  /** Environment values that were ignored (malformed TRACEPARENT, ...), one line each, for the caller to print. */
  issues: string[];
  /** Captured output when stdio was "pipe". */
  stdout: string | undefined;
  stderr: string | undefined;
}

function defaultTaskRunId(name: string): string {
  const stem = name.length > MAX_NAME_LENGTH - 9 ? name.slice(0, MAX_NAME_LENGTH - 9) : name;
  return `${stem}-${randomBytes(4).toString("hex")}`;
}

/**
 * Runs one command as a task span. Resolves to how the command ended (never rejects because the command
 * failed); rejects with a CommandStartError (`pipespan task: command not found: foo`) when it could not start,
 * after ending the span with result "error".
 */
export async function runTaskCommand(options: TaskCommandOptions): Promise<TaskCommandResult> {
  const name = checkName("task name", options.name);
  if (typeof options.command !== "string" || options.command.length === 0) {
    throw new TypeError("pipespan task: no command given");
  }
  const attempt = options.attempt === undefined ? 1 : checkAttempt("attempt", options.attempt);
  const tracer = resolveTracer(options);
  const baseEnv = options.env ?? process.env;
  const extracted = extractEnv(baseEnv);
  const runId = options.runId !== undefined ? checkName("runId", options.runId) : (extracted.runId ?? randomUUID());
  const pipelineName =
    options.pipelineName !== undefined ? checkName("pipelineName", options.pipelineName) : extracted.pipelineName;
  const taskRunId =
    options.taskRunId !== undefined ? checkName("taskRunId", options.taskRunId) : defaultTaskRunId(name);
  const parent: Context = extracted.context ?? ROOT_CONTEXT;
  const cwd = options.cwd ?? process.cwd();

  const init: Parameters<typeof startTaskSpan>[1] = { name, taskRunId, attempt, runId, workDir: cwd, parent };
  if (options.attributes !== undefined) init.attributes = options.attributes;
  const { span, context } = startTaskSpan(tracer, init);

  const childEnv = injectEnv(
    context,
    { runId, taskName: name, taskRunId, attempt, ...(pipelineName !== undefined ? { pipelineName } : {}) },
    withoutProtocolEnv(baseEnv),
  );

  const signals = options.forwardSignals ?? FORWARDED_SIGNALS;
  let forwarded: NodeJS.Signals | null = null;
  const handlers = new Map<NodeJS.Signals, () => void>();
  // Listening for a signal also stops Node's default of dying on it: this process outlives the command, ends
  // the span, and reports the command's status. The handlers go in before the command starts: it may run (and
  // be signalled) before spawn() even returns here; a signal that comes that early is passed on at once.
  let running: { kill(signal: NodeJS.Signals): boolean } | undefined;
  const early: NodeJS.Signals[] = [];
  for (const signal of signals) {
    const handler = (): void => {
      forwarded = signal;
      if (running) running.kill(signal);
      else early.push(signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  let outcome: ChildOutcome;
  try {
    outcome = await runChild(options.command, options.args ?? [], {
      cwd,
      env: childEnv,
      stdio: options.stdio ?? "inherit",
      label: "pipespan task",
      onSpawn: (child) => {
        running = child;
        for (const signal of early.splice(0)) child.kill(signal);
      },
    });
  } catch (error) {
    const start = error instanceof CommandStartError ? error : undefined;
    endTaskSpan(span, {
      result: RESULT_ERROR,
      error,
      errorType: start?.code ?? "_OTHER",
      statusMessage: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }

  setExitAttributes(span, outcome);
  let result = resultOfExit(outcome);
  // A command that traps the signal we passed on and exits non-zero was still stopped on request.
  if (forwarded !== null && result === RESULT_FAILURE) result = RESULT_CANCELLATION;
  const how =
    outcome.signal !== null ? `killed by ${outcome.signal}` : `${options.command} exited with code ${outcome.exitCode}`;
  const end: Parameters<typeof endTaskSpan>[1] = { result, statusMessage: how };
  if (result !== RESULT_SUCCESS) end.errorType = errorTypeOfExit(outcome);
  endTaskSpan(span, end);

  const spanContext = span.spanContext();
  return {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    result,
    runId,
    taskRunId,
    traceId: spanContext.traceId,
    spanId: spanContext.spanId,
    parentFrom: extracted.context !== undefined ? "env" : "none",
    issues: extracted.issues,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
  };
}
