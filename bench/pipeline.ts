// A real multi-step pipeline of real tools (pigz, zstd, samtools sort, fastp, pigz -d: CPU-bound, 2 threads each),
// alone and under `pipespan run --source ebpf`, alternating in one run. Prints:
//   - wall overhead: the pipeline's own elapsed time (measured by the script, so no tool start-up is counted) under
//     pipespan over alone, per round and min/median/max (goal ≤ 1.01);
//   - CPU cost, which a busy machine blurs far less than wall time: the tools' own CPU (getrusage, summed) under
//     pipespan over alone, and pipespan's own CPU (its getrusage at exit) as a share of the tools' CPU;
//   - CPU agreement: each tool's process span (pipespan.cpu.time) against the tool's own getrusage() as its parent
//     saw it at wait4() (bench/native/rusage-exec.c), per tool, the largest deviation over the rounds (goal ≤ 2%).
//
// Run (as root, after `npm run build`): node bench/pipeline.ts [rounds=3] [fastq MiB=32] [sam MiB=64]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ATTR_PIPESPAN_CPU_TIME, ATTR_PROCESS_PID } from "@pipespan/semconv";
import { MiB, prepareInput, requireTool } from "../test/support/tools.ts";
import { helper } from "./lib/helpers.ts";
import { describeLoad, describeMachine, load1 } from "./lib/machine.ts";
import { pipespanRun, readSpans } from "./lib/pipespan.ts";
import { type Figure, saveResult } from "./lib/results.ts";
import { fmtCompact, fmtSpread, spread } from "./lib/stats.ts";

const rounds = Number(process.argv[2] ?? 3);
const fastqMiB = Number(process.argv[3] ?? 32);
const samMiB = Number(process.argv[4] ?? 64);
const rusage = helper("rusage-exec");
for (const t of ["pigz", "zstd", "samtools-sort", "fastp"] as const) requireTool(t);

const dir = mkdtempSync(join(tmpdir(), "pipespan-bench-pipeline-"));
const fq = prepareInput("fastp", fastqMiB * MiB, dir);
const bam = prepareInput("samtools-sort", samMiB * MiB, dir);

/** The pipeline; each tool under rusage-exec (which logs its pid and getrusage), the script timing itself. */
function script(work: string, log: string): string {
  const r = (cmd: string) => `${rusage} ${log} ${cmd}`;
  return `
    set -e
    t0=$(date +%s%N)
    ${r(`pigz -p 2 -6 -c ${fq}`)} > ${work}/out.gz
    ${r(`zstd -q -f -T2 -11 ${fq} -o ${work}/out.zst`)}
    ${r(`samtools sort -@ 2 -m 32M -T ${work}/sort-tmp -o ${work}/sorted.bam ${bam}`)}
    ${r(`fastp -w 2 -i ${fq} -o ${work}/trimmed.fq.gz -z 6 -j ${work}/fastp.json -h ${work}/fastp.html`)} 2>/dev/null
    ${r(`pigz -d -c ${work}/out.gz`)} > /dev/null
    t1=$(date +%s%N)
    echo "elapsed $(( (t1 - t0) / 1000 ))"
  `;
}

/** The steps in the order the script runs them (and rusage-exec logs them). */
const STEPS = ["pigz", "zstd", "samtools sort", "fastp", "pigz -d"];

function elapsedSeconds(stdout: string): number {
  const m = /elapsed (\d+)/.exec(stdout);
  if (!m) throw new Error(`the pipeline printed no time: ${stdout.slice(-500)}`);
  return Number(m[1]) / 1e6;
}

interface ToolUsage {
  readonly pid: number;
  readonly cpuSeconds: number;
  readonly name: string;
}

function readRusage(log: string): ToolUsage[] {
  return readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const [pid, utime, stime, , , , name] = l.split(" ");
      return { pid: Number(pid), cpuSeconds: (Number(utime) + Number(stime)) / 1e6, name: name ?? "?" };
    });
}

let n = 0;
function work(): { work: string; log: string } {
  const w = join(dir, `w${n++}`);
  spawnSync("mkdir", ["-p", w]);
  const log = join(w, "rusage.log");
  writeFileSync(log, "");
  return { work: w, log };
}

/** Per round: the tools' CPU seconds (getrusage, summed) alone and under pipespan, and pipespan's own. */
const toolCpu = { alone: [] as number[], pipespan: [] as number[] };
const selfCpu: number[] = [];
const sumCpu = (log: string) => readRusage(log).reduce((a, u) => a + u.cpuSeconds, 0);

function alone(): number {
  const { work: w, log } = work();
  const r = spawnSync("bash", ["-c", script(w, log)], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`the pipeline failed (${r.status ?? r.signal}): ${r.stderr}`);
  toolCpu.alone.push(sumCpu(log));
  rmSync(w, { recursive: true, force: true });
  return elapsedSeconds(r.stdout);
}

/** Per tool: |span CPU − getrusage CPU| / getrusage CPU. */
const deviations = new Map<string, number[]>();
const cpuLines: string[] = [];

