// Soak of `pipespan agent`: many short processes of a task traced elsewhere (PIPESPAN_TASK_NAME + TRACEPARENT,
// as the SDK sets them), at a steady rate, for a long time. Prints the agent's RSS, the processes it holds and
// has recorded, events/s and drops every sample, then whether memory stayed flat: the mean RSS of the last
// quarter against the second (the first is warm-up), and the RSS growth per 10 000 processes.
//
//   node bench/soak.ts [--processes 100000] [--minutes 30] [--sample 30]     (the issue's soak: 30 min, 100 k)
//   node bench/soak.ts --processes 20000 --minutes 5 --sample 15             (a shorter one)
//
// Needs root (or CAP_BPF + CAP_PERFMON + CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH) like the agent itself.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "100000" },
    minutes: { type: "string", default: "30" },
    sample: { type: "string", default: "30" },
  },
});
const total = Number(values.processes);
const minutes = Number(values.minutes);
const sampleS = Number(values.sample);
if (!(total > 0 && minutes > 0 && sampleS > 0)) throw new Error("--processes, --minutes and --sample must be positive");

const out = mkdtempSync(join(tmpdir(), "pipespan-soak-"));
const agent: ChildProcess = spawn(
  process.execPath,
  [join(root, "packages/cli/bin/pipespan.js"), "agent", "--out", out, "--health", "127.0.0.1:0", "--no-listen"],
  { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
);
let err = "";
agent.stderr?.on("data", (d) => {
  err += d;
});
const deadline = Date.now() + 30_000;
while (!/health on (http:\/\/[\d.:]+)/.test(err) && Date.now() < deadline) await sleep(100);
const url = /health on (http:\/\/[\d.:]+)/.exec(err)?.[1];
if (!url) {
  agent.kill("SIGKILL");
  throw new Error(`the agent did not start:\n${err}`);
}

// Each batch: one bash that runs `batch` × /bin/true (plus itself and the seq of its command substitution).
const batchesPerSecond = 2;
const perSecond = total / (minutes * 60);
const batch = Math.max(1, Math.round(perSecond / batchesPerSecond));
const taskEnv = {
  ...process.env,
  PIPESPAN_TASK_NAME: "soak",
  TRACEPARENT: `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`,
};
console.log(
  `soak: ${total} processes over ${minutes} min (${perSecond.toFixed(1)}/s, batches of ${batch + 2}); agent pid ${agent.pid}; sampling every ${sampleS} s`,
);
console.log("   time   spawned  recorded     held   events/s   drops   RSS MiB  heap MiB");

interface Sample {
  t: number;
  spawned: number;
  rss: number;
}
const samples: Sample[] = [];
let spawned = 0;
const started = Date.now();
let nextSample = started + sampleS * 1000;
let running = 0;
while (spawned < total) {
  const tickStart = Date.now();
  for (let b = 0; b < batchesPerSecond && spawned < total; b++) {
    const n = Math.min(batch, total - spawned);
    running++;
    const child = spawn("bash", ["-c", `for i in $(seq ${n}); do /bin/true; done`], { env: taskEnv, stdio: "ignore" });
    child.once("close", () => {
      running--;
    });
    spawned += n + 2;
  }
  if (Date.now() >= nextSample) {
    samples.push(await sample(spawned));
    nextSample += sampleS * 1000;
  }
  // Keep the rate: one round of batches per second, whatever the spawning took.
  await sleep(Math.max(0, 1000 - (Date.now() - tickStart)));
}
while (running > 0) await sleep(100);
await sleep(7_000); // one sweep of the agent after the last process
samples.push(await sample(spawned));

agent.kill("SIGTERM");
await new Promise((r) => agent.once("close", r));
rmSync(out, { recursive: true, force: true });

const q = Math.max(1, Math.floor(samples.length / 4));
const mean = (xs: Sample[]) => xs.reduce((a, s) => a + s.rss, 0) / Math.max(1, xs.length);
const second = samples.slice(q, 2 * q);
const last = samples.slice(-q);
const growth = mean(last) - mean(second);
const procsBetween = (last.at(-1)?.spawned ?? 0) - (second[0]?.spawned ?? 0);
console.log(
  `RSS: second quarter ${mib(mean(second))} MiB, last quarter ${mib(mean(last))} MiB (${growth >= 0 ? "+" : ""}${mib(growth)} MiB; ` +
    `${procsBetween > 0 ? `${mib((growth / procsBetween) * 10_000)} MiB per 10 000 processes` : "n/a"}); ` +
    `min ${mib(Math.min(...samples.map((s) => s.rss)))}, max ${mib(Math.max(...samples.map((s) => s.rss)))} MiB`,
);
console.log(`elapsed ${((Date.now() - started) / 60_000).toFixed(1)} min, ${spawned} processes spawned`);

async function sample(n: number): Promise<Sample> {
  const h = (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;
  const rss = vmRss(agent.pid as number);
  const drops = Object.values((h.drops as Record<string, number>) ?? {}).reduce((a, b) => a + b, 0);
  const t = (Date.now() - started) / 1000;
  console.log(
    `${fmt(t.toFixed(0), 6)} s ${fmt(n, 9)} ${fmt(h.processesRecorded, 9)} ${fmt(h.processesHeld, 8)} ${fmt(
      h.eventsPerSecond,
      10,
    )} ${fmt(drops, 7)} ${fmt(mib(rss), 9)} ${fmt(mib(Number(h.heapUsedBytes ?? 0)), 9)}`,
  );
  return { t, spawned: n, rss };
}

function vmRss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

function mib(b: number): string {
  return (b / 1024 / 1024).toFixed(1);
}

function fmt(v: unknown, w: number): string {
  return String(v ?? "-").padStart(w);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
