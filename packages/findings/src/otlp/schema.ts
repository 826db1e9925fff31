// zod schemas for the OTLP/JSON encoding (OTLP spec "JSON Protobuf Encoding"): the proto3 JSON mapping with hex
// trace/span ids, integer enums and lowerCamelCase keys. Unknown keys are ignored (receivers must tolerate fields
// added by newer OTLP versions); known keys must have the right types.
import { z } from "zod";

/** 64-bit unsigned integer: JSON number or decimal string (proto3 JSON accepts both). */
export const Uint64 = z.union([
  z.string().regex(/^\d{1,20}$/, "expected an unsigned integer (decimal string)"),
  z.number().int().nonnegative(),
]);
/** 64-bit signed integer: JSON number or decimal string. */
export const Int64 = z.union([
  z.string().regex(/^-?\d{1,19}$/, "expected an integer (decimal string)"),
  z.number().int(),
]);
/** double: a JSON number, or the proto3 JSON spellings of the non-finite values. */
export const Double = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]);
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "expected base64");
const hexId = (digits: number) =>
  z.string().regex(new RegExp(`^[0-9a-fA-F]{${digits}}$`), `expected ${digits} hex digits (OTLP/JSON ids are hex)`);
export const TraceId = hexId(32);
export const SpanId = hexId(16);

export interface AnyValueJson {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | "NaN" | "Infinity" | "-Infinity";
  arrayValue?: { values?: AnyValueJson[] | undefined };
  kvlistValue?: { values?: KeyValueJson[] | undefined };
  bytesValue?: string;
}
export interface KeyValueJson {
  key: string;
  value?: AnyValueJson | null | undefined;
}

export const AnyValue: z.ZodType<AnyValueJson> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: Int64.optional(),
    doubleValue: Double.optional(),
    arrayValue: z.object({ values: z.array(AnyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(KeyValue).optional() }).optional(),
    bytesValue: Base64.optional(),
  }),
);
export const KeyValue: z.ZodType<KeyValueJson> = z.lazy(() => z.object({ key: z.string(), value: AnyValue.nullish() }));
const Attributes = z.array(KeyValue).nullish();

export const Resource = z.object({ attributes: Attributes, droppedAttributesCount: z.number().int().nullish() });
export const Scope = z.object({ name: z.string().nullish(), version: z.string().nullish(), attributes: Attributes });

const SPAN_KIND_NAMES = [
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
] as const;
const STATUS_CODE_NAMES = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"] as const;
/** OTLP/JSON says enums are integers; proto3 JSON parsers also accept the names, and so do we. */
const enumOf = (names: readonly string[]) =>
  z.union([
    z
      .number()
      .int()
      .min(0)
      .max(names.length - 1),
    z.enum(names as [string, ...string[]]).transform((n) => names.indexOf(n)),
  ]);

export const Span = z.object({
  traceId: TraceId,
  spanId: SpanId,
  parentSpanId: z.union([SpanId, z.literal("")]).nullish(),
  traceState: z.string().nullish(),
  name: z.string(),
  kind: enumOf(SPAN_KIND_NAMES).nullish(),
  startTimeUnixNano: Uint64,
  endTimeUnixNano: Uint64,
  attributes: Attributes,
  events: z.array(z.object({ timeUnixNano: Uint64, name: z.string(), attributes: Attributes })).nullish(),
  links: z
    .array(z.object({ traceId: TraceId, spanId: SpanId, traceState: z.string().nullish(), attributes: Attributes }))
    .nullish(),
  status: z.object({ message: z.string().nullish(), code: enumOf(STATUS_CODE_NAMES).nullish() }).nullish(),
});
export type SpanJson = z.infer<typeof Span>;

const ScopeSpans = z.object({
  scope: Scope.nullish(),
  spans: z.array(Span).nullish(),
  schemaUrl: z.string().nullish(),
});
const ResourceSpans = z.object({
  resource: Resource.nullish(),
  scopeSpans: z.array(ScopeSpans).nullish(),
  /** Pre-1.0 OTLP name of scopeSpans (OTLP < 0.15); still produced by old writers. */
  instrumentationLibrarySpans: z.array(ScopeSpans).nullish(),
  schemaUrl: z.string().nullish(),
});
export const ExportTraceServiceRequest = z.object({ resourceSpans: z.array(ResourceSpans) });
export type ExportTraceServiceRequestJson = z.infer<typeof ExportTraceServiceRequest>;

// ---- metrics (minimal: gauge, sum, histogram; exponential histograms and summaries are kept as counts only) ----
const NumberDataPoint = z.object({
  attributes: Attributes,
  startTimeUnixNano: Uint64.nullish(),
  timeUnixNano: Uint64,
  asDouble: Double.nullish(),
  asInt: Int64.nullish(),
});
const HistogramDataPoint = z.object({
  attributes: Attributes,
  startTimeUnixNano: Uint64.nullish(),
  timeUnixNano: Uint64,
  count: Uint64,
  sum: Double.nullish(),
  min: Double.nullish(),
  max: Double.nullish(),
  bucketCounts: z.array(Uint64).nullish(),
  explicitBounds: z.array(Double).nullish(),
});
const CountDataPoint = z.object({
  attributes: Attributes,
  startTimeUnixNano: Uint64.nullish(),
  timeUnixNano: Uint64,
  count: Uint64,
  sum: Double.nullish(),
});
const Temporality = z.number().int().min(0).max(2).nullish();
export const Metric = z.object({
  name: z.string(),
  description: z.string().nullish(),
  unit: z.string().nullish(),
  gauge: z.object({ dataPoints: z.array(NumberDataPoint).nullish() }).nullish(),
  sum: z
    .object({
      dataPoints: z.array(NumberDataPoint).nullish(),
      aggregationTemporality: Temporality,
      isMonotonic: z.boolean().nullish(),
    })
    .nullish(),
  histogram: z
    .object({ dataPoints: z.array(HistogramDataPoint).nullish(), aggregationTemporality: Temporality })
    .nullish(),
  exponentialHistogram: z
    .object({ dataPoints: z.array(CountDataPoint).nullish(), aggregationTemporality: Temporality })
    .nullish(),
  summary: z.object({ dataPoints: z.array(CountDataPoint).nullish() }).nullish(),
});
export type MetricJson = z.infer<typeof Metric>;
const ScopeMetrics = z.object({
  scope: Scope.nullish(),
  metrics: z.array(Metric).nullish(),
  schemaUrl: z.string().nullish(),
});
const ResourceMetrics = z.object({
  resource: Resource.nullish(),
  scopeMetrics: z.array(ScopeMetrics).nullish(),
  instrumentationLibraryMetrics: z.array(ScopeMetrics).nullish(),
  schemaUrl: z.string().nullish(),
});
export const ExportMetricsServiceRequest = z.object({ resourceMetrics: z.array(ResourceMetrics) });
export type ExportMetricsServiceRequestJson = z.infer<typeof ExportMetricsServiceRequest>;

/** "resourceSpans[0].scopeSpans[1].spans[2].traceId: expected 32 hex digits" (first few issues). */
export function describeZodError(error: z.ZodError, maxIssues = 3): string {
  const parts = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path.reduce<string>(
      (acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
      "",
    );
    return `${path || "(top level)"}: ${issue.message}`;
  });
  const more = error.issues.length > maxIssues ? ` (+${error.issues.length - maxIssues} more)` : "";
  return parts.join("; ") + more;
}
