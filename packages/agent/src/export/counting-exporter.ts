// A wrapper that isolates a remote exporter: it counts failures, keeps the first one, and never throws.
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type {
  AggregationOption,
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS, PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES } from "@pipespan/semconv";
import { describeExportFailure, ExportFailureStats, type ExportSignal, exportErrorCause } from "./export-failure.js";
import { countDataPoints } from "./otlp-json-file.js";

/** The shape shared by SpanExporter and PushMetricExporter (items = ReadableSpan[] or ResourceMetrics). */
export interface ExporterLike<T> {
  export(items: T, resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
  selectAggregationTemporality?(instrumentType: InstrumentType): AggregationTemporality;
  selectAggregation?(instrumentType: InstrumentType): AggregationOption;
}

export interface CountingExporterOptions<T> {
  exporter: ExporterLike<T>;
  signal: ExportSignal;
  /** Where the exporter sends to, as shown to the user (host:port). */
  endpoint: string;
  /** Number of items (spans / data points) in a batch, for the failed-item count. */
  countItems: (items: T) => number;
  /** Shared counters; a fresh one when absent. */
  stats?: ExportFailureStats;
  /** Called once per signal, on its first failure, with the one-line description. */
  onFirstFailure?: (line: string, signal: ExportSignal) => void;
  /**
   * Pass failures on to the span processor / metric reader (default false). Upstream, a failed export makes
   * BatchSpanProcessor and PeriodicExportingMetricReader reject their flush and shutdown, so provider.shutdown()
   * would reject because a backend is down. By default the wrapper owns the failure — counts it, describes it
   * once — and reports success upstream.
   */
  propagateFailures?: boolean;
}

/**
 * Wraps a (remote) exporter so that its failures are counted per signal and described once, and nothing it does —
 * failing, throwing, rejecting, calling back twice — can reach the caller as an exception or a rejected shutdown
 * (see `propagateFailures`). Register it in its own span processor / metric reader, separate from the local file
 * exporters, so a slow backend cannot hold the files up.
 */
export class CountingExporter<T> {
  readonly signal: ExportSignal;
  readonly endpoint: string;
  readonly stats: ExportFailureStats;
  readonly selectAggregationTemporality?: (instrumentType: InstrumentType) => AggregationTemporality;
  readonly selectAggregation?: (instrumentType: InstrumentType) => AggregationOption;
  private readonly inner: ExporterLike<T>;
  private readonly countItems: (items: T) => number;
  private readonly onFirstFailure?: (line: string, signal: ExportSignal) => void;
  private readonly propagateFailures: boolean;

  constructor(options: CountingExporterOptions<T>) {
    this.inner = options.exporter;
    this.signal = options.signal;
    this.endpoint = options.endpoint;
    this.countItems = options.countItems;
    this.stats = options.stats ?? new ExportFailureStats();
    this.onFirstFailure = options.onFirstFailure;
    this.propagateFailures = options.propagateFailures ?? false;
    // A metric reader asks its exporter for temporality/aggregation: pass the inner exporter's answers through.
    const inner = options.exporter;
    if (inner.selectAggregationTemporality) {
      this.selectAggregationTemporality = (t) => inner.selectAggregationTemporality!(t);
    }
    if (inner.selectAggregation) this.selectAggregation = (t) => inner.selectAggregation!(t);
  }

  export(items: T, resultCallback: (result: ExportResult) => void): void {
    const own = this.stats.of(this.signal);
    own.exports += 1;
    let done = false;
    const finish = (result: ExportResult): void => {
      if (done) return;
      done = true;
      let upstream = result;
      if (result.code !== ExportResultCode.SUCCESS) {
        this.recordFailure(items, result.error ?? new Error("export failed"));
        if (!this.propagateFailures) upstream = { code: ExportResultCode.SUCCESS };
      }
      try {
        resultCallback(upstream);
      } catch {
        // The caller's callback is not ours to fail.
      }
    };
    try {
      this.inner.export(items, finish);
    } catch (err) {
      finish({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  async forceFlush(): Promise<void> {
    try {
      await this.inner.forceFlush?.();
    } catch (err) {
      this.recordFailure(undefined, err);
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.inner.shutdown();
    } catch (err) {
      this.recordFailure(undefined, err);
    }
  }

  private recordFailure(items: T | undefined, err: unknown): void {
    const own = this.stats.of(this.signal);
    let n = 0;
    if (items !== undefined) {
      try {
        n = this.countItems(items);
      } catch {
        n = 0;
      }
    }
    own.failures += 1;
    own.failedItems += n;
    if (own.firstError === undefined) {
      const line = describeExportFailure(err, this.endpoint, { signal: this.signal });
      own.firstError = exportErrorCause(err);
      own.firstFailureLine = line;
      try {
        this.onFirstFailure?.(line, this.signal);
      } catch {
        // Reporting must not turn into a failure of its own.
      }
    }
  }
}

export function countingSpanExporter(
  exporter: ExporterLike<ReadableSpan[]>,
  options: Omit<CountingExporterOptions<ReadableSpan[]>, "exporter" | "signal" | "countItems">,
): CountingExporter<ReadableSpan[]> & SpanExporter {
  return new CountingExporter({
    ...options,
    exporter,
    signal: PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES,
    countItems: (spans) => spans.length,
  });
}

export function countingMetricExporter(
  exporter: ExporterLike<ResourceMetrics>,
  options: Omit<CountingExporterOptions<ResourceMetrics>, "exporter" | "signal" | "countItems">,
): CountingExporter<ResourceMetrics> & PushMetricExporter {
  return new CountingExporter({
    ...options,
    exporter,
    signal: PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS,
    countItems: countDataPoints,
  });
}
