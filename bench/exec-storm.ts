// The exec storm: bench/native/spawn-storm (posix_spawn of /bin/true, every 8th /bin/false, J in flight) sustained
// for S seconds, alone and under `pipespan run --source ebpf`, alternating in one run. Prints per round and as
// min/median/max: the spawn rate under pipespan over the rate alone (goal ≥ 0.9), and checks the trace against the
// spawner's own log process by process — every process a span with its exec'd name ("true"/"false") and its exact
// exit code (pids are reused on a 32k pid space: matched per pid in order). Every kernel-side drop and health
// counter (the run's own pp_stats map, read from inside the run) is printed, with the run's lost-event count.
// Then paced storms of a few seconds at rising rates: the highest rate with 0 lost and every process right.
//
// Run (as root, after `npm run build`): node bench/exec-storm.ts [seconds=60] [rounds=3] [in-flight=4] [ladder seconds=8]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ATTR_PIPESPAN_SOURCE_LOST_EVENTS,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_EXIT_CODE,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { BENCH_DIR, helper } from "./lib/helpers.ts";
import { describeLoad, describeMachine, load1 } from "./lib/machine.ts";
import { pipespanRun, readRunJson, readSpans } from "./lib/pipespan.ts";
import { type Figure, saveResult } from "./lib/results.ts";
import { fmtCompact, fmtSpread, spread } from "./lib/stats.ts";

const seconds = Number(process.argv[2] ?? 60);
const rounds = Number(process.argv[3] ?? 3);
const inFlight = Number(process.argv[4] ?? 4);
const ladderSeconds = Number(process.argv[5] ?? 8);
const storm = helper("spawn-storm");
const out = mkdtempSync(join(tmpdir(), "pipespan-bench-exec-"));

/** pp_stats slots (native/bpf/pipespan.h enum pp_stat), in order. */
const STAT_NAMES = [
  "ringBufferDrops",
  "countersMapFull",
  "trackedMapFull",
  "threadMapFull",
  "argsUnreadable",
  "blockHistogramsFull",
  "switchInUnseen",
  "envTruncated",
  "envUnreadable",
];
/** Of those, the ones that mean something was lost (switchInUnseen and envTruncated are health, not loss). */
const LOSS = new Set([
  "ringBufferDrops",
  "countersMapFull",
  "trackedMapFull",
  "threadMapFull",
  "argsUnreadable",
  "envUnreadable",
]);

interface StormResult {
  readonly spawned: number;
  readonly reaped: number;
  readonly seconds: number;
  readonly rate: number;
  readonly failedSpawns: number;
}

function parseStorm(stdout: string): StormResult {
  const line = stdout.split("\n").find((l) => l.startsWith('{"spawned"'));
  if (!line) throw new Error(`spawn-storm printed no result: ${stdout.slice(-500)}`);
  return JSON.parse(line);
}

function stormArgs(log: string, secs: number, rate = 0): string[] {
  return [storm, "-s", String(secs), "-j", String(inFlight), "-l", log, ...(rate > 0 ? ["-r", String(rate)] : [])];
}

function alone(secs: number, rate = 0): StormResult {
  const log = join(out, "alone.log");
  const [cmd, ...args] = stormArgs(log, secs, rate);
  const r = spawnSync(cmd!, args, { encoding: "utf8", timeout: (secs + 120) * 1000 });
  if (r.status !== 0) throw new Error(`spawn-storm failed (${r.status ?? r.signal}): ${r.stderr}`);
  return parseStorm(r.stdout);
}

interface Checked {
  readonly storm: StormResult;
  readonly processes: number;
  readonly spans: number;
  readonly right: number;
  readonly wrongName: number;
  readonly wrongCode: number;
  readonly missing: number;
  readonly lostEvents: number;
  readonly kernel: Record<string, number>;
  /** Why the kernel counters could not be read (then nothing can be said of what the kernel lost). */
  readonly kernelUnread?: string;
  readonly kernelLost: number;
  readonly pipespanMaxRssMiB: number;
  /** pipespan's own CPU (user+sys, µs) per process of the storm: what it costs per process, whatever the load. */
  readonly pipespanCpuUsPerProcess: number;
  /** What run.json says of the run: processes recorded, drops and export problems by reason. */
  readonly runJson: string;
}

