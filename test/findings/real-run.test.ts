// A real `pipespan run` (procfs source) of a small pipeline — a CPU-bound step and a sleeping step — read back
// by `pipespan analyze`: the CPU-bound step is found CPU-bound, the sleeper is not, and io-bound honestly says
// "not enough data" (procfs cannot see I/O wait). The findings come back onto the run's trace as spans, in the
// run folder and over OTLP gRPC to a real receiver, and re-analysis rewrites them instead of adding copies.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readOtlpJsonTraces } from "@pipespan/findings";
import { ATTR_PIPESPAN_FINDING_RULE, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME } from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { OtlpReceiver } from "../support/otlp-receiver.js";
import { cpuShield } from "./support/cpu-shield.ts";

describe("pipespan run (procfs) → pipespan analyze", () => {
  const work = scratchDir();
  const out = tmpOutDir();
  const dir = join(out, "cpu1");
  const shield = cpuShield();
  let runStderr = "";
  let spinOwn = { cpu: 0, wall: 0 };
  // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON report
  let report: any;

  beforeAll(async () => {
    // The spin reports its own CPU and wall time, so the test knows what it really got on a shared machine, and
    // runs in a heavily weighted cpu group (we are root) so other work on the machine cannot make it wait for a
    // core: the workload must really be CPU-bound for the test to mean anything.
    const script = `
      set -e
      ${shield.join}
      PIPESPAN_TASK_NAME=spin node -e '
        const t = Date.now(); let x = 0; while (Date.now() - t < 3000) x++;
        const u = process.cpuUsage(); console.log("spin", (u.user + u.system) / 1e6, (Date.now() - t) / 1e3);' > "${work}/spin.txt"
      PIPESPAN_TASK_NAME=nap sleep 2.5
    `;
    const r = await runPipespan([
      "run",
      "--source",
      "procfs",
      "--run-id",
      "cpu1",
      "--out",
      out,
      "--",
      "bash",
      "-c",
      script,
    ]);
    expect(r.code, r.stderr).toBe(0);
    runStderr = r.stderr;
    const m = /spin ([\d.]+) ([\d.]+)/.exec(readFileSync(join(work, "spin.txt"), "utf8"));
    spinOwn = { cpu: Number(m?.[1]), wall: Number(m?.[2]) };
    const a = await runPipespan(["analyze", "--json", "--instance", "m6i.large", dir]);
    expect(a.code, a.stderr).toBe(0);
    report = JSON.parse(a.stdout);
  });

  afterAll(() => {
    shield.remove();
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("`pipespan run` printed the findings after its summary and wrote them as spans", async () => {
    expect(runStderr).toMatch(/TASK\s+WALL\s+CPU/);
    expect(runStderr).toMatch(/pipespan: findings \(\d+\)\n.*cpu-bound \[spin\]/);
    expect(runStderr).toMatch(/not enough data: .*io-bound.* need the eBPF source/);
    expect(runStderr).toContain("pipespan: details: pipespan analyze");
    const { spans } = await readOtlpJsonTraces(join(dir, "traces-findings.jsonl"));
    expect(spans.some((s) => s.attributes[ATTR_PIPESPAN_FINDING_RULE] === "cpu-bound")).toBe(true);
  });

  it("finds the spin CPU-bound (procfs: CPU time against wall time)", () => {
    const own = spinOwn.cpu / spinOwn.wall;
    // The premise: the spin really kept a core busy (on a machine shared with other work it might not).
    expect(own, `the spin got only ${own.toFixed(2)} of a core on this machine`).toBeGreaterThan(0.9);
    const f = report.findings.find((x: { rule: string; task?: string }) => x.rule === "cpu-bound" && x.task === "spin");
    expect(f, JSON.stringify(report.findings.map((x: { rule: string }) => x.rule))).toBeDefined();
    expect(f.evidence.basis).toBe("cpu-vs-wall");
    // pipespan's figure agrees with the process's own within 10%.
    expect(Math.abs(f.evidence.busiest_process_cores - own) / own).toBeLessThan(0.1);
  });

  it("does not call the sleeping step CPU-bound", () => {
    expect(
      report.findings.some((x: { rule: string; task?: string }) => x.task === "nap" && x.rule === "cpu-bound"),
    ).toBe(false);
    expect(report.evaluated["cpu-bound"].clear).toBeGreaterThanOrEqual(1);
  });

  it("says io-bound has not enough data, and why, instead of guessing", () => {
    expect(report.findings.some((x: { rule: string }) => x.rule === "io-bound")).toBe(false);
    const g = report.insufficientData.find((x: { rule: string }) => x.rule === "io-bound");
    expect(g.missing).toEqual([ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]);
    expect(g.tasks).toEqual(expect.arrayContaining(["spin", "nap"]));
    expect(g.reason).toMatch(/eBPF source.*procfs/);
  });

  it("prices the run but refuses instance recommendations without off-CPU data", () => {
    const wall = report.run.wallSeconds;
    expect(wall).toBeGreaterThanOrEqual(5); // long enough to price (model.minRunSeconds)
    expect(report.cost.baseline.instanceType).toBe("m6i.large");
    expect(report.cost.baseline.costPerRunUsd).toBeCloseTo((0.096 * wall) / 3600, 6); // m6i.large: $0.096/h
    expect(report.recommendations).toEqual([]);
    expect(report.cost.refused.missing).toEqual([ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]);
  });

  it("re-analysis rewrites the finding spans (same ids, no second copy) and exports them over OTLP gRPC", async () => {
    expect((await runPipespan(["analyze", dir])).code).toBe(0);
    const before = (await readOtlpJsonTraces(join(dir, "traces-findings.jsonl"))).spans;
    const receiver = new OtlpReceiver();
    const { endpoint } = await receiver.start();
    try {
      const r = await runPipespan(["analyze", dir], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
      expect(r.code, r.stderr).toBe(0);
      const after = (await readOtlpJsonTraces(join(dir, "traces-findings.jsonl"))).spans;
      expect(after.map((s) => s.spanId).sort()).toEqual(before.map((s) => s.spanId).sort());
      await receiver.waitFor((rc) => rc.spans().length >= after.length, 10_000);
      const got = receiver.spans();
      expect(got.map((s) => s.spanId).sort()).toEqual(after.map((s) => s.spanId).sort());
      const runJson = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
      for (const s of got) {
        expect(s.traceId).toBe(runJson.traceId);
        expect(s.parentSpanId).toBe(runJson.runSpanId);
        expect(s.name).toMatch(/^finding /);
      }
      // The run's own spans are still what the analysis reads: finding spans are never read back in.
      const again = await runPipespan(["analyze", "--json", "--no-spans", dir]);
      expect(JSON.parse(again.stdout).findings.length).toBe(after.length);
    } finally {
      await receiver.stop();
    }
  });
});
