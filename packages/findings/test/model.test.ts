import {
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_FINDING_RULE,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import {
  buildProfile,
  buildRunModel,
  criticalPath,
  FindingsError,
  type NormalizedSpan,
  type ProcessNode,
  peakOf,
  secondsAtOrAbove,
  splitOf,
  WHOLE_RUN_KEY,
} from "../src/index.js";
import { measured, modelOf, run, spansOf, task } from "./helpers.js";

const GiB = 1024 ** 3;

describe("run model", () => {
  it("classifies run, task and process spans and hangs nested processes on their task", () => {
    const m = modelOf(
      run({
        wallS: 20,
        tasks: [
          {
            name: "align",
            start: 0,
            end: 10,
            processes: [
              {
                name: "bash",
                start: 0,
                end: 10,
                attrs: measured({ cpu: 0.1 }),
                children: [{ name: "bwa", start: 1, end: 9, attrs: measured({ cpu: 30, rss: 2 * GiB }) }],
              },
            ],
          },
          task("sort", 10, 20, { cpu: 5 }),
        ],
      }),
    );
    expect(m.runId).toBe("r1");
    expect(m.source).toBe("ebpf");
    expect(m.wallS).toBe(20);
    expect(m.tasks.map((t) => t.name)).toEqual(["align", "sort"]);
    const align = m.tasks[0];
    expect(align?.processes.map((p) => p.name).sort()).toEqual(["bash", "bwa"]);
    expect(align?.processes.find((p) => p.name === "bash")?.hasChildren).toBe(true);
    expect(align?.m.cpuS).toBeCloseTo(30.1, 6);
    expect(align?.m.peakRssBytes).toBe(2 * GiB);
    expect(m.m.cpuS).toBeCloseTo(35.1, 6);
  });

  it("sums processes for a task span without totals (an SDK or `pipespan task` span)", () => {
    const m = modelOf(run({ tasks: [{ ...task("t", 0, 10, { cpu: 7, io: 2 }), noTotals: true }] }));
    expect(m.tasks[0]?.measuresFrom).toBe("processes");
    expect(m.tasks[0]?.m.cpuS).toBe(7);
    expect(m.tasks[0]?.m.ioWaitS).toBe(2);
  });

  it("builds a task from its processes' attributes when the task span is missing", () => {
    const spans = spansOf(run({ tasks: [task("lonely", 0, 5, { cpu: 1 }), task("kept", 5, 10, { cpu: 2 })] }));
    const withoutTaskSpan = spans.filter((s) => !(s.name === "lonely" && s.attributes[ATTR_PROCESS_PID] === undefined));
    const m = buildRunModel(withoutTaskSpan);
    const lonely = m.tasks.find((t) => t.name === "lonely");
    expect(lonely?.spanId).toBeUndefined();
    expect(lonely?.processes).toHaveLength(1);
    expect(lonely?.m.cpuS).toBe(1);
  });

  it("ignores earlier finding spans and says a run without tasks or processes is empty", () => {
    const spans = spansOf(run({ tasks: [task("t", 0, 5, { cpu: 1 })] }));
    const runSpan = spans.find((s) => s.kind === "server") as NormalizedSpan;
    const findingSpan: NormalizedSpan = {
      ...runSpan,
      spanId: "00000000000000ff",
      parentSpanId: runSpan.spanId,
      kind: "internal",
      name: "finding io-bound",
      attributes: { [ATTR_PIPESPAN_FINDING_RULE]: "io-bound" },
    };
    const m = buildRunModel([...spans, findingSpan]);
    expect(m.spanCounts.findings).toBe(1);
    expect(m.tasks).toHaveLength(1);
    expect(() => buildRunModel([runSpan, findingSpan])).toThrow(
      /nothing to analyse: the run has no task or process spans/,
    );
    expect(() => buildRunModel([])).toThrow(FindingsError);
  });

  it("asks which run when the input holds several, and analyses the one asked for", () => {
    const a = spansOf(run({ tasks: [task("a", 0, 5, { cpu: 1 })] }));
    const b = spansOf(run({ tasks: [task("b", 0, 5, { cpu: 1 })] }));
    expect(() => buildRunModel([...a, ...b])).toThrow(/holds 2 runs .*--trace/);
    const traceB = (b[0] as NormalizedSpan).traceId;
    expect(buildRunModel([...a, ...b], { traceId: traceB }).tasks.map((t) => t.name)).toEqual(["b"]);
  });

  it("judges a run without tasks as one stand-in task holding every process", () => {
    const m = modelOf(
      run({
        wallS: 10,
        tasks: [],
        rootProcesses: [{ name: "node", start: 0, end: 10, attrs: measured({ cpu: 9.5 }) }],
      }),
    );
    expect(m.tasks).toHaveLength(1);
    expect(m.tasks[0]?.key).toBe(WHOLE_RUN_KEY);
    expect(m.tasks[0]?.wholeRun).toBe(true);
    expect(m.tasks[0]?.m.cpuS).toBe(9.5);
  });

  it("treats malformed measurement values as not measured", () => {
    const spans = spansOf(run({ tasks: [task("t", 0, 5, { cpu: 1 })] }));
    const proc = spans.find((s) => s.name === "t-proc") as NormalizedSpan;
    proc.attributes = { ...proc.attributes, [ATTR_PIPESPAN_CPU_TIME]: "lots", [ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]: -3 };
    const m = buildRunModel(spans);
    const p = m.processes.find((x) => x.name === "t-proc");
    expect(p?.m.cpuS).toBeUndefined();
    expect(p?.m.ioWaitS).toBeUndefined();
  });
});

describe("instance profile", () => {
  const proc = (start: number, end: number, m: Partial<ProcessNode["m"]>): ProcessNode => ({
    spanId: `${start}-${end}`,
    name: "x",
    startS: start,
    endS: end,
    wallS: end - start,
    m,
    hasChildren: false,
    oomKilled: false,
    failed: false,
  });

  it("spreads each process's totals evenly over its life and adds concurrent ones", () => {
    // 0–100 s: A uses 2 cores and 100 MB/s; 50–100 s: B adds 1 core and 200 MB/s.
    const p = buildProfile(
      [
        proc(0, 100, { cpuS: 200, blockReadBytes: 100e6 * 100 }),
        proc(50, 100, { cpuS: 50, blockWriteBytes: 200e6 * 50 }),
      ],
      0,
      100,
      100,
    );
    expect(p.cores[10]).toBeCloseTo(2, 9);
    expect(p.cores[75]).toBeCloseTo(3, 9);
    expect(peakOf(p, p.storageBps)).toBeCloseTo(300e6, 0);
    expect(secondsAtOrAbove(p, p.storageBps, 250e6)).toBeCloseTo(50, 9);
    expect(peakOf(p, p.cores, 0, 40)).toBeCloseTo(2, 9);
  });

  it("adds peak RSS of processes alive at once (an upper bound) and handles partial bins", () => {
    const p = buildProfile(
      [proc(0, 10.5, { peakRssBytes: 3 * GiB, cpuS: 10.5 }), proc(10.2, 20, { peakRssBytes: 1 * GiB })],
      0,
      20,
      20,
    );
    expect(peakOf(p, p.rssUpper)).toBe(4 * GiB); // both alive in bin 10
    expect(p.rssUpper[5]).toBe(3 * GiB);
    expect(p.rssUpper[15]).toBe(1 * GiB);
    expect(p.cores[10]).toBeCloseTo(0.5, 9); // 1 core for half of the bin
  });
});

describe("time split", () => {
  it("one thread: each part is its own seconds, the rest of the wall is other", () => {
    const s = splitOf(20, 50, 5, 100, 100);
    expect(s.wall).toEqual({ cpuS: 20, ioWaitS: 50, runqueueS: 5, otherS: 25 });
    expect(s.ioWait).toBe(0.5);
  });
  it("parallel threads: the wall is divided in proportion, nothing is other", () => {
    const s = splitOf(300, 100, 0, 0, 100);
    expect(s.cpu).toBeCloseTo(0.75, 12);
    expect(s.ioWait).toBeCloseTo(0.25, 12);
    expect(s.other).toBe(0);
    expect(s.concurrency).toBe(4);
  });
});

describe("critical path", () => {
  it("walks back from the run's end through the tasks that waited on each other", () => {
    // A 0–10 → B 10–30; C 0–5 runs alongside A; the root works 30–32 after B.
    const m = modelOf(
      run({
        wallS: 32,
        tasks: [task("A", 0, 10, { cpu: 1 }), task("B", 10.2, 30, { cpu: 1 }), task("C", 0, 5, { cpu: 1 })],
      }),
    );
    const cp = criticalPath(m, 0.5);
    expect(cp.segments.map((s) => s.task?.name ?? "-")).toEqual(["A", "-", "B", "-"]);
    expect(cp.taskSeconds).toBeCloseTo(10 + 19.8, 6);
    expect(cp.outsideSeconds).toBeCloseTo(2.2, 6);
  });

  it("lets a predecessor end within the tolerance after its successor started (sampled ends)", () => {
    const m = modelOf(run({ wallS: 20, tasks: [task("A", 0, 10.3, { cpu: 1 }), task("B", 10, 20, { cpu: 1 })] }));
    expect(criticalPath(m, 0.5).segments.map((s) => s.task?.name)).toEqual(["A", "B"]);
    expect(criticalPath(m, 0).segments.map((s) => s.task?.name ?? "-")).toEqual(["-", "B"]);
  });
});
