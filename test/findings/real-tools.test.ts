// Verdicts on real multi-threaded Debian tools, traced by `pipespan run --source ebpf` (issue 11's acceptance):
// each tool runs twice on the same generated input, evicted from the page cache — unthrottled, and through a
// cgroup v1 blkio throttle on the disk under a memory limit that keeps the page cache from absorbing the data —
// and the test measures both. The unthrottled run is cpu-bound; the throttled one is io-bound, and its
// "with storage unlimited" estimate lands within 25% of the unthrottled run's measured time. Every run is in a
// heavily weighted cpu group: the development machine is shared, and its other work would otherwise starve the
// tools (they would be cpu-starved, rightly, and the unthrottled time would measure the neighbours).
//
// Then: a task split between storage and CPU by design is mixed with both causes; a lock-heavy task is not
// io-bound; the throttle's plateau is found without any instance type and named with its device, with volume and
// instance-store options and their runtimes; and `--instance` naming a bigger type than the measured host gets
// the one-line note and recommendations that never grow past it.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type AnalysisReport, analyzeRun, loadRun, type Verdict } from "@pipespan/findings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { cgroupLimits, evictFromCache } from "../support/throttle.ts";
import { describeRun, MiB, runTool, type ToolName, type ToolRun, throttleRateFor } from "../support/tools.ts";

const SHIELD = 16 * 1024; // cpu.shares: 16 × the default weight
const PRIMARY = new Set(["cpu-bound", "io-bound", "network-bound", "memory-bound", "cpu-starved", "waiting", "mixed"]);

interface Case {
  tool: ToolName;
  threads: number;
  /** Generated input (MiB of FASTQ, or of SAM before it becomes BAM). */
  inputMiB: number;
  /** Also check the storage plateau and the storage options on the throttled run (analysed by the CLI). */
  plateau?: boolean;
}

// Sized on the 2-CPU development VM for a few seconds unthrottled; the throttle then reads what the unthrottled
// run read in 3.5× its time (throttleRateFor), so storage, not the CPU, decides the throttled runtime: it holds
// about 70% of it, clear of the 60% a dominant cause needs (at 2.5×, 60%, the verdict would flip). Memory limits
// are the harness's (256 MiB; fastp, which holds its reads in memory, more).
const SLOWDOWN = 3.5;
const CASES: Case[] = [
  { tool: "pigz", threads: 2, inputMiB: 64, plateau: true },
  { tool: "pigz", threads: 4, inputMiB: 64 },
  { tool: "zstd", threads: 2, inputMiB: 64 },
  { tool: "zstd", threads: 4, inputMiB: 64 },
  { tool: "samtools-sort", threads: 2, inputMiB: 100 },
  { tool: "fastp", threads: 2, inputMiB: 40 },
];

/** The task's primary verdict (exactly one), with the report. */
function primaryOf(report: AnalysisReport, task: string): Verdict {
  const found = report.verdicts.filter(
    (v) => v.subject.task === task && v.verdict === "finding" && PRIMARY.has(v.rule),
  );
  expect(
    found.map((v) => v.rule),
    `primary verdicts of ${task}`,
  ).toHaveLength(1);
  return found[0] as Verdict;
}

async function analyze(dir: string, instanceType?: string): Promise<AnalysisReport> {
  const { model } = await loadRun(dir);
  return analyzeRun(model, instanceType !== undefined ? { instanceType } : {});
}