async function underPipespan(): Promise<number> {
  const { work: w, log } = work();
  const id = `p${n}`;
  const r = await pipespanRun({ out: dir, runId: id, command: ["bash", "-c", script(w, log)] });
  if (r.code !== 0) throw new Error(`pipespan run failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const spans = readSpans(r.runDir);
  toolCpu.pipespan.push(sumCpu(log));
  if (r.self) selfCpu.push((r.self.userUs + r.self.systemUs) / 1e6);
  for (const [i, u] of readRusage(log).entries()) {
    const span = spans.find((s) => Number(s.attributes[ATTR_PROCESS_PID]) === u.pid);
    const cpu = Number(span?.attributes[ATTR_PIPESPAN_CPU_TIME] ?? Number.NaN);
    const dev = Math.abs(cpu - u.cpuSeconds) / u.cpuSeconds;
    const key = STEPS[i] ?? u.name;
    const list = deviations.get(key) ?? [];
    list.push(dev);
    deviations.set(key, list);
    cpuLines.push(
      `    ${key}: span ${cpu.toFixed(3)} s, getrusage ${u.cpuSeconds.toFixed(3)} s (${(dev * 100).toFixed(2)}%)`,
    );
  }
  rmSync(r.runDir, { recursive: true, force: true });
  rmSync(w, { recursive: true, force: true });
  return elapsedSeconds(r.stdout);
}

console.log(`machine: ${describeMachine()}; ${describeLoad()}`);
console.log(
  `pipeline: pigz, zstd -11, samtools sort, fastp, pigz -d (2 threads each); FASTQ ${fastqMiB} MiB, SAM ${samMiB} MiB`,
);
alone(); // warm: inputs in the page cache, binaries loaded
toolCpu.alone.length = 0;

const ratios: number[] = [];
const loads: number[] = [];
for (let i = 0; i < rounds; i++) {
  const order = i % 2 === 0 ? (["alone", "pipespan"] as const) : (["pipespan", "alone"] as const);
  const t: Partial<Record<"alone" | "pipespan", number>> = {};
  const firstLine = cpuLines.length;
  for (const way of order) t[way] = way === "alone" ? alone() : await underPipespan();
  ratios.push(t.pipespan! / t.alone!);
  loads.push(load1());
  console.log(
    `  round ${i + 1}/${rounds} [${order.join(", ")}]: alone ${t.alone!.toFixed(2)} s, pipespan ${t.pipespan!.toFixed(2)} s ` +
      `(${(t.pipespan! / t.alone!).toFixed(3)}×), load ${load1().toFixed(2)}`,
  );
  for (const l of cpuLines.slice(firstLine)) console.log(l);
}
rmSync(dir, { recursive: true, force: true });

const r = spread(ratios);
const cpuRatio = spread(toolCpu.pipespan.map((c, i) => c / (toolCpu.alone[i] ?? Number.NaN)));
const selfShare = spread(selfCpu.map((c, i) => c / (toolCpu.pipespan[i] ?? Number.NaN)));
let worst = 0;
const perTool: string[] = [];
for (const [tool, devs] of deviations) {
  const m = Math.max(...devs);
  worst = Math.max(worst, m);
  perTool.push(`${tool} ${(m * 100).toFixed(2)}%`);
}
console.log(`wall, pipespan / alone: ${fmtSpread(r)}`);
console.log(`tools' CPU (getrusage), under pipespan / alone: ${fmtSpread(cpuRatio)}`);
console.log(`pipespan's own CPU / the tools' CPU: ${fmtSpread(selfShare)}`);
console.log(`CPU time, span vs getrusage, largest deviation per tool: ${perTool.join(", ")}`);
const wallOk = r.median <= 1.01;
const cpuOk = worst <= 0.02;
console.log(
  `goal: wall ≤ 1.01× (${wallOk ? "MET" : "NOT MET"}); CPU within 2% of getrusage (${cpuOk ? "MET" : "NOT MET"})`,
);
const ld = spread(loads);
const figures: Figure[] = [
  {
    what: `real pipeline (pigz, zstd, samtools sort, fastp, pigz -d), ${rounds} rounds: wall under pipespan / alone`,
    measured: fmtCompact(r),
    goal: "≤ 1.01",
    ok: wallOk,
    load: `${ld.min.toFixed(1)}–${ld.max.toFixed(1)}`,
  },
  {
    what: "real pipeline: the tools' own CPU (getrusage) under pipespan / alone; pipespan's own CPU / the tools'",
    measured: `${fmtCompact(cpuRatio)}; ${fmtCompact(selfShare)}`,
  },
  {
    what: "real pipeline: per-process CPU time (span) vs the tool's getrusage, largest deviation",
    measured: `${(worst * 100).toFixed(2)}% (${perTool.join(", ")})`,
    goal: "≤ 2%",
    ok: cpuOk,
  },
];
saveResult("pipeline", `node bench/pipeline.ts ${rounds} ${fastqMiB} ${samMiB}`, figures);
