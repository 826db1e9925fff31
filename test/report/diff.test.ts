// `pipespan diff` on two real runs of the same pipeline (eBPF source): run A as it is, run B with its storage step
// in a cgroup whose disk throughput is limited (blkio, 8 MiB/s) and whose memory is limited (so the page cache
// cannot absorb the I/O; the step's input is also dropped from the cache before each run). The diff must name the
// storage step as the task whose I/O wait grew, leave the CPU-bound step unchanged, and print wall times that are
// the task spans' own.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readOtlpJsonTraces } from "@pipespan/findings";
import { ATTR_CICD_PIPELINE_NAME, ATTR_CICD_PIPELINE_TASK_NAME, ATTR_PROCESS_PID } from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { cgroupLimits, evictFromCache } from "../support/throttle.js";
import { ARTIFACTS, openReport } from "./support/browser.js";

const MiB = 1024 * 1024;
const PIPELINE = `#!/usr/bin/env bash
# The pipeline of both runs. STAGE_JOIN (empty in run A) moves the storage step into the limited cgroups.
set -euo pipefail
work="$1"
PIPESPAN_TASK_NAME=stage bash -c "\${STAGE_JOIN:-} dd if=\\"$work/input\\" of=/dev/null bs=1M status=none; dd if=/dev/zero of=\\"$work/out\\" bs=1M count=16 oflag=direct status=none"
PIPESPAN_TASK_NAME=compute nice -n -10 node -e 'const t = Date.now(); let x = 0; while (Date.now() - t < 1500) x++;'
PIPESPAN_TASK_NAME=nap sleep 0.5
`;

interface DiffTask {
  name: string;
  aWallS: number;
  bWallS: number;
  dWallS: number;
  dIoWaitS: number | null;
  dCpuS: number | null;
  cause: string;
}