for (const c of CASES) {
  describe(`${c.tool} with ${c.threads} threads, unthrottled and throttled`, () => {
    let free: ToolRun;
    let throttled: ToolRun;
    let freeReport: AnalysisReport;
    let throttledReport: AnalysisReport;
    let throttledRate = 0;

    beforeAll(async () => {
      const common = {
        tool: c.tool,
        threads: c.threads,
        inputBytes: c.inputMiB * MiB,
        cpuShares: SHIELD,
      };
      free = await runTool(common);
      freeReport = await analyze(free.runDir);
      throttledRate = throttleRateFor(free, SLOWDOWN);
      throttled = await runTool({ ...common, throttleBps: throttledRate });
      throttledReport = await analyze(throttled.runDir);
      console.log(`${describeRun(free)}\n${describeRun(throttled, `${(throttledRate / MiB).toFixed(1)} MiB/s`)}`);
    }, 300_000);

    afterAll(() => {
      free?.dispose();
      throttled?.dispose();
    });

    it("the throttle slows it at least 2× (both runs measured)", () => {
      expect(throttled.wallSeconds / free.wallSeconds).toBeGreaterThanOrEqual(2);
    });

    it("unthrottled, it is cpu-bound", () => {
      const v = primaryOf(freeReport, c.tool);
      expect(v.rule, v.summary).toBe("cpu-bound");
    });

    it("throttled, it is io-bound, and with storage unlimited within 25% of the unthrottled runtime", () => {
      const v = primaryOf(throttledReport, c.tool);
      expect(v.rule, v.summary).toBe("io-bound");
      const est = Number(v.evidence.est_s_storage_unlimited);
      console.log(
        `${c.tool} -${c.threads}: with storage unlimited ${est.toFixed(1)} s; measured unthrottled ` +
          `${free.wallSeconds.toFixed(1)} s (${(((est - free.wallSeconds) / free.wallSeconds) * 100).toFixed(0)}%)`,
      );
      expect(Math.abs(est - free.wallSeconds) / free.wallSeconds, v.summary).toBeLessThanOrEqual(0.25);
      expect(v.summary).toMatch(/with storage unlimited, about .* instead of /);
    });

    if (c.plateau) {
      it("throttled, its disk's plateau is found without any instance type and named with its device", async () => {
        const j = await runPipespan(["analyze", "--json", "--no-spans", throttled.runDir]);
        expect(j.code, j.stderr).toBe(0);
        const json = JSON.parse(j.stdout);
        const f = json.findings.find((x: { rule: string }) => x.rule === "storage-plateau");
        expect(f, JSON.stringify(json.findings.map((x: { rule: string }) => x.rule))).toBeDefined();
        expect(f.evidence.device).toBe(throttled.device);
        // The throttle's rate, within what a lumpy limit allows (it lets 1–2 MiB readahead requests through as its
        // budget fills) and other work on the shared disk adds.
        expect(f.evidence.plateau_bytes_per_s).toBeGreaterThan(0.7 * throttledRate);
        expect(f.evidence.plateau_bytes_per_s).toBeLessThan(1.5 * throttledRate);
        expect(f.evidence.limit).toBe("unknown");
        expect(f.summary).toMatch(new RegExp(`^${throttled.device} sat flat at`));
        // …and the cost output lists volume and instance-store options, each with its runtime.
        expect(json.cost.storage.device).toBe(throttled.device);
        const kinds = new Set(json.cost.storageOptions.map((o: { kind: string }) => o.kind));
        expect(kinds).toEqual(new Set(["gp3", "io2", "instance-store"]));
        for (const o of json.cost.storageOptions) {
          expect(o.estRuntimeSeconds).toBeGreaterThan(0);
          expect(o.estRuntimeSeconds).toBeLessThan(throttled.wallSeconds);
        }
        const t = await runPipespan(["analyze", "--no-spans", throttled.runDir]);
        expect(t.stdout).toMatch(new RegExp(`storage limit: ${throttled.device} flat at`));
        expect(t.stdout).toMatch(/OPTION\s+EST\. RUNTIME\s+SPEEDUP/);
        expect(t.stdout).toMatch(/gp3 at \d+ MiB\/s\s+\d/);
      });
    }
  });
}

