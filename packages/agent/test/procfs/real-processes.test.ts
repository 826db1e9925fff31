// ProcfsSource against real processes with known truth. Tolerances are stated per test; the machine has 2
// shared cores, so they allow for scheduling noise but not for a wrong measurement.

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV_PIPESPAN_TASK_NAME, ENV_TRACEPARENT } from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { ProcfsSource } from "../../src/source/procfs/index.js";
import { processId } from "../../src/source/types.js";
import { Collector } from "./events.js";
import { cpuNs, traced, wallMs } from "./trace.js";

const MiB = 1024 * 1024;
const NODE = process.execPath;
// The real interpreter, not a version-manager shim that forks helpers of its own.
const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
const work = mkdtempSync(join(tmpdir(), "pipespan-procfs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("ProcfsSource on real processes", () => {
  it("disk: 32 MiB written with fsync -> diskWriteBytes within 5% of 32 MiB, fileWriteBytes >= 32 MiB", async () => {
    const file = join(work, "write32.bin");
    const script = `
      const fs = require("node:fs");
      const fd = fs.openSync(process.argv[1], "w");
      const buf = Buffer.alloc(1 << 20, 7);
      for (let i = 0; i < 32; i++) fs.writeSync(fd, buf);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      setTimeout(() => {}, 600); // stay alive >= 2 sampling intervals after the write
    `;
    const t = await traced(NODE, ["-e", script, file]);
    expect(t.exitCode).toBe(0);
    const root = t.procs.get(t.rootId)!;
    const c = root.exit!.counters;
    expect(Math.abs(c.diskWriteBytes! - 32 * MiB) / (32 * MiB)).toBeLessThan(0.05);
    expect(c.fileWriteBytes!).toBeGreaterThanOrEqual(32 * MiB);
    expect(root.countersEvents).toBeGreaterThanOrEqual(2);
    rmSync(file, { force: true });
  });

  it("io includes reaped children (ioIncludesReapedChildren): a shell's counters grow by its dd child's 8 MiB", async () => {
    const file = join(work, "dd8.bin");
    const t = await traced("bash", [
      "-c",
      `dd if=/dev/zero of=${file} bs=1M count=8 conv=fsync status=none; sleep 0.5`,
    ]);
    expect(new ProcfsSource({ envKeys: [] }).ioIncludesReapedChildren).toBe(true);
    const root = t.procs.get(t.rootId)!;
    // bash itself writes nothing to disk; after reaping dd its io shows dd's 8 MiB (within 5%)
    expect(Math.abs(root.exit!.counters.diskWriteBytes! - 8 * MiB) / (8 * MiB)).toBeLessThan(0.05);
    expect(root.exit!.counters.fileWriteBytes!).toBeGreaterThanOrEqual(8 * MiB);
    rmSync(file, { force: true });
  });

  it("cpu: a ~1.5 s spin -> user+sys within 10% of the child's own process.cpuUsage()", async () => {
    const script = `
      const t = Date.now();
      while (Date.now() - t < 1500) {}
      const u = process.cpuUsage();
      console.log(JSON.stringify(u));
      setTimeout(() => {}, 600);
    `;
    const t = await traced(NODE, ["-e", script]);
    expect(t.exitCode).toBe(0);
    const own = JSON.parse(t.stdout) as { user: number; system: number };
    const truthNs = (own.user + own.system) * 1000;
    const measured = cpuNs(t.procs.get(t.rootId)!);
    console.info(`cpu spin: child says ${(truthNs / 1e6).toFixed(0)} ms, procfs ${(measured / 1e6).toFixed(0)} ms`);
    expect(truthNs).toBeGreaterThan(500e6); // it really spun
    expect(Math.abs(measured - truthNs) / truthNs).toBeLessThan(0.1);
  });

  it("sleep 1: cpu < 50 ms, lifetime 1 s ± 300 ms, start time within [-25, +50] ms of spawn", async () => {
    const t = await traced("sleep", ["1"]);
    const root = t.procs.get(t.rootId)!;
    expect(cpuNs(root)).toBeLessThan(50e6);
    const lifetimeMs = (root.exit!.timeNs - root.start.startTimeNs) / 1e6;
    const startErrMs = root.start.startTimeNs / 1e6 - t.spawnedAtMs;
    console.info(
      `sleep 1: lifetime ${lifetimeMs.toFixed(0)} ms, start time - spawn call = ${startErrMs.toFixed(1)} ms`,
    );
    expect(lifetimeMs).toBeGreaterThan(700);
    expect(lifetimeMs).toBeLessThan(1300);
    // starttime is truncated to a 10 ms tick and boot time is estimated to ±5 ms
    expect(startErrMs).toBeGreaterThan(-25);
    expect(startErrMs).toBeLessThan(50);
    expect(root.start).toMatchObject({ comm: "sleep", argv: ["sleep", "1"] });
    expect(root.start.exe).toMatch(/\/sleep$/);
    expect(root.start.cwd).toBe(process.cwd());
  });

  it("tree: bash -c 'sleep 0.5 & sleep 0.6 & wait' -> 3 processes with correct parent keys", async () => {
    const t = await traced("bash", ["-c", "sleep 0.5 & sleep 0.6 & wait"]);
    expect(t.procs.size).toBe(3);
    const root = t.procs.get(t.rootId)!;
    expect(root.start.parentKey).toBeUndefined();
    const kids = [...t.procs.values()].filter((p) => p !== root);
    for (const k of kids) {
      expect(k.start.parentKey).toEqual(root.start.key);
      expect(k.start.ppid).toBe(root.start.key.pid);
      // Caught before or after bash's fork-then-exec: the last image is sleep either way.
      const last = k.execs.at(-1) ?? k.start;
      expect(last.comm).toBe("sleep");
      expect(k.exit).toBeDefined();
    }
    const args = kids.map((k) => (k.execs.at(-1) ?? k.start).argv.join(" ")).sort();
    expect(args).toEqual(["sleep 0.5", "sleep 0.6"]);
    // Lifetimes are ordered as their durations.
    const life = (s: string) => {
      const k = kids.find((p) => (p.execs.at(-1) ?? p.start).argv[1] === s)!;
      return (k.exit!.timeNs - k.start.startTimeNs) / 1e6;
    };
    expect(life("0.5")).toBeGreaterThan(300);
    expect(life("0.6")).toBeLessThan(1000);
  });

  it("exec: bash -c 'read -t 0.3; exec sleep 0.5' -> one key with an exec event and the new image's env", async () => {
    const env = { ...process.env, [ENV_PIPESPAN_TASK_NAME]: "before" };
    const t = await traced("bash", ["-c", `read -t 0.3 x; ${ENV_PIPESPAN_TASK_NAME}=after exec sleep 0.5`], {
      env,
      keepStdinOpen: true, // read -t waits on a pipe nobody writes: bash stays bash for 0.3 s, no fork
    });
    expect(t.procs.size).toBe(1);
    const p = t.procs.get(t.rootId)!;
    expect(p.start).toMatchObject({ comm: "bash", env: { [ENV_PIPESPAN_TASK_NAME]: "before" } });
    expect(p.execs).toHaveLength(1);
    expect(p.execs[0]).toMatchObject({
      key: p.start.key,
      comm: "sleep",
      argv: ["sleep", "0.5"],
      env: { [ENV_PIPESPAN_TASK_NAME]: "after" },
    });
    expect(p.execs[0]!.exe).toMatch(/\/sleep$/);
    const execAfterMs = (p.execs[0]!.timeNs - p.start.startTimeNs) / 1e6;
    expect(execAfterMs).toBeGreaterThan(250);
    expect(execAfterMs).toBeLessThan(600); // 0.3 s + at most ~1 interval
  });

  it("env: only the allowed keys are kept (root and child)", async () => {
    const env = { PATH: process.env.PATH, [ENV_PIPESPAN_TASK_NAME]: "x", SECRET: "y", AWS_SECRET_ACCESS_KEY: "z" };
    const t = await traced("bash", ["-c", "sleep 0.5; true"], {
      env,
      source: { envKeys: [ENV_PIPESPAN_TASK_NAME, ENV_TRACEPARENT] },
    });
    expect(t.procs.size).toBe(2);
    for (const p of t.procs.values()) {
      for (const e of [p.start, ...p.execs]) expect(e.env).toEqual({ [ENV_PIPESPAN_TASK_NAME]: "x" });
    }
  });

  it.each([200, 20])(
    "200 short processes at a %i ms interval: completes, childrenCpuNs matches `times`",
    async (intervalMs) => {
      const t = await traced("bash", ["-c", "for i in $(seq 200); do /bin/true; done; times; exec sleep 0.6"], {
        source: { intervalMs },
      });
      expect(t.exitCode).toBe(0);
      const root = t.procs.get(t.rootId)!;
      // `times` line 2: user and system time of the shell's reaped children ("0m0.123s 0m0.045s").
      const line = t.stdout.trim().split("\n")[1]!;
      const secs = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      expect(secs).toHaveLength(2);
      const truthNs = (secs[0]! + secs[1]!) * 1e9;
      const childrenCpu = root.exit!.counters.childrenCpuNs!;
      // /proc truncates cutime and cstime to 10 ms ticks each: allow 20 ms + 5%.
      expect(Math.abs(childrenCpu - truthNs)).toBeLessThanOrEqual(20e6 + 0.05 * truthNs);
      const kids = [...t.procs.values()].filter((p) => p !== root);
      const caughtCpu = kids.reduce((s, k) => s + cpuNs(k) + (k.exit?.counters.childrenCpuNs ?? 0), 0);
      expect(caughtCpu).toBeLessThanOrEqual(childrenCpu + 20e6);
      const lostEvents = t.events.reduce((s, e) => s + (e.type === "lost" ? e.count : 0), 0);
      expect(lostEvents).toBe(t.stats.lost);
      // 200 x /bin/true + the $(seq 200) subshell + seq
      expect(kids.length).toBeLessThanOrEqual(202);
      expect(root.execs.at(-1)?.comm).toBe("sleep");
      expect(t.warnings).toEqual([]);
      console.info(
        `200 short processes (${t.stats.discovery}, ${intervalMs} ms): caught ${kids.length} of 202 children ` +
          `(${kids.filter((k) => k.exit?.observedExit).length} as zombies), lost-events ${lostEvents}, ` +
          `children CPU ${(childrenCpu / 1e6).toFixed(0)} ms (times: ${(truthNs / 1e6).toFixed(0)} ms), ` +
          `attributed to caught children ${(caughtCpu / 1e6).toFixed(0)} ms`,
      );
    },
  );

  it("zombie capture: exit code 3 and SIGKILL read from unreaped children, with final CPU", async () => {
    const script = `
import os, sys, time
a = os.fork()
if a == 0:
    # Burn 0.3 s of CPU, not of wall time: on a busy machine a wall-time spin may get a fraction of a CPU.
    deadline = time.time() + 20
    while sum(os.times()[:2]) < 0.3 and time.time() < deadline:
        pass
    c = os.times()
    sys.stdout.write("%f\\n" % (c.user + c.system)); sys.stdout.flush()
    os._exit(3)
b = os.fork()
if b == 0:
    time.sleep(0.1)
    os.kill(os.getpid(), 9)
time.sleep(1)  # do not reap for a while: both stay zombies
os.waitpid(a, 0); os.waitpid(b, 0)
time.sleep(0.5)  # let the sampler see the cutime that reaping added
`;
    const t = await traced(PYTHON, ["-c", script]);
    expect(t.exitCode).toBe(0);
    const root = t.procs.get(t.rootId)!;
    const kids = [...t.procs.values()].filter((p) => p !== root);
    expect(kids).toHaveLength(2);
    const exited = kids.find((k) => k.exit?.exitCode === 3);
    const killed = kids.find((k) => k.exit?.signal === 9);
    expect(exited?.exit).toMatchObject({ exitCode: 3, observedExit: true });
    expect(killed?.exit).toMatchObject({ signal: 9, observedExit: true });
    expect(killed?.exit?.exitCode).toBeUndefined();
    for (const k of kids) expect(k.start.parentKey).toEqual(root.start.key);
    // The zombie's CPU is final: compare with the child's own os.times() (10 ms resolution): 20 ms + 10%.
    const truthNs = Number(t.stdout.trim()) * 1e9;
    expect(truthNs).toBeGreaterThan(100e6);
    expect(Math.abs(cpuNs(exited!) - truthNs)).toBeLessThanOrEqual(20e6 + 0.1 * truthNs);
    // and the parent's cutime later includes it once reaped
    expect(root.exit!.counters.childrenCpuNs ?? 0).toBeGreaterThanOrEqual(cpuNs(exited!) - 20e6);
  });
});

