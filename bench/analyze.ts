// Analyzer throughput on a 1M-span run: `npm run bench:analyze` (or `node bench/analyze.ts [spans]` after
// `npm run build`). ROUNDS=3 end-to-end rounds; ANALYZE_DIR=<folder> keeps (and reuses) the synthetic run folder.
//
// The run folder (bench/synthetic-run.ts) is shaped like `pipespan run`'s: run span → task spans → process spans
// with the eBPF source's measurement attributes, 512 spans per OTLP/JSON line, about 1.1 kB per span. Measured:
//   end to end    `pipespan analyze <run folder> --json` as its own process (read, model, rules, cost, the report,
//                 the finding spans): wall seconds, spans/s and the process's peak RSS, min/median/max over ROUNDS
//   phases        in this process, once each: JSON.parse of every line (the floor of a JSON.parse-based reader),
//                 the lean reader alone in one thread, reading (reader threads, as `pipespan analyze` does) +
//                 model + rules + cost, with the CPU time of this thread and of the whole process, the same
//                 through the exact reader (EXACT=0 skips it), the engine on spans already in memory (ENGINE=0
//                 skips it)
// Goal (issue 14): 1M spans end to end in ≤ 5 s on this machine's 2 cores, ≤ 1 GB RSS. Writes
// bench/.results/analyze.json for `npm run bench`. Not a test: it asserts nothing.
import { spawn } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { analyzeRun, buildRunModel, loadRun, readOtlpJsonTraces } from "@pipespan/findings";
import { FINDINGS_TRACES_FILE } from "@pipespan/semconv";
import { BENCH_DIR, PIPESPAN_BIN, REPO_ROOT } from "./lib/helpers.ts";
import { describeLoad, describeMachine } from "./lib/machine.ts";
import { saveResult } from "./lib/results.ts";
import { fmtCompact, fmtSpread, spread } from "./lib/stats.ts";
import { writeSyntheticRun } from "./synthetic-run.ts";

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.env["ROUNDS"] ?? 3);
const GOAL_S = 5;
const GOAL_RSS_MB = 1024;

const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const rate = (n: number, ms: number) => `${f0(n / (ms / 1000))} spans/s`;

