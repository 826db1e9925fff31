// Runs the real `pipespan` command (the built CLI) as a child process and collects what it printed.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PIPESPAN_BIN = join(REPO_ROOT, "packages/cli/bin/pipespan.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Called with the child once it started (e.g. to send it a signal). */
  onSpawn?: (pid: number) => void;
  /** Called with each chunk of stderr as it arrives. */
  onStderr?: (chunk: string) => void;
}

/** `pipespan <args…>` with the test's Node; PATH gets node_modules/.bin so scripts can call `pipespan` too. */
export function runPipespan(args: readonly string[], o: CliOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(REPO_ROOT, "node_modules/.bin")}:${process.env["PATH"] ?? "/usr/bin:/bin"}`,
    NO_COLOR: "1",
    ...o.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PIPESPAN_BIN, ...args], {
      env,
      cwd: o.cwd ?? REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      o.onStderr?.(String(d));
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 60_000);
    child.on("error", reject);
    if (child.pid !== undefined) o.onSpawn?.(child.pid);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** A fresh scratch folder on a real disk (not tmpfs), so written bytes reach storage. */
export function scratchDir(prefix = "pipespan-test-"): string {
  return mkdtempSync(join(process.env["PIPESPAN_TEST_SCRATCH"] ?? "/var/tmp", prefix));
}

export function tmpOutDir(): string {
  return mkdtempSync(join(tmpdir(), "pipespan-out-"));
}