describe("pipespan diff: an unthrottled run against a storage-throttled one", () => {
  const work = scratchDir();
  const out = tmpOutDir();
  const throttle = cgroupLimits(work, { readBps: 8 * MiB, writeBps: 8 * MiB, memoryBytes: 64 * MiB });
  let text = "";
  let diff: { verdict: string[]; tasks: DiffTask[]; a: { pipelineName?: string }; b: { wallS: number } };
  const spanWalls: Record<"a" | "b", Map<string, number>> = { a: new Map(), b: new Map() };

  async function run(id: string, stageJoin: string): Promise<void> {
    // The input must come from the disk: out of the page cache (written back first, then dropped).
    evictFromCache(join(work, "input"));
    const r = await runPipespan(
      [
        "run",
        "--source",
        "ebpf",
        "--run-id",
        id,
        "--out",
        out,
        "--no-report",
        "--",
        "bash",
        join(work, "pipeline.sh"),
        work,
      ],
      { env: { STAGE_JOIN: stageJoin }, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
  }

  beforeAll(async () => {
    writeFileSync(join(work, "pipeline.sh"), PIPELINE);
    execFileSync("dd", ["if=/dev/urandom", `of=${join(work, "input")}`, "bs=1M", "count=32", "status=none"]);
    await run("a", "");
    await run("b", throttle.join);
    for (const side of ["a", "b"] as const) {
      const { spans } = await readOtlpJsonTraces(join(out, side, "traces.jsonl"));
      for (const s of spans) {
        const name = s.attributes[ATTR_CICD_PIPELINE_TASK_NAME];
        if (typeof name === "string" && s.attributes[ATTR_PROCESS_PID] === undefined) {
          spanWalls[side].set(name, s.durationNs / 1e9);
        }
        if (side === "a" && s.attributes[ATTR_CICD_PIPELINE_NAME] !== undefined) {
          // The default pipeline name is the script, not its interpreter.
          expect(s.attributes[ATTR_CICD_PIPELINE_NAME]).toBe("pipeline");
        }
      }
    }
    const t = await runPipespan(["diff", "--all", join(out, "a"), join(out, "b")]);
    expect(t.code, t.stderr).toBe(0);
    text = t.stdout;
    const j = await runPipespan(["diff", "--json", join(out, "a"), join(out, "b")]);
    expect(j.code, j.stderr).toBe(0);
    diff = JSON.parse(j.stdout);
  }, 240_000);

  afterAll(() => {
    throttle.remove();
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("names the storage step as the task whose I/O wait grew", () => {
    const first = diff.tasks[0] as DiffTask;
    expect(first.name, text).toBe("stage");
    expect(first.cause).toBe("io");
    // The premise: the throttle really slowed it (24 MiB of disk I/O at 8 MiB/s is about 3 s or more).
    expect(first.dWallS, text).toBeGreaterThan(2);
    expect(first.dIoWaitS as number, text).toBeGreaterThan(0.7 * first.dWallS);
    expect(text).toMatch(
      /stage's wall time grew [^\n]* because its I\/O wait grew [^\n]*: in run B it is storage-bound/,
    );
    // The CPU-bound step did not change, and the verdict does not blame it.
    const compute = diff.tasks.find((t) => t.name === "compute") as DiffTask;
    expect(compute.cause, text).not.toBe("io");
    expect(Math.abs(compute.dIoWaitS ?? 0)).toBeLessThan(0.2);
    expect(diff.a.pipelineName).toBe("pipeline");
  });

  it("prints the task spans' own wall times", () => {
    // JSON: to the millisecond.
    for (const t of diff.tasks) {
      expect(Math.abs(t.aWallS - (spanWalls.a.get(t.name) as number)), t.name).toBeLessThan(0.001);
      expect(Math.abs(t.bWallS - (spanWalls.b.get(t.name) as number)), t.name).toBeLessThan(0.001);
    }
    // Text: every task's row, to the printed resolution (0.1 s; ms under a second).
    const seconds = (s: string) => (s.endsWith(" ms") ? Number(s.slice(0, -3)) / 1000 : Number(s.slice(0, -2)));
    for (const name of ["stage", "compute", "nap"]) {
      const row = new RegExp(`^\\s+${name}\\s+(\\d+(?:\\.\\d)? m?s)\\s+(\\d+(?:\\.\\d)? m?s)\\s`, "m").exec(text);
      expect(row, `${name} row in:\n${text}`).not.toBeNull();
      const [a, b] = [seconds(row?.[1] as string), seconds(row?.[2] as string)];
      const tol = (v: number) => (v < 1 ? 0.0015 : 0.051);
      expect(Math.abs(a - (spanWalls.a.get(name) as number)), `${name} A`).toBeLessThan(tol(a));
      expect(Math.abs(b - (spanWalls.b.get(name) as number)), `${name} B`).toBeLessThan(tol(b));
    }
  });

  it("writes run B's report with the comparison as its first section", async () => {
    const dir = join(ARTIFACTS, "report-diff");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "compare.html");
    const r = await runPipespan(["diff", join(out, "a"), join(out, "b"), "-o", file]);
    expect(r.code, r.stderr).toBe(0);
    const opened = await openReport(file);
    try {
      expect(opened.errors).toEqual([]);
      expect(opened.requests).toEqual([]);
      const first = await opened.page.$eval("#app section", (el) => el.id);
      expect(first).toBe("comparison");
      const rows = await opened.page.$$eval("#comparison table.diff-tasks tbody tr", (trs) =>
        trs.map((tr) => ({ cause: tr.getAttribute("data-cause"), name: tr.querySelector("td")?.textContent })),
      );
      expect(rows[0]).toEqual({ cause: "io", name: "stage" });
      const verdict = (await opened.page.locator("#comparison ul.verdict").textContent()) ?? "";
      expect(verdict).toMatch(/stage's wall time grew .* because its I\/O wait grew/);
      await opened.page.screenshot({ path: join(dir, "compare.png"), fullPage: true });
    } finally {
      await opened.close();
    }
  });
});
