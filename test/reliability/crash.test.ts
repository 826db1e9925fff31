// SIGKILL of `pipespan run` mid-pipeline (what the OOM killer or a CI runner's kill -9 does): no process of the
// pipeline is left running — not the ones in the run's process group, not a daemon that left it — and
// `pipespan analyze` rebuilds the run from the folder, says it is incomplete and judges what it can.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_PIPESPAN_RUN_INCOMPLETE,
  ATTR_PROCESS_PID,
  CICD_PIPELINE_RESULT_VALUE_ERROR,
} from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { killAll, processesOfRun, processesWith, waitFor } from "./support/procs.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("pipespan run killed with SIGKILL mid-pipeline", () => {
  for (const source of ["ebpf", "procfs"] as const) {
    it(`(${source}) leaves no process of the pipeline running, and analyze says the run is incomplete`, async () => {
      const out = tmpOutDir();
      dirs.push(out);
      const marker = `crash-${source}-${process.pid}-${Date.now()}`;
      const runId = `killed-${source}`;
      // Two tasks that end (their spans reach the disk), then one that would run for minutes, plus a daemon that
      // leaves the run's process group (setsid) — the watchdog still finds it by the run id in its environment.
      const script = [
        // Long enough for the procfs source's 200 ms samples to see each, on a busy machine.
        `PIPESPAN_TASK_NAME=prepare bash -c 'sleep 0.5; head -c 3000000 /dev/urandom | gzip -1 > /dev/null'`,
        `PIPESPAN_TASK_NAME=index bash -c 'sleep 0.5'`,
        `setsid bash -c 'exec -a "$MARK-daemon" sleep 600' &`,
        `PIPESPAN_TASK_NAME=align bash -c 'exec -a "$MARK-align" sleep 600'`,
        "wait",
      ].join("\n");
      let pid = 0;
      const running = runPipespan(
        ["run", "--source", source, "--run-id", runId, "--out", out, "--", "bash", "-c", script],
        {
          // The marker comes from the environment, so only the sleeps (their argv[0]) show it.
          env: { MARK: marker },
          onSpawn: (p) => {
            pid = p;
          },
        },
      );
      try {
        await waitFor("the last task and the daemon to run", () =>
          processesWith(`${marker}-daemon`).length >= 1 && processesWith(`${marker}-align`).length >= 1
            ? true
            : undefined,
        );
        // The heartbeat (1 s) has seen the last task running; the ended tasks' spans are on disk (0.5 s).
        await new Promise((r) => setTimeout(r, 1_600));
        process.kill(pid, "SIGKILL");
        const r = await running;
        expect(r.signal).toBe("SIGKILL");
        // The watchdog kills the run's group and the daemon; bounded, generous for a busy machine.
        const left = await waitFor(
          "the pipeline to be gone",
          () => (processesWith(marker).length === 0 && processesOfRun(runId).length === 0 ? [] : undefined),
          10_000,
        ).catch(() => processesWith(marker));
        expect(left).toEqual([]);
        expect(r.stderr).toMatch(/its watchdog killed the run \(process group \d+\)/);
      } finally {
        killAll(processesWith(marker).map((p) => p.pid));
      }

      const dir = join(out, runId);
      const before = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
      expect(before.status).toBe("running");
      expect(before.runSpanId).toMatch(/^[0-9a-f]{16}$/);

      const a = await runPipespan(["analyze", "--no-spans", dir]);
      expect(a.code, a.stderr).toBe(0);
      expect(a.stderr).toMatch(/incomplete run \(writer killed at \d{4}-\d\d-\d\dT/);
      const after = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
      expect(after.status).toBe("incomplete");

      const { spans } = await readOtlpJsonTraces(dir);
      // The run span is rebuilt with the identity written at the start.
      const run = spans.find((s) => s.spanId === before.runSpanId);
      expect(run).toBeDefined();
      expect(run?.traceId).toBe(before.traceId);
      expect(run?.attributes[ATTR_PIPESPAN_RUN_INCOMPLETE]).toBe(true);
      expect(run?.attributes[ATTR_CICD_PIPELINE_RESULT]).toBe(CICD_PIPELINE_RESULT_VALUE_ERROR);
      expect(run?.status.code).toBe("error");
      // Every task is there: the two that ended (with their processes) and the one cut short.
      const tasks = spans.filter(
        (s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] !== undefined && s.attributes[ATTR_PROCESS_PID] === undefined,
      );
      const names = new Set(tasks.map((t) => t.attributes[ATTR_CICD_PIPELINE_TASK_NAME]));
      for (const n of ["prepare", "index", "align"]) expect(names, [...names].join(",")).toContain(n);
      const align = tasks.find((t) => t.attributes[ATTR_CICD_PIPELINE_TASK_NAME] === "align");
      expect(align?.attributes[ATTR_PIPESPAN_RUN_INCOMPLETE]).toBe(true);
      expect(align?.status.code).toBe("error");
      // Task spans hang under the run span; nothing is left without its parent.
      const ids = new Set(spans.map((s) => s.spanId));
      for (const t of tasks) expect(t.parentSpanId).toBe(before.runSpanId);
      const orphans = spans.filter((s) => s.parentSpanId !== undefined && !ids.has(s.parentSpanId));
      expect(orphans.map((s) => s.name)).toEqual([]);
      // Analysing again finds the rebuilt run as it is (the rebuild happens once).
      const again = await runPipespan(["analyze", "--no-spans", dir]);
      expect(again.code).toBe(0);
      expect((await readOtlpJsonTraces(dir)).spans.length).toBe(spans.length);
    });
  }

  it("a half-written last line (a writer killed mid-write) costs only that line", async () => {
    const out = tmpOutDir();
    dirs.push(out);
    const r = await runPipespan(["run", "--run-id", "half", "--out", out, "-q", "--", "bash", "-c", "sleep 0.2"]);
    expect(r.code).toBe(0);
    const file = join(out, "half", "traces.jsonl");
    const whole = await readOtlpJsonTraces(join(out, "half"));
    const text = readFileSync(file, "utf8");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, `${text}${text.split("\n")[0]?.slice(0, 200)}`);
    const a = await runPipespan(["analyze", "--no-spans", join(out, "half")]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/truncated last line/);
    expect(a.stdout).toMatch(/analyze: run half/);
    expect(whole.spans.length).toBeGreaterThan(0);
  });
});
