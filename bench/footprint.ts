// Footprint of `pipespan run` and `pipespan agent` (issue 14): peak RSS on the bundled demo and on an exec storm
// (bench/native/spawn-storm.c: posix_spawn of /bin/true, 4 in flight) at several sizes, to show that memory is
// flat in the number of processes; and the agent's CPU on an idle host.
//
//   npm run bench:footprint                                   (2k, 10k, 20k processes; 60 s idle)
//   node bench/footprint.ts --sizes 2000,20000 --idle-seconds 30 --no-demo
//
// Peak RSS is the process's own ru_maxrss (bench/lib/maxrss-hook.mjs, written at exit), so it covers the whole
// life of the process, its last flush included. Every storm run is checked: the spans written must count every
// process (the storm's N plus its shell and the root), with no event lost, or the figure is marked as missed.
// Needs root like pipespan's kernel source.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_DIR, helper, PIPESPAN_BIN, REPO_ROOT } from "./lib/helpers.ts";
import { describeLoad, describeMachine } from "./lib/machine.ts";
import { pipespanRun, readRunJson } from "./lib/pipespan.ts";
import { type Figure, saveResult } from "./lib/results.ts";
import { sleep, spread } from "./lib/stats.ts";

const GOAL_MB = 100;

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "2000,10000,20000" },
    "idle-seconds": { type: "string", default: "60" },
    "demo-mb": { type: "string", default: "96" },
    "no-demo": { type: "boolean", default: false },
    "no-agent": { type: "boolean", default: false },
    "no-run": { type: "boolean", default: false },
  },
});
const sizes = values.sizes.split(",").map((s) => Number(s.trim()));
const idleS = Number(values["idle-seconds"]);
if (sizes.some((n) => !(n > 0)) || !(idleS >= 0)) throw new Error("--sizes and --idle-seconds must be positive");

const storm = helper("spawn-storm");
const demo = join(REPO_ROOT, "examples/demo/pipeline.sh");
const out = mkdtempSync(join(tmpdir(), "pipespan-footprint-"));
const figures: Figure[] = [];
const mb = (b: number) => b / 1e6;
const fmtMb = (b: number) => `${mb(b).toFixed(1)} MB`;

console.log(`footprint: ${describeMachine()}; ${describeLoad()}`);
console.log(`storm: ${storm} -n N -j 4; peak RSS goal ≤ ${GOAL_MB} MB, flat in N\n`);

try {
  if (!values["no-run"]) await benchRun();
  if (!values["no-agent"]) await benchAgent();
} finally {
  rmSync(out, { recursive: true, force: true });
}
saveResult("footprint", `node bench/footprint.ts --sizes ${values.sizes} --idle-seconds ${idleS}`, figures);
console.log(`\nwritten to ${join(BENCH_DIR, ".results/footprint.json")}`);

async function benchRun(): Promise<void> {
  console.log("pipespan run --source ebpf            peak RSS   processes  lost  wall s   median RSS");
  const peaks: number[] = [];
  const medians: number[] = [];
  if (!values["no-demo"]) {
    const r = await pipespanRun({
      out,
      runId: "demo",
      command: ["bash", demo],
      env: { DEMO_SIZE_MB: values["demo-mb"] },
    });
    const peak = checked(r.self?.maxRssBytes, r.code, r.stderr);
    const j = readRunJson(r.runDir);
    row("demo", peak, j.processes, j.lostEvents, r.wallMs);
    figures.push(fig(`run, demo (${values["demo-mb"]} MB): peak RSS`, peak, j.lostEvents === 0));
  }
  for (const n of sizes) {
    let stop = () => 0;
    const r = await pipespanRun({
      out,
      runId: `storm-${n}`,
      command: [storm, "-n", String(n), "-j", "4"],
      onSpawn: (pid) => {
        stop = sampleRss(pid);
      },
    });
    const median = stop();
    const peak = checked(r.self?.maxRssBytes, r.code, r.stderr);
    const j = readRunJson(r.runDir);
    // The storm's N children and the storm itself: every one of them is a process of the run.
    const complete = Number(j.processes) >= n + 1 && j.lostEvents === 0;
    row(`storm ${n}`, peak, j.processes, j.lostEvents, r.wallMs, median);
    figures.push(fig(`run, exec storm ${n}: peak RSS (median while running ${fmtMb(median)})`, peak, complete));
    peaks.push(peak);
    medians.push(median);
    rmSync(r.runDir, { recursive: true, force: true });
  }
  if (peaks.length > 1) figures.push(flatness("run", peaks, "peak"), flatness("run", medians, "median"));
}

