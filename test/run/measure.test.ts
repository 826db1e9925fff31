// Measurement against known truth, end to end through `pipespan run` (procfs source) and the OTLP/JSON files:
// bytes written with fsync, CPU burned, a sleep. Each step outlives its work by a few sampling intervals.
import { rmSync } from "node:fs";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_CPU_TIME,
  ATTR_PIPESPAN_DISK_WRITE_BYTES,
  ATTR_PIPESPAN_FILE_WRITE_BYTES,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";

const MiB = 1024 * 1024;
const N_MIB = 48;

describe("known-truth measurements (procfs)", () => {
  const work = scratchDir();
  const out = tmpOutDir();
  let spans: NormalizedSpan[] = [];
  let spinCpuSeconds = 0;

  const task = (name: string) => {
    const t = spans.find((s) => s.name === name && s.attributes[ATTR_PROCESS_PID] === undefined && s.parentSpanId);
    if (!t) throw new Error(`no task span ${name}: ${spans.map((s) => s.name).join(", ")}`);
    return t;
  };

  beforeAll(async () => {
    // The spin measures itself (its own getrusage) so the test compares with the process's own view.
    const script = `
      set -e
      PIPESPAN_TASK_NAME=write bash -c 'dd if=/dev/zero of="$0/data" bs=1M count=${N_MIB} conv=fsync status=none; sleep 0.6' "${work}"
      PIPESPAN_TASK_NAME=spin node -e '
        const t = Date.now(); let x = 0; while (Date.now() - t < 2000) x++;
        const u = process.cpuUsage(); console.log("spin-cpu-us", u.user + u.system);
        setTimeout(() => {}, 600);' > "${work}/spin.txt"
      PIPESPAN_TASK_NAME=nap sleep 1
    `;
    const r = await runPipespan([
      "run",
      "--source",
      "procfs",
      "--run-id",
      "m1",
      "--out",
      out,
      "--",
      "bash",
      "-c",
      script,
    ]);
    expect(r.code, r.stderr).toBe(0);
    spans = (await readOtlpJsonTraces(`${out}/m1`)).spans;
    const { readFileSync } = await import("node:fs");
    spinCpuSeconds = Number(/spin-cpu-us (\d+)/.exec(readFileSync(`${work}/spin.txt`, "utf8"))?.[1]) / 1e6;
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it(`counts ${N_MIB} MiB written with fsync within 5%`, () => {
    const t = task("write");
    const written = Number(t.attributes[ATTR_PIPESPAN_DISK_WRITE_BYTES]);
    expect(Math.abs(written - N_MIB * MiB) / (N_MIB * MiB)).toBeLessThan(0.05);
    expect(Number(t.attributes[ATTR_PIPESPAN_FILE_WRITE_BYTES])).toBeGreaterThanOrEqual(N_MIB * MiB);
  });

  it("counts ~2 s of CPU within 10% of the process's own measurement", () => {
    const cpu = Number(task("spin").attributes[ATTR_PIPESPAN_CPU_TIME]);
    expect(spinCpuSeconds).toBeGreaterThan(1.0); // the spin really ran (even on a busy machine)
    // The process's own figure is taken just before it idles: pipespan may see a little more (exit), never less.
    expect(Math.abs(cpu - spinCpuSeconds) / spinCpuSeconds).toBeLessThan(0.1);
  });

  it("shows `sleep 1` as ~0 CPU and ~1 s of wall time", () => {
    const t = task("nap");
    expect(Number(t.attributes[ATTR_PIPESPAN_CPU_TIME])).toBeLessThan(0.05);
    const wall = t.durationNs / 1e9;
    // Wall of a sampled process: start time is exact (from /proc), the end is known within one interval.
    expect(wall).toBeGreaterThan(0.9);
    expect(wall).toBeLessThan(1.35);
    const procs = spans.filter((s) => s.parentSpanId === t.spanId);
    expect(procs.map((p) => p.attributes[ATTR_CICD_PIPELINE_TASK_NAME])).toEqual(["nap"]);
  });
});
