// Where the e2e backends are: set by scripts/backends/e2e.sh (addresses from scripts/backends/lib.sh).
import { accessSync, constants, existsSync } from "node:fs";

export interface E2eEnv {
  /** Folder of the backends' logs and of local.yaml's file exporters. */
  runDir: string;
  otelcolBin: string;
  jaegerBin: string;
  /** host:port of the Collector's OTLP gRPC receiver (collector-config/local.yaml). */
  collectorOtlpGrpc: string;
  collectorHealth: string;
  collectorPrometheus: string;
  /** host:port of Jaeger's OTLP gRPC receiver and query HTTP API. */
  jaegerOtlpGrpc: string;
  jaegerQuery: string;
  jaegerHealth: string;
}

const VARS = {
  runDir: "PIPESPAN_E2E_RUN_DIR",
  otelcolBin: "PIPESPAN_OTELCOL_BIN",
  jaegerBin: "PIPESPAN_JAEGER_BIN",
  collectorOtlpGrpc: "PIPESPAN_LOCAL_OTLP_GRPC_ENDPOINT",
  collectorHealth: "PIPESPAN_LOCAL_HEALTH_ENDPOINT",
  collectorPrometheus: "PIPESPAN_LOCAL_PROMETHEUS_ENDPOINT",
  jaegerOtlpGrpc: "JAEGER_OTLP_GRPC",
  jaegerQuery: "JAEGER_QUERY_HTTP",
  jaegerHealth: "JAEGER_HEALTH",
} as const satisfies Record<keyof E2eEnv, string>;

export const HOW_TO_RUN =
  "Run the e2e suite with `bash scripts/backends/e2e.sh` (or `npm run test:e2e`): it builds the OpenTelemetry " +
  "Collector (OCB v0.161.0, collector-config/builder-config.yaml) and Jaeger v2 (1.76.0) with Go >= 1.26 into " +
  "~/.cache/pipespan/backends, starts both on loopback and then runs this suite.";

/** The backends' addresses, or a list of what is missing. */
export function readE2eEnv(
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; env: E2eEnv } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const out: Partial<Record<keyof E2eEnv, string>> = {};
  for (const [key, name] of Object.entries(VARS) as [keyof E2eEnv, string][]) {
    const v = env[name]?.trim();
    if (!v) problems.push(`${name} is not set`);
    else out[key] = v;
  }
  for (const key of ["otelcolBin", "jaegerBin"] as const) {
    const bin = out[key];
    if (bin === undefined) continue;
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      problems.push(`${VARS[key]}=${bin} is not an executable file (not built?)`);
    }
  }
  if (out.runDir !== undefined && !existsSync(out.runDir)) problems.push(`${VARS.runDir}=${out.runDir} does not exist`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, env: out as E2eEnv };
}

/** For test files: the backends' addresses (global-setup.ts has already checked them). */
export function e2eEnv(): E2eEnv {
  const r = readE2eEnv();
  if (!r.ok) throw new Error(`e2e backends not configured: ${r.problems.join("; ")}. ${HOW_TO_RUN}`);
  return r.env;
}
