// OTLP/JSON lines (what the file exporters write, see otlp-json-file.ts) back into the SDK's own objects —
// ReadableSpan and ResourceMetrics — so that the upstream OTLP exporters can send them again: the replay of a
// run's files after a backend outage, and `pipespan export`. The protobuf encoding stays upstream's.
//
// The files may come from anywhere (`pipespan export <dir>` reads what it is given): every field is checked, a
// malformed line is one OtlpJsonDecodeError with a short reason, and nothing here can throw anything else.
//
// Round trip: the upstream serializers write a JS number as intValue when it is an integer and doubleValue
// otherwise, the JSON serializer and the protobuf one alike, so decoding both to numbers re-encodes the same.
// 64-bit integers beyond 2^53 lose precision (none of pipespan's own attributes get there).
import {
  type Attributes,
  type AttributeValue,
  type HrTime,
  type Link,
  SpanKind,
  type SpanStatus,
} from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { type Resource, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from "@opentelemetry/sdk-metrics";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";
import { hrTimeFromNs } from "@pipespan/semconv";

export class OtlpJsonDecodeError extends Error {
  override readonly name = "OtlpJsonDecodeError";
}

type Json = Record<string, unknown>;
const HEX_TRACE = /^[0-9a-f]{32}$/;
const HEX_SPAN = /^[0-9a-f]{16}$/;
const MAX_DEPTH = 16;

/** table[key] for the table's own keys only ("__proto__" and friends are not entries). */
function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function fail(what: string): never {
  throw new OtlpJsonDecodeError(what);
}

function obj(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(`${what} is not an object`);
  return v as Json;
}

function arr(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${what} is not an array`);
  return v;
}

function optStr(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") fail(`${what} is not a string`);
  return v;
}

function int(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === "string" && /^-?\d{1,20}$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n) || !Number.isInteger(n)) fail(`${what} is not an integer`);
  return n;
}

function num(v: unknown, what: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  fail(`${what} is not a number`);
}

/** A decimal count of nanoseconds since the epoch (string or number) as the SDK's [seconds, nanos]. */
export function hrTimeOf(v: unknown, what: string): HrTime {
  let ns: bigint;
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) ns = BigInt(v);
  else if (typeof v === "number" && Number.isInteger(v) && v >= 0) ns = BigInt(v);
  else if (v === undefined || v === null) ns = 0n;
  else fail(`${what} is not a time in nanoseconds`);
  return hrTimeFromNs(ns);
}

function hex(v: unknown, re: RegExp, what: string): string {
  if (typeof v !== "string") fail(`${what} is missing`);
  const h = v.toLowerCase();
  if (!re.test(h)) fail(`${what} is not ${re === HEX_TRACE ? 32 : 16} hex digits`);
  return h;
}

export function anyValue(v: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) fail("attribute values nest too deeply");
  const o = obj(v, "an attribute value");
  if ("stringValue" in o) return optStr(o["stringValue"], "stringValue") ?? "";
  if ("boolValue" in o) {
    if (typeof o["boolValue"] !== "boolean") fail("boolValue is not a boolean");
    return o["boolValue"];
  }
  if ("intValue" in o) return int(o["intValue"], "intValue");
  if ("doubleValue" in o) return num(o["doubleValue"], "doubleValue");
  if ("arrayValue" in o) {
    const a = obj(o["arrayValue"] ?? {}, "arrayValue");
    return arr(a["values"], "arrayValue.values").map((x) => anyValue(x, depth + 1));
  }
  if ("kvlistValue" in o) {
    const kv = obj(o["kvlistValue"] ?? {}, "kvlistValue");
    const out: Record<string, unknown> = {};
    for (const e of arr(kv["values"], "kvlistValue.values")) {
      const entry = obj(e, "a key-value");
      const key = optStr(entry["key"], "key");
      if (key === undefined) fail("a key-value has no key");
      out[key] = entry["value"] === undefined ? undefined : anyValue(entry["value"], depth + 1);
    }
    return out;
  }
  if ("bytesValue" in o) {
    const b = optStr(o["bytesValue"], "bytesValue") ?? "";
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b)) fail("bytesValue is not base64");
    return new Uint8Array(Buffer.from(b, "base64"));
  }
  return undefined;
}

export function attributesOf(v: unknown, what = "attributes"): Attributes {
  const out: Attributes = {};
  for (const e of arr(v, what)) {
    const kv = obj(e, `an entry of ${what}`);
    const key = optStr(kv["key"], "key");
    if (key === undefined) fail(`an entry of ${what} has no key`);
    if (kv["value"] === undefined || kv["value"] === null) continue;
    const value = anyValue(kv["value"]);
    if (value !== undefined) out[key] = value as AttributeValue;
  }
  return out;
}

function resourceOf(v: unknown): Resource {
  const r = v === undefined || v === null ? {} : obj(v, "resource");
  return resourceFromAttributes(attributesOf(r["attributes"], "resource attributes"));
}

function scopeOf(v: unknown): { name: string; version?: string; schemaUrl?: string } {
  const s = v === undefined || v === null ? {} : obj(v, "scope");
  const version = optStr(s["version"], "scope.version");
  return { name: optStr(s["name"], "scope.name") ?? "", ...(version ? { version } : {}) };
}

/** OTLP span kinds 1..5 (INTERNAL..CONSUMER) → the API's 0..4; UNSPECIFIED becomes INTERNAL. */
function kindOf(v: unknown): SpanKind {
  const k = v === undefined || v === null ? 1 : typeof v === "string" ? lookup(STRING_KINDS, v) : int(v, "kind");
  if (k === undefined || k < 0 || k > 5) fail("kind is not a span kind");
  return k <= 1 ? SpanKind.INTERNAL : ((k - 1) as SpanKind);
}
const STRING_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

function statusOf(v: unknown): SpanStatus {
  if (v === undefined || v === null) return { code: 0 };
  const s = obj(v, "status");
  const raw = s["code"];
  const code =
    typeof raw === "string"
      ? lookup({ STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 }, raw)
      : int(raw, "code");
  if (code === undefined || code < 0 || code > 2) fail("status.code is not a status code");
  const message = optStr(s["message"], "status.message");
  return { code, ...(message ? { message } : {}) };
}

function diff(a: HrTime, b: HrTime): HrTime {
  let s = a[0] - b[0];
  let n = a[1] - b[1];
  if (n < 0) {
    s -= 1;
    n += 1e9;
  }
  return s < 0 ? [0, 0] : [s, n];
}

/** Spans of one OTLP/JSON ExportTraceServiceRequest (a line of traces.jsonl). */
export function decodeTraceRequest(json: unknown): ReadableSpan[] {
  const req = obj(json, "the request");
  if (!("resourceSpans" in req)) fail("not an ExportTraceServiceRequest (no resourceSpans)");
  const out: ReadableSpan[] = [];
  for (const rsRaw of arr(req["resourceSpans"], "resourceSpans")) {
    const rs = obj(rsRaw, "a resourceSpans entry");
    const resource = resourceOf(rs["resource"]);
    for (const ssRaw of arr(rs["scopeSpans"], "scopeSpans")) {
      const ss = obj(ssRaw, "a scopeSpans entry");
      const scope = scopeOf(ss["scope"]);
      for (const spRaw of arr(ss["spans"], "spans")) out.push(decodeSpan(obj(spRaw, "a span"), resource, scope));
    }
  }
  return out;
}

function decodeSpan(s: Json, resource: Resource, scope: { name: string; version?: string }): ReadableSpan {
  const traceId = hex(s["traceId"], HEX_TRACE, "traceId");
  const spanId = hex(s["spanId"], HEX_SPAN, "spanId");
  const parentRaw = s["parentSpanId"];
  const parentId =
    parentRaw === undefined || parentRaw === null || parentRaw === ""
      ? undefined
      : hex(parentRaw, HEX_SPAN, "parentSpanId");
  const flags = int(s["flags"], "flags");
  const traceStateText = optStr(s["traceState"], "traceState");
  const traceState = traceStateText ? new TraceState(traceStateText) : undefined;
  const context = { traceId, spanId, traceFlags: flags & 0xff, ...(traceState ? { traceState } : {}) };
  const startTime = hrTimeOf(s["startTimeUnixNano"], "startTimeUnixNano");
  const endTime = hrTimeOf(s["endTimeUnixNano"], "endTimeUnixNano");
  const events: TimedEvent[] = arr(s["events"], "events").map((eRaw) => {
    const e = obj(eRaw, "an event");
    return {
      name: optStr(e["name"], "event name") ?? "",
      time: hrTimeOf(e["timeUnixNano"], "event timeUnixNano"),
      attributes: attributesOf(e["attributes"], "event attributes"),
      droppedAttributesCount: int(e["droppedAttributesCount"], "droppedAttributesCount"),
    };
  });
  const links: Link[] = arr(s["links"], "links").map((lRaw) => {
    const l = obj(lRaw, "a link");
    const ts = optStr(l["traceState"], "link traceState");
    const lflags = int(l["flags"], "link flags");
    return {
      context: {
        traceId: hex(l["traceId"], HEX_TRACE, "link traceId"),
        spanId: hex(l["spanId"], HEX_SPAN, "link spanId"),
        traceFlags: lflags & 0xff,
        ...(lflags & 0x200 ? { isRemote: true } : {}),
        ...(ts ? { traceState: new TraceState(ts) } : {}),
      },
      attributes: attributesOf(l["attributes"], "link attributes"),
      droppedAttributesCount: int(l["droppedAttributesCount"], "droppedAttributesCount"),
    };
  });
  const name = optStr(s["name"], "name") ?? "";
  return {
    name,
    kind: kindOf(s["kind"]),
    spanContext: () => context,
    ...(parentId !== undefined
      ? { parentSpanContext: { traceId, spanId: parentId, traceFlags: flags & 0xff, isRemote: (flags & 0x200) !== 0 } }
      : {}),
    startTime,
    endTime,
    duration: diff(endTime, startTime),
    status: statusOf(s["status"]),
    attributes: attributesOf(s["attributes"]),
    links,
    events,
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: int(s["droppedAttributesCount"], "droppedAttributesCount"),
    droppedEventsCount: int(s["droppedEventsCount"], "droppedEventsCount"),
    droppedLinksCount: int(s["droppedLinksCount"], "droppedLinksCount"),
  };
}

/** The resource metrics of one OTLP/JSON ExportMetricsServiceRequest (a line of metrics.jsonl). */
export function decodeMetricsRequest(json: unknown): ResourceMetrics[] {
  const req = obj(json, "the request");
  if (!("resourceMetrics" in req)) fail("not an ExportMetricsServiceRequest (no resourceMetrics)");
  return arr(req["resourceMetrics"], "resourceMetrics").map((rmRaw) => {
    const rm = obj(rmRaw, "a resourceMetrics entry");
    const scopeMetrics: ScopeMetrics[] = arr(rm["scopeMetrics"], "scopeMetrics").map((smRaw) => {
      const sm = obj(smRaw, "a scopeMetrics entry");
      const metrics: MetricData[] = [];
      for (const mRaw of arr(sm["metrics"], "metrics")) {
        const m = decodeMetric(obj(mRaw, "a metric"));
        if (m) metrics.push(m);
      }
      return { scope: scopeOf(sm["scope"]), metrics };
    });
    return { resource: resourceOf(rm["resource"]), scopeMetrics };
  });
}

function temporalityOf(v: unknown): AggregationTemporality {
  const t =
    typeof v === "string"
      ? { AGGREGATION_TEMPORALITY_DELTA: 1, AGGREGATION_TEMPORALITY_CUMULATIVE: 2 }[v]
      : int(v, "aggregationTemporality");
  return t === 1 ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
}

/** ValueType of @opentelemetry/api: 0 INT, 1 DOUBLE. */
const INT = 0;
const DOUBLE = 1;

function numberPoints(points: unknown[], what: string): { points: MetricData["dataPoints"]; valueType: number } {
  let valueType = INT;
  const out = points.map((pRaw) => {
    const p = obj(pRaw, `a ${what} data point`);
    let value: number;
    if (p["asInt"] !== undefined) value = int(p["asInt"], "asInt");
    else {
      value = num(p["asDouble"] ?? 0, "asDouble");
      valueType = DOUBLE;
    }
    return {
      ...pointBase(p),
      value,
    };
  });
  return { points: out as MetricData["dataPoints"], valueType };
}

function decodeMetric(m: Json): MetricData | undefined {
  const name = optStr(m["name"], "metric name");
  if (name === undefined || name === "") fail("a metric has no name");
  const base = {
    name,
    description: optStr(m["description"], "description") ?? "",
    unit: optStr(m["unit"], "unit") ?? "",
  };
  if (m["sum"] !== undefined) {
    const s = obj(m["sum"], "sum");
    const { points, valueType } = numberPoints(arr(s["dataPoints"], "dataPoints"), "sum");
    return {
      descriptor: { ...base, valueType },
      aggregationTemporality: temporalityOf(s["aggregationTemporality"]),
      dataPointType: DataPointType.SUM,
      dataPoints: points as never,
      isMonotonic: s["isMonotonic"] === true,
    };
  }
  if (m["gauge"] !== undefined) {
    const g = obj(m["gauge"], "gauge");
    const { points, valueType } = numberPoints(arr(g["dataPoints"], "dataPoints"), "gauge");
    return {
      descriptor: { ...base, valueType },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: points as never,
    };
  }
  if (m["histogram"] !== undefined) {
    const h = obj(m["histogram"], "histogram");
    const dataPoints = arr(h["dataPoints"], "dataPoints").map((pRaw) => {
      const p = obj(pRaw, "a histogram data point");
      const counts = arr(p["bucketCounts"], "bucketCounts").map((c) => int(c, "bucketCounts"));
      const boundaries = arr(p["explicitBounds"], "explicitBounds").map((b) => num(b, "explicitBounds"));
      return {
        ...pointBase(p),
        value: {
          buckets: { boundaries, counts },
          count: int(p["count"], "count"),
          ...sumMinMax(p),
        },
      };
    });
    return {
      descriptor: { ...base, valueType: DOUBLE },
      aggregationTemporality: temporalityOf(h["aggregationTemporality"]),
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: dataPoints as never,
    };
  }
  if (m["exponentialHistogram"] !== undefined) {
    const h = obj(m["exponentialHistogram"], "exponentialHistogram");
    const buckets = (v: unknown) => {
      const b = v === undefined || v === null ? {} : obj(v, "buckets");
      return {
        offset: int(b["offset"], "offset"),
        bucketCounts: arr(b["bucketCounts"], "bucketCounts").map((c) => int(c, "bucketCounts")),
      };
    };
    const dataPoints = arr(h["dataPoints"], "dataPoints").map((pRaw) => {
      const p = obj(pRaw, "an exponential histogram data point");
      return {
        ...pointBase(p),
        value: {
          count: int(p["count"], "count"),
          scale: int(p["scale"], "scale"),
          zeroCount: int(p["zeroCount"], "zeroCount"),
          positive: buckets(p["positive"]),
          negative: buckets(p["negative"]),
          ...sumMinMax(p),
        },
      };
    });
    return {
      descriptor: { ...base, valueType: DOUBLE },
      aggregationTemporality: temporalityOf(h["aggregationTemporality"]),
      dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
      dataPoints: dataPoints as never,
    };
  }
  // Summaries (and unknown kinds) have no form in the JS SDK: they cannot be sent again.
  return undefined;
}

/** Items in a decoded request: spans, or metric data points. */
export function countMetricPoints(rms: readonly ResourceMetrics[]): number {
  let n = 0;
  for (const rm of rms) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  return n;
}

/** What every data point has: its attributes and its time span. */
function pointBase(p: Record<string, unknown>) {
  return {
    attributes: attributesOf(p["attributes"], "data point attributes"),
    startTime: hrTimeOf(p["startTimeUnixNano"], "startTimeUnixNano"),
    endTime: hrTimeOf(p["timeUnixNano"], "timeUnixNano"),
  };
}

/** A histogram point's optional sum, min and max (present only when the writer had them). */
function sumMinMax(p: Record<string, unknown>): { sum?: number; min?: number; max?: number } {
  return {
    ...(p["sum"] !== undefined ? { sum: num(p["sum"], "sum") } : {}),
    ...(p["min"] !== undefined ? { min: num(p["min"], "min") } : {}),
    ...(p["max"] !== undefined ? { max: num(p["max"], "max") } : {}),
  };
}
