// Overhead of the kernel source on a context-switch storm, against a peer, in one run.
//
// The storm is bench/pingpong.py: two processes bounce one byte over a pair of pipes (each bounce is a sleep and a
// wake-up on each side, 2 context switches), and the workload times itself, so no tool's start-up is counted. Each
// round runs it three ways, in an order that rotates from round to round (so a drift of the machine's load does
// not favour one of them):
//   alone      the storm by itself
//   pipespan   under `pipespan run --source ebpf` (the storm is the traced run)
//   bpftrace   with bpftrace doing sched_switch accounting host-wide (bench/sched-switch.bt) — the peer
// The ratio of each round is that round's time over that round's time alone; min/median/max over the rounds are
// printed. Pinned: both processes on CPU 0 (`taskset -c 0`), which is what makes the figure stable enough to compare
// on a shared VM. Unpinned, the same storm swings several-fold from run to run: printed too, for what it is.
//
// Beside the wall-clock ratios, which a shared machine's load blurs, each round reads the kernel's own accounting of
// the BPF programs (kernel.bpf_stats_enabled, switched on for the run and restored after): nanoseconds per
// sched_switch run of pipespan's program and of bpftrace's, from the programs each process holds. That figure does
// not depend on what else the machine does.
//
// Run (as root, after `npm run build`): node bench/overhead.ts [pinned rounds=9] [bounces=100000] [unpinned rounds=5]
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DIR } from "./lib/helpers.ts";
import { describeLoad, describeMachine, load1 } from "./lib/machine.ts";
import { pipespanRun } from "./lib/pipespan.ts";
import { type Figure, saveResult } from "./lib/results.ts";
import { fmtCompact, fmtSpread, type Spread, sleep, spread } from "./lib/stats.ts";

const pinnedRounds = Number(process.argv[2] ?? 9);
const bounces = Number(process.argv[3] ?? 100_000);
const unpinnedRounds = Number(process.argv[4] ?? 5);
const out = mkdtempSync(join(tmpdir(), "pipespan-bench-overhead-"));

type Way = "alone" | "pipespan" | "bpftrace";
const WAYS: readonly Way[] = ["alone", "pipespan", "bpftrace"];

function storm(pinned: boolean): string[] {
  const py = ["python3", join(BENCH_DIR, "pingpong.py"), String(bounces)];
  return pinned ? ["taskset", "-c", "0", ...py] : py;
}

