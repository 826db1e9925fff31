// Finding spans back onto the run's trace: children of the run span (a remote parent built from run.json's
// traceId/runSpanId), written to <run dir>/traces-findings.jsonl and, when OTEL_EXPORTER_OTLP_ENDPOINT is set,
// exported over OTLP gRPC like every other span.
//
// Re-analysis rewrites traces-findings.jsonl (it never appends a second copy), and the span ids are derived from
// each finding's identity, so the same finding keeps its span id across analyses.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type Attributes, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type IdGenerator, type SpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { createOtlpExportersFromEnv, OtlpJsonFileSpanExporter } from "@pipespan/agent";
import { FINDINGS_TRACES_FILE, type FindingSpanSpec, type Attributes as SpanAttributes } from "@pipespan/findings";

export interface WriteFindingSpansOptions {
  /** The run folder: traces-findings.jsonl goes here. Without it, spans only go over OTLP (when configured). */
  runDir?: string;
  traceId: string;
  runSpanId: string;
  /** The run's resource attributes (service.name, host.type, ...), so the findings sit with the run. */
  resource: SpanAttributes;
  env?: NodeJS.ProcessEnv;
  /** Export over OTLP too when the environment asks for it (default true). */
  remote?: boolean;
}

export interface WriteFindingSpansResult {
  file?: string;
  written: number;
  /** One line per problem (a failed write or export); the analysis itself is not affected. */
  problems: string[];
}

export async function writeFindingSpans(
  specs: readonly FindingSpanSpec[],
  o: WriteFindingSpansOptions,
): Promise<WriteFindingSpansResult> {
  const problems: string[] = [];
  const processors: SpanProcessor[] = [];
  // Batched (one line or request per 512 spans, not one per span), in a queue that holds them all: a run with
  // tens of thousands of findings is written in a moment, and none can be dropped.
  const batched = (exporter: ConstructorParameters<typeof BatchSpanProcessor>[0]["exporter"]) =>
    new BatchSpanProcessor({
      exporter,
      maxQueueSize: Math.max(2_048, specs.length),
      maxExportBatchSize: 512,
      scheduledDelayMillis: 60_000,
    });
  let file: string | undefined;
  let fileExporter: OtlpJsonFileSpanExporter | undefined;
  if (o.runDir !== undefined) {
    file = join(o.runDir, FINDINGS_TRACES_FILE);
    try {
      rmSync(file, { force: true });
      fileExporter = new OtlpJsonFileSpanExporter({ dir: o.runDir, fileName: FINDINGS_TRACES_FILE });
      processors.push(batched(fileExporter));
    } catch (err) {
      problems.push(`pipespan: cannot write finding spans to ${file}: ${(err as Error).message}`);
      file = undefined;
    }
  }
  const remote =
    o.remote === false
      ? undefined
      : createOtlpExportersFromEnv(o.env ?? process.env, { onFirstFailure: (line) => problems.push(line) });
  if (remote?.traces) processors.push(batched(remote.traces));
  if (processors.length === 0 || specs.length === 0) {
    await remote?.shutdown();
    return { ...(file && specs.length > 0 ? { file } : {}), written: 0, problems };
  }

  let nextSpanId: string | undefined;
  const ids: IdGenerator = {
    generateTraceId: () => o.traceId,
    generateSpanId: () => nextSpanId ?? "0000000000000001",
  };
  const provider = new TracerProvider({
    resource: resourceFromAttributes(otelAttributes(o.resource)),
    spanProcessors: processors,
    idGenerator: ids,
  });
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: o.traceId,
    spanId: o.runSpanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  const tracer = provider.getTracer("pipespan-findings");
  try {
    for (const s of specs) {
      nextSpanId = s.spanId;
      const time = hrTime(s.timeUnixNano);
      tracer
        .startSpan(s.name, { kind: SpanKind.INTERNAL, startTime: time, attributes: s.attributes }, parent)
        .end(time);
    }
  } finally {
    nextSpanId = undefined;
    await provider.shutdown().catch(() => undefined);
    await remote?.shutdown();
  }
  const stats = fileExporter?.stats;
  if (stats && stats.failures > 0) {
    problems.push(`pipespan: ${stats.failedItems} finding span(s) not written to ${file}: ${stats.firstError}`);
  }
  return { ...(file ? { file } : {}), written: stats?.items ?? specs.length, problems };
}

function hrTime(ns: bigint): [number, number] {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** Resource attributes read from a file → values the OTel SDK accepts (primitives and primitive arrays). */
function otelAttributes(a: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
    else if (typeof v === "bigint") out[k] = Number(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === "string")) out[k] = v as string[];
    else if (Array.isArray(v) && v.every((x) => typeof x === "number")) out[k] = v as number[];
  }
  return out;
}
