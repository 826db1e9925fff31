import type { Resource } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { ExportSignal } from "../export/export-failure.js";
import { createOtlpExportersFromEnv } from "../export/otlp-grpc.js";
import { OtlpJsonFileMetricExporter, OtlpJsonFileSpanExporter } from "../export/otlp-json-file.js";
import { detectResource } from "../resource/detect-resource.js";

export interface TelemetryOptions {
  readonly runDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly serviceName?: string;
  readonly onWarning?: (line: string) => void;
  /** How often metrics are exported while the run goes (they are always exported at the end). */
  readonly metricIntervalMs?: number;
}

export interface Telemetry {
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  readonly resource: Resource;
  /**
   * Flushes and shuts everything down; never rejects. Before the final metric export it reports the failure
   * counts so far (so they land in metrics.jsonl). Resolves to one line per export problem.
   */
  shutdown(recordFailures?: (signal: ExportSignal, count: number) => void): Promise<string[]>;
}

/**
 * The run's OTel SDK pipeline: spans and metrics go to the OTLP/JSON files in the run folder (always) and to
 * OTLP gRPC when the standard environment asks for it. Each remote exporter has its own processor/reader and is
 * wrapped so its failures are counted and never touch the files.
 */
export async function createTelemetry(o: TelemetryOptions): Promise<Telemetry> {
  const problems: string[] = [];
  const resource = detectResource({
    env: o.env,
    ...(o.serviceName !== undefined ? { serviceName: o.serviceName } : {}),
    onWarning: (w: string) => o.onWarning?.(w),
  });
  const remote = createOtlpExportersFromEnv(o.env, {
    onFirstFailure: (line) => {
      problems.push(line);
    },
  });
  for (const w of remote?.warnings ?? []) o.onWarning?.(w);

  const fileSpans = new OtlpJsonFileSpanExporter({ dir: o.runDir });
  const fileMetrics = new OtlpJsonFileMetricExporter({ dir: o.runDir });
  const bigBatches = { maxQueueSize: 65_536, maxExportBatchSize: 4_096, scheduledDelayMillis: 2_000 };
  const spanProcessors: SpanProcessor[] = [new BatchSpanProcessor({ exporter: fileSpans, ...bigBatches })];
  if (remote?.traces) spanProcessors.push(new BatchSpanProcessor({ exporter: remote.traces, ...bigBatches }));
  const tracerProvider = new TracerProvider({ resource, spanProcessors });

  const interval = o.metricIntervalMs ?? 30_000;
  const readers = [new PeriodicExportingMetricReader({ exporter: fileMetrics, exportIntervalMillis: interval })];
  if (remote?.metrics) {
    readers.push(new PeriodicExportingMetricReader({ exporter: remote.metrics, exportIntervalMillis: interval }));
  }
  const meterProvider = new MeterProvider({ resource, readers });

  return {
    tracerProvider,
    meterProvider,
    resource,
    async shutdown(recordFailures) {
      await settle(tracerProvider.forceFlush());
      await settle(tracerProvider.shutdown());
      if (recordFailures && remote) {
        recordFailures("traces", remote.stats.traces.failures);
      }
      await settle(meterProvider.shutdown());
      await settle(remote?.shutdown());
      for (const [what, s] of [
        ["spans", fileSpans.stats],
        ["metrics", fileMetrics.stats],
      ] as const) {
        if (s.failures > 0) {
          problems.push(
            `pipespan: could not write ${s.failedItems} ${what} to ${what === "spans" ? fileSpans.path : fileMetrics.path}` +
              (s.firstError ? ` (${s.firstError})` : ""),
          );
        }
      }
      return problems;
    },
  };
}

async function settle(p: Promise<unknown> | undefined): Promise<void> {
  try {
    await p;
  } catch {
    /* failures are counted by the exporters themselves */
  }
}
