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
import type { IdGenerator } from "@opentelemetry/sdk-trace";
import { createSpanWriter } from "@pipespan/agent";
import type { FindingSpanSpec, Attributes as SpanAttributes } from "@pipespan/findings";
import { FINDINGS_TRACES_FILE, hrTimeFromNs } from "@pipespan/semconv";

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

/** Finding spans ended between two turns of the event loop: the span writer's batch. */
const YIELD_EVERY = 512;

export async function writeFindingSpans(
  specs: readonly FindingSpanSpec[],
  o: WriteFindingSpansOptions,
): Promise<WriteFindingSpansResult> {
  const problems: string[] = [];
  let file: string | undefined;
  if (o.runDir !== undefined) {
    file = join(o.runDir, FINDINGS_TRACES_FILE);
    try {
      rmSync(file, { force: true });
    } catch (err) {
      problems.push(`pipespan: cannot write finding spans to ${file}: ${(err as Error).message}`);
    }
  }
  let nextSpanId: string | undefined;
  const ids: IdGenerator = {
    generateTraceId: () => o.traceId,
    generateSpanId: () => nextSpanId ?? "0000000000000001",
  };
  const writer = createSpanWriter({
    what: "finding spans",
    resource: resourceFromAttributes(otelAttributes(o.resource)),
    idGenerator: ids,
    batchOf: specs.length,
    ...(o.runDir !== undefined ? { file: { dir: o.runDir, fileName: FINDINGS_TRACES_FILE } } : {}),
    ...(o.remote === false ? {} : { remoteEnv: o.env ?? process.env }),
  });
  if (!writer.writes || specs.length === 0) {
    problems.push(...(await writer.close()));
    return { ...(writer.file && specs.length > 0 ? { file: writer.file } : {}), written: 0, problems };
  }
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: o.traceId,
    spanId: o.runSpanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  const tracer = writer.provider.getTracer("pipespan-findings");
  try {
    for (let i = 0; i < specs.length; i++) {
      const s = specs[i]!;
      nextSpanId = s.spanId;
      const time = hrTimeFromNs(s.timeUnixNano);
      tracer
        .startSpan(s.name, { kind: SpanKind.INTERNAL, startTime: time, attributes: s.attributes }, parent)
        .end(time);
      // Let the batch processor write each batch as it fills rather than hold every span until close(): a large run
      // has tens of thousands of findings (20,008 for 1M spans, 155 MB of peak memory held that way).
      if ((i + 1) % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
    }
  } finally {
    nextSpanId = undefined;
    problems.push(...(await writer.close()));
  }
  return { ...(writer.file ? { file: writer.file } : {}), written: writer.fileItems() ?? specs.length, problems };
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