async function benchAgent(): Promise<void> {
  console.log("\npipespan agent                       peak RSS   recorded  drops  wall s   median RSS");
  const peaks: number[] = [];
  const medians: number[] = [];
  const traceparent = () => `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
  if (!values["no-demo"]) {
    const a = await startAgent("demo");
    const t0 = Date.now();
    await runCommand("bash", [demo], { DEMO_SIZE_MB: values["demo-mb"], TRACEPARENT: traceparent() });
    // Every process of the demo's tasks recorded (the agent only records named tasks' processes).
    const h = await a.settle(1);
    const peak = await a.stop();
    row("demo", peak, h.processesRecorded, drops(h), Date.now() - t0);
    figures.push(fig(`agent, demo (${values["demo-mb"]} MB): peak RSS`, peak, true));
  }
  for (const n of sizes) {
    const a = await startAgent(`storm-${n}`);
    const t0 = Date.now();
    const env = { PIPESPAN_TASK_NAME: "storm", TRACEPARENT: traceparent() };
    const stop = sampleRss(a.pid);
    await runCommand(storm, ["-n", String(n), "-j", "4"], env);
    const median = stop();
    const h = await a.settle(n + 1);
    const peak = await a.stop();
    const ok = Number(h.processesRecorded) >= n + 1;
    row(`storm ${n}`, peak, h.processesRecorded, drops(h), Date.now() - t0, median);
    figures.push(fig(`agent, exec storm ${n}: peak RSS (median during the storm ${fmtMb(median)})`, peak, ok));
    peaks.push(peak);
    medians.push(median);
  }
  if (peaks.length > 1) figures.push(flatness("agent", peaks, "peak"), flatness("agent", medians, "median"));
  if (idleS > 0) {
    const a = await startAgent("idle");
    await sleep(5_000); // past its start-up
    const before = cpuTicks(a.pid);
    const eventsBefore = Number((await a.health()).events);
    const t0 = Date.now();
    await sleep(idleS * 1000);
    const ticks = cpuTicks(a.pid) - before;
    const seconds = (Date.now() - t0) / 1000;
    // What else ran on the host meanwhile: the kernel events the agent had to look at (0 on an idle host).
    const eventsPerS = (Number((await a.health()).events) - eventsBefore) / seconds;
    await a.stop();
    // /proc/<pid>/stat counts in clock ticks (USER_HZ, 100 on Linux).
    const pct = (ticks / 100 / seconds) * 100;
    console.log(
      `\nagent idle for ${seconds.toFixed(0)} s: ${(ticks / 100).toFixed(2)} s CPU = ${pct.toFixed(2)}% of one core ` +
        `(the host's other processes meanwhile: ${eventsPerS.toFixed(0)} kernel events/s)`,
    );
    figures.push({
      what: `agent, idle host ${seconds.toFixed(0)} s (${eventsPerS.toFixed(0)} kernel events/s from other processes): CPU (% of one core)`,
      measured: `${pct.toFixed(2)}%`,
      goal: "≤ 1%",
      ok: pct <= 1,
      load: describeLoad(),
    });
  }
}

function fig(what: string, peak: number, complete: boolean): Figure {
  return {
    what,
    measured: `${mb(peak).toFixed(1)} MB${complete ? "" : " (incomplete run)"}`,
    goal: `≤ ${GOAL_MB} MB`,
    ok: complete && mb(peak) <= GOAL_MB,
    load: describeLoad(),
  };
}

/**
 * Growth of peak RSS per 10 000 processes between the two largest storms (the smallest one also holds the
 * collector's warm-up: V8 sizes its heap to the allocation rate over the first seconds), and from the smallest.
 */
