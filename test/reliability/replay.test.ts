// A backend outage loses nothing: what the backend did not take is read back from the run's files and sent
// when it answers again — during the run, by `pipespan export` afterwards, and (the host agent) within a bounded
// on-disk queue whose overflow is counted exactly. The backend is a real OTLP gRPC server; the known truth is
// the set of spans pipespan wrote locally.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { planOtlpExportFromEnv, Shipper } from "@pipespan/agent";
import { readOtlpJsonTraces } from "@pipespan/findings";
import { ATTR_PIPESPAN_FINDING_RULE } from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { OtlpReceiver } from "../support/otlp-receiver.js";

const dirs: string[] = [];
const receivers: OtlpReceiver[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const r of receivers) await r.stop();
});
const out = () => {
  const d = tmpOutDir();
  dirs.push(d);
  return d;
};
async function receiver(): Promise<{ r: OtlpReceiver; endpoint: string }> {
  const r = new OtlpReceiver();
  receivers.push(r);
  const { endpoint } = await r.start();
  return { r, endpoint };
}
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const PIPELINE = [
  "bash",
  "-c",
  [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `PIPESPAN_TASK_NAME=step${i} bash -c 'sleep 0.5; ls / >/dev/null'`).join("\n"),
];

describe("a backend that fails during the run", () => {
  it("gets every span once it answers again, within the same run", async () => {
    const { r, endpoint } = await receiver();
    r.respondWith({ code: status.UNAVAILABLE, details: "down for maintenance" });
    const dir = out();
    const running = runPipespan(["run", "--run-id", "outage", "--out", dir, "-q", "--no-findings", "--", ...PIPELINE], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRIC_EXPORT_INTERVAL: "500" },
    });
    // Down until it has refused the run's first calls (and a moment more), then answering.
    await r.waitFor((rc) => rc.headers.length >= 2, 20_000);
    await new Promise((res) => setTimeout(res, 500));
    const failedCalls = r.headers.length;
    r.respondWith(undefined);
    const res = await running;
    expect(res.code, res.stderr).toBe(0);
    expect(failedCalls).toBeGreaterThan(0); // the outage was real: calls were refused
    expect(res.stderr).toMatch(
      /could not export .* \(UNAVAILABLE: down for maintenance\); they stay in .* and are sent when it answers/,
    );
    expect(res.stderr).toMatch(/exporting to 127\.0\.0\.1:\d+ again/);
    const local = await readOtlpJsonTraces(join(dir, "outage"));
    const sent = new Set(r.spans().map((s) => s.spanId));
    expect(local.spans.length).toBeGreaterThan(12);
    expect([...new Set(local.spans.map((s) => s.spanId))].filter((id) => !sent.has(id))).toEqual([]);
    // Each span once: replay resumes where delivery stopped.
    expect(r.spans().length).toBe(local.spans.length);
    const state = JSON.parse(readFileSync(join(dir, "outage", "run.json"), "utf8"));
    expect(state.export.complete).toBe(true);
    expect(state.export.sent.traces).toBe(local.spans.length);
  });
});

describe("pipespan export", () => {
  it("sends a run whose backend was down throughout, once; again only with --all", async () => {
    const dir = out();
    const dead = await closedPort();
    const run = await runPipespan(["run", "--run-id", "late", "--out", dir, "-q", "--", ...PIPELINE], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${dead}` },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/`pipespan export .*late` sends them/);
    const local = await readOtlpJsonTraces(join(dir, "late"));
    const localIds = new Set(local.spans.map((s) => s.spanId));
    // Findings are part of the run's trace too (traces-findings.jsonl).
    expect(local.spans.some((s) => s.attributes[ATTR_PIPESPAN_FINDING_RULE] !== undefined)).toBe(true);

    const { r, endpoint } = await receiver();
    const e1 = await runPipespan(["export", join(dir, "late")], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    expect(e1.code, e1.stderr).toBe(0);
    expect(e1.stderr).toMatch(new RegExp(`sent ${local.spans.length} span\\(s\\) and \\d+ metric data point\\(s\\)`));
    expect(new Set(r.spans().map((s) => s.spanId))).toEqual(localIds);
    expect(r.metrics().length).toBeGreaterThan(0);

    const e2 = await runPipespan(["export", join(dir, "late")], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    expect(e2.code).toBe(0);
    expect(e2.stderr).toMatch(/nothing to send/);
    expect(r.spans().length).toBe(local.spans.length);

    const e3 = await runPipespan(["export", "--all", dir], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    expect(e3.code).toBe(0);
    expect(r.spans().length).toBe(2 * local.spans.length);
  });

  it("a backend still down: exit 75, what is left is said, nothing recorded as sent", async () => {
    const dir = out();
    const run = await runPipespan(["run", "--run-id", "d", "--out", dir, "-q", "--no-findings", "--", "true"]);
    expect(run.code).toBe(0);
    const dead = await closedPort();
    const e = await runPipespan(["export", "--stall", "1", join(dir, "d")], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${dead}` },
    });
    expect(e.code).toBe(75);
    expect(e.stderr).toMatch(
      /could not export to 127\.0\.0\.1:\d+ \(UNAVAILABLE: connect ECONNREFUSED\) after sending 0 span\(s\)/,
    );
    expect(e.stderr).toMatch(/[1-9]\d* span\(s\) and \d+ metric data point\(s\) still to send/);
  });
});

describe("the on-disk export queue bound (host agent)", () => {
  it("deletes the oldest segment past the bound and counts exactly the spans it held undelivered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pipespan-queue-"));
    dirs.push(dir);
    // Three segments of known spans, written by the real SDK serializer: 10, 20 and 30 spans.
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "queue" }), // semconv-literal-ok
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer("t");
    const segment = async (n: number, name: string) => {
      exporter.reset();
      for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`).end();
      await provider.forceFlush();
      expect(exporter.getFinishedSpans()).toHaveLength(n);
      const line = Buffer.from(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans()) as Uint8Array);
      writeFileSync(join(dir, name), `${line.toString("utf8")}\n`);
      return line.length + 1;
    };
    const sizes = [
      await segment(10, "traces-000001.jsonl"),
      await segment(20, "traces-000002.jsonl"),
      await segment(30, "traces-000003.jsonl"),
    ];
    const dead = await closedPort();
    const plan = planOtlpExportFromEnv(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${dead}` },
      { propagateFailures: true },
    );
    const dropped: number[] = [];
    const lines: string[] = [];
    const shipper = new Shipper({
      dir,
      traces: { endpoint: plan!.traces!.endpoint, create: plan!.traces!.create },
      // Room for the two newest segments only.
      maxQueueBytes: (sizes[1] as number) + (sizes[2] as number) + 10,
      onDropped: (_signal, reason, n) => {
        expect(reason).toBe("export_queue_full");
        dropped.push(n);
      },
      onLine: (l) => lines.push(l),
    });
    await shipper.pass(true);
    await shipper.close();
    expect(dropped).toEqual([10]);
    expect(lines.join("\n")).toMatch(/deleted traces-000001\.jsonl with 10 span\(s\) the backend never received/);
    expect(shipper.stats.pendingBytes.traces).toBe((sizes[1] as number) + (sizes[2] as number));
  });
});
