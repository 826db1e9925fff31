// Bad input and hard endings: one clear line each, the right exit code, and the local files still complete.

import { existsSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_ERROR_TYPE,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PIPESPAN_RUN_EXIT_CODE,
  ATTR_PROCESS_PID,
  CICD_PIPELINE_RESULT_VALUE_CANCELLATION,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
} from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";

const outs: string[] = [];
const out = () => {
  const d = tmpOutDir();
  outs.push(d);
  return d;
};
afterAll(() => {
  for (const d of outs) rmSync(d, { recursive: true, force: true });
});

/** Lines pipespan printed (its lines start with "pipespan"). */
const ownLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("pipespan"));

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("bad input", () => {
  it("an unknown flag: one line, exit 2, nothing run", async () => {
    const r = await runPipespan(["run", "--frobnicate", "--", "true"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^pipespan run: unknown option '--frobnicate'/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("an unknown command: one line, exit 2", async () => {
    const r = await runPipespan(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^pipespan: unknown command 'frobnicate'/);
  });

  it("a command that does not exist: one line, exit 127, no run folder left behind", async () => {
    const dir = out();
    const r = await runPipespan(["run", "--out", dir, "--", "no-such-command-xyz", "arg"]);
    expect(r.code).toBe(127);
    expect(r.stderr.trim().split("\n")).toEqual(["pipespan: command not found: no-such-command-xyz"]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("an invalid run id: one line, exit 2", async () => {
    const r = await runPipespan(["run", "--run-id", "../escape", "--", "true"]);
    expect(r.code).toBe(2);
    expect(ownLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/invalid run id/);
  });

  it("`--help` works on every command", async () => {
    for (const args of [["--help"], ["run", "--help"], ["task", "--help"]]) {
      const r = await runPipespan(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/Usage: pipespan/);
    }
  });

  it("an unreachable OTLP endpoint: one line per signal, the command's exit code, complete local files", async () => {
    const port = await closedPort();
    const dir = out();
    const r = await runPipespan(["run", "--run-id", "unreach", "--out", dir, "--", "bash", "-c", "sleep 0.4; exit 3"], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
    });
    expect(r.code).toBe(3);
    const problems = ownLines(r.stderr).filter((l) => l.includes("could not export"));
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems.length).toBeLessThanOrEqual(2);
    for (const p of problems) expect(p).toContain(`127.0.0.1:${port}`);
    expect(r.durationMs).toBeLessThan(20_000); // bounded: a dead backend does not hold the terminal
    const local = await readOtlpJsonTraces(`${dir}/unreach`);
    const run = local.spans.find((s) => !s.parentSpanId)!;
    expect(run.attributes[ATTR_PIPESPAN_RUN_EXIT_CODE]).toBe(3);
    expect(run.attributes[ATTR_CICD_PIPELINE_RESULT]).toBe(CICD_PIPELINE_RESULT_VALUE_FAILURE);
    expect(run.status.code).toBe("error");
  });
});

describe("hard endings", () => {
  it("a root command killed by SIGKILL: exit 137, its span has error status and the signal", async () => {
    const dir = out();
    const r = await runPipespan([
      "run",
      "--run-id",
      "killed",
      "--out",
      dir,
      "--",
      "bash",
      "-c",
      "sleep 0.3; kill -KILL $$",
    ]);
    expect(r.code).toBe(137);
    const { spans } = await readOtlpJsonTraces(`${dir}/killed`);
    const root = spans.find(
      (s) =>
        s.attributes[ATTR_PROCESS_PID] !== undefined &&
        spans.find((p) => p.spanId === s.parentSpanId)?.parentSpanId === undefined,
    )!;
    expect(root.status.code).toBe("error");
    expect(root.attributes[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL]).toBe(9);
    expect(root.attributes[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]).toBe("SIGKILL");
    expect(root.attributes[ATTR_ERROR_TYPE]).toBe("SIGKILL");
  });

  it("a SIGTERM that arrives while pipespan starts up still ends the run cleanly", async () => {
    const dir = out();
    let pid = 0;
    const running = runPipespan(["run", "--run-id", "early", "--out", dir, "--", "sleep", "30"], {
      onSpawn: (p) => {
        pid = p;
      },
    });
    await new Promise((r) => setTimeout(r, 400));
    process.kill(pid, "SIGTERM");
    const r = await running;
    // Either pipespan had not installed its handlers yet (killed by the signal) or it forwarded it: never a hang.
    expect(r.durationMs).toBeLessThan(15_000);
    expect(r.code === 143 || r.signal === "SIGTERM").toBe(true);
  });

  it("SIGTERM to pipespan is forwarded; the run is recorded as cancelled and the files are complete", async () => {
    const dir = out();
    let pid = 0;
    const running = runPipespan(["run", "--run-id", "term", "--out", dir, "--", "bash", "-c", "sleep 30 & wait"], {
      onSpawn: (p) => {
        pid = p;
      },
    });
    // Wait until the command runs (pipespan prints its source line then), then stop the run.
    const deadline = Date.now() + 20_000;
    while (!existsSync(`${dir}/term`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 800));
    process.kill(pid, "SIGTERM");
    const r = await running;
    expect(r.code).toBe(143);
    expect(r.durationMs).toBeLessThan(15_000);
    const { spans } = await readOtlpJsonTraces(`${dir}/term`);
    const run = spans.find((s) => !s.parentSpanId)!;
    expect(run.attributes[ATTR_CICD_PIPELINE_RESULT]).toBe(CICD_PIPELINE_RESULT_VALUE_CANCELLATION);
    expect(run.attributes[ATTR_PIPESPAN_RUN_EXIT_CODE]).toBe(143);
  });
});