describe.each(["children", "scan"] as const)("tick cost with ~50 processes (%s discovery)", (discovery) => {
  it("a tick stays cheap", async () => {
    const child = spawn("bash", ["-c", "for i in $(seq 49); do sleep 5 & done; wait"], {
      stdio: "ignore",
      detached: true,
    });
    const src = new ProcfsSource({ envKeys: [ENV_PIPESPAN_TASK_NAME], discovery, intervalMs: 3_600_000 });
    const sink = new Collector();
    try {
      await src.start(child.pid!, sink);
      // Wait for bash + 49 sleeps (the transient $(seq 49) subshell may come and go meanwhile).
      const sleeping = () => {
        const live = new Map<string, string>();
        for (const e of sink.events) {
          if (e.type === "start" || e.type === "exec") live.set(processId(e.key), e.comm);
          else if (e.type === "exit") live.delete(processId(e.key));
        }
        return [...live.values()].filter((c) => c === "sleep").length;
      };
      const deadline = wallMs() + 5000;
      while ((sleeping() < 49 || src.stats().tracked !== 50) && wallMs() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        src.sampleNow();
      }
      expect(sleeping()).toBe(49);
      expect(src.stats().tracked).toBe(50);
      // warm up, then measure steady-state ticks
      for (let i = 0; i < 5; i++) src.sampleNow();
      const before = src.stats();
      const n = 40;
      for (let i = 0; i < n; i++) src.sampleNow();
      const after = src.stats();
      const wall = (after.tickWallMsTotal - before.tickWallMsTotal) / n;
      const cpu = (after.tickCpuMsTotal - before.tickCpuMsTotal) / n;
      console.info(
        `tick cost, ${after.tracked} tracked, ${discovery}: wall ${wall.toFixed(2)} ms/tick, cpu ${cpu.toFixed(2)} ms/tick` +
          ` (max ${after.tickWallMsMax.toFixed(1)} ms incl. first tick)`,
      );
      // Generous bound (shared 2-core machine); at the default 200 ms interval this is < 10% of one core.
      expect(wall).toBeLessThan(20);
      expect(after.tracked).toBe(50);
      expect(after.openFds).toBe(50 * (discovery === "children" ? 4 : 3));
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      await src.stop();
    }
    expect(src.stats().openFds).toBe(0);
  });
});
