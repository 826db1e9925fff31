// Per-task timelines and the I/O-wait / blocked split, measured on real processes under `pipespan run --source
// ebpf` against what is known about them: two threads spinning, a sleep, a read held by a blkio throttle, threads
// fighting over one directory's lock on tmpfs. Every bucket is checked, not only the totals: a state that stays
// open for seconds (on a CPU, blocked) must show in each bucket it covers.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT,
  ATTR_PIPESPAN_HOST_MEMORY_TOTAL,
  ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX,
  ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME,
  ATTR_PIPESPAN_TIMELINE_CPU_TIME,
  ATTR_PIPESPAN_TIMELINE_INTERVAL,
  ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME,
  ATTR_PIPESPAN_TIMELINE_NETWORK_BYTES,
  ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY,
  ATTR_PIPESPAN_TIMELINE_SLEEP_TIME,
  ATTR_PIPESPAN_TIMELINE_STORAGE_BYTES,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { blkioThrottle } from "../support/throttle.js";
import { series } from "../support/tools.js";

const MiB = 1024 * 1024;
// The threads and lock fixtures are the native package's, shared with its own kernel tests.
const fixture = (name: string) => fileURLToPath(new URL(`../../native/testlib/fixtures/${name}`, import.meta.url));
const node = process.execPath;
const work = scratchDir();
const out = tmpOutDir();
const shm = `/dev/shm/pipespan-dirlock-${process.pid}`;
const throttle = blkioThrottle(work, 8 * MiB);
let spans: NormalizedSpan[] = [];

const ARRAYS = [
  ATTR_PIPESPAN_TIMELINE_CPU_TIME,
  ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME,
  ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME,
  ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY,
  ATTR_PIPESPAN_TIMELINE_SLEEP_TIME,
  ATTR_PIPESPAN_TIMELINE_NETWORK_BYTES,
  ATTR_PIPESPAN_TIMELINE_STORAGE_BYTES,
  ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX,
];

