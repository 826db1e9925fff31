// Where the kernel source cannot run, `pipespan run` falls back to procfs and says why in one line; forcing
// eBPF there is a clear error. Exercised for real: the same CLI as an unprivileged user (setpriv, util-linux).

import { spawn } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { type CliResult, PIPESPAN_BIN, REPO_ROOT, tmpOutDir } from "../support/cli.js";

const out = tmpOutDir();
chmodSync(out, 0o777);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** pipespan as uid/gid 65534 (nobody), without any capability. */
function asNobody(args: string[]): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", process.execPath, PIPESPAN_BIN, ...args],
      { cwd: out, env: { ...process.env, HOME: out, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started }));
  });
}

describe("without the privileges eBPF needs", () => {
  it("falls back to procfs and says why, in one line", async () => {
    const r = await asNobody(["run", "--out", out, "--no-findings", "--", "sleep", "0.3"]);
    expect(r.code, r.stderr).toBe(0);
    const line = r.stderr.split("\n").find((l) => l.includes("source "));
    expect(line).toBe(
      "pipespan: source procfs (eBPF unavailable: needs root or CAP_BPF+CAP_PERFMON (running as uid 65534 without them))",
    );
    expect(REPO_ROOT).toBeTruthy();
  });

  it("refuses --source ebpf with a clear error and runs nothing", async () => {
    const r = await asNobody(["run", "--source", "ebpf", "--out", out, "--", "touch", `${out}/ran`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "pipespan: --source ebpf: the kernel source cannot run here: needs root or CAP_BPF+CAP_PERFMON (running as uid 65534 without them)",
    );
    const { existsSync } = await import("node:fs");
    expect(existsSync(`${out}/ran`)).toBe(false);
  });
});