let runs = 0;
async function underPipespan(secs: number, rate = 0): Promise<Checked> {
  const id = `s${runs++}`;
  const log = join(out, `${id}.log`);
  const statsFile = join(out, `${id}.stats.json`);
  // Read from inside the run (the storm's -x runs it after the storm, while the traced root still lives).
  const after = `bash ${join(BENCH_DIR, "lib/kernel-stats.sh")} $PPID > ${statsFile}`;
  const r = await pipespanRun({ out, runId: id, command: [...stormArgs(log, secs, rate), "-x", after] });
  if (r.code !== 0) throw new Error(`pipespan run failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const result = parseStorm(r.stdout);

  // The spawner's truth: per pid, in order, the program and raw wait status.
  const truth = new Map<number, { name: string; code: number }[]>();
  let processes = 0;
  for (const line of readFileSync(log, "utf8").split("\n")) {
    const [pid, status, name] = line.split(" ");
    if (!pid || !name) continue;
    const list = truth.get(Number(pid)) ?? [];
    list.push({ name, code: (Number(status) >> 8) & 0xff });
    truth.set(Number(pid), list);
    processes++;
  }
  // The trace: process spans of the storm's children, per pid in start order.
  const traced = new Map<number, { name: string; code: number; start: bigint }[]>();
  let spans = 0;
  let lostEvents = 0;
  for (const s of readSpans(r.runDir)) {
    if (!s.parentSpanId) lostEvents = Number(s.attributes[ATTR_PIPESPAN_SOURCE_LOST_EVENTS] ?? 0);
    const pid = s.attributes[ATTR_PROCESS_PID];
    if (pid === undefined || !truth.has(Number(pid))) continue;
    const name = String(s.attributes[ATTR_PROCESS_EXECUTABLE_NAME] ?? "");
    if (name === "spawn-storm" || name === "bash" || name === "sh") continue;
    const list = traced.get(Number(pid)) ?? [];
    list.push({ name, code: Number(s.attributes[ATTR_PROCESS_EXIT_CODE] ?? -1), start: s.startNs });
    traced.set(Number(pid), list);
    spans++;
  }
  let right = 0;
  let wrongName = 0;
  let wrongCode = 0;
  let missing = 0;
  for (const [pid, want] of truth) {
    const got = (traced.get(pid) ?? []).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    want.forEach((w, i) => {
      const g = got[i];
      if (!g) missing++;
      else if (g.name !== w.name) wrongName++;
      else if (g.code !== w.code) wrongCode++;
      else right++;
    });
  }
  const kernel: Record<string, number> = {};
  let kernelUnread: string | undefined;
  try {
    const text = existsSync(statsFile) ? readFileSync(statsFile, "utf8") : "";
    // kernel-stats.sh retries and says why on stderr (in the run's stderr); an empty file is a failed read.
    if (text.trim() === "") throw new Error(`nothing was read (${lastLine(r.stderr) || "no message"})`);
    const dump = JSON.parse(text) as { key: unknown; values: { value: unknown }[] }[];
    for (const e of dump) {
      const key = Number(littleEndian(e.key));
      const sum = e.values.reduce((a, v) => a + Number(littleEndian(v.value)), 0);
      const name = STAT_NAMES[key];
      if (name) kernel[name] = sum;
      else if (sum !== 0) kernel[`slot${key}`] = sum; // a counter newer than this list: still printed
    }
  } catch (err) {
    // Said and counted as not clean, never the end of the bench.
    kernelUnread = `the kernel counters could not be read from inside the run: ${(err as Error).message}`;
  }
  const kernelLost =
    kernelUnread !== undefined
      ? Number.NaN
      : Object.entries(kernel)
          .filter(([k]) => LOSS.has(k))
          .reduce((a, [, v]) => a + v, 0);
  const rj = readRunJson(r.runDir);
  const runJson = JSON.stringify({ processes: rj.processes, drops: rj.drops, exportProblems: rj.exportProblems });
  rmSync(r.runDir, { recursive: true, force: true });
  return {
    runJson,
    storm: result,
    processes,
    spans,
    right,
    wrongName,
    wrongCode,
    missing,
    lostEvents,
    kernel,
    ...(kernelUnread !== undefined ? { kernelUnread } : {}),
    kernelLost,
    pipespanMaxRssMiB: (r.self?.maxRssBytes ?? 0) / 2 ** 20,
    pipespanCpuUsPerProcess: r.self ? (r.self.userUs + r.self.systemUs) / Math.max(1, processes) : Number.NaN,
  };
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "")
      .at(-1) ?? ""
  );
}

/** bpftool's JSON: a number, or (without BTF formatting) little-endian bytes as hex strings ["0x01", "0x00", …]. */
function littleEndian(v: unknown): bigint {
  if (typeof v === "number" || typeof v === "string") return BigInt(v);
  if (!Array.isArray(v)) return 0n;
  return v.reduceRight((acc: bigint, b) => (acc << 8n) | BigInt(Number(b)), 0n);
}

function describeChecked(c: Checked): string {
  const k =
    c.kernelUnread ??
    Object.entries(c.kernel)
      .map(([n, v]) => `${n} ${v}`)
      .join(", ");
  return (
    `${c.storm.reaped} processes at ${c.storm.rate.toFixed(0)}/s; spans right ${c.right}/${c.processes} ` +
    `(wrong name ${c.wrongName}, wrong exit code ${c.wrongCode}, missing ${c.missing}); lost events ${c.lostEvents}; ` +
    `kernel: ${k}; pipespan peak RSS ${c.pipespanMaxRssMiB.toFixed(0)} MiB, CPU ${c.pipespanCpuUsPerProcess.toFixed(0)} µs ` +
    `per process; run.json ${c.runJson}`
  );
}

console.log(`machine: ${describeMachine()}; ${describeLoad()}`);
console.log(`exec storm: posix_spawn of /bin/true (every 8th /bin/false), ${inFlight} in flight, ${seconds} s per run`);
alone(2); // warm

const ratios: number[] = [];
const aloneRates: number[] = [];
const underRates: number[] = [];
const loads: number[] = [];
const checks: Checked[] = [];
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? (["alone", "pipespan"] as const) : (["pipespan", "alone"] as const);
  let a: StormResult | undefined;
  let p: Checked | undefined;
  for (const way of order) {
    if (way === "alone") a = alone(seconds);
    else p = await underPipespan(seconds);
  }
  ratios.push(p!.storm.rate / a!.rate);
  aloneRates.push(a!.rate);
  underRates.push(p!.storm.rate);
  loads.push(load1());
  checks.push(p!);
  console.log(
    `  round ${i + 1}/${rounds} [${order.join(", ")}]: alone ${a!.rate.toFixed(0)}/s, under pipespan ` +
      `${p!.storm.rate.toFixed(0)}/s (${(p!.storm.rate / a!.rate).toFixed(3)}×), load ${load1().toFixed(2)}`,
  );
  console.log(`    ${describeChecked(p!)}`);
}

// The ladder: paced storms at rising rates, the last one unpaced (as fast as the machine goes under pipespan).
const ladder = [500, 1000, 1500, 2000, 2500, 0];
let best: { rate: number; asked: number } | undefined;
const ladderLines: string[] = [];
for (const asked of ladder) {
  let c: Checked;
  try {
    c = await underPipespan(ladderSeconds, asked);
  } catch (err) {
    const line = `  ${asked > 0 ? `paced ${asked}/s` : "unpaced"}: run failed (${(err as Error).message.split("\n")[0]})`;
    console.log(line);
    ladderLines.push(line);
    continue;
  }
  const clean = c.kernelLost === 0 && c.lostEvents === 0 && c.right === c.processes;
  const line = `  ${asked > 0 ? `paced ${asked}/s` : "unpaced"}: ${describeChecked(c)} — ${clean ? "0 lost, all right" : "NOT CLEAN"}`;
  console.log(line);
  ladderLines.push(line);
  if (clean && (!best || c.storm.rate > best.rate)) best = { rate: c.storm.rate, asked };
}
rmSync(out, { recursive: true, force: true });

const r = spread(ratios);
const all = checks.reduce(
  (t, c) => ({
    processes: t.processes + c.processes,
    right: t.right + c.right,
    lost: t.lost + c.lostEvents + (c.kernelUnread !== undefined ? 0 : c.kernelLost),
    unread: t.unread + (c.kernelUnread !== undefined ? 1 : 0),
  }),
  { processes: 0, right: 0, lost: 0, unread: 0 },
);
const cpu = spread(checks.map((c) => c.pipespanCpuUsPerProcess).filter((v) => Number.isFinite(v)));
console.log(`rate alone /s: ${fmtSpread(spread(aloneRates), 0)}`);
console.log(`rate under pipespan /s: ${fmtSpread(spread(underRates), 0)}`);
console.log(`under pipespan / alone: ${fmtSpread(r)}`);
console.log(
  `processes right (exec'd name and exact exit code): ${all.right} of ${all.processes}; lost ${all.lost}` +
    (all.unread > 0 ? ` (kernel counters not read in ${all.unread} run(s))` : ""),
);
console.log(`pipespan CPU (user+sys) per traced process, µs: ${fmtSpread(cpu, 0)}`);
console.log(`highest rate with 0 lost and every process right: ${best ? `${best.rate.toFixed(0)}/s` : "none"}`);
const ok = r.median >= 0.9 && all.right === all.processes && all.lost === 0 && all.unread === 0;
console.log(`goal: ≥ 0.9× the rate alone, 0 lost, every process right — ${ok ? "MET" : "NOT MET"}`);
const lastKernel = checks.at(-1)?.kernel ?? {};
const ld = spread(loads);
const figures: Figure[] = [
  {
    what: `exec storm, ${seconds} s sustained, ${inFlight} in flight, ${rounds} rounds: rate under pipespan / alone`,
    measured: `${fmtCompact(r)} (alone ${spread(aloneRates).median.toFixed(0)}/s, under ${spread(underRates).median.toFixed(0)}/s)`,
    goal: "≥ 0.9",
    ok: r.median >= 0.9,
    load: `${ld.min.toFixed(1)}–${ld.max.toFixed(1)}`,
  },
  {
    what: "exec storm: processes with their exec'd name and exact exit code / processes spawned; lost",
    measured:
      `${all.right} / ${all.processes}; lost ${all.lost}` +
      (all.unread > 0 ? ` (kernel counters not read in ${all.unread} run(s))` : ""),
    goal: "all; 0 lost",
    ok: all.right === all.processes && all.lost === 0 && all.unread === 0,
  },
  {
    what: "exec storm: pipespan's own CPU (user+sys) per traced process, µs (sustained runs)",
    measured: fmtCompact(cpu, 0),
  },
  {
    what: "exec storm: kernel drop and health counters (last sustained run)",
    measured:
      checks.at(-1)?.kernelUnread ??
      Object.entries(lastKernel)
        .map(([n, v]) => `${n} ${v}`)
        .join(", "),
  },
  {
    what: `exec storm: highest rate with 0 lost and every process right (${ladderSeconds} s paced runs)`,
    measured: best ? `${best.rate.toFixed(0)}/s (${best.asked > 0 ? `paced ${best.asked}/s` : "unpaced"})` : "none",
  },
];
saveResult("exec-storm", `node bench/exec-storm.ts ${seconds} ${rounds} ${inFlight} ${ladderSeconds}`, figures);
