import type { OtlpJsonError } from "./errors.js";

// The normalized span model the findings engine works on, independent of where the spans came from.
//
// Time: absolute times are bigint nanoseconds since the Unix epoch (startNs, endNs, event timeNs). Epoch
// nanoseconds are ~1.7e18, beyond Number.MAX_SAFE_INTEGER (~9.0e15), so a number would silently round them to
// ~256 ns. Durations are numbers (durationNs): exact up to 2^53 ns ≈ 104 days, far longer than any run.
// Attribute ints: number when |v| ≤ 2^53-1, bigint beyond (never silently rounded).

/** A decoded OTLP AnyValue. bytes as Uint8Array; an empty AnyValue as null; kvlist as a plain object. */
export type AttributeValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export type SpanKindName = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";
export type StatusCodeName = "unset" | "ok" | "error";

export interface NormalizedResource {
  attributes: Attributes;
  schemaUrl?: string;
}

export interface NormalizedEvent {
  name: string;
  timeNs: bigint;
  attributes: Attributes;
}

export interface NormalizedLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** Where a span was read from (for messages that point at the evidence). */
export interface SourceLocation {
  file: string;
  line: number;
}

export interface NormalizedSpan {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** Absent for a root span (or a span whose parent is in another process' trace data). */
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  startNs: bigint;
  endNs: bigint;
  /** endNs - startNs as a number (0 when the end precedes the start). */
  durationNs: number;
  attributes: Attributes;
  events: NormalizedEvent[];
  links: NormalizedLink[];
  status: { code: StatusCodeName; message?: string };
  /** The span's resource attributes (the same object for all spans of one resource). */
  resource: Attributes;
  scope: { name: string; version?: string };
  source?: SourceLocation;
}

export interface NormalizedTraces {
  spans: NormalizedSpan[];
  /** Distinct resources, in order of first appearance. */
  resources: NormalizedResource[];
  /** Files read. */
  files: string[];
  /** Problems that were skipped (only in `onProblem: "collect"` mode; empty otherwise). */
  problems: OtlpJsonError[];
}

export type MetricType = "gauge" | "sum" | "histogram" | "exponentialHistogram" | "summary";

export interface HistogramValue {
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

export interface NormalizedMetricPoint {
  name: string;
  description?: string;
  unit?: string;
  type: MetricType;
  /** gauge/sum: the value; histograms and summaries: count/sum (and buckets for explicit histograms). */
  value: number | bigint | HistogramValue;
  /** "delta" | "cumulative" for sums and histograms. */
  temporality?: "delta" | "cumulative";
  isMonotonic?: boolean;
  attributes: Attributes;
  startNs?: bigint;
  timeNs: bigint;
  resource: Attributes;
  scope: { name: string; version?: string };
  source?: SourceLocation;
}

export interface NormalizedMetrics {
  points: NormalizedMetricPoint[];
  resources: NormalizedResource[];
  files: string[];
  problems: OtlpJsonError[];
}
