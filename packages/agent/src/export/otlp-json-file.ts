// OTLP/JSON file exporters: every export batch becomes one line of <dir>/traces.jsonl or <dir>/metrics.jsonl.
//
// The lines are produced by @opentelemetry/otlp-transformer's JsonTraceSerializer / JsonMetricsSerializer, i.e. the
// OTLP/JSON encoding of the OTLP specification (protocol/file-exporter.md, otlp.md "JSON Protobuf Encoding"),
// one ExportTraceServiceRequest / ExportMetricsServiceRequest per line. What that encoding looks like (checked
// against the serializer's source and by the round-trip tests through the official .proto files):
//   - field names are lowerCamelCase (resourceSpans, scopeSpans, startTimeUnixNano, ...);
//   - traceId / spanId / parentSpanId are lowercase hex strings (OTLP/JSON's deviation from the proto3 JSON
//     mapping, which would use base64); a root span has no parentSpanId key at all;
//   - enums are integers (span kind 1..5 = INTERNAL..CONSUMER, status code 0/1/2, aggregationTemporality 1/2);
//   - 64-bit timestamps (startTimeUnixNano, timeUnixNano, ...) are decimal strings, exact to the nanosecond;
//   - attribute intValue / asInt / counts are JSON numbers (allowed by the proto3 JSON mapping, which accepts both
//     numbers and strings for 64-bit integers); bytesValue is base64;
//   - span.flags (W3C trace flags + the is-remote bits) is present, a field newer than some .proto releases.
// Readers must accept both numbers and strings for 64-bit integers (packages/findings does).

import { mkdirSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import { JsonMetricsSerializer, JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { AggregationTemporalitySelector, PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { METRICS_FILE, TRACES_FILE } from "@pipespan/semconv";
import { type AppendedLine, JsonlAppender } from "./jsonl-appender.js";

/** What a file exporter has done so far; `failures` > 0 means the file is missing data. */
export interface FileExportStats {
  /** Lines (export batches) written. */
  lines: number;
  /** Spans or metric data points written. */
  items: number;
  /** Batches that could not be written (their items are lost from the file). */
  failures: number;
  failedItems: number;
  /** Message of the first write failure. */
  firstError?: string;
}

export interface OtlpJsonFileExporterOptions {
  /** Output folder; created (recursively) by the constructor. */
  dir: string;
  /** File name inside `dir`; defaults to traces.jsonl / metrics.jsonl. */
  fileName?: string;
  /**
   * Write numbered segments (`traces-000001.jsonl`, …) instead of one file, starting a new one once the current
   * one holds this many bytes (the host agent: its folder is a bounded queue, see Shipper.maxQueueBytes).
   */
  segmentBytes?: number;
}

/** A line just written: which file (its name in the folder), where in it, and the items it holds. */
export interface WrittenLine<T> extends AppendedLine {
  readonly name: string;
  readonly items: T;
}

/** Shared core: serialize → append one line → report the outcome through the callback, never by throwing. */
abstract class OtlpJsonFileExporterBase<T> {
  private currentPath: string;
  readonly stats: FileExportStats = { lines: 0, items: 0, failures: 0, failedItems: 0 };
  private appender: JsonlAppender;
  private stopped = false;
  private readonly segment?: { dir: string; base: string; bytes: number; seq: number; written: number };
  /**
   * Told of every line once it is in the file (the shipper: it can send those items from memory instead of
   * reading the line back). Must not throw; a throw is ignored.
   */
  onWritten?: (line: WrittenLine<T>) => void;

  constructor(options: OtlpJsonFileExporterOptions, defaultFileName: string) {
    // A folder we cannot create is a configuration error: say so now, once, rather than failing every export.
    mkdirSync(options.dir, { recursive: true });
    const name = options.fileName ?? defaultFileName;
    if (options.segmentBytes !== undefined) {
      const base = name.replace(/\.jsonl$/, "");
      // Carry on after the segments already there (a restarted agent in the same folder).
      let seq = 0;
      for (const n of readdirSync(options.dir)) {
        const m = new RegExp(`^${base}-(\\d{6,})\\.jsonl$`).exec(n);
        if (m) seq = Math.max(seq, Number(m[1]));
      }
      this.segment = { dir: options.dir, base, bytes: Math.max(1, options.segmentBytes), seq: seq + 1, written: 0 };
      this.currentPath = this.segmentPath();
    } else this.currentPath = join(options.dir, name);
    this.appender = new JsonlAppender(this.currentPath);
  }

  /** The file written now (with segments, the current one). */
  get path(): string {
    return this.currentPath;
  }

  private segmentPath(): string {
    const s = this.segment as NonNullable<typeof this.segment>;
    return join(s.dir, `${s.base}-${String(s.seq).padStart(6, "0")}.jsonl`);
  }

  private rotateIfFull(): void {
    const s = this.segment;
    if (!s || s.written < s.bytes) return;
    s.seq += 1;
    s.written = 0;
    this.currentPath = this.segmentPath();
    this.appender = new JsonlAppender(this.currentPath);
  }

  protected abstract serialize(items: T): Uint8Array | undefined;
  protected abstract count(items: T): number;

  export(items: T, resultCallback: (result: ExportResult) => void): void {
    const n = this.count(items);
    if (this.stopped) {
      this.fail(n, new Error(`exporter for ${this.path} is shut down; ${n} item(s) not written`), resultCallback);
      return;
    }
    if (n === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    let written: WrittenLine<T>;
    try {
      const bytes = this.serialize(items);
      if (bytes === undefined) throw new Error("the OTLP/JSON serializer produced nothing");
      // Synchronous append: when the callback runs, the line is in the kernel's page cache, so a flush or
      // shutdown has nothing left to wait for.
      this.rotateIfFull();
      const at = this.appender.append(bytes);
      if (this.segment) this.segment.written += bytes.byteLength + 1;
      written = { ...at, name: basename(this.currentPath), items };
    } catch (err) {
      this.fail(n, err instanceof Error ? err : new Error(String(err)), resultCallback);
      return;
    }
    this.stats.lines += 1;
    this.stats.items += n;
    try {
      this.onWritten?.(written);
    } catch {
      /* the line is in the file: whoever ships it reads it from there */
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  private fail(n: number, error: Error, resultCallback: (result: ExportResult) => void): void {
    this.stats.failures += 1;
    this.stats.failedItems += n;
    this.stats.firstError ??= error.message;
    resultCallback({ code: ExportResultCode.FAILED, error });
  }

  /** Writes are synchronous, so there is never anything pending. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

/** A SpanExporter writing one OTLP/JSON ExportTraceServiceRequest per export batch to `<dir>/traces.jsonl`. */
export class OtlpJsonFileSpanExporter extends OtlpJsonFileExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(options: OtlpJsonFileExporterOptions) {
    super(options, TRACES_FILE);
  }
  protected serialize(spans: ReadableSpan[]): Uint8Array | undefined {
    return JsonTraceSerializer.serializeRequest(spans);
  }
  protected count(spans: ReadableSpan[]): number {
    return spans.length;
  }
}

export interface OtlpJsonFileMetricExporterOptions extends OtlpJsonFileExporterOptions {
  /** Temporality per instrument type; the metric reader's default (cumulative) when absent. */
  temporalitySelector?: AggregationTemporalitySelector;
}

/** A PushMetricExporter writing one OTLP/JSON ExportMetricsServiceRequest per collection to `<dir>/metrics.jsonl`. */
export class OtlpJsonFileMetricExporter
  extends OtlpJsonFileExporterBase<ResourceMetrics>
  implements PushMetricExporter
{
  readonly selectAggregationTemporality?: AggregationTemporalitySelector;

  constructor(options: OtlpJsonFileMetricExporterOptions) {
    super(options, METRICS_FILE);
    if (options.temporalitySelector) this.selectAggregationTemporality = options.temporalitySelector;
  }
  protected serialize(metrics: ResourceMetrics): Uint8Array | undefined {
    return JsonMetricsSerializer.serializeRequest(metrics);
  }
  /** Data points: a collection with no data points is not written (it would be an empty line of noise). */
  protected count(metrics: ResourceMetrics): number {
    return countDataPoints(metrics);
  }
}

export function countDataPoints(metrics: ResourceMetrics): number {
  let n = 0;
  for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) n += metric.dataPoints.length;
  return n;
}
