// In-memory SDK spans (an @opentelemetry/sdk-trace ReadableSpan, e.g. from an InMemorySpanExporter) → the
// normalized model. Structural types only: this package does not depend on the OTel SDK.

import { nsFromHrTime } from "@pipespan/semconv";
import type { Attributes, AttributeValue, NormalizedSpan, SpanKindName, StatusCodeName } from "./model.js";

type HrTime = readonly [number, number];

/** The parts of a ReadableSpan the findings engine reads. */
export interface ReadableSpanLike {
  readonly name: string;
  /** @opentelemetry/api SpanKind: 0 INTERNAL, 1 SERVER, 2 CLIENT, 3 PRODUCER, 4 CONSUMER. */
  readonly kind: number;
  spanContext(): { traceId: string; spanId: string };
  readonly parentSpanContext?: { spanId: string } | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: { code: number; message?: string | undefined };
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly {
    name: string;
    time: HrTime;
    attributes?: Readonly<Record<string, unknown>> | undefined;
  }[];
  readonly links: readonly {
    context: { traceId: string; spanId: string };
    attributes?: Readonly<Record<string, unknown>> | undefined;
  }[];
  readonly resource: { readonly attributes: Readonly<Record<string, unknown>> };
  readonly instrumentationScope: { name: string; version?: string | undefined };
}

// The API's SpanKind numbering differs from OTLP's (OTLP 0 is UNSPECIFIED, 1 INTERNAL, ...).
const KINDS: SpanKindName[] = ["internal", "server", "client", "producer", "consumer"];
const STATUS: StatusCodeName[] = ["unset", "ok", "error"];

export function normalizeReadableSpans(spans: readonly ReadableSpanLike[]): NormalizedSpan[] {
  const resources = new Map<object, Attributes>();
  return spans.map((s) => {
    let resource = resources.get(s.resource);
    if (!resource) {
      resource = attrs(s.resource.attributes);
      resources.set(s.resource, resource);
    }
    const sc = s.spanContext();
    const startNs = nsFromHrTime(s.startTime);
    const endNs = nsFromHrTime(s.endTime);
    const out: NormalizedSpan = {
      traceId: sc.traceId.toLowerCase(),
      spanId: sc.spanId.toLowerCase(),
      name: s.name,
      kind: KINDS[s.kind] ?? "unspecified",
      startNs,
      endNs,
      durationNs: endNs > startNs ? Number(endNs - startNs) : 0,
      attributes: attrs(s.attributes),
      events: s.events.map((e) => ({
        name: e.name,
        timeNs: nsFromHrTime(e.time),
        attributes: attrs(e.attributes ?? {}),
      })),
      links: s.links.map((l) => ({
        traceId: l.context.traceId.toLowerCase(),
        spanId: l.context.spanId.toLowerCase(),
        attributes: attrs(l.attributes ?? {}),
      })),
      status: {
        code: STATUS[s.status.code] ?? "unset",
        ...(s.status.message ? { message: s.status.message } : {}),
      },
      resource,
      scope: {
        name: s.instrumentationScope.name,
        ...(s.instrumentationScope.version ? { version: s.instrumentationScope.version } : {}),
      },
    };
    if (s.parentSpanContext?.spanId) out.parentSpanId = s.parentSpanContext.spanId.toLowerCase();
    return out;
  });
}

function attrs(a: Readonly<Record<string, unknown>>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(a)) {
    const val = value(v);
    if (val !== undefined) out[k] = val;
  }
  return out;
}

function value(v: unknown): AttributeValue | undefined {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return v;
  if (Array.isArray(v)) return v.map((x) => value(x) ?? null);
  return undefined;
}
