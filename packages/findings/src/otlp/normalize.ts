// Validated OTLP/JSON requests → the normalized model.
import type { z } from "zod";
import type {
  Attributes,
  AttributeValue,
  HistogramValue,
  MetricType,
  NormalizedMetricPoint,
  NormalizedResource,
  NormalizedSpan,
  SourceLocation,
  SpanKindName,
  StatusCodeName,
} from "./model.js";
import type {
  AnyValueJson,
  Double,
  ExportMetricsServiceRequestJson,
  ExportTraceServiceRequestJson,
  KeyValueJson,
  MetricJson,
} from "./schema.js";

const SPAN_KINDS: SpanKindName[] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const STATUS_CODES: StatusCodeName[] = ["unset", "ok", "error"];
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Resources seen so far, deduplicated by content so spans of one resource share one attributes object. */
export class ResourceRegistry {
  readonly resources: NormalizedResource[] = [];
  private readonly byKey = new Map<string, NormalizedResource>();

  intern(attributes: Attributes, schemaUrl: string | undefined): NormalizedResource {
    const key = `${schemaUrl ?? ""}\u0000${stableKey(attributes)}`;
    let r = this.byKey.get(key);
    if (!r) {
      r = schemaUrl ? { attributes, schemaUrl } : { attributes };
      this.byKey.set(key, r);
      this.resources.push(r);
    }
    return r;
  }
}

function stableKey(attributes: Attributes): string {
  const keys = Object.keys(attributes).sort();
  return JSON.stringify(
    keys.map((k) => [k, attributes[k]]),
    (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v),
  );
}

export function normalizeTraceRequest(
  req: ExportTraceServiceRequestJson,
  registry: ResourceRegistry,
  source?: SourceLocation,
): NormalizedSpan[] {
  const out: NormalizedSpan[] = [];
  for (const rs of req.resourceSpans) {
    const resource = registry.intern(decodeAttributes(rs.resource?.attributes), rs.schemaUrl ?? undefined);
    for (const ss of [...(rs.scopeSpans ?? []), ...(rs.instrumentationLibrarySpans ?? [])]) {
      const scope = scopeOf(ss.scope);
      for (const s of ss.spans ?? []) {
        const startNs = BigInt(s.startTimeUnixNano);
        const endNs = BigInt(s.endTimeUnixNano);
        const span: NormalizedSpan = {
          traceId: s.traceId.toLowerCase(),
          spanId: s.spanId.toLowerCase(),
          name: s.name,
          kind: SPAN_KINDS[s.kind ?? 0] ?? "unspecified",
          startNs,
          endNs,
          durationNs: endNs > startNs ? Number(endNs - startNs) : 0,
          attributes: decodeAttributes(s.attributes),
          events: (s.events ?? []).map((e) => ({
            name: e.name,
            timeNs: BigInt(e.timeUnixNano),
            attributes: decodeAttributes(e.attributes),
          })),
          links: (s.links ?? []).map((l) => ({
            traceId: l.traceId.toLowerCase(),
            spanId: l.spanId.toLowerCase(),
            attributes: decodeAttributes(l.attributes),
          })),
          status: statusOf(s.status),
          resource: resource.attributes,
          scope,
        };
        if (s.parentSpanId) span.parentSpanId = s.parentSpanId.toLowerCase();
        if (source) span.source = source;
        out.push(span);
      }
    }
  }
  return out;
}

function statusOf(status: { code?: number | null; message?: string | null } | null | undefined) {
  const out: NormalizedSpan["status"] = { code: STATUS_CODES[status?.code ?? 0] ?? "unset" };
  if (status?.message) out.message = status.message;
  return out;
}

function scopeOf(scope: { name?: string | null; version?: string | null } | null | undefined) {
  const out: { name: string; version?: string } = { name: scope?.name ?? "" };
  if (scope?.version) out.version = scope.version;
  return out;
}

export function decodeAttributes(kvs: KeyValueJson[] | null | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of kvs ?? []) setAttribute(out, kv.key, decodeAnyValue(kv.value));
  return out;
}

