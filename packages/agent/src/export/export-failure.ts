// Counting remote export failures and describing them in one line.
import { type PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS, PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES } from "@pipespan/semconv";

/** The telemetry signal an export concerned (values of pipespan.export.signal). */
export type ExportSignal = typeof PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES | typeof PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS;

export interface SignalExportStats {
  /** Export calls made. */
  exports: number;
  /** Export calls that failed. */
  failures: number;
  /** Spans or metric data points in the failed calls. */
  failedItems: number;
  /** Cause of the first failure, short and on one line, e.g. "UNAVAILABLE: connect ECONNREFUSED". */
  firstError?: string;
  /** The first failure as the line shown to the user (see describeExportFailure). */
  firstFailureLine?: string;
}

/** Failure counts per signal, shared by the remote exporters of one run (feeds pipespan.export.failures). */
export class ExportFailureStats {
  readonly traces: SignalExportStats = { exports: 0, failures: 0, failedItems: 0 };
  readonly metrics: SignalExportStats = { exports: 0, failures: 0, failedItems: 0 };

  of(signal: ExportSignal): SignalExportStats {
    return signal === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES ? this.traces : this.metrics;
  }

  get totalFailures(): number {
    return this.traces.failures + this.metrics.failures;
  }
}

// gRPC status codes (grpc/doc/statuscodes.md); stable since gRPC 1.0, so a table beats a dependency.
const GRPC_STATUS_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

const MAX_DETAIL = 160;

/**
 * A short cause for an export error: "UNAVAILABLE: connect ECONNREFUSED", "DEADLINE_EXCEEDED: Deadline exceeded
 * after 5.002s", "ENOSPC: no space left on device", ... always one line, bounded in length.
 */
export function exportErrorCause(err: unknown): string {
  if (err === undefined || err === null) return "unknown error";
  if (typeof err !== "object") return oneLine(String(err));
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  const message = typeof e.message === "string" ? e.message : String(err);
  if (typeof e.code === "number" && typeof e.details === "string") {
    // A @grpc/grpc-js ServiceError: numeric status code plus details such as
    // "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9 (2025-...)".
    const status = GRPC_STATUS_NAMES[e.code] ?? `status ${e.code}`;
    return `${status}: ${shortDetail(e.details || message)}`;
  }
  if (typeof e.code === "string" && /^E[A-Z0-9]+$/.test(e.code)) {
    // Node's system errors read "ENOSPC: no space left on device, write"; wrappers may put context in front.
    const at = message.indexOf(`${e.code}: `);
    return oneLine(at >= 0 ? message.slice(at) : `${e.code}: ${message}`);
  }
  return shortDetail(message);
}

function shortDetail(detail: string): string {
  // Prefer the system-call failure ("connect ECONNREFUSED", "getaddrinfo ENOTFOUND") over grpc's prose around it.
  const sys = /\b(connect|getaddrinfo|read|write|open|bind) (E[A-Z0-9]+)\b/.exec(detail);
  if (sys) return `${sys[1]} ${sys[2]}`;
  // "Deadline exceeded after 5.001s,name resolution: 0.001s,Waiting for LB pick": keep the first clause.
  const deadline = /^Deadline exceeded after [\d.]+s/.exec(detail);
  if (deadline) return deadline[0];
  // Drop the timestamps grpc-js appends in parentheses.
  return oneLine(detail.replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)/g, ""));
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}

export interface DescribeExportFailureOptions {
  /** Defaults to traces. */
  signal?: ExportSignal;
  /** Whether the local OTLP/JSON files hold everything (true unless the file exporters failed too). */
  localFilesComplete?: boolean;
}

/**
 * One clear line about a failed remote export, e.g.
 * `pipespan: could not export traces to 127.0.0.1:9 (UNAVAILABLE: connect ECONNREFUSED) — local files are complete`.
 */
export function describeExportFailure(
  err: unknown,
  endpoint: string,
  options: DescribeExportFailureOptions = {},
): string {
  const signal = options.signal ?? PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES;
  const local = options.localFilesComplete === false ? "local files are incomplete too" : "local files are complete";
  return `pipespan: could not export ${signal} to ${endpoint} (${exportErrorCause(err)}) — ${local}`;
}
