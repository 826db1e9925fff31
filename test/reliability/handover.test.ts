// The run's own spans reach the backend without their line being parsed back: the file exporter hands each line's
// spans to the shipper with the line's place in the file, and the shipper sends those when its cursor reaches that
// line. The file stays the record: the backend must receive exactly what the file holds, each span once, whether
// the spans went from memory or, after an outage or past the hand's bound, were read back. Real OTLP gRPC server;
// the known truth is the run folder's traces.jsonl.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { createTelemetry } from "@pipespan/agent";
import { ATTR_PROCESS_EXECUTABLE_NAME, ATTR_PROCESS_EXIT_CODE, ATTR_PROCESS_PID } from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { tmpOutDir } from "../support/cli.js";
import { OtlpReceiver } from "../support/otlp-receiver.js";

const dirs: string[] = [];
const receivers: OtlpReceiver[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const r of receivers) await r.stop();
});

async function setup(o: { maxHeldSpans?: number; batch?: number } = {}) {
  const r = new OtlpReceiver();
  receivers.push(r);
  const { endpoint } = await r.start();
  const dir = join(tmpOutDir(), "run");
  dirs.push(dir);
  const warnings: string[] = [];
  const telemetry = await createTelemetry({
    runDir: dir,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_METRICS_EXPORTER: "none",
      OTEL_SERVICE_NAME: "handover-test",
      ...(o.batch ? { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(o.batch) } : {}),
      OTEL_BSP_SCHEDULE_DELAY: "50",
    },
    onWarning: (w) => warnings.push(w),
    ...(o.maxHeldSpans !== undefined ? { shipper: { maxHeldSpans: o.maxHeldSpans } } : {}),
  });
  const tracer = telemetry.tracerProvider.getTracer("pipespan");
  let made = 0;
  const make = async (n: number, pauses = true) => {
    for (let i = 0; i < n; i++, made++) {
      const parent = tracer.startSpan(`task-${made}`);
      parent.addEvent("started", { [ATTR_PROCESS_PID]: made });
      parent.setAttributes({ [ATTR_PROCESS_PID]: 1_000 + made, [ATTR_PROCESS_EXECUTABLE_NAME]: `tool ${made} é` });
      parent.setAttribute(ATTR_PROCESS_EXIT_CODE, made % 3);
      if (made % 7 === 0) parent.setStatus({ code: 2, message: `exit ${made}` });
      parent.end();
      // Let the batch processor write and the shipper send as the spans come, as in a run.
      if (pauses && i % 500 === 499) await new Promise((res) => setTimeout(res, 5));
    }
  };
  /** Everything ended goes to the file, then to the backend; the file's spans and the backend's. */
  const finish = async () => {
    expect(await telemetry.closeLocal()).toEqual([]);
    const shipper = telemetry.shipper;
    if (!shipper) throw new Error("no shipper");
    const drained = await shipper.drain({ stallMs: 20_000 });
    await shipper.close();
    return { drained, stats: shipper.stats, local: fileSpans(join(dir, "traces.jsonl")), sent: r.spans() };
  };
  const shipper = telemetry.shipper;
  if (!shipper) throw new Error("no shipper");
  return { r, make, finish, warnings, shipper };
}

interface FileSpan {
  traceId: string;
  spanId: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
  status?: { code?: number };
}

/** The spans of an OTLP/JSON file, read plainly (JSON.parse per line). */
function fileSpans(path: string): FileSpan[] {
  const out: FileSpan[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line === "") continue;
    for (const rs of JSON.parse(line).resourceSpans) for (const ss of rs.scopeSpans) out.push(...ss.spans);
  }
  return out;
}

function attr(s: FileSpan, key: string): string | number | undefined {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined);
}

/** The backend got exactly the file's spans, each once, field for field. */
function expectSameSpans(local: FileSpan[], sent: ReturnType<OtlpReceiver["spans"]>) {
  expect(sent.length).toBe(local.length);
  const byId = new Map(sent.map((s) => [s.spanId, s]));
  expect(byId.size).toBe(sent.length);
  for (const l of local) {
    const s = byId.get(l.spanId);
    expect(s, l.spanId).toBeDefined();
    if (!s) continue;
    expect(s.traceId).toBe(l.traceId);
    expect(s.name).toBe(l.name);
    expect(String(s.startTimeUnixNano)).toBe(l.startTimeUnixNano);
    expect(String(s.endTimeUnixNano)).toBe(l.endTimeUnixNano);
    for (const key of [ATTR_PROCESS_PID, ATTR_PROCESS_EXECUTABLE_NAME, ATTR_PROCESS_EXIT_CODE]) {
      expect(Number.isNaN(Number(s.attributes[key])) ? s.attributes[key] : Number(s.attributes[key])).toBe(
        attr(l, key),
      );
    }
    expect(s.status.code).toBe(l.status?.code ?? 0);
    expect(s.events.map((e) => e.name)).toEqual(["started"]);
  }
}

describe("spans handed over from the file exporter to the shipper", () => {
  it("go from memory, and the backend gets exactly what the file holds", async () => {
    const t = await setup();
    await t.make(6_000);
    const { drained, stats, local, sent } = await t.finish();
    expect(drained.complete).toBe(true);
    expect(local.length).toBe(6_000);
    expectSameSpans(local, sent);
    expect(stats.sent.traces).toBe(6_000);
    // Every line went from memory: none was parsed back.
    expect(stats.handedOver).toBe(6_000);
    expect(stats.dropped.traces).toBe(0);
  });

  it("after an outage, what waited is read back from the file, each span once", async () => {
    const t = await setup();
    t.r.respondWith({ code: status.UNAVAILABLE, details: "down" });
    await t.make(3_000);
    const until = async (ok: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!ok() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      expect(ok()).toBe(true);
    };
    // The shipper has seen the refusal (not just the receiver), then the backend answers again; once a request
    // has gone through, new lines are handed over while the older ones were read back: both in one file.
    await until(() => t.shipper.stats.failures.traces > 0);
    t.r.respondWith(undefined);
    await until(() => !t.shipper.stats.failing);
    await t.make(3_000);
    const { drained, stats, local, sent } = await t.finish();
    expect(drained.complete).toBe(true);
    expect(local.length).toBe(6_000);
    expectSameSpans(local, sent);
    expect(stats.failures.traces).toBeGreaterThan(0);
    // What the outage held back came from the file; nothing was held while the backend failed.
    expect(stats.handedOver).toBeLessThan(6_000);
    expect(stats.handedOver).toBeGreaterThan(0);
    expect(stats.sent.traces).toBe(6_000);
  });

  it("lines beyond the hand's bound are read back; maxHeldSpans 0 reads every line back", async () => {
    for (const maxHeldSpans of [100, 0]) {
      const t = await setup({ maxHeldSpans, batch: 512 });
      // Without a pause the batch processor writes full lines of 512 (and the last 440 at the end): none fits a
      // hand of 100.
      await t.make(3_000, false);
      const { drained, stats, local, sent } = await t.finish();
      expect(drained.complete).toBe(true);
      expectSameSpans(local, sent);
      expect(stats.handedOver).toBe(0);
      expect(stats.sent.traces).toBe(3_000);
    }
  });
});
