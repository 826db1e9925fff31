import type { Resource } from "@opentelemetry/resources";
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { planOtlpExportFromEnv } from "../export/otlp-grpc.js";
import { OtlpJsonFileMetricExporter, OtlpJsonFileSpanExporter } from "../export/otlp-json-file.js";
import { Shipper, type ShipperOptions } from "../export/shipper.js";
import { SpanQueueDrops, spanQueueConfig } from "../export/span-queue.js";
import { detectResource } from "../resource/detect-resource.js";
import { SpanJournal } from "./span-journal.js";

export interface TelemetryOptions {
  readonly runDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly serviceName?: string;
  readonly onWarning?: (line: string) => void;
  /** How often metrics are exported while the run goes (they are always exported at the end). */
  readonly metricIntervalMs?: number;
  /** Write numbered file segments of this size (the host agent); one traces.jsonl / metrics.jsonl when absent. */
  readonly segmentBytes?: number;
  /** Bound of the folder as an on-disk export queue (the host agent). */
  readonly maxQueueBytes?: number;
  /** Journal open spans (journal.jsonl) so that they can be rebuilt after a crash (pipespan run). */
  readonly journal?: boolean;
  /** More metric readers (the agent's /metrics endpoint). */
  readonly metricReaders?: readonly MetricReader[];
  /** Export hooks (the agent's own metrics). */
  readonly shipper?: Pick<ShipperOptions, "onSent" | "onDropped" | "onFailure" | "maxHeldSpans">;
}

export interface Telemetry {
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  readonly resource: Resource;
  /** The remote export (files → backend), when the standard OTEL_* environment asks for one. */
  readonly shipper?: Shipper;
  readonly journal?: SpanJournal;
  /** The SDK's batch span queue: its capacity and the spans it dropped because it was full. */
  readonly spanQueue: { readonly capacity: number; readonly dropped: number };
  /** Writes what the SDK still holds to the local files and flushes the journal (periodically, while running). */
  flushLocal(): Promise<void>;
  /**
   * Flushes the SDK pipelines into the local files and shuts them down; never rejects. Before the final metric
   * export it lets the caller record last figures. Resolves to one line per local write problem. The remote export
   * is not waited for here: see `shipper.drain()`.
   */
  closeLocal(beforeLastMetrics?: () => void): Promise<string[]>;
}

/**
 * The run's OTel SDK pipeline: spans and metrics go to the OTLP/JSON files in the run folder, always and first;
 * when the standard environment asks for OTLP gRPC, a Shipper sends those files on to the backend, so a backend
 * that is down or slow never loses anything and never holds the files up.
 */
export async function createTelemetry(o: TelemetryOptions): Promise<Telemetry> {
  const resource = detectResource({
    env: o.env,
    ...(o.serviceName !== undefined ? { serviceName: o.serviceName } : {}),
    onWarning: (w: string) => o.onWarning?.(w),
  });
  const plan = planOtlpExportFromEnv(o.env, { propagateFailures: true });
  for (const w of plan?.warnings ?? []) o.onWarning?.(w);

  const segment = o.segmentBytes !== undefined ? { segmentBytes: o.segmentBytes } : {};
  const fileSpans = new OtlpJsonFileSpanExporter({ dir: o.runDir, ...segment });
  const fileMetrics = new OtlpJsonFileMetricExporter({ dir: o.runDir, ...segment });
  // Spans reach the file within half a second of ending: what a SIGKILL can take is that half second. A span
  // that finds the queue full is dropped by the SDK: counted here, exported and printed.
  const queue = spanQueueConfig(o.env);
  for (const w of queue.warnings) o.onWarning?.(w);
  const queueDrops = new SpanQueueDrops();
  const spanProcessors: SpanProcessor[] = [
    new BatchSpanProcessor({ exporter: fileSpans, ...queue.config, selfObsMeterProvider: queueDrops }),
  ];
  const journal = o.journal ? new SpanJournal(o.runDir) : undefined;
  if (journal) spanProcessors.push(journal);
  const tracerProvider = new TracerProvider({ resource, spanProcessors });

  const interval = o.metricIntervalMs ?? envInterval(o.env) ?? 30_000;
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: fileMetrics,
        exportIntervalMillis: interval,
        exportTimeoutMillis: Math.min(interval, 30_000),
      }),
      ...(o.metricReaders ?? []),
    ],
  });

  const shipper = plan
    ? new Shipper({
        dir: o.runDir,
        ...(plan.traces ? { traces: { endpoint: plan.traces.endpoint, create: plan.traces.create } } : {}),
        ...(plan.metrics ? { metrics: { endpoint: plan.metrics.endpoint, create: plan.metrics.create } } : {}),
        ...(o.maxQueueBytes !== undefined ? { maxQueueBytes: o.maxQueueBytes } : {}),
        ...(o.onWarning ? { onLine: (line: string) => o.onWarning?.(line.replace(/^pipespan: /, "")) } : {}),
        ...(o.shipper ?? {}),
      })
    : undefined;
  // The spans just written go to the shipper too: it sends them without parsing their line back.
  if (shipper) fileSpans.onWritten = (line) => shipper.offer(line);
  shipper?.start();

  return {
    tracerProvider,
    meterProvider,
    resource,
    ...(shipper ? { shipper } : {}),
    ...(journal ? { journal } : {}),
    spanQueue: {
      capacity: queue.config.maxQueueSize,
      get dropped() {
        return queueDrops.dropped;
      },
    },
    async flushLocal() {
      await settle(tracerProvider.forceFlush());
    },
    async closeLocal(beforeLastMetrics) {
      const problems: string[] = [];
      await settle(tracerProvider.forceFlush());
      await settle(tracerProvider.shutdown());
      try {
        beforeLastMetrics?.();
      } catch {
        /* figures are best effort */
      }
      await settle(meterProvider.shutdown());
      for (const [what, s, path] of [
        ["spans", fileSpans.stats, fileSpans.path],
        ["metrics", fileMetrics.stats, fileMetrics.path],
      ] as const) {
        if (s.failures > 0) {
          problems.push(
            `pipespan: could not write ${s.failedItems} ${what} to ${path}` +
              (s.firstError ? ` (${s.firstError})` : ""),
          );
        }
      }
      if (queueDrops.dropped > 0) {
        problems.push(
          `pipespan: ${queueDrops.dropped} span(s) dropped before they were written: the batch span queue ` +
            `(${queue.config.maxQueueSize}) was full; raise OTEL_BSP_MAX_QUEUE_SIZE`,
        );
      }
      const jf = journal?.takeFailure();
      if (jf) problems.push(`pipespan: ${jf}`);
      return problems;
    },
  };
}

/** OTEL_METRIC_EXPORT_INTERVAL (ms), the standard variable, when it holds a sane value. */
function envInterval(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env["OTEL_METRIC_EXPORT_INTERVAL"]);
  return Number.isInteger(n) && n >= 100 && n <= 3_600_000 ? n : undefined;
}

async function settle(p: Promise<unknown> | undefined): Promise<void> {
  try {
    await p;
  } catch {
    /* failures are counted by the exporters themselves */
  }
}
