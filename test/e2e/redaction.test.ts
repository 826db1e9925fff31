// The Collector's redaction (transform/redact + redaction in the shipped configs), for real: secrets that reach
// the Collector — from an OTel SDK that redacts nothing, or in a command line the agent deliberately keeps —
// must leave it masked, on the way to Jaeger and to Honeycomb, while everything else passes unchanged.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_PIPESPAN_RUN_COMMAND,
  ATTR_PROCESS_COMMAND_LINE,
  ATTR_SERVICE_NAME,
} from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { isProcessSpan } from "./support/compare.js";
import { e2eEnv } from "./support/env.js";
import { JaegerClient, type JaegerTrace } from "./support/jaeger.js";

// Look-alikes of real credential formats (not real credentials): AWS's documented example key id, a Google API
// key shape (AIza + 35), a Slack bot token shape.
const AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const GOOGLE_KEY = "AIzaSyA1234567890abcdefghijklmnopqrstuv";
const SLACK_TOKEN = "xoxb-1234567890-abcdefghij";
/** An attribute key that says it holds a secret (as another SDK might send); masked whatever its value. */
const SECRET_KEY_ATTRIBUTE = "app.db_password";

describe("redaction in the Collector (local.yaml)", () => {
  const env = e2eEnv();
  const jaeger = new JaegerClient(`http://${env.jaegerQuery}`);
  const out = tmpOutDir();
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  async function traceInJaeger(traceId: string, spans: number): Promise<JaegerTrace> {
    return JaegerClient.waitFor(
      `trace ${traceId} in Jaeger`,
      async () => {
        const t = await jaeger.trace(traceId);
        return t && t.spans.length >= spans ? t : undefined;
      },
      30_000,
    );
  }

  it("masks flag values, KEY=value secrets, URL passwords, token formats and secret-named keys from an SDK span", async () => {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: "pipespan-e2e-redaction" }),
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://${env.collectorOtlpGrpc}` }) }),
      ],
    });
    const span = provider.getTracer("e2e").startSpan("deploy", {
      attributes: {
        [ATTR_CICD_PIPELINE_NAME]: "redaction-e2e",
        [ATTR_PROCESS_COMMAND_LINE]:
          "deploy --api-key abc123def --db-password=hunter2 GITHUB_TOKEN=ghs_short https://alice:s3cr3t@db.example.com/x s3://bucket/key",
        [ATTR_PIPESPAN_RUN_COMMAND]: `upload ${AWS_KEY_ID} ${GOOGLE_KEY} ${SLACK_TOKEN} --region eu-west-1`,
        [SECRET_KEY_ATTRIBUTE]: "plain-text-password",
      },
    });
    const traceId = span.spanContext().traceId;
    span.end();
    await provider.forceFlush();
    await provider.shutdown();

    const t = await traceInJaeger(traceId, 1);
    const tags = t.spans[0]!.tags;
    expect(tags[ATTR_PROCESS_COMMAND_LINE]).toBe(
      "deploy --api-key *** --db-password=*** GITHUB_TOKEN=*** https://alice:***@db.example.com/x s3://bucket/key",
    );
    const run = String(tags[ATTR_PIPESPAN_RUN_COMMAND]);
    for (const secret of [AWS_KEY_ID, GOOGLE_KEY, SLACK_TOKEN]) expect(run).not.toContain(secret);
    expect(run).toMatch(/^upload \*+ \*+ \*+ --region eu-west-1$/);
    expect(tags[SECRET_KEY_ATTRIBUTE]).toMatch(/^\*+$/);
    expect(tags[ATTR_CICD_PIPELINE_NAME]).toBe("redaction-e2e");
  });

  it("masks a credential the agent keeps in a command line, in Jaeger and in what goes to Honeycomb", async () => {
    const runId = `e2e-redaction-${Date.now()}`;
    const r = await runPipespan(
      [
        "run",
        "--name",
        "redaction-e2e",
        "--run-id",
        runId,
        "--out",
        out,
        "--",
        "bash",
        "-c",
        // Two commands, so bash stays the process (a lone command would be exec'd and take the argv with it).
        `PIPESPAN_TASK_NAME=upload_step bash -c 'sleep 0.6; true' upload ${AWS_KEY_ID} ${GOOGLE_KEY}`,
      ],
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${env.collectorOtlpGrpc}` } },
    );
    expect(r.code, r.stderr).toBe(0);
    const local = await readOtlpJsonTraces(join(out, runId));
    // Precondition: the agent keeps these (an access key id is an identifier; the Google key has no telling
    // flag), so only the Collector can mask them.
    const withSecrets = local.spans.filter(
      (s) => isProcessSpan(s.attributes) && String(s.attributes[ATTR_PROCESS_COMMAND_LINE]).includes(AWS_KEY_ID),
    );
    expect(withSecrets.length, "no process span kept the key id: the agent now redacts it itself").toBeGreaterThan(0);

    const traceId = local.spans[0]!.traceId;
    const t = await traceInJaeger(traceId, local.spans.length);
    for (const s of withSecrets) {
      // The same command line, each secret replaced by asterisks and nothing else changed.
      const escaped = String(s.attributes[ATTR_PROCESS_COMMAND_LINE]).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const expected = new RegExp(`^${escaped.replaceAll(AWS_KEY_ID, "\\*+").replaceAll(GOOGLE_KEY, "\\*+")}$`);
      const remote = t.spans.find((r) => r.spanId === s.spanId);
      expect(String(remote?.tags[ATTR_PROCESS_COMMAND_LINE])).toMatch(expected);
    }
    const everything = JSON.stringify(t);
    for (const secret of [AWS_KEY_ID, GOOGLE_KEY]) expect(everything).not.toContain(secret);

    const sink = join(env.runDir, "honeycomb-sink-traces.jsonl");
    await JaegerClient.waitFor(
      "the run in the Honeycomb stand-in's file",
      async () => (readFileSync(sink, "utf8").includes(traceId) ? true : undefined),
      20_000,
    );
    const sent = readFileSync(sink, "utf8");
    for (const secret of [AWS_KEY_ID, GOOGLE_KEY]) expect(sent).not.toContain(secret);
  });
});