beforeAll(async () => {
  // 24 MiB written with O_DIRECT (so not in the page cache): read back through the 8 MiB/s throttle, ~3 s
  execFileSync("dd", ["if=/dev/zero", `of=${work}/in`, "bs=1M", "count=24", "oflag=direct", "status=none"]);
  const script = `
    set -e
    PIPESPAN_TASK_NAME=busy "${node}" "${fixture("threads.mjs")}" 2 3 > "${work}/busy.out"
    PIPESPAN_TASK_NAME=nap sleep 2
    PIPESPAN_TASK_NAME=reader bash -c '${throttle.join} exec dd if="$0/in" of=/dev/null bs=1M status=none' "${work}"
    PIPESPAN_TASK_NAME=locks "${node}" "${fixture("dirlock.mjs")}" "${shm}" 6 2 > "${work}/locks.out"
  `;
  const r = await runPipespan(
    ["run", "--source", "ebpf", "--run-id", "tl", "--out", out, "--no-findings", "--", "bash", "-c", script],
    { timeoutMs: 120_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  spans = (await readOtlpJsonTraces(`${out}/tl`)).spans;
}, 150_000);

afterAll(() => {
  throttle.remove();
  rmSync(work, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  rmSync(shm, { recursive: true, force: true });
});

const isProcess = (s: NormalizedSpan) => s.attributes[ATTR_PROCESS_PID] !== undefined;
const task = (name: string) =>
  spans.find((s) => !isProcess(s) && s.parentSpanId && s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === name)!;
const processOf = (name: string, exe: string) =>
  spans.find(
    (s) =>
      isProcess(s) &&
      s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === name &&
      s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === exe,
  )!;
const num = (s: NormalizedSpan, attr: string) => Number(s.attributes[attr]);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Buckets wholly inside the work: the first (start-up) and the last (partial) bucket are left out. */
const interior = (xs: number[]) => xs.slice(1, -1);
const show = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(" ");

describe("timelines (eBPF)", () => {
  it("every task and the run carry equally long arrays, at most 256, bucketed from the span's start", () => {
    const run = spans.find((s) => !s.parentSpanId)!;
    for (const s of [run, task("busy"), task("nap"), task("reader"), task("locks")]) {
      const w = num(s, ATTR_PIPESPAN_TIMELINE_INTERVAL);
      expect(w).toBe(0.5);
      const n = Math.max(1, Math.ceil(s.durationNs / 1e9 / w - 1e-9));
      for (const a of ARRAYS) expect(series(s, a), `${s.name} ${a}`).toHaveLength(n);
    }
    // the measured host's size is on the resource
    expect(run.resource[ATTR_PIPESPAN_HOST_CPU_LOGICAL_COUNT]).toBe(cpus().length);
    expect(run.resource[ATTR_PIPESPAN_HOST_MEMORY_TOTAL]).toBe(totalmem());
    // a task's thread-seconds are its processes': the timeline adds up to the span's totals
    for (const name of ["busy", "nap", "reader", "locks"]) {
      const t = task(name);
      expect(sum(series(t, ATTR_PIPESPAN_TIMELINE_CPU_TIME))).toBeCloseTo(num(t, ATTR_PIPESPAN_CPU_TIME), 2);
      expect(sum(series(t, ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME))).toBeCloseTo(
        num(t, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME),
        2,
      );
      expect(sum(series(t, ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME))).toBeCloseTo(
        num(t, ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME),
        2,
      );
    }
  });

  it("2 threads spinning for 3 s: ≈ 2 thread-s per second on a CPU or waiting for one, in every bucket", () => {
    const t = task("busy");
    const w = num(t, ATTR_PIPESPAN_TIMELINE_INTERVAL);
    const cpu = series(t, ATTR_PIPESPAN_TIMELINE_CPU_TIME);
    const runq = series(t, ATTR_PIPESPAN_TIMELINE_RUNQUEUE_DELAY);
    const busy = cpu.map((c, i) => (c + runq[i]!) / w);
    console.log(`busy: on-CPU + run-queue thread-s/s per bucket ${show(busy)}; on-CPU ${show(cpu.map((c) => c / w))}`);
    // From 1 s on: node's start-up (its main thread, starting two V8 isolates) can reach into the second bucket
    // on a loaded machine (2.29 seen there once).
    const spinning = busy.slice(2, -1);
    expect(spinning.length).toBeGreaterThanOrEqual(3);
    // Tolerance: -20% / +5%. The two threads never block, so they are always on a CPU or in the run queue; on
    // this VM time the hypervisor takes (steal) is in neither — measured up to 13% on a busy host.
    for (const b of spinning) expect(b, show(busy)).toBeGreaterThan(1.6);
    for (const b of spinning) expect(b, show(busy)).toBeLessThan(2.1);
    for (const a of interior(series(t, ATTR_PIPESPAN_TIMELINE_ACTIVE_THREADS_MAX))) {
      expect(a).toBeGreaterThanOrEqual(2);
      expect(a).toBeLessThanOrEqual(3); // the spinners, and now and then a V8 helper thread
    }
    // the total against the process's own getrusage()
    const own = JSON.parse(readFileSync(`${work}/busy.out`, "utf8")).cpuUs / 1e6;
    expect(Math.abs(sum(cpu) - own) / own, `timeline ${sum(cpu)} vs getrusage ${own}`).toBeLessThan(0.05);
    expect(sum(series(t, ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME))).toBeLessThan(0.05);
  });

  it("`sleep 2`: one thread asleep for the whole of every bucket (± 5%), nothing on a CPU", () => {
    const t = task("nap");
    const w = num(t, ATTR_PIPESPAN_TIMELINE_INTERVAL);
    const sleep = series(t, ATTR_PIPESPAN_TIMELINE_SLEEP_TIME);
    console.log(`nap: sleep thread-s/s per bucket ${show(sleep.map((s) => s / w))}`);
    for (const s of interior(sleep)) expect(Math.abs(s / w - 1), show(sleep)).toBeLessThan(0.05);
    expect(sum(series(t, ATTR_PIPESPAN_TIMELINE_CPU_TIME))).toBeLessThan(0.05);
  });

  it("a read held by an 8 MiB/s throttle: in io_schedule() for the whole of every bucket, never blocked", () => {
    const t = task("reader");
    const w = num(t, ATTR_PIPESPAN_TIMELINE_INTERVAL);
    const io = series(t, ATTR_PIPESPAN_TIMELINE_IO_WAIT_TIME);
    console.log(`reader: I/O wait s/s per bucket ${show(io.map((x) => x / w))}; in all ${sum(io).toFixed(3)} s`);
    expect(interior(io).length).toBeGreaterThanOrEqual(3);
    // Tolerance 15%: dd spends a little time on a CPU copying each MiB, and the shell before exec is in bucket 0.
    for (const x of interior(io)) expect(x / w, show(io)).toBeGreaterThan(0.85);
    // 24 MiB at 8 MiB/s is 3 s: the first MiBs may pass before the throttle's slice fills
    expect(sum(io)).toBeGreaterThan(2.2);
    expect(sum(io)).toBeLessThan(3.5);
    const dd = processOf("reader", "bash"); // bash exec'd dd: one process, named after its first image
    expect(num(dd, ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME)).toBeLessThan(0.05 * num(dd, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME));
    expect(sum(series(t, ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME))).toBeLessThan(0.05);
  });

  it("6 threads fighting over a tmpfs directory's inode lock: blocked time, not I/O wait", () => {
    const t = task("locks");
    const p = processOf("locks", "node");
    const blocked = num(p, ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME);
    const io = num(p, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME);
    const ops = JSON.parse(readFileSync(`${work}/locks.out`, "utf8")).ops;
    console.log(`locks: ${ops} mkdir/rmdir, blocked ${blocked} s, I/O wait ${io} s`);
    // measured 2.5 s in 2 s with 6 threads on the 2-core VM (bpftrace agreed: 5.2 s in 4 s); tmpfs does no I/O
    expect(blocked).toBeGreaterThan(0.3);
    expect(io).toBeLessThan(0.05 * blocked);
    expect(sum(series(t, ATTR_PIPESPAN_TIMELINE_BLOCKED_TIME))).toBeGreaterThan(0.3);
  });
});
