// The benchmarks' C helpers (bench/native/*.c), compiled on first use into bench/.build/ with the system cc.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));
export const REPO_ROOT = join(BENCH_DIR, "..");
export const PIPESPAN_BIN = join(REPO_ROOT, "packages/cli/bin/pipespan.js");

/** Path of the compiled helper, built when missing or older than its source. */
export function helper(name: "spawn-storm" | "rusage-exec"): string {
  const src = join(BENCH_DIR, "native", `${name}.c`);
  const outDir = join(BENCH_DIR, ".build");
  const bin = join(outDir, name);
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(outDir, { recursive: true });
    execFileSync(process.env["CC"] ?? "cc", ["-O2", "-Wall", "-Wextra", "-o", bin, src], { stdio: "inherit" });
  }
  return bin;
}
