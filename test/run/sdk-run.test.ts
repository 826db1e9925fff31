// A pipeline written with the SDK, traced by `pipespan run`: the SDK's task spans, the `pipespan task` span of
// a bash step and the agent's process spans must form ONE trace under ONE run span.

import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.js";

const SERVER = 2;
const fixture = fileURLToPath(new URL("fixtures/sdk-pipeline.ts", import.meta.url));

describe("an SDK pipeline under pipespan run", () => {
  const receiver = new OtlpReceiver();
  const out = tmpOutDir();
  let spans: ReceivedSpan[] = [];

  beforeAll(async () => {
    const { endpoint } = await receiver.start();
    const r = await runPipespan(
      ["run", "--name", "sdk-fixture", "--run-id", "sdk-1", "--out", out, "--", process.execPath, fixture],
      {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    await receiver.waitFor((rc) => rc.spans().some((s) => s.kind === SERVER), 10_000);
    spans = receiver.spans();
  });

  afterAll(async () => {
    await receiver.stop();
    rmSync(out, { recursive: true, force: true });
  });

  const byName = (name: string) => spans.filter((s) => s.name === name && s.attributes[ATTR_PROCESS_PID] === undefined);

  it("is one trace with exactly one run span", () => {
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans.filter((s) => s.kind === SERVER)).toHaveLength(1);
  });

  it("nests the SDK's tasks under the agent's run span, and the CLI task under the bash step", () => {
    const run = spans.find((s) => s.kind === SERVER)!;
    for (const name of ["compute", "compress", "shell"]) {
      const t = byName(name);
      expect(t, name).toHaveLength(1);
      expect(t[0]!.parentSpanId).toBe(run.spanId);
      expect(t[0]!.attributes[ATTR_CICD_PIPELINE_RUN_ID]).toBe("sdk-1");
    }
    const checksum = byName("checksum");
    expect(checksum).toHaveLength(1);
    expect(checksum[0]!.parentSpanId).toBe(byName("shell")[0]!.spanId);
  });

  it("hangs the agent's process spans under the task spans the SDK and the CLI created", () => {
    const bySpan = new Map(spans.map((s) => [s.spanId, s]));
    const procs = spans.filter((s) => s.attributes[ATTR_PROCESS_PID] !== undefined);
    // The root node process belongs to the run itself.
    const run = spans.find((s) => s.kind === SERVER)!;
    const rootProc = procs.find((p) => p.parentSpanId === run.spanId);
    expect(rootProc?.attributes[ATTR_PROCESS_EXECUTABLE_NAME]).toBe("node");
    for (const task of ["compress", "checksum"]) {
      const t = byName(task)[0]!;
      const under = procs.filter((p) => p.parentSpanId === t.spanId);
      expect(under.length, task).toBeGreaterThanOrEqual(1);
      for (const p of under) expect(p.attributes[ATTR_CICD_PIPELINE_TASK_NAME]).toBe(task);
    }
    for (const p of procs) expect(bySpan.has(p.parentSpanId), p.name).toBe(true);
  });

  it("keeps the CLI task's span in the run folder too, where the findings reader picks it up", async () => {
    const local = await readOtlpJsonTraces(`${out}/sdk-1`);
    expect(local.files.some((f) => /traces-task-\d+\.jsonl$/.test(f))).toBe(true);
    const checksum = local.spans.find((s) => s.name === "checksum" && s.attributes[ATTR_PROCESS_PID] === undefined);
    expect(checksum?.spanId).toBe(byName("checksum")[0]!.spanId);
    // Its process spans, written by the agent, point at it.
    expect(local.spans.some((s) => s.parentSpanId === checksum?.spanId)).toBe(true);
  });
});
