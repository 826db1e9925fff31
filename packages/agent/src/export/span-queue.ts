// The SDK batch span processor's queue: its size from the standard OTEL_BSP_* variables, and the spans it drops
// when full, counted. The processor drops a span when its queue is full and says so only in a debug log; it
// does report every drop to its self-observability meter (otel.sdk.processor.span.processed with
// error.type=queue_full), so that is where the count comes from: a meter provider that tallies exactly those.
import {
  type Counter,
  createNoopMeter,
  type Meter,
  type MeterOptions,
  type MeterProvider,
  type MetricAttributes,
} from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@pipespan/semconv";

/** The SDK's self-observability counter of finished spans (error.type=queue_full: dropped, queue full). */
const PROCESSED = "otel.sdk.processor.span.processed";
const QUEUE_FULL = "queue_full";

export interface SpanQueueConfig {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
}

/** pipespan's batch settings: spans reach the file within half a second of ending. */
export const DEFAULT_SPAN_QUEUE: SpanQueueConfig = {
  maxQueueSize: 65_536,
  maxExportBatchSize: 4_096,
  scheduledDelayMillis: 500,
};

/**
 * The batch settings, with OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE and OTEL_BSP_SCHEDULE_DELAY
 * (ms) from the environment where they hold sane values (a batch is never larger than the queue). Unusable
 * values are named in `warnings` and the defaults stay.
 */
export function spanQueueConfig(env: NodeJS.ProcessEnv): { config: SpanQueueConfig; warnings: string[] } {
  const warnings: string[] = [];
  const read = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const n = Number(raw);
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    warnings.push(`${name}=${raw} is not an integer from ${min} to ${max}; using ${fallback}`);
    return fallback;
  };
  const maxQueueSize = read("OTEL_BSP_MAX_QUEUE_SIZE", DEFAULT_SPAN_QUEUE.maxQueueSize, 1, 16_777_216);
  const batch = read("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", DEFAULT_SPAN_QUEUE.maxExportBatchSize, 1, 16_777_216);
  const scheduledDelayMillis = read("OTEL_BSP_SCHEDULE_DELAY", DEFAULT_SPAN_QUEUE.scheduledDelayMillis, 0, 600_000);
  return {
    config: { maxQueueSize, maxExportBatchSize: Math.min(batch, maxQueueSize), scheduledDelayMillis },
    warnings,
  };
}

/**
 * A meter provider for a BatchSpanProcessor's `selfObsMeterProvider`: counts the spans the processor dropped
 * because its queue was full. Its instruments record nothing else.
 */
export class SpanQueueDrops implements MeterProvider {
  #dropped = 0;

  /** Spans dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }

  getMeter(_name: string, _version?: string, _options?: MeterOptions): Meter {
    const noop = createNoopMeter();
    const tally: Counter = {
      add: (value: number, attributes?: MetricAttributes) => {
        if (attributes?.[ATTR_ERROR_TYPE] === QUEUE_FULL && value > 0) this.#dropped += value;
      },
    };
    return {
      createCounter: (n, o) => (n === PROCESSED ? tally : noop.createCounter(n, o)),
      createUpDownCounter: (n, o) => noop.createUpDownCounter(n, o),
      createHistogram: (n, o) => noop.createHistogram(n, o),
      createGauge: (n, o) => noop.createGauge(n, o),
      createObservableGauge: (n, o) => noop.createObservableGauge(n, o),
      createObservableCounter: (n, o) => noop.createObservableCounter(n, o),
      createObservableUpDownCounter: (n, o) => noop.createObservableUpDownCounter(n, o),
      addBatchObservableCallback: (cb, obs) => noop.addBatchObservableCallback(cb, obs),
      removeBatchObservableCallback: (cb, obs) => noop.removeBatchObservableCallback(cb, obs),
    };
  }
}
