// Drops are never silent: a deliberately small kernel map (--max-processes 16) under 40 concurrent processes
// loses most of them, and pipespan counts every one by reason, prints the line and exports the metric. Known
// truth: the pipeline starts exactly 42 processes (bash, the seq of its command substitution, 40 sleeps), so
// recorded + lost must be 42.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readOtlpJsonMetrics } from "@pipespan/findings";
import {
  ATTR_PIPESPAN_DROP_REASON,
  ATTR_PIPESPAN_SOURCE_MAP,
  METRIC_PIPESPAN_SOURCE_DROPPED,
  METRIC_PIPESPAN_SOURCE_EVENTS,
  METRIC_PIPESPAN_SOURCE_MAP_LIMIT,
  PIPESPAN_DROP_REASON_VALUE_TRACKED_MAP_FULL,
  PIPESPAN_SOURCE_MAP_VALUE_COUNTERS,
} from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("a kernel map too small for the run", () => {
  it("counts every lost process by reason, prints it and exports it (recorded + lost = 42)", async () => {
    const out = tmpOutDir();
    dirs.push(out);
    const r = await runPipespan(
      [
        "run",
        "--source",
        "ebpf",
        "--max-processes",
        "16",
        "--run-id",
        "small",
        "--out",
        out,
        "--no-findings",
        "--",
        "bash",
        "-c",
        "for i in $(seq 40); do sleep 1.5 & done; wait",
      ],
      { env: { OTEL_METRIC_EXPORT_INTERVAL: "500" } },
    );
    expect(r.code, r.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(out, "small", "run.json"), "utf8"));
    const lostTracked = state.drops[PIPESPAN_DROP_REASON_VALUE_TRACKED_MAP_FULL] as number;
    expect(lostTracked).toBeGreaterThan(0);
    expect(state.processes + lostTracked).toBe(42);
    expect(r.stderr).toMatch(
      new RegExp(
        `pipespan: \\d+ events lost: .*${lostTracked} kernel tracked-process set full.*\\(raise --max-processes\\)`,
      ),
    );
    const { points } = await readOtlpJsonMetrics(join(out, "small"));
    const last = (name: string, attr: string, value: string) =>
      points
        .filter((p) => p.name === name && p.attributes[attr] === value)
        .sort((a, b) => Number(a.timeNs - b.timeNs))
        .at(-1)?.value;
    expect(
      last(METRIC_PIPESPAN_SOURCE_DROPPED, ATTR_PIPESPAN_DROP_REASON, PIPESPAN_DROP_REASON_VALUE_TRACKED_MAP_FULL),
    ).toBe(lostTracked);
    expect(last(METRIC_PIPESPAN_SOURCE_MAP_LIMIT, ATTR_PIPESPAN_SOURCE_MAP, PIPESPAN_SOURCE_MAP_VALUE_COUNTERS)).toBe(
      16,
    );
    expect(points.some((p) => p.name === METRIC_PIPESPAN_SOURCE_EVENTS && Number(p.value) > 0)).toBe(true);
  });

  it("a run with room loses nothing, and says so with zeros in its metrics", async () => {
    const out = tmpOutDir();
    dirs.push(out);
    const r = await runPipespan([
      "run",
      "--source",
      "ebpf",
      "--run-id",
      "fine",
      "--out",
      out,
      "-q",
      "--no-findings",
      "--",
      "bash",
      "-c",
      "true; true",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/lost/);
    const state = JSON.parse(readFileSync(join(out, "fine", "run.json"), "utf8"));
    expect(state.drops).toEqual({});
    const { points } = await readOtlpJsonMetrics(join(out, "fine"));
    const dropped = points.filter((p) => p.name === METRIC_PIPESPAN_SOURCE_DROPPED);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((p) => p.value === 0)).toBe(true);
  });
});
