// Without its prerequisites the e2e suite must FAIL with one clear message, never skip: no Go → the build step
// says so; no binaries → the start step says so; backends not running → the suite's global setup says so.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/cli.js";

interface Result {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** An environment with Node but without Go, and a backends cache with nothing in it. */
function bareEnv(cache: string): NodeJS.ProcessEnv {
  return {
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: process.env["HOME"] ?? "/root",
    PIPESPAN_BACKENDS_CACHE: cache,
  };
}

describe("e2e prerequisites fail loudly", () => {
  const cache = mkdtempSync(join(tmpdir(), "pipespan-empty-cache-"));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it("e2e.sh without Go (and nothing built) stops with a message naming Go", async () => {
    const r = await run("bash", ["scripts/backends/e2e.sh"], bareEnv(cache));
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("Go is not installed");
    expect(r.output).toContain("Go >= 1.26");
  });

  it("starting the backends without the binaries stops with a message naming them", async () => {
    const runDir = mkdtempSync(join(tmpdir(), "pipespan-e2e-run-"));
    try {
      const r = await run("bash", ["scripts/backends/backends.sh", "start", runDir], bareEnv(cache));
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/not built: .*otelcol-pipespan/);
      expect(r.output).toContain("scripts/backends/build.sh");
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it("the vitest e2e suite run directly, without the backends, fails in its setup and says how to run it", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) {
      if (k.startsWith("PIPESPAN_E2E_") || k === "PIPESPAN_OTELCOL_BIN" || k === "PIPESPAN_JAEGER_BIN") delete env[k];
      if (k === "VITEST" || k.startsWith("VITEST_")) delete env[k];
    }
    const r = await run(
      process.execPath,
      [
        join(REPO_ROOT, "node_modules/vitest/vitest.mjs"),
        "run",
        "--config",
        "vitest.e2e.config.ts",
        "test/e2e/configs.test.ts",
      ],
      env,
    );
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("the real backends are not available");
    expect(r.output).toContain("PIPESPAN_E2E_RUN_DIR is not set");
    expect(r.output).toContain("bash scripts/backends/e2e.sh");
  });
});
