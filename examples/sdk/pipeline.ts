// A small custom pipeline instrumented with @pipespan/sdk: three tasks under one pipeline_run span.
//
//   generate  a Node callback that writes a reads file (with a span of its own nested under the task)
//   compress  a child process (gzip), started by the SDK with the env protocol
//   verify    a bash step that speaks the env protocol through `pipespan task checksum -- sha256sum ...`,
//             so its checksum task span nests under the verify task span
//
// Run it (Node 24 strips the types): npm run build && node examples/sdk/pipeline.ts
// Spans go to the console, or over OTLP gRPC when OTEL_EXPORTER_OTLP_ENDPOINT is set. See README.md.

import { once } from "node:events";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { RESULT_SUCCESS, startPipelineRun } from "@pipespan/sdk";
import { ATTR_SERVICE_NAME } from "@pipespan/semconv";

async function makeTracerProvider(): Promise<TracerProvider> {
  let processor: SpanProcessor;
  if (process.env["OTEL_EXPORTER_OTLP_ENDPOINT"]) {
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and the other OTEL_EXPORTER_OTLP_* variables) itself.
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-grpc");
    processor = new BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
  } else {
    processor = new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() });
  }
  return new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: "pipespan-sdk-example" }),
    spanProcessors: [processor],
  });
}

/** Writes `count` pseudo-random 150-base reads (deterministic, so every run does the same work). */
async function writeReads(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  let seed = 42;
  const bases = "ACGT";
  for (let i = 0; i < count; i++) {
    let read = "";
    for (let j = 0; j < 150; j++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff; // a plain LCG is enough for filler data
      read += bases[seed >> 29];
    }
    if (!out.write(`@read${i}\n${read}\n+\n${"I".repeat(150)}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

const provider = await makeTracerProvider();
const tracer = provider.getTracer("pipespan-sdk-example");
// A scratch folder inside the repository, so `npx pipespan` below finds the workspace's CLI.
const workDir = join(fileURLToPath(new URL(".", import.meta.url)), ".work");
mkdirSync(workDir, { recursive: true });

// Standalone, this starts the run span "RUN sdk-example". Under `pipespan run` (TRACEPARENT and PIPESPAN_RUN_ID
// in the environment) the agent already owns the run span: no second one is made and the tasks hang under it.
const run = startPipelineRun({ name: "sdk-example", tracerProvider: provider, workDir });
for (const issue of run.issues) console.error(`pipespan: ${issue}`);

try {
  await run.task("generate", async (task) => {
    // Without a context manager (NodeSDK registers one) pass the task's context explicitly.
    const span = tracer.startSpan("write-reads", {}, task.context);
    await writeReads(join(workDir, "reads.fq"), 40_000);
    span.end();
  });

  await run.exec("compress", "gzip", ["--keep", "--force", "reads.fq"]);

  // Any language can take part: the bash step receives TRACEPARENT for its own task span, and
  // `pipespan task` turns its command into a task span nested under it.
  await run.exec("verify", "bash", [
    "-c",
    'echo "verify runs under $TRACEPARENT"; npx --no pipespan task checksum -- sha256sum reads.fq.gz',
  ]);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
} finally {
  const result = run.end(); // ends the run span only when this process owns it (run.ownsRunSpan)
  await provider.shutdown(); // flushes the exporter
  rmSync(workDir, { recursive: true, force: true });
  const joined = run.ownsRunSpan ? "" : ", joined the outer run's span";
  console.error(`run ${run.runId}: ${result} (trace ${run.span.spanContext().traceId}${joined})`);
  // A joined run span is ended by its owner, which learns the result from the exit status.
  process.exitCode = result === RESULT_SUCCESS ? 0 : 1;
}
