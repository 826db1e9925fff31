// `pipespan run` of a real 3-step shell pipeline, exported over OTLP gRPC to a real in-process receiver:
// it must arrive as ONE trace run -> tasks -> processes, with the names and attributes of the convention.
import { readFileSync, rmSync } from "node:fs";
import { readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PIPESPAN_TASK_ATTRIBUTION,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PARENT_PID,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  METRIC_PROCESS_CPU_TIME,
  PIPESPAN_TASK_ATTRIBUTION_VALUE_ENV,
  PIPESPAN_TASK_ATTRIBUTION_VALUE_ROOT_CHILD,
  SPAN_ATTRIBUTE_SCHEMAS,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { otlpJsonRoundTrip } from "../support/otlp-json-check.js";
import { OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.js";

const SERVER = 2;

describe("pipespan run → OTLP gRPC", () => {
  const receiver = new OtlpReceiver();
  let endpoint = "";
  const work = scratchDir();
  const out = tmpOutDir();
  let spans: ReceivedSpan[] = [];
  let stderr = "";
  let code: number | null = null;

  beforeAll(async () => {
    ({ endpoint } = await receiver.start());
    // Three steps; each lives a little after its work so a 200 ms sampler sees it. Two name themselves through
    // the environment protocol, the middle one falls back to "a direct child of the root is a task".
    const script = `
      set -e
      PIPESPAN_TASK_NAME=prepare bash -c 'head -c 4194304 /dev/urandom > "$0/a"; sleep 0.4' "${work}"
      bash -c 'gzip -c "$0/a" > "$0/a.gz"; sleep 0.4; true' "${work}"
      PIPESPAN_TASK_NAME=checksum bash -c 'sha256sum "$0/a" "$0/a.gz" > "$0/sums"; sleep 0.4' "${work}"
    `;
    const r = await runPipespan(
      ["run", "--source", "procfs", "--name", "three", "--run-id", "three-1", "--out", out, "--", "bash", "-c", script],
      {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRIC_EXPORT_INTERVAL: "1000" },
      },
    );
    code = r.code;
    stderr = r.stderr;
    await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === SERVER), 10_000);
    spans = receiver.spans();
  });

  afterAll(async () => {
    await receiver.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("exits with the command's code and prints the summary", () => {
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/TASK\s+WALL\s+CPU/);
    expect(stderr).toContain("three-1");
  });

  it("arrives as one trace with one run span", () => {
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const runs = spans.filter((s) => s.kind === SERVER);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.parentSpanId).toBe("");
    expect(run.name).toBe("RUN three");
    expect(run.attributes[ATTR_CICD_PIPELINE_NAME]).toBe("three");
    expect(run.attributes[ATTR_CICD_PIPELINE_RUN_ID]).toBe("three-1");
    expect(run.attributes[ATTR_CICD_PIPELINE_RESULT]).toBe(CICD_PIPELINE_RESULT_VALUE_SUCCESS);
    expect(run.attributes[ATTR_PIPESPAN_RUN_SOURCE]).toBe("procfs");
    expect(run.resource[ATTR_SERVICE_NAME]).toBe("pipespan");
    expect(SPAN_ATTRIBUTE_SCHEMAS.pipeline_run.safeParse(run.attributes).success).toBe(true);
  });

  it("has the three tasks as children of the run, in order, with their attribution", () => {
    const run = spans.find((s) => s.kind === SERVER)!;
    const tasks = spans
      .filter(
        (s) =>
          s.parentSpanId === run.spanId &&
          s.attributes[ATTR_CICD_PIPELINE_TASK_RUN_ID] !== undefined &&
          s.attributes[ATTR_PROCESS_PID] === undefined,
      )
      .sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(tasks.map((t) => t.name)).toEqual(["prepare", "bash", "checksum"]);
    expect(tasks.map((t) => t.attributes[ATTR_PIPESPAN_TASK_ATTRIBUTION])).toEqual([
      PIPESPAN_TASK_ATTRIBUTION_VALUE_ENV,
      PIPESPAN_TASK_ATTRIBUTION_VALUE_ROOT_CHILD,
      PIPESPAN_TASK_ATTRIBUTION_VALUE_ENV,
    ]);
    for (const t of tasks) {
      expect(t.attributes[ATTR_CICD_PIPELINE_TASK_NAME]).toBe(t.name);
      const parsed = SPAN_ATTRIBUTE_SCHEMAS.task.safeParse(t.attributes);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      // Each task holds at least one process span, directly under it.
      const procs = spans.filter((s) => s.parentSpanId === t.spanId);
      expect(procs.length).toBeGreaterThanOrEqual(1);
      for (const p of procs) {
        expect(p.attributes[ATTR_CICD_PIPELINE_TASK_NAME]).toBe(t.name);
        expect(SPAN_ATTRIBUTE_SCHEMAS.process.safeParse(p.attributes).success).toBe(true);
        // Task spans cover their processes.
        expect(BigInt(p.startTimeUnixNano) >= BigInt(t.startTimeUnixNano)).toBe(true);
        expect(BigInt(p.endTimeUnixNano) <= BigInt(t.endTimeUnixNano)).toBe(true);
      }
    }
  });

  it("puts the root command's process directly under the run, and every process has a known parent", () => {
    const run = spans.find((s) => s.kind === SERVER)!;
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const root = spans.filter((s) => s.parentSpanId === run.spanId && s.attributes[ATTR_PROCESS_PID] !== undefined);
    expect(root).toHaveLength(1);
    expect(root[0]!.attributes[ATTR_PROCESS_EXECUTABLE_NAME]).toBe("bash");
    for (const s of spans) if (s !== run) expect(byId.has(s.parentSpanId), s.name).toBe(true);
    // Process parent pids match the process tree.
    const rootPid = root[0]!.attributes[ATTR_PROCESS_PID];
    const taskProcs = spans.filter(
      (s) =>
        byId.get(s.parentSpanId)?.attributes[ATTR_PROCESS_PID] === undefined &&
        s.attributes[ATTR_PROCESS_PID] !== undefined &&
        s !== root[0],
    );
    for (const p of taskProcs) expect(p.attributes[ATTR_PROCESS_PARENT_PID]).toBe(rootPid);
  });

  it("exports per-task metrics", async () => {
    await receiver.waitFor((rc) => rc.metrics().some((m) => m.name === METRIC_PROCESS_CPU_TIME), 10_000);
    const tasks = new Set(
      receiver
        .metrics()
        .filter((m) => m.name === METRIC_PROCESS_CPU_TIME)
        .map((m) => m.attributes[ATTR_CICD_PIPELINE_TASK_NAME]),
    );
    expect(tasks.has("prepare") || tasks.has("bash")).toBe(true);
  });

  it("writes files that are valid OTLP: every line round-trips through the official protobuf definitions", () => {
    for (const [file, kind] of [
      ["traces.jsonl", "traces"],
      ["metrics.jsonl", "metrics"],
    ] as const) {
      const lines = readFileSync(`${out}/three-1/${file}`, "utf8").split("\n").filter(Boolean);
      expect(lines.length, file).toBeGreaterThanOrEqual(1);
      for (const line of lines) {
        const { decoded } = otlpJsonRoundTrip(JSON.parse(line), kind);
        expect(decoded).toBeTruthy();
      }
    }
  });

  it("writes the same trace to the local OTLP/JSON files", async () => {
    const local = await readOtlpJsonTraces(`${out}/three-1`);
    expect(new Set(local.spans.map((s) => s.spanId))).toEqual(new Set(spans.map((s) => s.spanId)));
  });
});
