// The environment protocol (conventions/env-protocol.yaml): how a parent tells a child process which trace and
// task it runs under. TRACEPARENT/TRACESTATE follow the OTel "environment variables as context carrier" spec
// (the W3C trace-context header values under upper-case names); the PIPESPAN_* keys name the run and the task.
// Everything read here comes from another process's environment: it is validated, bounded, and never throws.

import { type Context, ROOT_CONTEXT, type SpanContext, trace } from "@opentelemetry/api";
import { TraceState, W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_ID,
  ENV_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_PROTOCOL_KEYS,
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
  MAX_TRACEPARENT_LENGTH,
  MAX_TRACESTATE_LENGTH,
  parseTraceparent,
  previewValue,
  type TraceparentParse,
} from "@pipespan/semconv";
import { attemptProblem, checkAttempt, checkName, nameProblem } from "./limits.js";

/**
 * Every variable of the protocol, in the order they are documented, and the traceparent parser and bounds every
 * package shares (each defined once, in @pipespan/semconv).
 */
export { ENV_PROTOCOL_KEYS, MAX_TRACEPARENT_LENGTH, MAX_TRACESTATE_LENGTH, parseTraceparent, type TraceparentParse };

/** An environment as Node represents it: values may be missing. */
export type EnvRecord = Record<string, string | undefined>;

/** The pipespan fields a child environment carries besides the trace context. */
export interface EnvFields {
  runId?: string;
  pipelineName?: string;
  taskName?: string;
  taskRunId?: string;
  attempt?: number;
}

/** What extractEnv found. Absent or rejected values are undefined; `issues` says why each was rejected. */
export interface ExtractedEnv {
  /** ROOT_CONTEXT carrying the remote parent span from TRACEPARENT, or undefined when there is no valid one. */
  context: Context | undefined;
  spanContext: SpanContext | undefined;
  runId: string | undefined;
  pipelineName: string | undefined;
  taskName: string | undefined;
  taskRunId: string | undefined;
  attempt: number | undefined;
  /** One line per ignored value, e.g. `TRACEPARENT ignored: trace-id is all zeros`. Empty when all was well. */
  issues: string[];
}

function present(env: Readonly<EnvRecord>, key: string): string | undefined {
  const value = env[key];
  // An empty variable is how shells "unset" for a child (`TRACEPARENT= cmd`): treat it as absent, not malformed.
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Reads the protocol variables from an environment (default: this process's). Never throws: a malformed value is
 * left out and explained in `issues`.
 */
export function extractEnv(env: Readonly<EnvRecord> = process.env): ExtractedEnv {
  const issues: string[] = [];
  const out: ExtractedEnv = {
    context: undefined,
    spanContext: undefined,
    runId: undefined,
    pipelineName: undefined,
    taskName: undefined,
    taskRunId: undefined,
    attempt: undefined,
    issues,
  };

  const traceparent = present(env, ENV_TRACEPARENT);
  const tracestate = present(env, ENV_TRACESTATE);
  if (traceparent !== undefined) {
    const parsed = parseTraceparent(traceparent);
    if (parsed.ok) {
      const spanContext: SpanContext = {
        traceId: parsed.traceId,
        spanId: parsed.spanId,
        traceFlags: parsed.traceFlags,
        isRemote: true,
      };
      if (tracestate !== undefined) {
        if (tracestate.length > MAX_TRACESTATE_LENGTH) {
          issues.push(
            `${ENV_TRACESTATE} ignored: longer than ${MAX_TRACESTATE_LENGTH} characters (${tracestate.length})`,
          );
        } else {
          // TraceState drops list members that break the W3C grammar and keeps at most 32.
          const state = new TraceState(tracestate);
          if (state.serialize() === "") issues.push(`${ENV_TRACESTATE} ignored: no valid list members`);
          else spanContext.traceState = state;
        }
      }
      out.spanContext = spanContext;
      out.context = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    } else {
      issues.push(`${ENV_TRACEPARENT} ignored: ${parsed.reason}`);
    }
  } else if (tracestate !== undefined) {
    issues.push(`${ENV_TRACESTATE} ignored: set without ${ENV_TRACEPARENT}`);
  }

  const readName = (key: string): string | undefined => {
    const value = present(env, key);
    if (value === undefined) return undefined;
    const problem = nameProblem(value);
    if (problem === undefined) return value;
    issues.push(`${key} ignored: value ${problem}`);
    return undefined;
  };
  out.runId = readName(ENV_PIPESPAN_RUN_ID);
  out.pipelineName = readName(ENV_PIPESPAN_PIPELINE_NAME);
  out.taskName = readName(ENV_PIPESPAN_TASK_NAME);
  out.taskRunId = readName(ENV_PIPESPAN_TASK_RUN_ID);

  const attempt = present(env, ENV_PIPESPAN_TASK_ATTEMPT);
  if (attempt !== undefined) {
    // Digits only: Number() would accept "0x10", "1e3" and " 7 ".
    const number = /^[0-9]{1,7}$/.test(attempt) ? Number(attempt) : Number.NaN;
    const problem = Number.isNaN(number)
      ? `is not a decimal integer: ${previewValue(attempt)}`
      : attemptProblem(number);
    if (problem === undefined) out.attempt = number;
    else issues.push(`${ENV_PIPESPAN_TASK_ATTEMPT} ignored: value ${problem}`);
  }
  return out;
}

const propagator = new W3CTraceContextPropagator();

/**
 * Writes the protocol variables for a child into `env` (mutated and returned): TRACEPARENT/TRACESTATE of the
 * span in `ctx`, plus the given fields. When `ctx` holds no valid span, stale TRACEPARENT/TRACESTATE are removed
 * so a child never inherits a parent it does not belong to. Fields left undefined are not touched.
 * Throws a TypeError when a field is not acceptable (empty, too long, control characters, bad attempt).
 */
export function injectEnv<T extends EnvRecord>(ctx: Context, fields: EnvFields, env: T = {} as T): T {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, {
    set: (c, key, value) => {
      c[key] = value;
    },
  });
  const record = env as EnvRecord;
  const traceparent = carrier["traceparent"];
  const tracestate = carrier["tracestate"];
  if (traceparent === undefined) delete record[ENV_TRACEPARENT];
  else record[ENV_TRACEPARENT] = traceparent;
  if (traceparent === undefined || tracestate === undefined || tracestate === "") delete record[ENV_TRACESTATE];
  else record[ENV_TRACESTATE] = tracestate;

  if (fields.runId !== undefined) record[ENV_PIPESPAN_RUN_ID] = checkName("runId", fields.runId);
  if (fields.pipelineName !== undefined) {
    record[ENV_PIPESPAN_PIPELINE_NAME] = checkName("pipelineName", fields.pipelineName);
  }
  if (fields.taskName !== undefined) record[ENV_PIPESPAN_TASK_NAME] = checkName("taskName", fields.taskName);
  if (fields.taskRunId !== undefined) record[ENV_PIPESPAN_TASK_RUN_ID] = checkName("taskRunId", fields.taskRunId);
  if (fields.attempt !== undefined) record[ENV_PIPESPAN_TASK_ATTEMPT] = String(checkAttempt("attempt", fields.attempt));
  return env;
}

/** A copy of `base` without any protocol variable: the clean slate a child environment is built on. */
export function withoutProtocolEnv(base: Readonly<EnvRecord>): EnvRecord {
  const copy: EnvRecord = { ...base };
  for (const key of ENV_PROTOCOL_KEYS) delete copy[key];
  return copy;
}
