import type { SpanContext } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { MAX_TRACESTATE_LENGTH, parseTraceparent } from "@pipespan/semconv";

/**
 * The remote span context a process environment names (TRACEPARENT, TRACESTATE), or undefined when TRACEPARENT is
 * absent or invalid. The value is parsed by the one strict parser in @pipespan/semconv; a TRACESTATE that is too
 * long or holds no valid member is left out (the parent still counts).
 */
export function contextFromEnv(traceparent: string | undefined, tracestate?: string): SpanContext | undefined {
  if (traceparent === undefined || traceparent === "") return undefined;
  const parsed = parseTraceparent(traceparent);
  if (!parsed.ok) return undefined;
  const sc: SpanContext = {
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: parsed.traceFlags,
    isRemote: true,
  };
  if (tracestate !== undefined && tracestate !== "" && tracestate.length <= MAX_TRACESTATE_LENGTH) {
    const state = new TraceState(tracestate);
    if (state.serialize() !== "") sc.traceState = state;
  }
  return sc;
}
