// A real multi-threaded compressor (pigz, from Debian) with 2 and 4 threads, traced by `pipespan run --source
// ebpf` on cold input, unthrottled and under a cgroup v1 blkio throttle (with a memory limit so the page cache
// cannot absorb the data). What is known about these runs, and checked against the task's timelines:
// - unthrottled, pigz's compression threads never wait for input: they are on a CPU or waiting for one, so
//   on-CPU + run-queue thread-seconds per second ≈ the thread count (on-CPU alone is capped by the 2 cores,
//   and by whatever else the shared machine runs);
// - throttled, the run takes input / rate (the throttle binds), at least twice as long as unthrottled, and its
//   time goes to I/O wait — by one thread: pigz reads with its main thread only, so never more than one
//   thread-second per second waits on the disk, in any bucket.
import {
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME,
  ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX,
  ATTR_PIPESPAN_TIMELINE_CPU_TIME,
  ATTR_PIPESPAN_TIMELINE_INTERVAL,
  ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME,
  ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY,
} from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, MiB, runTool, series, type ToolRun } from "../support/tools.js";

// ~5 s of CPU for pigz -6 here: 2.5–5 s unthrottled on the 2 cores, up to 10 s when other work takes most of them
const INPUT = 40 * MiB;
// 20 s of reading: ≥ 2× the unthrottled run unless the shared machine leaves pigz less than half a core
const RATE = 2 * MiB;
const runs: ToolRun[] = [];
afterAll(() => {
  for (const r of runs) r.dispose();
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const show = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" ");

describe.each([2, 4])("pigz -p %i on cold input", (threads) => {
  let free: ToolRun;
  let held: ToolRun;

  it("unthrottled: ≈ one thread-second per second per thread on a CPU or in the run queue, no I/O wait", async () => {
    free = await runTool({ tool: "pigz", threads, inputBytes: INPUT });
    runs.push(free);
    const t = free.task;
    const w = Number(t.attributes[ATTR_PIPESPAN_TIMELINE_INTERVAL]);
    const cpu = series(t, ATTR_PIPESPAN_TIMELINE_CPU_TIME);
    const runq = series(t, ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY);
    const busy = cpu.map((c, i) => (c + runq[i]!) / w).slice(1, -1); // whole buckets only
    const io = sum(series(t, ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME));
    console.log(
      describeRun(
        free,
        `CPU ${sum(cpu).toFixed(2)} s, I/O wait ${io.toFixed(2)} s; on-CPU + run-queue thread-s/s ${show(busy)}`,
      ),
    );
    expect(busy.length).toBeGreaterThanOrEqual(3);
    // Tolerance ±20% on the median, ±35% per bucket on 80% of them: pigz's reader and writer threads add a little,
    // filling and draining its queues takes a little, and steal time on this VM is in neither state.
    expect(Math.abs(median(busy) / threads - 1), show(busy)).toBeLessThan(0.2);
    const near = busy.filter((b) => Math.abs(b / threads - 1) < 0.35);
    expect(near.length, show(busy)).toBeGreaterThanOrEqual(0.8 * busy.length);
    expect(io).toBeLessThan(0.1 * free.wallSeconds);
    expect(sum(cpu)).toBeCloseTo(Number(t.attributes[ATTR_PIPESPAN_CPU_TIME]), 1);
    expect(median(series(t, ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX).slice(1, -1))).toBeGreaterThanOrEqual(threads);
  }, 120_000);

  it("throttled: ≥ 2× slower, bound by the throttle, its time in I/O wait of one reading thread", async () => {
    held = await runTool({ tool: "pigz", threads, inputBytes: INPUT, throttleBps: RATE });
    runs.push(held);
    const t = held.task;
    const w = Number(t.attributes[ATTR_PIPESPAN_TIMELINE_INTERVAL]);
    const io = series(t, ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME);
    const cpu = series(t, ATTR_PIPESPAN_TIMELINE_CPU_TIME);
    const ideal = held.inputBytes / RATE;
    console.log(
      describeRun(
        held,
        `${(held.wallSeconds / free.wallSeconds).toFixed(1)}× the unthrottled ${free.wallSeconds.toFixed(1)} s ` +
          `(input / rate = ${ideal.toFixed(1)} s); I/O wait ${sum(io).toFixed(2)} s, CPU ${sum(cpu).toFixed(2)} s; ` +
          `I/O wait per bucket ${show(io.map((x) => x / w))}`,
      ),
    );
    expect(held.wallSeconds / free.wallSeconds).toBeGreaterThanOrEqual(2);
    // the throttle binds: the run lasts about input / rate (it cannot be shorter; +30% for compressing the last
    // blocks and the queues pigz does not overlap with reading)
    expect(held.wallSeconds).toBeGreaterThan(0.9 * ideal);
    expect(held.wallSeconds).toBeLessThan(1.3 * ideal);
    // one reader: at most one thread-second per second in io_schedule(), in every bucket (+5% for rounding)
    for (const x of io) expect(x / w, show(io)).toBeLessThanOrEqual(1.05);
    // measured 67–86% of the wall time (the rest: compressing the blocks pigz does not overlap with reading)
    expect(sum(io)).toBeGreaterThan(0.5 * held.wallSeconds);
    expect(sum(io)).toBeLessThan(1.05 * held.wallSeconds);
    // the same compression work as unthrottled (±25%), none of it lock-blocked
    expect(Math.abs(sum(cpu) / sum(series(free.task, ATTR_PIPESPAN_TIMELINE_CPU_TIME)) - 1)).toBeLessThan(0.25);
    expect(Number(t.attributes[ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME])).toBeLessThan(0.05 * held.wallSeconds);
  }, 120_000);
});
