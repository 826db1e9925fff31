// Known-truth workloads under `pipespan run --source ebpf` (and the same under --source procfs), checked
// against what the workload itself, or /proc, says. Runs as root; the kernel source must load here (CI too):
// when it cannot, these tests fail with the reason — they are never skipped.
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_BLOCK_WRITE_BYTES,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_DISK_WRITE_BYTES,
  ATTR_PIPESPAN_NETWORK_RX_BYTES,
  ATTR_PIPESPAN_NETWORK_TX_BYTES,
  ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_OFFCPU_SLEEP_TIME,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PIPESPAN_SOURCE_LOST_EVENTS,
  ATTR_PIPESPAN_TIMELINE_CPU_TIME,
  ATTR_PIPESPAN_TIMELINE_INTERVAL,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PID,
  EVENT_PIPESPAN_DEVICE_IO,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";

const MiB = 1024 * 1024;
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const node = process.execPath;

/** The workloads, one task each. Each writes what it measured of itself into the work folder. */
function script(w: string): string {
  return `
    set -e
    PIPESPAN_TASK_NAME=odirect bash -c 'dd if=/dev/zero of="$0/odirect" bs=1M count=256 oflag=direct status=none; grep ^write_bytes /proc/$$/io > "$0/odirect.io"; sleep 0.6; rm -f "$0/odirect"' "${w}"
    PIPESPAN_TASK_NAME=spin "${node}" "${fixture("spin.mjs")}" 2 0.6 > "${w}/spin.out"
    PIPESPAN_TASK_NAME=nap bash -c 't0=$(date +%s%N); sleep 1; t1=$(date +%s%N); echo $((t1-t0)) > "$0/nap.ns"' "${w}"
    (
      export PIPESPAN_TASK_NAME=tcp
      # The transfer takes ~0.2 s: a task that short can fall between two of the procfs source's 200 ms samples,
      # which find a process only once its parent is known. The sleep makes the task one that sampling sees.
      sleep 0.6
      "${node}" "${fixture("tcp.mjs")}" server "${w}/port" > "${w}/server.out" &
      "${node}" "${fixture("tcp.mjs")}" client "${w}/port" ${64 * MiB} > "${w}/client.out"
      wait
    )
    PIPESPAN_TASK_NAME=many bash -c 'for i in $(seq 2000); do /bin/true; done'
    PIPESPAN_TASK_NAME=killed bash -c 'sleep 30 & p=$!; sleep 0.3; kill -KILL $p; wait $p || true'
  `;
}

interface Traced {
  spans: NormalizedSpan[];
  work: string;
  out: string;
}

