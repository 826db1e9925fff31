// OTLP gRPC exporters configured from the standard OTEL_* environment variables.
//
// The upstream exporters (@opentelemetry/exporter-{trace,metrics}-otlp-grpc 0.301) read these variables themselves,
// and we leave that to them: OTEL_EXPORTER_OTLP[_TRACES|_METRICS]_ENDPOINT (an http:// endpoint means plaintext,
// https:// TLS), _HEADERS (sent as gRPC metadata), _TIMEOUT (ms), _COMPRESSION (gzip|none), _INSECURE,
// _CERTIFICATE / _CLIENT_KEY / _CLIENT_CERTIFICATE, and OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE.
// This module only decides *whether* to export, puts a bounded default timeout in place, and isolates failures.
//
// When `env` is not process.env, its OTEL_* variables are laid over process.env just while the exporters are
// constructed (they read their configuration in the constructor) and restored right after. One exception: for an
// endpoint without the http:// scheme the exporter reads _INSECURE and the certificate file variables lazily, at
// its first export, from process.env itself.

import type { PushMetricExporter, ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { loadEsm } from "../lazy-module.js";
import { type CountingExporter, countingMetricExporter, countingSpanExporter } from "./counting-exporter.js";
import { ExportFailureStats, type ExportSignal } from "./export-failure.js";

/**
 * Deadline of one remote export when the user set no OTEL_EXPORTER_OTLP[_TRACES|_METRICS]_TIMEOUT. The OTel default
 * is 10 s; pipespan's exports happen mostly at the end of a run, where a dead backend would hold the user's terminal
 * for that long per pending batch, so we wait 5 s. A refused connection fails at once either way (gRPC does not
 * wait for a connection unless asked to); the deadline bounds black-holed endpoints and stalled servers.
 */
export const DEFAULT_OTLP_TIMEOUT_MILLIS = 5_000;

export interface OtlpExportersFromEnvOptions {
  /** Shared failure counters; a fresh one when absent. */
  stats?: ExportFailureStats;
  /** Called once per signal, on its first failure, with the one-line description. */
  onFirstFailure?: (line: string, signal: ExportSignal) => void;
  /** Report failures to the span processor / metric reader too (default false: counted here, success upstream). */
  propagateFailures?: boolean;
  /** Timeout when the environment sets none (default DEFAULT_OTLP_TIMEOUT_MILLIS). */
  defaultTimeoutMillis?: number;
}

export interface OtlpExporters {
  /** Counting-wrapped gRPC span exporter, when traces go anywhere. */
  traces?: CountingExporter<ReadableSpan[]> & SpanExporter;
  /** Counting-wrapped gRPC metric exporter, when metrics go anywhere. */
  metrics?: CountingExporter<ResourceMetrics> & PushMetricExporter;
  /** host:port each signal is sent to, for messages. */
  endpoints: { traces?: string; metrics?: string };
  /** The timeout pipespan set, per signal; undefined where the environment's own _TIMEOUT applies. */
  defaultTimeoutApplied: { traces?: number; metrics?: number };
  stats: ExportFailureStats;
  /** Configuration problems worth one line each (e.g. an OTLP protocol other than grpc was asked for). */
  warnings: string[];
  /** Flushes and shuts both exporters down; never rejects. */
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/** What the standard environment asks for, per signal: where to, and a maker of fresh exporters. */
export interface OtlpExportPlan {
  traces?: { endpoint: string; timeoutMillis?: number; create: () => CountingExporter<ReadableSpan[]> & SpanExporter };
  metrics?: {
    endpoint: string;
    timeoutMillis?: number;
    create: () => CountingExporter<ResourceMetrics> & PushMetricExporter;
  };
  stats: ExportFailureStats;
  warnings: string[];
}

/**
 * Which signals the standard environment exports, and how: a signal is exported when OTEL_EXPORTER_OTLP_ENDPOINT
 * or its own OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT is set (a signal-specific endpoint alone does not switch
 * the other signal on) and OTEL_{TRACES,METRICS}_EXPORTER is not "none". Undefined when it asks for none.
 * `create()` makes a new counting-wrapped upstream exporter (a new connection) each time it is called.
 */
export function planOtlpExportFromEnv(
  env: Env = process.env,
  options: OtlpExportersFromEnvOptions = {},
): OtlpExportPlan | undefined {
  const stats = options.stats ?? new ExportFailureStats();
  const warnings: string[] = [];
  const defaultTimeout = options.defaultTimeoutMillis ?? DEFAULT_OTLP_TIMEOUT_MILLIS;

  const plan = (signal: "TRACES" | "METRICS") => {
    const endpoint =
      nonBlank(env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`]) ?? nonBlank(env.OTEL_EXPORTER_OTLP_ENDPOINT);
    if (endpoint === undefined) return undefined;
    const selected = nonBlank(env[`OTEL_${signal}_EXPORTER`]);
    if (selected?.split(",").some((s) => s.trim().toLowerCase() === "none")) return undefined;
    const protocol =
      nonBlank(env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`]) ?? nonBlank(env.OTEL_EXPORTER_OTLP_PROTOCOL);
    if (protocol !== undefined && protocol.trim().toLowerCase() !== "grpc") {
      warnings.push(
        `pipespan: OTEL_EXPORTER_OTLP_PROTOCOL=${protocol.trim()} is not supported; ${signal.toLowerCase()} are exported over OTLP gRPC to ${displayEndpoint(endpoint)}`,
      );
    }
    const userTimeout =
      nonBlank(env[`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`]) ?? nonBlank(env.OTEL_EXPORTER_OTLP_TIMEOUT);
    return {
      endpoint: displayEndpoint(endpoint),
      timeoutMillis: userTimeout === undefined ? defaultTimeout : undefined,
    };
  };

  const tracesPlan = plan("TRACES");
  const metricsPlan = plan("METRICS");
  if (!tracesPlan && !metricsPlan) return undefined;
  const common = { stats, onFirstFailure: options.onFirstFailure, propagateFailures: options.propagateFailures };
  return {
    ...(tracesPlan
      ? {
          traces: {
            endpoint: tracesPlan.endpoint,
            ...(tracesPlan.timeoutMillis !== undefined ? { timeoutMillis: tracesPlan.timeoutMillis } : {}),
            create: () =>
              countingSpanExporter(
                withOtelEnv(
                  env,
                  () =>
                    new (loadEsm<TraceGrpc>("@opentelemetry/exporter-trace-otlp-grpc").OTLPTraceExporter)(
                      tracesPlan.timeoutMillis ? { timeoutMillis: tracesPlan.timeoutMillis } : {},
                    ),
                ),
                { ...common, endpoint: tracesPlan.endpoint },
              ),
          },
        }
      : {}),
    ...(metricsPlan
      ? {
          metrics: {
            endpoint: metricsPlan.endpoint,
            ...(metricsPlan.timeoutMillis !== undefined ? { timeoutMillis: metricsPlan.timeoutMillis } : {}),
            create: () =>
              countingMetricExporter(
                withOtelEnv(
                  env,
                  () =>
                    new (loadEsm<MetricGrpc>("@opentelemetry/exporter-metrics-otlp-grpc").OTLPMetricExporter)(
                      metricsPlan.timeoutMillis ? { timeoutMillis: metricsPlan.timeoutMillis } : {},
                    ),
                ),
                { ...common, endpoint: metricsPlan.endpoint },
              ),
          },
        }
      : {}),
    stats,
    warnings,
  };
}

/**
 * The OTLP gRPC exporters the standard environment asks for, or undefined when it asks for none (see
 * planOtlpExportFromEnv): one exporter per signal, for callers that send from memory.
 */
export function createOtlpExportersFromEnv(
  env: Env = process.env,
  options: OtlpExportersFromEnvOptions = {},
): OtlpExporters | undefined {
  const plan = planOtlpExportFromEnv(env, options);
  if (!plan) return undefined;
  const traces = plan.traces?.create();
  const metrics = plan.metrics?.create();
  return {
    traces,
    metrics,
    endpoints: { traces: plan.traces?.endpoint, metrics: plan.metrics?.endpoint },
    defaultTimeoutApplied: { traces: plan.traces?.timeoutMillis, metrics: plan.metrics?.timeoutMillis },
    stats: plan.stats,
    warnings: plan.warnings,
    async shutdown() {
      // CountingExporter.shutdown never rejects.
      await Promise.all([traces?.shutdown(), metrics?.shutdown()]);
    },
  };
}

type TraceGrpc = typeof import("@opentelemetry/exporter-trace-otlp-grpc");
type MetricGrpc = typeof import("@opentelemetry/exporter-metrics-otlp-grpc");

// The gRPC exporter packages load when their first exporter is made: they bring @grpc/grpc-js, node:http2 and tls,
// a good part of the resident memory of a run that exports nowhere.

function nonBlank(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
}

/** "http://127.0.0.1:4317/" → "127.0.0.1:4317"; what the gRPC exporter dials (it ignores scheme and path). */
export function displayEndpoint(endpoint: string): string {
  const raw = endpoint.trim();
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    if (url.protocol === "unix:") return raw;
    return url.host || raw;
  } catch {
    return raw;
  }
}

/** Runs `fn` with process.env's OTEL_* variables replaced by those of `env` (no-op when env is process.env). */
function withOtelEnv<T>(env: Env, fn: () => T): T {
  if (env === process.env) return fn();
  const keys = new Set([...Object.keys(process.env), ...Object.keys(env)].filter((k) => k.startsWith("OTEL_")));
  const saved = new Map<string, string | undefined>();
  for (const key of keys) {
    saved.set(key, process.env[key]);
    const value = env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return fn();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
