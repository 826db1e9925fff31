// The SDK's batch span queue: a span that finds it full is dropped by the SDK (upstream says so only in a debug
// log). pipespan counts every such drop, exports the count as pipespan.export.dropped{signal=traces,
// reason=span_queue_full}, and prints it. Known truth: a run of 60 parallel `sleep 1` under the procfs source
// ends 122 spans (61 processes, 60 tasks, the run) within one sample; with a queue of 2 most are dropped, and
// received + dropped must be exactly 122, with the printed, recorded and exported counts all equal.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ATTR_PIPESPAN_DROP_REASON,
  ATTR_PIPESPAN_EXPORT_SIGNAL,
  METRIC_PIPESPAN_EXPORT_DROPPED,
  PIPESPAN_DROP_REASON_VALUE_SPAN_QUEUE_FULL,
  PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spanQueueConfig } from "../../packages/agent/src/export/span-queue.ts";
import { runPipespan, tmpOutDir } from "../support/cli.ts";
import { OtlpReceiver } from "../support/otlp-receiver.ts";

const BURST = ["sh", "-c", "for i in $(seq 60); do sleep 1 & done; wait"];
const DROP_LINE = /pipespan: (\d+) span\(s\) dropped before they were written: the batch span queue \((\d+)\) was full/;

let receiver: OtlpReceiver;
let endpoint: string;
beforeAll(async () => {
  receiver = new OtlpReceiver();
  ({ endpoint } = await receiver.start());
});
afterAll(async () => {
  await receiver.stop();
});

/** One `pipespan run` of the burst, exporting to the receiver (emptied first): what it printed, wrote, delivered. */
async function burst(runId: string, env: Record<string, string>) {
  receiver.traceRequests.length = 0;
  receiver.metricRequests.length = 0;
  const out = tmpOutDir();
  const r = await runPipespan(
    ["run", "--source", "procfs", "--run-id", runId, "--out", out, "--no-findings", "--no-report", "--", ...BURST],
    { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRIC_EXPORT_INTERVAL: "60000", ...env }, timeoutMs: 60_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  const run = JSON.parse(readFileSync(join(out, runId, "run.json"), "utf8"));
  const traceId: string = run.traceId;
  const written = readFileSync(join(out, runId, "traces.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .reduce((n, l) => n + JSON.parse(l).resourceSpans[0].scopeSpans[0].spans.length, 0);
  const received = receiver.spans().filter((s) => s.traceId === traceId).length;
  const exported = receiver
    .metrics()
    .filter(
      (m) =>
        m.name === METRIC_PIPESPAN_EXPORT_DROPPED &&
        m.attributes[ATTR_PIPESPAN_DROP_REASON] === PIPESPAN_DROP_REASON_VALUE_SPAN_QUEUE_FULL &&
        m.attributes[ATTR_PIPESPAN_EXPORT_SIGNAL] === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES,
    );
  const ended = run.processes + run.tasks + 1;
  return { r, run, written, received, exported, ended };
}

describe("the batch span queue's drops", () => {
  it("a queue of 2: every dropped span is counted, printed, recorded in run.json and exported", async () => {
    const { r, run, written, received, exported, ended } = await burst("tiny", {
      OTEL_BSP_MAX_QUEUE_SIZE: "2",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2",
    });
    expect(run.processes).toBe(61);
    expect(run.tasks).toBe(60);
    const m = DROP_LINE.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const dropped = Number(m?.[1]);
    expect(m?.[2]).toBe("2");
    expect(dropped).toBeGreaterThan(0);
    // Exact accounting: what reached the backend is what was written, and that plus the drops is every span.
    expect(received).toBe(written);
    expect(received + dropped).toBe(ended);
    expect(run.exportProblems.some((p: string) => DROP_LINE.test(p))).toBe(true);
    // The exported counter (cumulative; its last point is the final figure) says the same.
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.at(-1)?.value).toBe(dropped);
  });

  it("the default queue drops nothing: no line, and a zero is exported (nothing lost is a fact)", async () => {
    const { r, written, received, exported, ended } = await burst("default", { OTEL_BSP_MAX_QUEUE_SIZE: "lots" });
    expect(r.stderr).not.toMatch(DROP_LINE);
    expect(r.stderr).toContain("OTEL_BSP_MAX_QUEUE_SIZE=lots is not an integer from 1 to 16777216; using 65536");
    expect(received).toBe(written);
    expect(received).toBe(ended);
    expect(exported.at(-1)?.value).toBe(0);
  });

  it("reads the standard OTEL_BSP_* variables; a batch is never larger than the queue", () => {
    expect(spanQueueConfig({}).config).toEqual({
      maxQueueSize: 65_536,
      maxExportBatchSize: 4_096,
      scheduledDelayMillis: 500,
    });
    const c = spanQueueConfig({ OTEL_BSP_MAX_QUEUE_SIZE: "100", OTEL_BSP_SCHEDULE_DELAY: "20" });
    expect(c.config).toEqual({ maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 20 });
    expect(c.warnings).toEqual([]);
    const bad = spanQueueConfig({ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "-3", OTEL_BSP_SCHEDULE_DELAY: "1.5" });
    expect(bad.config).toEqual({ maxQueueSize: 65_536, maxExportBatchSize: 4_096, scheduledDelayMillis: 500 });
    expect(bad.warnings).toHaveLength(2);
  });
});
