// Spans written from memory by a short-lived writer: the finding spans of an analysis, a `pipespan task` span, the
// spans rebuilt after a crash. One wiring for all of them: a tracer provider whose spans go, as each ends, to an
// OTLP/JSON file in a run folder and/or straight to the OTLP gRPC backend the standard environment names. (The
// run's own pipeline, batched and journaled and shipped from its files, is run/telemetry.ts.)
import type { Resource } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  type IdGenerator,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { createOtlpExportersFromEnv } from "./otlp-grpc.js";
import { OtlpJsonFileSpanExporter } from "./otlp-json-file.js";

export interface SpanWriterOptions {
  readonly resource: Resource;
  /** Write the spans to `<dir>/<fileName>` (appended). A folder that cannot be written is a problem, not a throw. */
  readonly file?: { readonly dir: string; readonly fileName: string };
  /** Export the spans over OTLP gRPC when this environment asks for it (OTEL_EXPORTER_OTLP_*). */
  readonly remoteEnv?: NodeJS.ProcessEnv;
  /** Export over OTLP only when the file could not be opened (the file is shipped by whoever owns the folder). */
  readonly remoteOnlyWithoutFile?: boolean;
  readonly idGenerator?: IdGenerator;
  /** Names the file in the problem line ("finding spans", "the task span"). */
  readonly what: string;
  /**
   * How many spans will be written, when many: they then go out in batches of 512 (file lines, OTLP requests)
   * from a queue that holds them all, instead of one write per span.
   */
  readonly batchOf?: number;
}

export interface SpanWriter {
  readonly provider: TracerProvider;
  /** The file the spans go to, when it could be opened. */
  readonly file?: string;
  /** False when the spans go nowhere (no file could be opened, no export asked for). */
  readonly writes: boolean;
  /** Spans written to the file so far (undefined without a file). */
  fileItems(): number | undefined;
  /** Ends the provider and the exporters; never rejects. Resolves to one line per problem (open, write, export). */
  close(): Promise<string[]>;
}

export function createSpanWriter(o: SpanWriterOptions): SpanWriter {
  const problems: string[] = [];
  const processors: SpanProcessor[] = [];
  const processor = (exporter: SpanExporter): SpanProcessor =>
    o.batchOf !== undefined && o.batchOf > 1
      ? new BatchSpanProcessor({
          exporter,
          maxQueueSize: Math.max(2_048, o.batchOf),
          maxExportBatchSize: 512,
          scheduledDelayMillis: 60_000,
        })
      : new SimpleSpanProcessor({ exporter });
  let fileExporter: OtlpJsonFileSpanExporter | undefined;
  if (o.file) {
    try {
      fileExporter = new OtlpJsonFileSpanExporter({ dir: o.file.dir, fileName: o.file.fileName });
      processors.push(processor(fileExporter));
    } catch (err) {
      problems.push(`pipespan: cannot write ${o.what} to ${o.file.dir}: ${(err as Error).message}`);
    }
  }
  const remote =
    o.remoteEnv !== undefined && !(o.remoteOnlyWithoutFile && fileExporter)
      ? createOtlpExportersFromEnv(o.remoteEnv, { onFirstFailure: (line) => problems.push(line) })
      : undefined;
  if (remote?.traces) processors.push(processor(remote.traces));
  const provider = new TracerProvider({
    resource: o.resource,
    spanProcessors: processors,
    ...(o.idGenerator ? { idGenerator: o.idGenerator } : {}),
  });
  return {
    provider,
    ...(fileExporter ? { file: fileExporter.path } : {}),
    writes: processors.length > 0,
    fileItems: () => fileExporter?.stats.items,
    async close() {
      await provider.shutdown().catch(() => undefined);
      await remote?.shutdown();
      const s = fileExporter?.stats;
      if (fileExporter && s && s.failures > 0) {
        problems.push(
          `pipespan: ${s.failedItems} of ${o.what} not written to ${fileExporter.path}` +
            (s.firstError ? `: ${s.firstError}` : ""),
        );
      }
      return problems;
    },
  };
}