function flatness(who: string, peaks: readonly number[], kind: "peak" | "median"): Figure {
  const per10k = (i: number, j: number) => {
    const span = (sizes[j] ?? 0) - (sizes[i] ?? 0);
    return span > 0 ? (((peaks[j] ?? 0) - (peaks[i] ?? 0)) / span) * 10_000 : 0;
  };
  const n = peaks.length;
  const top = per10k(n - 2, n - 1);
  const all = per10k(0, n - 1);
  console.log(
    `${who}: ${kind} RSS grows ${mb(top).toFixed(1)} MB per 10 000 processes from ${sizes[n - 2]} to ${sizes[n - 1]} ` +
      `(${mb(all).toFixed(1)} MB from ${sizes[0]})`,
  );
  return {
    what: `${who}, ${kind} RSS growth per 10k processes (${sizes[n - 2]} → ${sizes[n - 1]}; from ${sizes[0]}: ${mb(all).toFixed(1)} MB)`,
    measured: `${mb(top).toFixed(1)} MB`,
    goal: "flat (≤ 5 MB)",
    ok: mb(top) <= 5,
  };
}

function row(what: string, peak: number, processes: unknown, lost: unknown, wallMs: number, median?: number): void {
  console.log(
    `  ${what.padEnd(34)} ${fmtMb(peak).padStart(9)} ${String(processes).padStart(11)} ${String(lost).padStart(5)} ${(wallMs / 1000).toFixed(1).padStart(7)}${median !== undefined ? fmtMb(median).padStart(13) : ""}`,
  );
}

function checked(peak: number | undefined, code: number | null, stderr: string): number {
  if (code !== 0 || peak === undefined) throw new Error(`pipespan run failed (code ${code}):\n${stderr}`);
  return peak;
}

function drops(h: Record<string, unknown>): number {
  return Object.entries((h.drops as Record<string, number>) ?? {})
    .filter(([reason]) => reason !== "env_unreadable")
    .reduce((a, [, v]) => a + v, 0);
}

interface Agent {
  readonly pid: number;
  /** Its /healthz report. */
  health(): Promise<Record<string, unknown>>;
  /** Waits until the agent has recorded at least `n` processes and holds none of them; returns /healthz. */
  settle(n: number): Promise<Record<string, unknown>>;
  /** SIGTERM; resolves with its peak RSS once it exited. */
  stop(): Promise<number>;
}

async function startAgent(name: string): Promise<Agent> {
  const rusage = join(out, `rusage-agent-${name}`);
  const child: ChildProcess = spawn(
    process.execPath,
    [PIPESPAN_BIN, "agent", "--out", join(out, `agent-${name}`), "--health", "127.0.0.1:0", "--no-listen"],
    {
      cwd: REPO_ROOT,
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...process.env,
        NO_COLOR: "1",
        NODE_OPTIONS: `--import ${join(BENCH_DIR, "lib/maxrss-hook.mjs")}`,
        PIPESPAN_BENCH_RUSAGE: rusage,
      },
    },
  );
  let err = "";
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const closed = new Promise<void>((r) => child.once("close", () => r()));
  const deadline = Date.now() + 30_000;
  while (!/health on (http:\/\/[\d.:]+)/.test(err) && Date.now() < deadline) await sleep(100);
  const url = /health on (http:\/\/[\d.:]+)/.exec(err)?.[1];
  if (!url) {
    child.kill("SIGKILL");
    throw new Error(`the agent did not start:\n${err}`);
  }
  const pid = child.pid as number;
  const health = async () => (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;
  return {
    pid,
    health,
    async settle(n) {
      const until = Date.now() + 120_000;
      // At least n recorded, and no more coming (the same count a second apart).
      let h = await health();
      let last = -1;
      while (Date.now() < until && (Number(h.processesRecorded) < n || Number(h.processesRecorded) !== last)) {
        last = Number(h.processesRecorded);
        await sleep(1000);
        h = await health();
      }
      return h;
    },
    async stop() {
      child.kill("SIGTERM");
      await closed;
      const file = `${rusage}.${pid}`;
      if (!existsSync(file)) throw new Error(`the agent left no peak RSS figure:\n${err}`);
      return JSON.parse(readFileSync(file, "utf8")).maxRssBytes as number;
    },
  };
}

function runCommand(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    c.stderr?.on("data", (d) => {
      err += d;
    });
    c.once("error", reject);
    c.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}:\n${err}`))));
  });
}

/** Samples a process's resident set every 200 ms until stopped; returns the median (bytes). */
function sampleRss(pid: number): () => number {
  const xs: number[] = [];
  const timer = setInterval(() => {
    try {
      const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) xs.push(Number(m[1]) * 1024);
    } catch {
      /* gone */
    }
  }, 200);
  return () => {
    clearInterval(timer);
    return spread(xs).median;
  };
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}