function elapsed(stdout: string): number {
  const m = /elapsed ([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`the storm printed no time: ${stdout}`);
  return Number(m[1]);
}

function alone(pinned: boolean): number {
  const [cmd, ...args] = storm(pinned);
  const r = spawnSync(cmd!, args, { encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`the storm failed (${r.status ?? r.signal}): ${r.stderr}`);
  return elapsed(r.stdout);
}

const STATS_SYSCTL = "/proc/sys/kernel/bpf_stats_enabled";
const statsBefore = readFileSync(STATS_SYSCTL, "utf8").trim();
writeFileSync(STATS_SYSCTL, "1");
process.on("exit", () => writeFileSync(STATS_SYSCTL, statsBefore));
const PROG_STATS = join(BENCH_DIR, "lib/prog-stats.sh");

/** ns per run of the process's sched_switch program (bpftool prog show of the programs it holds). */
function switchNsPerRun(progStatsOutput: string): number {
  for (const line of progStatsOutput.split("\n")) {
    if (!line.trim()) continue;
    const p = JSON.parse(line) as { name?: string; run_cnt?: number; run_time_ns?: number };
    if (p.name?.includes("sched_switch") && p.run_cnt) return (p.run_time_ns ?? 0) / p.run_cnt;
  }
  return Number.NaN;
}

const nsPerSwitch = { pipespan: [] as number[], bpftrace: [] as number[] };

let runs = 0;
async function underPipespan(pinned: boolean): Promise<number> {
  const file = join(out, `progs-${runs}.jsonl`);
  // The programs are read from inside the run, after the storm, while pipespan still holds them.
  // A second's pause first, as with bpftrace below: the storm measures the steady state, not a start-up.
  const command = ["sh", "-c", `sleep 1 && ${storm(pinned).join(" ")} && bash ${PROG_STATS} $$ > ${file}`];
  const r = await pipespanRun({ out, runId: `r${runs++}`, command });
  if (r.code !== 0) throw new Error(`pipespan run failed (${r.code}): ${r.stderr}`);
  rmSync(r.runDir, { recursive: true, force: true });
  nsPerSwitch.pipespan.push(switchNsPerRun(readFileSync(file, "utf8")));
  return elapsed(r.stdout);
}

/** Starts bpftrace and resolves once its probes are attached. */
function startBpftrace(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const bt = spawn("bpftrace", [join(BENCH_DIR, "sched-switch.bt")], { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    const onData = (d: Buffer) => {
      text += d;
      if (/Attaching \d+ probe/.test(text)) resolve(bt);
    };
    bt.stdout.on("data", onData);
    bt.stderr.on("data", onData);
    bt.on("error", reject);
    bt.on("exit", (code) => reject(new Error(`bpftrace exited (${code}) before attaching: ${text}`)));
    setTimeout(() => {
      bt.kill("SIGKILL");
      reject(new Error(`bpftrace did not say it attached within 60 s: ${text}`));
    }, 60_000).unref();
  });
}

async function underBpftrace(pinned: boolean): Promise<number> {
  const bt = await startBpftrace();
  await sleep(1000); // attaching is announced just before the programs are live; then the same pause as pipespan's
  try {
    const t = alone(pinned);
    const stats = spawnSync("bash", [PROG_STATS, String(bt.pid)], { encoding: "utf8" });
    nsPerSwitch.bpftrace.push(switchNsPerRun(stats.stdout));
    return t;
  } finally {
    const done = new Promise((r) => bt.once("exit", r));
    bt.kill("SIGINT");
    const killer = setTimeout(() => bt.kill("SIGKILL"), 30_000);
    await done;
    clearTimeout(killer);
  }
}

async function once(way: Way, pinned: boolean): Promise<number> {
  if (way === "alone") return alone(pinned);
  if (way === "pipespan") return underPipespan(pinned);
  return underBpftrace(pinned);
}

interface Series {
  readonly times: Record<Way, number[]>;
  readonly ratios: { pipespan: number[]; bpftrace: number[] };
  readonly loads: number[];
}

async function measure(pinned: boolean, rounds: number): Promise<Series> {
  const s: Series = {
    times: { alone: [], pipespan: [], bpftrace: [] },
    ratios: { pipespan: [], bpftrace: [] },
    loads: [],
  };
  alone(pinned); // warm caches
  for (let i = 0; i < rounds; i++) {
    const order = WAYS.map((_, k) => WAYS[(k + i) % WAYS.length]!);
    const t: Partial<Record<Way, number>> = {};
    for (const way of order) t[way] = await once(way, pinned);
    for (const way of WAYS) s.times[way].push(t[way]!);
    s.ratios.pipespan.push(t.pipespan! / t.alone!);
    s.ratios.bpftrace.push(t.bpftrace! / t.alone!);
    s.loads.push(load1());
    console.log(
      `  ${pinned ? "pinned" : "unpinned"} round ${i + 1}/${rounds} [${order.join(", ")}]: alone ${t.alone!.toFixed(3)} s, ` +
        `pipespan ${t.pipespan!.toFixed(3)} s (${(t.pipespan! / t.alone!).toFixed(3)}×), bpftrace ${t.bpftrace!.toFixed(3)} s ` +
        `(${(t.bpftrace! / t.alone!).toFixed(3)}×), load ${load1().toFixed(2)}`,
    );
  }
  return s;
}

function report(label: string, s: Series): { pipespan: Spread; bpftrace: Spread } {
  const p = spread(s.ratios.pipespan);
  const b = spread(s.ratios.bpftrace);
  console.log(`${label}:`);
  for (const way of WAYS) console.log(`  ${way.padEnd(9)} s: ${fmtSpread(spread(s.times[way]))}`);
  console.log(`  pipespan / alone: ${fmtSpread(p)}`);
  console.log(`  bpftrace / alone: ${fmtSpread(b)}`);
  console.log(`  load average (1 min) over the rounds: ${fmtSpread(spread(s.loads), 2)}`);
  return { pipespan: p, bpftrace: b };
}

console.log(`machine: ${describeMachine()}; ${describeLoad()}`);
console.log(`storm: ${bounces} pipe round trips (${2 * bounces} context switches) per run`);
const pinned = await measure(true, pinnedRounds);
const unpinned = unpinnedRounds > 0 ? await measure(false, unpinnedRounds) : undefined;
rmSync(out, { recursive: true, force: true });

const p = report(`pinned (taskset -c 0), ${pinnedRounds} rounds`, pinned);
const u = unpinned ? report(`unpinned, ${unpinnedRounds} rounds`, unpinned) : undefined;
const ok = p.pipespan.median <= 1.05 && p.pipespan.median < p.bpftrace.median;
console.log(
  `goal: pinned median ≤ 1.05 and below bpftrace's: ${p.pipespan.median.toFixed(3)} vs bpftrace ${p.bpftrace.median.toFixed(3)} — ${ok ? "MET" : "NOT MET"}`,
);
const nsP = spread(nsPerSwitch.pipespan.filter(Number.isFinite));
const nsB = spread(nsPerSwitch.bpftrace.filter(Number.isFinite));
console.log(`ns per sched_switch run (kernel.bpf_stats_enabled), all rounds: pipespan ${fmtSpread(nsP, 0)}`);
console.log(`ns per sched_switch run (kernel.bpf_stats_enabled), all rounds: bpftrace ${fmtSpread(nsB, 0)}`);
const loads = spread(pinned.loads);
const figures: Figure[] = [
  {
    what: `context-switch storm, pinned (taskset -c 0), ${pinnedRounds} rounds: pipespan / alone`,
    measured: fmtCompact(p.pipespan),
    goal: "≤ 1.05, below bpftrace",
    peer: `bpftrace ${fmtCompact(p.bpftrace)}`,
    ok,
    load: `${loads.min.toFixed(1)}–${loads.max.toFixed(1)}`,
  },
];
if (u && unpinned) {
  const ul = spread(unpinned.loads);
  figures.push({
    what: `context-switch storm, unpinned, ${unpinnedRounds} rounds: pipespan / alone`,
    measured: fmtCompact(u.pipespan),
    peer: `bpftrace ${fmtCompact(u.bpftrace)}`,
    load: `${ul.min.toFixed(1)}–${ul.max.toFixed(1)}`,
  });
}
figures.push({
  what: "sched_switch program cost, ns per run (kernel.bpf_stats_enabled), every round",
  measured: fmtCompact(nsP, 0),
  peer: `bpftrace ${fmtCompact(nsB, 0)}`,
  ok: nsP.median < nsB.median,
});
saveResult("overhead", `node bench/overhead.ts ${pinnedRounds} ${bounces} ${unpinnedRounds}`, figures);