/** The run folder: reused from ANALYZE_DIR when it holds a run of the same size, else written. */
async function runFolder(): Promise<{ dir: string; spans: number; keep: boolean }> {
  const keepDir = process.env["ANALYZE_DIR"];
  const dir = keepDir ?? mkdtempSync(join(process.env["PIPESPAN_TEST_SCRATCH"] ?? tmpdir(), "pipespan-bench-"));
  const marker = join(dir, "bench-spans");
  if (keepDir && existsSync(marker) && Number(readFileSync(marker, "utf8")) > 0) {
    const spans = Number(readFileSync(marker, "utf8"));
    if (Math.abs(spans - TOTAL) < 100) return { dir, spans, keep: true };
  }
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, FINDINGS_TRACES_FILE), { force: true });
  const t = performance.now();
  const spans = await writeSyntheticRun(dir, TOTAL);
  writeFileSync(marker, String(spans));
  console.log(`wrote the synthetic run in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { dir, spans, keep: keepDir !== undefined };
}

interface E2E {
  ms: number;
  rssMb: number;
  code: number | null;
}

/** `pipespan analyze <dir> --json` as a child process: wall time, and its peak RSS from the rusage hook. */
function analyzeOnce(dir: string, i: number): Promise<E2E> {
  const rusage = join(dir, `rusage-${i}`);
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [PIPESPAN_BIN, "analyze", dir, "--json"], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NO_COLOR: "1",
        NODE_OPTIONS: `--import ${join(BENCH_DIR, "lib/maxrss-hook.mjs")}`,
        PIPESPAN_BENCH_RUSAGE: rusage,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - t;
      const file = `${rusage}.${child.pid}`;
      const self = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
      rmSync(file, { force: true });
      if (code !== 0) console.log(`  pipespan analyze exited ${code}: ${stderr.trim()}`);
      resolve({ ms, rssMb: self ? self.maxRssBytes / 2 ** 20 : Number.NaN, code });
    });
  });
}

const { dir, spans: n, keep } = await runFolder();
try {
  const mb = statSync(join(dir, "traces.jsonl")).size / 1e6;
  console.log(`analyzer benchmark: ${describeMachine()}`);
  console.log(`synthetic run: ${f0(n)} spans, ${mb.toFixed(0)} MB of OTLP/JSON in ${dir}`);

  // End to end: the real command, ROUNDS times.
  const rounds: E2E[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const r = await analyzeOnce(dir, i);
    rounds.push(r);
    console.log(
      `  round ${i}: ${(r.ms / 1000).toFixed(2)} s — ${rate(n, r.ms)}, peak RSS ${f0(r.rssMb)} MB (${describeLoad()})`,
    );
  }
  const secs = spread(rounds.map((r) => r.ms / 1000));
  const rates = spread(rounds.map((r) => n / (r.ms / 1000)));
  const rss = spread(rounds.map((r) => r.rssMb));
  console.log(`end to end (\`pipespan analyze --json\`): ${fmtSpread(secs, 2, " s")}`);
  console.log(`  spans/s ${fmtSpread(rates, 0)}; peak RSS ${fmtSpread(rss, 0, " MB")}`);

  // Phases, in this process.
  let t = performance.now();
  for await (const line of createInterface({ input: createReadStream(join(dir, "traces.jsonl")) })) {
    if (line) JSON.parse(line);
  }
  const decode = performance.now() - t;
  console.log(`phase: JSON.parse of every line alone: ${(decode / 1000).toFixed(2)} s — ${rate(n, decode)}`);
  t = performance.now();
  await readOtlpJsonTraces(dir, { skipFiles: [FINDINGS_TRACES_FILE], onSpans: () => undefined });
  const lean = performance.now() - t;
  console.log(`phase: the lean reader alone (spans made, not kept): ${(lean / 1000).toFixed(2)} s — ${rate(n, lean)}`);
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const main0 = process.threadCpuUsage();
  const loaded = await loadRun(dir);
  const load = performance.now() - t;
  const cpuLoad = process.cpuUsage(cpu0);
  const mainLoad = process.threadCpuUsage(main0);
  const report = analyzeRun(loaded.model);
  const all = performance.now() - t;
  const mainAll = process.threadCpuUsage(main0);
  const cpuS = (c: NodeJS.CpuUsage) => ((c.user + c.system) / 1e6).toFixed(2);
  console.log(
    `phase: read + model (reader threads): ${(load / 1000).toFixed(2)} s; + rules + cost: ${(all / 1000).toFixed(2)} s — ${rate(n, all)} ` +
      `[${f0(report.findings.length)} findings, ${f0(loaded.model.tasks.length)} tasks]`,
  );
  console.log(
    `  CPU: read + model ${cpuS(cpuLoad)} s in all threads (${cpuS(mainLoad)} s in this one); rules + cost ` +
      `${((mainAll.user + mainAll.system - mainLoad.user - mainLoad.system) / 1e6).toFixed(2)} s`,
  );
  if (process.env["EXACT"] !== "0") {
    // The same, through the exact reader (JSON.parse, fast check, zod): the reader before the lean one.
    t = performance.now();
    const exact = await loadRun(dir, { exact: true });
    analyzeRun(exact.model);
    const ex = performance.now() - t;
    console.log(
      `phase: the same through the exact reader: ${(ex / 1000).toFixed(2)} s — ${rate(n, ex)} ` +
        `(lean ${(ex / all).toFixed(2)}× faster)`,
    );
  }
  if (process.env["ENGINE"] !== "0") {
    const { spans } = await readOtlpJsonTraces(dir, { skipFiles: [FINDINGS_TRACES_FILE] });
    t = performance.now();
    const model = buildRunModel(spans);
    const tm = performance.now() - t;
    analyzeRun(model);
    const te = performance.now() - t;
    console.log(
      `phase: engine only (spans in memory): model ${(tm / 1000).toFixed(2)} s, + rules + cost ${(te / 1000).toFixed(2)} s — ${rate(n, te)}`,
    );
  }
  const full = n >= 999_000; // the goal is about 1M spans
  const met = full && secs.median <= GOAL_S && rss.max <= GOAL_RSS_MB;
  console.log(
    `goal: 1M spans end to end in ≤ ${GOAL_S} s and ≤ ${GOAL_RSS_MB} MB: median ${secs.median.toFixed(2)} s, ` +
      `largest peak ${f0(rss.max)} MB — ${full ? (met ? "met" : "not met") : `not judged on ${f0(n)} spans`}`,
  );
  saveResult("analyze", "npm run bench:analyze", [
    {
      what: `analyze: ${f0(n)} spans end to end (pipespan analyze --json), seconds`,
      measured: fmtCompact(secs, 2),
      goal: `≤ ${GOAL_S}`,
      ok: full && secs.median <= GOAL_S,
      load: describeLoad(),
    },
    { what: "analyze: end to end, spans/s", measured: fmtCompact(rates, 0) },
    {
      what: "analyze: peak RSS of pipespan analyze, MB",
      measured: fmtCompact(rss, 0),
      goal: `≤ ${GOAL_RSS_MB}`,
      ok: full && rss.max <= GOAL_RSS_MB,
    },
  ]);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
