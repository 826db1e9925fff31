// The task span as the conventions define it (conventions/model/spans.yaml, span.pipespan.task): shared by the
// in-process PipelineRun and by runTaskCommand.

import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_ERROR_TYPE,
  exitAttributes,
  taskSpanAttributes,
  workDirUrl,
} from "@pipespan/semconv";
import { spanTime } from "./clock.js";
import { isUnsuccessful, type PipelineResult, RESULT_CANCELLATION, RESULT_FAILURE, RESULT_SUCCESS } from "./result.js";

/** Instrumentation scope of every span the SDK makes. */
export const SDK_SCOPE_NAME = "@pipespan/sdk";
export const SDK_VERSION = "0.1.0";

/** Where spans go: a tracer, a provider, or (neither) the provider registered with @opentelemetry/api. */
export interface TracerSource {
  tracer?: Tracer;
  tracerProvider?: TracerProvider;
}

export function resolveTracer(source: TracerSource): Tracer {
  if (source.tracer !== undefined && source.tracerProvider !== undefined) {
    throw new TypeError("pipespan: pass either tracer or tracerProvider, not both");
  }
  if (source.tracer !== undefined) return source.tracer;
  return (source.tracerProvider ?? trace.getTracerProvider()).getTracer(SDK_SCOPE_NAME, SDK_VERSION);
}

export { workDirUrl };

export interface TaskSpanInit {
  name: string;
  taskRunId: string;
  attempt: number;
  runId: string | undefined;
  workDir: string;
  attributes?: Attributes;
  parent: Context;
}

export function startTaskSpan(tracer: Tracer, init: TaskSpanInit): { span: Span; context: Context } {
  const attributes: Attributes = {
    ...init.attributes,
    ...taskSpanAttributes({
      name: init.name,
      taskRunId: init.taskRunId,
      workDir: init.workDir,
      attempt: init.attempt,
      runId: init.runId,
    }),
  };
  const span = tracer.startSpan(init.name, { kind: SpanKind.INTERNAL, attributes, startTime: spanTime() }, init.parent);
  return { span, context: trace.setSpan(init.parent, span) };
}

/** How a child process ended, for the span. */
export interface ExitInfo {
  exitCode: number;
  signal: NodeJS.Signals | null;
}

// Signals that ask a process to stop (Ctrl-C, kill, a closed terminal, a scheduler's cancel): a task they end
// was cancelled. Any other fatal signal (SIGKILL from the OOM killer, SIGSEGV, ...) is a failure.
const CANCEL_SIGNALS: ReadonlySet<string> = new Set(["SIGINT", "SIGTERM", "SIGHUP"]);

/** The task result implied by how its process ended. */
export function resultOfExit(exit: ExitInfo): PipelineResult {
  if (exit.signal !== null) return CANCEL_SIGNALS.has(exit.signal) ? RESULT_CANCELLATION : RESULT_FAILURE;
  return exit.exitCode === 0 ? RESULT_SUCCESS : RESULT_FAILURE;
}

/** Records process.exit.code (and the signal, when there was one) on a span. */
export function setExitAttributes(span: Span, exit: ExitInfo): void {
  span.setAttributes(exitAttributes(exit));
}

/** error.type of a process that ended badly: the signal name, else the exit code. */
export function errorTypeOfExit(exit: ExitInfo): string {
  return exit.signal ?? String(exit.exitCode);
}

/** error.type of a thrown value: its class name, or the semconv fallback `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name || "_OTHER";
  return "_OTHER";
}

export interface TaskEnd {
  result: PipelineResult;
  error?: unknown;
  errorType?: string;
  statusMessage?: string;
}

/** Sets result, status and error details, then ends the span. Success leaves the status UNSET, as OTel asks. */
export function endTaskSpan(span: Span, end: TaskEnd): void {
  span.setAttribute(ATTR_CICD_PIPELINE_TASK_RUN_RESULT, end.result);
  if (end.error !== undefined) {
    span.recordException(end.error instanceof Error ? end.error : String(end.error));
  }
  if (isUnsuccessful(end.result)) {
    const errorType = end.errorType ?? (end.error !== undefined ? errorTypeOf(end.error) : end.result);
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    const message = end.statusMessage ?? (end.error instanceof Error ? end.error.message : `task ${end.result}`);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end(spanTime());
}