/** out[key] = value, where a key named "__proto__" is an attribute like any other (not the object's prototype). */
export function setAttribute(out: Attributes, key: string, value: AttributeValue): void {
  if (key === "__proto__")
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export function decodeAnyValue(v: AnyValueJson | null | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return decodeInt(v.intValue);
  if (v.doubleValue !== undefined) return decodeDouble(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(decodeAnyValue);
  if (v.kvlistValue !== undefined) return decodeAttributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return new Uint8Array(Buffer.from(v.bytesValue, "base64"));
  return null;
}

function decodeInt(v: string | number): number | bigint {
  if (typeof v === "number") return v;
  const b = BigInt(v);
  return b <= MAX_SAFE && b >= -MAX_SAFE ? Number(b) : b;
}

function decodeDouble(v: z.infer<typeof Double>): number {
  if (typeof v === "number") return v;
  return v === "NaN" ? Number.NaN : v === "Infinity" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

export function normalizeMetricsRequest(
  req: ExportMetricsServiceRequestJson,
  registry: ResourceRegistry,
  source?: SourceLocation,
): NormalizedMetricPoint[] {
  const out: NormalizedMetricPoint[] = [];
  for (const rm of req.resourceMetrics) {
    const resource = registry.intern(decodeAttributes(rm.resource?.attributes), rm.schemaUrl ?? undefined);
    for (const sm of [...(rm.scopeMetrics ?? []), ...(rm.instrumentationLibraryMetrics ?? [])]) {
      const scope = scopeOf(sm.scope);
      for (const m of sm.metrics ?? []) {
        for (const p of metricPoints(m)) {
          const point: NormalizedMetricPoint = {
            name: m.name,
            type: p.type,
            value: p.value,
            attributes: decodeAttributes(p.attributes),
            timeNs: BigInt(p.timeUnixNano),
            resource: resource.attributes,
            scope,
          };
          if (m.description) point.description = m.description;
          if (m.unit) point.unit = m.unit;
          if (p.startTimeUnixNano !== undefined && p.startTimeUnixNano !== null) {
            point.startNs = BigInt(p.startTimeUnixNano);
          }
          if (p.temporality === 1) point.temporality = "delta";
          if (p.temporality === 2) point.temporality = "cumulative";
          if (p.isMonotonic !== undefined) point.isMonotonic = p.isMonotonic;
          if (source) point.source = source;
          out.push(point);
        }
      }
    }
  }
  return out;
}

interface RawPoint {
  type: MetricType;
  value: number | bigint | HistogramValue;
  attributes?: KeyValueJson[] | null | undefined;
  startTimeUnixNano?: string | number | null;
  timeUnixNano: string | number;
  temporality?: number | null;
  isMonotonic?: boolean;
}

function metricPoints(m: MetricJson): RawPoint[] {
  const number = (dp: { asInt?: string | number | null; asDouble?: z.infer<typeof Double> | null }) =>
    dp.asInt !== undefined && dp.asInt !== null ? decodeInt(dp.asInt) : decodeDouble(dp.asDouble ?? 0);
  if (m.gauge) return (m.gauge.dataPoints ?? []).map((dp) => ({ ...dp, type: "gauge", value: number(dp) }));
  if (m.sum) {
    const { aggregationTemporality, isMonotonic } = m.sum;
    return (m.sum.dataPoints ?? []).map((dp) => ({
      ...dp,
      type: "sum",
      value: number(dp),
      temporality: aggregationTemporality,
      isMonotonic: isMonotonic ?? false,
    }));
  }
  if (m.histogram) {
    const temporality = m.histogram.aggregationTemporality;
    return (m.histogram.dataPoints ?? []).map((dp) => {
      const value: HistogramValue = { count: Number(dp.count) };
      if (dp.sum != null) value.sum = decodeDouble(dp.sum);
      if (dp.min != null) value.min = decodeDouble(dp.min);
      if (dp.max != null) value.max = decodeDouble(dp.max);
      if (dp.bucketCounts) value.bucketCounts = dp.bucketCounts.map(Number);
      if (dp.explicitBounds) value.explicitBounds = dp.explicitBounds.map(decodeDouble);
      return { ...dp, type: "histogram", value, temporality };
    });
  }
  const counted = (
    type: MetricType,
    dps: { count: string | number; sum?: z.infer<typeof Double> | null }[] | null | undefined,
    temporality?: number | null,
  ) =>
    (dps ?? []).map((dp) => {
      const value: HistogramValue = { count: Number(dp.count) };
      if (dp.sum != null) value.sum = decodeDouble(dp.sum);
      return { ...(dp as unknown as RawPoint), type, value, temporality };
    });
  if (m.exponentialHistogram) {
    return counted(
      "exponentialHistogram",
      m.exponentialHistogram.dataPoints,
      m.exponentialHistogram.aggregationTemporality,
    );
  }
  if (m.summary) return counted("summary", m.summary.dataPoints);
  return [];
}
