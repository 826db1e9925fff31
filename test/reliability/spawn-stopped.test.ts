// The root command starts stopped (so the source follows it from its first instruction). A root that dies
// before it stops — killed from outside, the OOM killer — must never leave pipespan waiting for an exit it
// already missed: the exit wait is attached at spawn.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { redactArgv, traceRun } from "@pipespan/agent";
import { afterAll, describe, expect, it } from "vitest";
import { spawnStopped } from "../../packages/agent/src/run/spawn-stopped.ts";
import { ProcfsSource } from "../../packages/agent/src/source/procfs/index.ts";
import { tmpOutDir } from "../support/cli.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("spawnStopped", () => {
  it("a child killed before it stops: returns at once, and its exit is still seen afterwards", async () => {
    const started = Date.now();
    const s = await spawnStopped("/bin/sleep", ["30"], {
      env: process.env,
      stdio: "ignore",
      onSpawned: (pid) => process.kill(pid, "SIGKILL"),
    });
    expect(s.stopped).toBe(false);
    // Look only later, after the exit event has long been emitted: the wait was attached at spawn.
    await new Promise((r) => setTimeout(r, 300));
    const exit = await s.exited;
    expect(exit.signal).toBe("SIGKILL");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a normal child is seen stopped and runs its command after SIGCONT", async () => {
    const s = await spawnStopped("/bin/sh", ["-c", "exit 7"], { env: process.env, stdio: "ignore" });
    expect(s.stopped).toBe(true);
    process.kill(s.pid, "SIGCONT");
    expect((await s.exited).code).toBe(7);
  });

  it("the child leads its own process group (what the run's signals and watchdog address)", async () => {
    const s = await spawnStopped("/bin/true", [], { env: process.env, stdio: "ignore" });
    const { readFileSync } = await import("node:fs");
    const stat = readFileSync(`/proc/${s.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    expect(Number(fields[2])).toBe(s.pid); // pgrp
    expect(Number(fields[3])).toBe(s.pid); // session
    process.kill(s.pid, "SIGCONT");
    await s.exited;
  });
});

describe("traceRun with a root that dies before it stops", () => {
  it("records the run as ended (exit 137) and says the loss, without hanging", async () => {
    const out = tmpOutDir();
    dirs.push(out);
    const started = Date.now();
    const r = await traceRun({
      command: "sleep",
      args: ["30"],
      runId: "early-exit",
      outDir: out,
      forwardSignals: false,
      stdio: "ignore",
      createSource: () => new ProcfsSource({ envKeys: [] }),
      redact: (argv) => redactArgv(argv).commandLine,
      onSpawned: (pid) => process.kill(pid, "SIGKILL"),
    });
    expect(r.exitCode).toBe(137);
    expect(r.drops["root_exited_early"]).toBeGreaterThanOrEqual(1);
    expect(r.dropsLine).toMatch(/root exited before observation/);
    expect(Date.now() - started).toBeLessThan(15_000);
    const { readFileSync } = await import("node:fs");
    expect(JSON.parse(readFileSync(join(out, "early-exit", "run.json"), "utf8")).status).toBe("complete");
  });
});