async function trace(source: "ebpf" | "procfs"): Promise<Traced> {
  const work = scratchDir(`pipespan-${source}-`);
  const out = tmpOutDir();
  const r = await runPipespan(
    ["run", "--source", source, "--run-id", source, "--out", out, "--no-findings", "--", "bash", "-c", script(work)],
    { timeoutMs: 120_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain(`source ${source}`);
  return { spans: (await readOtlpJsonTraces(`${out}/${source}`)).spans, work, out };
}

const num = (s: NormalizedSpan | undefined, attr: string) => Number(s?.attributes[attr]);
const isProcess = (s: NormalizedSpan) => s.attributes[ATTR_PROCESS_PID] !== undefined;
const procsOf = (spans: NormalizedSpan[], task: string, exe?: string) =>
  spans.filter(
    (s) =>
      isProcess(s) &&
      s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === task &&
      (exe === undefined || s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] === exe),
  );
const taskSpan = (spans: NormalizedSpan[], task: string) =>
  spans.find((s) => !isProcess(s) && s.parentSpanId && s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === task);
const within = (value: number, truth: number, tolerance: number) => Math.abs(value - truth) / truth <= tolerance;

describe("eBPF source: known-truth workloads", () => {
  let t: Traced;
  beforeAll(async () => {
    t = await trace("ebpf");
  }, 180_000);
  afterAll(() => {
    rmSync(t.work, { recursive: true, force: true });
    rmSync(t.out, { recursive: true, force: true });
  });

  it("records the run as measured by eBPF with nothing lost", () => {
    const run = t.spans.find((s) => !s.parentSpanId)!;
    expect(run.attributes[ATTR_PIPESPAN_RUN_SOURCE]).toBe("ebpf");
    expect(run.attributes[ATTR_PIPESPAN_SOURCE_LOST_EVENTS]).toBe(0);
  });

  it("(a) 256 MiB written with O_DIRECT: block write bytes within 2%, I/O wait > 0, agreeing with /proc", () => {
    const [dd] = procsOf(t.spans, "odirect", "dd");
    expect(dd, "dd process span").toBeDefined();
    const block = num(dd, ATTR_PIPESPAN_BLOCK_WRITE_BYTES);
    expect(within(block, 256 * MiB, 0.02), `block write ${block}`).toBe(true);
    expect(num(dd, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME)).toBeGreaterThan(0);
    // waiting on the device is io_schedule() time; nothing of a lone writer's wait is blocked on a lock
    expect(num(dd, ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME)).toBeLessThan(0.1 * num(dd, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME));
    // Independent: the shell's /proc/<pid>/io after it reaped dd (task I/O accounting).
    const procBytes = Number(/write_bytes:\s*(\d+)/.exec(readFileSync(`${t.work}/odirect.io`, "utf8"))?.[1]);
    expect(within(block, procBytes, 0.02), `block ${block} vs /proc ${procBytes}`).toBe(true);
    expect(within(num(dd, ATTR_PIPESPAN_DISK_WRITE_BYTES), procBytes, 0.02)).toBe(true);
  });

  it("(b) a 2 s CPU spin: on-CPU 2 s ± 10%, agreeing with the process's own getrusage; I/O wait ≈ 0", () => {
    const [spin] = procsOf(t.spans, "spin", "node");
    const cpu = num(spin, ATTR_PIPESPAN_CPU_TIME);
    const own = Number(/cpu-us (\d+)/.exec(readFileSync(`${t.work}/spin.out`, "utf8"))?.[1]) / 1e6;
    expect(within(cpu, 2, 0.1) || within(cpu, own, 0.1), `cpu ${cpu} own ${own}`).toBe(true);
    expect(within(cpu, own, 0.1), `cpu ${cpu} vs getrusage ${own}`).toBe(true);
    expect(num(spin, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME)).toBeLessThan(0.05);
  });

  it("(c) `sleep 1`: off-CPU sleeping ≈ 1 s (within 5% of the wall time the shell measured), on-CPU ≈ 0", () => {
    const [sleep] = procsOf(t.spans, "nap", "sleep");
    const wall = Number(readFileSync(`${t.work}/nap.ns`, "utf8")) / 1e9;
    const slept = num(sleep, ATTR_PIPESPAN_OFFCPU_SLEEP_TIME);
    expect(within(slept, 1, 0.05), `slept ${slept}`).toBe(true);
    expect(within(slept, wall, 0.05), `slept ${slept} vs wall ${wall}`).toBe(true);
    expect(num(sleep, ATTR_PIPESPAN_CPU_TIME)).toBeLessThan(0.02);
  });

  it("(d) 64 MiB over loopback TCP between two processes of the run: tx and rx within 2%", () => {
    const procs = procsOf(t.spans, "tcp", "node");
    expect(procs).toHaveLength(2);
    const tx = Math.max(...procs.map((p) => num(p, ATTR_PIPESPAN_NETWORK_TX_BYTES)));
    const rx = Math.max(...procs.map((p) => num(p, ATTR_PIPESPAN_NETWORK_RX_BYTES)));
    expect(within(tx, 64 * MiB, 0.02), `tx ${tx}`).toBe(true);
    expect(within(rx, 64 * MiB, 0.02), `rx ${rx}`).toBe(true);
    const task = taskSpan(t.spans, "tcp")!;
    expect(within(num(task, ATTR_PIPESPAN_NETWORK_TX_BYTES), 64 * MiB, 0.02)).toBe(true);
    expect(readFileSync(`${t.work}/server.out`, "utf8")).toContain(`received ${64 * MiB}`);
  });

  it("(e) 2,000 short-lived processes: 2,000 process spans", () => {
    expect(procsOf(t.spans, "many", "true")).toHaveLength(2000);
  });

  it("(f) a process killed by SIGKILL: error status and the signal", () => {
    const killed = procsOf(t.spans, "killed", "sleep").filter((s) => s.attributes[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL]);
    expect(killed).toHaveLength(1);
    expect(killed[0]!.status.code).toBe("error");
    expect(killed[0]!.attributes[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL]).toBe(9);
    expect(killed[0]!.attributes[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]).toBe("SIGKILL");
  });
});

// The same workloads sampled from /proc. procfs measures CPU time and storage bytes (task I/O accounting) as
// well, but not off-CPU time by cause, block-layer bytes, network bytes; it sees only the processes alive at a
// sample, and a killed process's signal only when it catches it as a zombie.
describe("procfs source: the same workloads, where procfs can measure them", () => {
  let t: Traced;
  beforeAll(async () => {
    t = await trace("procfs");
  }, 180_000);
  afterAll(() => {
    rmSync(t.work, { recursive: true, force: true });
    rmSync(t.out, { recursive: true, force: true });
  });

  it("(a) storage write bytes of the O_DIRECT task within 5% of 256 MiB (no block-layer or I/O-wait figures)", () => {
    const task = taskSpan(t.spans, "odirect")!;
    expect(within(num(task, ATTR_PIPESPAN_DISK_WRITE_BYTES), 256 * MiB, 0.05)).toBe(true);
    expect(task.attributes[ATTR_PIPESPAN_BLOCK_WRITE_BYTES]).toBeUndefined();
    expect(task.attributes[ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]).toBeUndefined();
  });

  it("(b) CPU of the spin within 10% of its own getrusage", () => {
    const cpu = num(taskSpan(t.spans, "spin"), ATTR_PIPESPAN_CPU_TIME);
    const own = Number(/cpu-us (\d+)/.exec(readFileSync(`${t.work}/spin.out`, "utf8"))?.[1]) / 1e6;
    expect(within(cpu, own, 0.1), `cpu ${cpu} vs getrusage ${own}`).toBe(true);
  });

  it("(c) `sleep 1`: ~0 CPU and ~1 s of task wall time (no off-CPU split)", () => {
    const task = taskSpan(t.spans, "nap")!;
    expect(num(task, ATTR_PIPESPAN_CPU_TIME)).toBeLessThan(0.05);
    expect(task.durationNs / 1e9).toBeGreaterThan(0.95);
    expect(task.attributes[ATTR_PIPESPAN_OFFCPU_SLEEP_TIME]).toBeUndefined();
  });

  it("(c2) no blocked time and no timelines: procfs cannot tell them (absent, never 0)", () => {
    for (const name of ["odirect", "spin", "nap"]) {
      const task = taskSpan(t.spans, name)!;
      expect(task.attributes[ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME]).toBeUndefined();
      expect(task.attributes[ATTR_PIPESPAN_TIMELINE_INTERVAL]).toBeUndefined();
      expect(task.attributes[ATTR_PIPESPAN_TIMELINE_CPU_TIME]).toBeUndefined();
    }
    const run = t.spans.find((s) => !s.parentSpanId)!;
    expect(run.attributes[ATTR_PIPESPAN_TIMELINE_CPU_TIME]).toBeUndefined();
    expect(run.events.filter((e) => e.name === EVENT_PIPESPAN_DEVICE_IO)).toEqual([]);
  });

  it("(d) network bytes: not measured by procfs (the attributes are absent, never 0)", () => {
    const task = taskSpan(t.spans, "tcp")!;
    expect(task.attributes[ATTR_PIPESPAN_NETWORK_TX_BYTES]).toBeUndefined();
    expect(task.attributes[ATTR_PIPESPAN_NETWORK_RX_BYTES]).toBeUndefined();
  });

  it("(e) 2,000 short-lived processes: the task exists; procfs sees only a sample of them", () => {
    expect(taskSpan(t.spans, "many")).toBeDefined();
    expect(procsOf(t.spans, "many", "true").length).toBeLessThan(2000);
  });
});
