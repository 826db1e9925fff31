// Every wait of `pipespan run` answers SIGINT/SIGTERM: a command that ignores SIGTERM is killed after
// --kill-after (or at once on a second signal), and pipespan says so; what the command leaves running is
// stopped; a wait for a backend that does not answer is announced and skipped by Ctrl-C within a second.
// Timing tolerances are generous (a busy 2-core machine): what is measured is that nothing waits on its own.
import { readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { readOtlpJsonTraces } from "@pipespan/findings";
import { ATTR_CICD_PIPELINE_RESULT, CICD_PIPELINE_RESULT_VALUE_CANCELLATION } from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { killAll, processesWith, waitFor } from "./support/procs.js";

const dirs: string[] = [];
const out = () => {
  const d = tmpOutDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts `pipespan run`, waits until `marker` runs, and gives the time each later stderr line arrived. */
function start(args: string[], marker: string, env: NodeJS.ProcessEnv = {}) {
  let pid = 0;
  const lines: { at: number; text: string }[] = [];
  const running = runPipespan(args, {
    env,
    timeoutMs: 90_000,
    onSpawn: (p) => {
      pid = p;
    },
  });
  const ready = waitFor(`${marker} to run`, () => (processesWith(marker).length > 0 ? true : undefined));
  return { running, ready, pid: () => pid, lines };
}

/**
 * A command that ignores SIGTERM and SIGINT, as does the child it waits for. The marker (from the environment,
 * so the command line itself does not show it) is the sleep's argv[0]: it shows only once the ignoring is in
 * place (SIG_IGN survives exec).
 */
const stubborn = ["bash", "-c", `trap '' TERM INT; (exec -a "$MARK" sleep 120) & wait; wait`];

describe("a command that ignores SIGTERM", () => {
  it("is killed with SIGKILL once --kill-after has passed, and pipespan says so", async () => {
    const marker = `stubborn-a-${process.pid}`;
    const dir = out();
    const r0 = start(["run", "--kill-after", "1.5", "--run-id", "a", "--out", dir, "--", ...stubborn], marker, {
      MARK: marker,
    });
    try {
      await r0.ready;
      const sentAt = Date.now();
      process.kill(r0.pid(), "SIGTERM");
      const r = await r0.running;
      const took = Date.now() - sentAt;
      expect(r.code).toBe(137);
      expect(r.stderr).toMatch(/pipespan: SIGTERM: passed to the run \(process group \d+\); it has 1\.5 s to stop/);
      expect(r.stderr).toMatch(/the run did not stop within 1\.5 s of SIGTERM: sent SIGKILL to process group \d+/);
      // 1.5 s of grace, then the end of the run (files, findings): bounded well below the 120 s sleep.
      expect(took).toBeGreaterThanOrEqual(1_400);
      expect(took).toBeLessThan(20_000);
      expect(processesWith(marker)).toEqual([]);
      const run = (await readOtlpJsonTraces(join(dir, "a"))).spans.find((s) => !s.parentSpanId);
      expect(run?.attributes[ATTR_CICD_PIPELINE_RESULT]).toBe(CICD_PIPELINE_RESULT_VALUE_CANCELLATION);
      expect(JSON.parse(readFileSync(join(dir, "a", "run.json"), "utf8")).killed).toBe(true);
    } finally {
      killAll(processesWith(marker).map((p) => p.pid));
    }
  });

  it("a second signal kills it at once (well before the 10 s default)", async () => {
    const marker = `stubborn-b-${process.pid}`;
    const r0 = start(["run", "--run-id", "b", "--out", out(), "--", ...stubborn], marker, { MARK: marker });
    try {
      await r0.ready;
      process.kill(r0.pid(), "SIGTERM");
      await new Promise((r) => setTimeout(r, 300));
      const secondAt = Date.now();
      process.kill(r0.pid(), "SIGINT");
      await waitFor("the group to be killed", () => (processesWith(marker).length === 0 ? true : undefined), 5_000);
      // The pipeline is gone within a second of the second signal (tolerance for a busy machine: 3 s).
      expect(Date.now() - secondAt).toBeLessThan(3_000);
      const r = await r0.running;
      expect(r.code).toBe(137);
      expect(r.stderr).toMatch(/second SIGINT: sent SIGKILL to process group \d+/);
    } finally {
      killAll(processesWith(marker).map((p) => p.pid));
    }
  });
});

describe("what the command leaves behind", () => {
  it("background processes still running when the root ends are stopped, with one line", async () => {
    const marker = `leftover-${process.pid}`;
    const r = await runPipespan(
      ["run", "--out", out(), "-q", "--", "bash", "-c", `(exec -a "$MARK" sleep 120) & sleep 0.5; exit 0`],
      { env: { MARK: marker } },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the command ended but left 1 process\(es\) running; sending SIGTERM \(SIGKILL in 10 s\)/);
    expect(processesWith(marker)).toEqual([]);
  });
});

describe("the export at the end of a run", () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it("a backend that accepts and never answers: one 'exporting to … (Ctrl-C to skip)' line, Ctrl-C skips within 1 s", async () => {
    server = createServer(() => undefined);
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    let pid = 0;
    let announcedAt = 0;
    let stderr = "";
    const dir = out();
    const running = runPipespan(["run", "--out", dir, "--run-id", "x", "-q", "--no-findings", "--", "sleep", "0.3"], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      onSpawn: (p) => {
        pid = p;
      },
      onStderr: (chunk) => {
        stderr += chunk;
      },
    });
    await waitFor("the export line", () => stderr.includes("(Ctrl-C to skip)") || undefined, 30_000);
    announcedAt = Date.now();
    process.kill(pid, "SIGINT");
    const r = await running;
    const took = Date.now() - announcedAt;
    expect(r.stderr).toMatch(new RegExp(`pipespan: exporting to 127\\.0\\.0\\.1:${port} \\(Ctrl-C to skip\\)`));
    expect(r.stderr.match(/exporting to/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/export to .* skipped: .*span\(s\).* not sent; they stay in .*`pipespan export /);
    expect(r.code).toBe(0); // the command's exit code: the run itself went fine
    expect(took).toBeLessThan(1_500); // 1 s, plus the time to print and exit on a busy machine
    const state = JSON.parse(readFileSync(join(dir, "x", "run.json"), "utf8"));
    expect(state.export.complete).toBe(false);
    expect(state.export.pending.traces).toBeGreaterThan(0);
  });
});
