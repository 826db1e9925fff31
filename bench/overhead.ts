// Overhead of the kernel source on a context-switch-heavy workload: the same ping-pong (bench/pingpong.py,
// 2 context switches per bounce) alone and under `pipespan run --source ebpf`, alternating, several times in
// one run; the workload times itself, so pipespan's own start-up is not counted. Prints each figure and the
// median ratio (goal ≤ 1.05). Run: node bench/overhead.ts [repetitions] [bounces]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const reps = Number(process.argv[2] ?? 7);
const bounces = Number(process.argv[3] ?? 100_000);
const workload = ["python3", join(root, "bench/pingpong.py"), String(bounces)];
const out = mkdtempSync(join(tmpdir(), "pipespan-bench-"));

function elapsed(stdout: string): number {
  const m = /elapsed ([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`workload printed no time: ${stdout}`);
  return Number(m[1]);
}

function alone(): number {
  const r = spawnSync(workload[0]!, workload.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return elapsed(r.stdout);
}

function traced(i: number): number {
  const r = spawnSync(
    process.execPath,
    [
      join(root, "packages/cli/bin/pipespan.js"),
      "run",
      "--source",
      "ebpf",
      "--quiet",
      "--no-findings",
      "--out",
      out,
      "--run-id",
      `b${i}`,
      "--",
      ...workload,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return elapsed(r.stdout);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

alone(); // warm caches
const a: number[] = [];
const t: number[] = [];
for (let i = 0; i < reps; i++) {
  a.push(alone());
  t.push(traced(i));
}
rmSync(out, { recursive: true, force: true });
const ratio = median(t) / median(a);
console.log(`workload: ${bounces} pipe ping-pongs (${2 * bounces} context switches), ${reps} repetitions each`);
console.log(`alone       s: ${a.map((x) => x.toFixed(3)).join(" ")}  median ${median(a).toFixed(3)}`);
console.log(`under ebpf  s: ${t.map((x) => x.toFixed(3)).join(" ")}  median ${median(t).toFixed(3)}`);
console.log(
  `overhead ratio (median traced / median alone): ${ratio.toFixed(3)} (goal ≤ 1.050) ${ratio <= 1.05 ? "OK" : "ABOVE GOAL"}`,
);