describe("a task split between storage and CPU by design", () => {
  const work = scratchDir();
  const out = tmpOutDir();
  let report: AnalysisReport;

  beforeAll(async () => {
    // ~6 s reading 48 MiB with O_DIRECT through 8 MiB/s, then ~6 s compressing 5 MiB of random data with zopfli
    // on 2 threads (cached: no storage), in one task.
    execFileSync("dd", ["if=/dev/urandom", `of=${work}/in`, "bs=1M", "count=48", "oflag=direct", "status=none"]);
    execFileSync("dd", ["if=/dev/urandom", `of=${work}/small`, "bs=1M", "count=5", "status=none"]);
    evictFromCache(`${work}/in`);
    const limits = cgroupLimits(work, { readBps: 8 * MiB, cpuShares: SHIELD });
    try {
      const script =
        `${limits.join} PIPESPAN_TASK_NAME=split bash -c 'dd if="$0/in" of=/dev/null bs=1M iflag=direct status=none; ` +
        `pigz -p 2 -11 -c "$0/small" > /dev/null' "${work}"`;
      const r = await runPipespan(
        ["run", "--source", "ebpf", "--run-id", "split", "--out", out, "--no-findings", "--", "bash", "-c", script],
        { timeoutMs: 120_000 },
      );
      expect(r.code, r.stderr).toBe(0);
    } finally {
      limits.remove();
    }
    report = await analyze(join(out, "split"));
  }, 180_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("is mixed, with storage I/O and CPU as its two causes", () => {
    const v = primaryOf(report, "split");
    expect(v.rule, v.summary).toBe("mixed");
    expect(new Set([v.evidence.cause1, v.evidence.cause2])).toEqual(new Set(["io", "cpu"]));
    for (const share of [v.evidence.cause1_share, v.evidence.cause2_share]) {
      expect(Number(share)).toBeGreaterThan(0.25);
    }
  });
});

describe("a lock-heavy task", () => {
  const dir = "/dev/shm";
  const locks = join(dir, `pipespan-locks-${process.pid}`);
  const out = tmpOutDir();
  let report: AnalysisReport;

  beforeAll(async () => {
    // Six threads creating and removing directories in one directory on tmpfs: each takes the directory's inode
    // lock for writing, and the waiters sleep in D state outside io_schedule — contention, no storage I/O.
    mkdirSync(locks, { recursive: true });
    const fixture = join(REPO_ROOT, "native/testlib/fixtures/dirlock.mjs");
    const r = await runPipespan(
      [
        "run",
        "--source",
        "ebpf",
        "--run-id",
        "locks",
        "--out",
        out,
        "--no-findings",
        "--",
        "bash",
        "-c",
        `PIPESPAN_TASK_NAME=dirlock exec node "${fixture}" "${locks}" 6 6`,
      ],
      { timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    report = await analyze(join(out, "locks"));
  }, 180_000);

  afterAll(() => {
    rmSync(locks, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it("is not io-bound: its D-state waits are lock waits, not storage", () => {
    const v = primaryOf(report, "dirlock");
    expect(v.rule, v.summary).not.toBe("io-bound");
    expect(Number(v.evidence.blocked_thread_s)).toBeGreaterThan(Number(v.evidence.io_wait_thread_s));
    expect(Number(v.evidence.share_io)).toBeLessThan(0.1);
  });
});

describe("--instance naming a bigger type than the measured host", () => {
  let run: ToolRun;
  let report: AnalysisReport;

  beforeAll(async () => {
    // pipespan run --instance: the findings printed after the run use it.
    // The harness's default input: a run long enough to be priced (model.minRunSeconds).
    run = await runTool({
      tool: "pigz",
      threads: 2,
      cpuShares: SHIELD,
      pipespanArgs: ["--instance", "m6i.4xlarge", "--findings"],
    });
    report = await analyze(run.runDir, "m6i.4xlarge");
  }, 300_000);

  afterAll(() => run?.dispose());

  it("says so in one line, after the run and in the analysis", () => {
    const note =
      /--instance m6i\.4xlarge has 16 CPUs and 64 GiB, but the spans were measured on a host with \d+ CPUs? and \d+ GiB: estimates project from the measured host/;
    expect(report.run.hostNote).toMatch(note);
    expect(run.pipespan.stderr.split("\n").filter((l) => note.test(l))).toHaveLength(1);
  });

  it("projects from the measured host: no recommendation grows past the type named", () => {
    const b = report.cost.baseline;
    expect(b?.estimated).toBe(true);
    // On 16 vCPUs the tool runs no slower than it did on the measured host.
    expect(b?.runtimeSeconds).toBeLessThanOrEqual(run.wallSeconds * 1.05);
    for (const r of report.recommendations) {
      expect(r.vcpu, r.summary).toBeLessThanOrEqual(16);
      expect(r.costChange, r.summary).toBeLessThan(0);
    }
  });
});
