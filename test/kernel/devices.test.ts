// The host's storage devices over time (pipespan.device.io events on the run span), measured on the real disk
// while a read and then a write are held by a cgroup v1 blkio throttle (with a memory limit, so the page cache
// cannot absorb the data): the device's series shows a plateau at the throttle's rate during each phase.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_DEVICE_NAME,
  ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME,
  ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES,
  ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS,
  ATTR_PIPESPAN_DEVICE_TIMELINE_READ_SERVICE_TIME,
  ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES,
  ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS,
  ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_SERVICE_TIME,
  ATTR_PIPESPAN_TIMELINE_INTERVAL,
  ATTR_PROCESS_PID,
  EVENT_PIPESPAN_DEVICE_IO,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { cgroupLimits, deviceName } from "../support/throttle.js";

const MiB = 1024 * 1024;
const RATE = 8 * MiB;
const SIZE = 40 * MiB; // 5 s per phase
const work = scratchDir();
const out = tmpOutDir();
const limits = cgroupLimits(work, { readBps: RATE, writeBps: RATE, memoryBytes: 64 * MiB });
const disk = deviceName(limits.device);
let spans: NormalizedSpan[] = [];

beforeAll(async () => {
  // the input bypasses the page cache on its way to the disk, so reading it back has to go to the disk
  execFileSync("dd", ["if=/dev/zero", `of=${work}/in`, "bs=1M", `count=${SIZE / MiB}`, "oflag=direct", "status=none"]);
  // The series is host-wide: dirty pages left by earlier tests must reach the disk before, not during, the run.
  execFileSync("sync");
  const script = `
    set -e
    ${limits.join}
    PIPESPAN_TASK_NAME=read dd if="${work}/in" of=/dev/null bs=1M iflag=direct status=none
    PIPESPAN_TASK_NAME=write dd if=/dev/zero of="${work}/out" bs=1M count=${SIZE / MiB} oflag=direct status=none
  `;
  const r = await runPipespan(
    ["run", "--source", "ebpf", "--run-id", "dev", "--out", out, "--no-findings", "--", "bash", "-c", script],
    { timeoutMs: 90_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  spans = (await readOtlpJsonTraces(`${out}/dev`)).spans;
}, 120_000);

afterAll(() => {
  limits.remove();
  rmSync(work, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const arr = (v: unknown) => (Array.isArray(v) ? v.map(Number) : []);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const show = (xs: number[]) => xs.map((x) => (x / MiB).toFixed(1)).join(" ");

describe("storage devices over time (eBPF)", () => {
  it("one pipespan.device.io event per device that moved data, bucketed from the run's start", () => {
    const run = spans.find((s) => !s.parentSpanId)!;
    const events = run.events.filter((e) => e.name === EVENT_PIPESPAN_DEVICE_IO);
    const names = events.map((e) => e.attributes[ATTR_PIPESPAN_DEVICE_NAME]);
    expect(names).toContain(disk);
    expect(new Set(names).size).toBe(names.length);
    for (const e of events) {
      expect(e.timeNs).toBe(run.startNs);
      const w = Number(e.attributes[ATTR_PIPESPAN_TIMELINE_INTERVAL]);
      expect(w).toBe(0.5);
      const n = Math.ceil(run.durationNs / 1e9 / w - 1e-9);
      for (const a of [
        ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES,
        ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES,
        ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS,
        ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS,
        ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME,
        ATTR_PIPESPAN_DEVICE_TIMELINE_READ_SERVICE_TIME,
        ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_SERVICE_TIME,
      ]) {
        expect(arr(e.attributes[a]), a).toHaveLength(n);
      }
      for (const b of arr(e.attributes[ATTR_PIPESPAN_DEVICE_TIMELINE_BUSY_TIME])) {
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(w + 0.01); // io_ticks: at most the bucket, give or take a tick
      }
    }
  });

  it("a throttled read, then a throttled write: the disk's series sits at the throttle's rate in each phase", () => {
    const run = spans.find((s) => !s.parentSpanId)!;
    const e = run.events.find(
      (x) => x.name === EVENT_PIPESPAN_DEVICE_IO && x.attributes[ATTR_PIPESPAN_DEVICE_NAME] === disk,
    )!;
    const w = Number(e.attributes[ATTR_PIPESPAN_TIMELINE_INTERVAL]);
    const phase = (task: string) => {
      const t = spans.find(
        (s) => s.attributes[ATTR_PROCESS_PID] === undefined && s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === task,
      )!;
      return [Number(t.startNs - run.startNs) / 1e9, Number(t.endNs - run.startNs) / 1e9] as const;
    };
    for (const [task, attr] of [
      ["read", ATTR_PIPESPAN_DEVICE_TIMELINE_READ_BYTES],
      ["write", ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_BYTES],
    ] as const) {
      const [from, to] = phase(task);
      const xs = arr(e.attributes[attr]);
      // Buckets wholly inside the phase, as rates. With O_DIRECT requests of 1 MiB the throttle lets one through
      // every 1/8 s: flat at 0.5 s. The disk is shared and the series is host-wide, so other work on the host
      // can only add: the plateau is the median bucket (within 10% of the rate), at least half the buckets must
      // be within 10% of it, and no second may fall well below it (the throttled process alone keeps it there;
      // writes are counted at completion, and a late completion moves bytes to the next bucket: 6.0 then 9.7).
      const rates = xs.slice(Math.ceil(from / w), Math.floor(to / w)).map((b) => b / w);
      const near = rates.filter((r) => Math.abs(r / RATE - 1) < 0.1);
      console.log(
        `${disk} ${task} phase ${from.toFixed(1)}–${to.toFixed(1)} s: MiB/s per 0.5 s bucket ${show(rates)} (throttle ${RATE / MiB})`,
      );
      expect(rates.length).toBeGreaterThanOrEqual(6);
      expect(Math.abs(median(rates) / RATE - 1), show(rates)).toBeLessThan(0.1);
      expect(near.length, show(rates)).toBeGreaterThanOrEqual(rates.length / 2);
      for (let i = 0; i + 1 < rates.length; i++)
        expect((rates[i]! + rates[i + 1]!) / 2 / RATE, show(rates)).toBeGreaterThan(0.8);
    }
  });

  it("per-device service time: the disk's requests took time, a plausible mean per request", () => {
    const run = spans.find((s) => !s.parentSpanId)!;
    const e = run.events.find(
      (x) => x.name === EVENT_PIPESPAN_DEVICE_IO && x.attributes[ATTR_PIPESPAN_DEVICE_NAME] === disk,
    )!;
    const total = (a: string) => arr(e.attributes[a]).reduce((x, y) => x + y, 0);
    for (const [service, ops] of [
      [ATTR_PIPESPAN_DEVICE_TIMELINE_READ_SERVICE_TIME, ATTR_PIPESPAN_DEVICE_TIMELINE_READ_OPS],
      [ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_SERVICE_TIME, ATTR_PIPESPAN_DEVICE_TIMELINE_WRITE_OPS],
    ] as const) {
      const seconds = total(service);
      const n = total(ops);
      // Host-wide on a shared disk: other work adds requests (and overlaps them), so no upper bound on the sum.
      console.log(
        `${disk}: ${n.toFixed(0)} requests, ${seconds.toFixed(3)} s of service, mean ${((seconds / n) * 1e3).toFixed(2)} ms`,
      );
      // Request counts are spread over the buckets they fell in and rounded to 1/1000 per bucket.
      expect(n).toBeGreaterThanOrEqual(SIZE / MiB - 5e-4 * arr(e.attributes[ops]).length);
      // each 1 MiB O_DIRECT request is a real device trip: more than 10 µs, less than a second on average
      expect(seconds / n).toBeGreaterThan(10e-6);
      expect(seconds / n).toBeLessThan(1);
    }
  });
});
