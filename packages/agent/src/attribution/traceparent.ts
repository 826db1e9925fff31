import { context, type SpanContext, TraceFlags, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

const propagator = new W3CTraceContextPropagator();

/** Parses a W3C traceparent (+ tracestate) taken from a process environment; undefined when invalid. */
export function parseTraceparent(traceparent: string | undefined, tracestate?: string): SpanContext | undefined {
  if (traceparent === undefined || traceparent.length > 128) return undefined;
  const carrier: Record<string, string> = { traceparent: traceparent.trim() };
  if (tracestate !== undefined && tracestate.length <= 512) carrier["tracestate"] = tracestate;
  const ctx = propagator.extract(context.active(), carrier, {
    get: (c, k) => c[k],
    keys: (c) => Object.keys(c),
  });
  const sc = trace.getSpanContext(ctx);
  return sc && trace.isSpanContextValid(sc) ? { ...sc, isRemote: true } : undefined;
}

/** Formats a span context as a W3C traceparent value. */
export function formatTraceparent(sc: SpanContext): string {
  const flags = (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? "01" : "00";
  return `00-${sc.traceId}-${sc.spanId}-${flags}`;
}
