// Each rule with a positive case, a negative case, and (where it depends on eBPF-only data or the instance type)
// the explicit "not enough data" verdict.
import {
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS,
  ATTR_PIPESPAN_NETWORK_TX_BYTES,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PIPESPAN_PROCESS_OOM_KILLED,
  ATTR_PIPESPAN_RUNQUEUE_DELAY,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
  ATTR_PIPESPAN_TASK_REQUESTED_MEMORY,
} from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/index.js";
import { analyze, measured, only, run, task, verdicts } from "./helpers.js";

const GiB = 1024 ** 3;
const MB = 1e6;

describe("io-bound", () => {
  it("fires for a task blocked on I/O most of its wall time with little CPU", () => {
    const v = only(
      analyze(run({ tasks: [task("dd", 0, 100, { cpu: 10, io: 80, rq: 1, sleep: 9, blockRead: 5e9 })] })),
      "io-bound",
    );
    expect(v.verdict).toBe("finding");
    expect(v.evidence.share_io).toBeCloseTo(0.8, 6);
    expect(v.evidence.share_cpu).toBeCloseTo(0.1, 6);
    expect(v.evidence.est_s_storage_unlimited).toBe(20);
    expect(v.summary).toMatch(/dd: storage I\/O held it 80% of its 1 m 40 s .*about 20\.0 s instead of 1 m 40 s/);
    expect(v.severity).toBe("critical"); // it is the whole run's critical path
  });
  it("stays clear for a computing task", () => {
    expect(only(analyze(run({ tasks: [task("spin", 0, 100, { cpu: 95, io: 1 })] })), "io-bound").verdict).toBe("clear");
  });
  it("stays clear when much I/O wait comes with much CPU too", () => {
    // 8 threads: 4 computing, 4 waiting — half the wall each; CPU is not low.
    const v = only(analyze(run({ tasks: [task("mix", 0, 100, { cpu: 400, io: 400 })] })), "io-bound");
    expect(v.verdict).toBe("clear");
  });
  it("says 'not enough data' without off-CPU time (procfs), naming the attribute", () => {
    const v = only(analyze(run({ source: "procfs", tasks: [task("x", 0, 100, { cpu: 10 })] })), "io-bound");
    expect(v.verdict).toBe("insufficient-data");
    expect(v.missing).toEqual([ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]);
    expect(v.summary).toMatch(/eBPF source.*this run's source is procfs/);
  });
});

describe("cpu-bound", () => {
  it("fires with off-CPU data when the task computes nearly all its wall time", () => {
    const v = only(
      analyze(run({ tasks: [task("spin", 0, 100, { cpu: 97, io: 0.5, rq: 1, sleep: 1.5 })] })),
      "cpu-bound",
    );
    expect(v.verdict).toBe("finding");
    expect(v.evidence.basis).toBe("totals");
    expect(v.evidence.share_cpu).toBeCloseTo(0.97, 6);
  });
  it("does not fire for an I/O-bound task", () => {
    expect(only(analyze(run({ tasks: [task("dd", 0, 100, { cpu: 10, io: 85 })] })), "cpu-bound").verdict).toBe("clear");
  });
  it("procfs: fires when one process kept a core busy for most of the task", () => {
    const v = only(analyze(run({ source: "procfs", tasks: [task("spin", 0, 10, { cpu: 9.6 })] })), "cpu-bound");
    expect(v.verdict).toBe("finding");
    expect(v.evidence.basis).toBe("cpu-vs-wall");
    expect(v.summary).toMatch(/procfs measures CPU time only/);
  });
  it("procfs: fires when the task used the cores it requested", () => {
    const t = task("par", 0, 10, { cpu: 36 }, { attrs: { [ATTR_PIPESPAN_TASK_REQUESTED_CPUS]: 4 } });
    const v = only(analyze(run({ source: "procfs", tasks: [t] })), "cpu-bound");
    expect(v.verdict).toBe("finding");
    expect(v.evidence.cores_available).toBe(4);
  });
  it("procfs: stays clear for a mostly idle task", () => {
    expect(
      only(analyze(run({ source: "procfs", tasks: [task("nap", 0, 10, { cpu: 0.1 })] })), "cpu-bound").verdict,
    ).toBe("clear");
  });
});

describe("cpu-underused", () => {
  it("fires for a task that requested far more CPUs than it used, and for an oversized instance", () => {
    const t = task("align", 0, 100, { cpu: 200 }, { attrs: { [ATTR_PIPESPAN_TASK_REQUESTED_CPUS]: 16 } });
    const r = analyze(run({ hostType: "r6i.16xlarge", tasks: [t] }));
    const [forTask, forRun] = [
      verdicts(r, "cpu-underused", "align")[0],
      verdicts(r, "cpu-underused").find((v) => !v.subject.task),
    ];
    expect(forTask?.verdict).toBe("finding");
    expect(forTask?.evidence.cpu_cores_peak).toBeCloseTo(2, 6);
    expect(forRun?.verdict).toBe("finding");
    expect(forRun?.summary).toMatch(/at most 2\.0 of r6i\.16xlarge's 64 vCPUs/);
  });
  it("stays clear when the cores are used", () => {
    const t = task("align", 0, 100, { cpu: 5600 }, { attrs: { [ATTR_PIPESPAN_TASK_REQUESTED_CPUS]: 64 } });
    const r = analyze(run({ hostType: "r6i.16xlarge", tasks: [t] }));
    expect(verdicts(r, "cpu-underused").map((v) => v.verdict)).toEqual(["clear", "clear"]);
  });
  it("says 'not enough data' without requested CPUs or an instance type", () => {
    const v = only(analyze(run({ tasks: [task("x", 0, 10, { cpu: 1 })] })), "cpu-underused");
    expect(v.verdict).toBe("insufficient-data");
    expect(v.missing).toContain(ATTR_HOST_TYPE);
  });
});

describe("memory-overprovisioned", () => {
  it("fires when the peak is far below the instance's memory and below a task's request", () => {
    const t = task(
      "x",
      0,
      10,
      { cpu: 1, rss: 4 * GiB },
      { attrs: { [ATTR_PIPESPAN_TASK_REQUESTED_MEMORY]: 32 * GiB } },
    );
    const r = analyze(run({ hostType: "r6i.16xlarge", tasks: [t] }));
    expect(verdicts(r, "memory-overprovisioned").map((v) => v.verdict)).toEqual(["finding", "finding"]);
    const forRun = verdicts(r, "memory-overprovisioned").find((v) => !v.subject.task);
    expect(forRun?.evidence.peak_rss_bytes).toBe(4 * GiB);
    expect(forRun?.evidence.instance_memory_bytes).toBe(512 * GiB);
  });
  it("stays clear when the memory is used", () => {
    const t = task(
      "x",
      0,
      10,
      { cpu: 1, rss: 300 * GiB },
      { attrs: { [ATTR_PIPESPAN_TASK_REQUESTED_MEMORY]: 320 * GiB } },
    );
    const r = analyze(run({ hostType: "r6i.16xlarge", tasks: [t] }));
    expect(verdicts(r, "memory-overprovisioned").map((v) => v.verdict)).toEqual(["clear", "clear"]);
  });
  it("says 'not enough data' without an instance type or requests", () => {
    const v = only(analyze(run({ tasks: [task("x", 0, 10, { cpu: 1, rss: GiB })] })), "memory-overprovisioned");
    expect(v.verdict).toBe("insufficient-data");
  });
});

describe("memory-pressure", () => {
  it("fires (critical) for an OOM kill seen by the eBPF source", () => {
    const t = task("big", 0, 10, { cpu: 1, majflt: 0 });
    (t.processes[0] as { attrs: Record<string, unknown> }).attrs[ATTR_PIPESPAN_PROCESS_OOM_KILLED] = true;
    const v = verdicts(analyze(run({ tasks: [t] })), "memory-pressure").find((x) => x.subject.process);
    expect(v?.verdict).toBe("finding");
    expect(v?.severity).toBe("critical");
    expect(v?.summary).toMatch(/OOM killer stopped big-proc .* in big/);
  });
  it("fires for many major faults, stays clear for few", () => {
    const r = analyze(
      run({
        tasks: [task("thrash", 0, 100, { cpu: 10, majflt: 50_000 }), task("calm", 100, 200, { cpu: 10, majflt: 12 })],
      }),
    );
    expect(only(r, "memory-pressure", "thrash").verdict).toBe("finding");
    expect(only(r, "memory-pressure", "calm").verdict).toBe("clear");
  });
  it("procfs: a SIGKILL might have been the OOM killer — says it cannot tell", () => {
    const t = task("killed", 0, 10, { cpu: 1, majflt: 0 });
    (t.processes[0] as { attrs: Record<string, unknown> }).attrs[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME] = "SIGKILL";
    const v = verdicts(analyze(run({ source: "procfs", tasks: [t] })), "memory-pressure").find((x) => !x.subject.task);
    expect(v?.verdict).toBe("insufficient-data");
    expect(v?.missing).toEqual([ATTR_PIPESPAN_PROCESS_OOM_KILLED]);
  });
  it("says 'not enough data' without major-fault counts", () => {
    const v = only(analyze(run({ tasks: [task("x", 0, 10, { cpu: 1 })] })), "memory-pressure");
    expect(v.missing).toEqual([ATTR_PIPESPAN_MEMORY_MAJOR_FAULTS]);
  });
});

describe("disk-at-cap", () => {
  // r6i.16xlarge: 20000 Mbit/s = 2500 MB/s.
  it("fires when storage ran near the EBS baseline for most of the run", () => {
    const t = task("io", 0, 100, { cpu: 5, io: 90, blockRead: 2400 * MB * 90 }, {});
    t.processes[0]!.end = 90;
    const r = analyze(run({ wallS: 100, hostType: "r6i.16xlarge", tasks: [t] }));
    const v = only(r, "disk-at-cap");
    expect(v.verdict).toBe("finding");
    expect(v.severity).toBe("critical");
    expect(v.evidence.ebs_baseline_mb_s).toBe(2500);
    expect(v.evidence.ebs_baseline_mbit_s).toBe(20000);
    expect(v.evidence.share_of_wall_at_cap).toBeCloseTo(0.9, 2);
    expect(v.evidence.bytes_from).toBe("block");
  });
  it("stays clear well below the baseline", () => {
    const r = analyze(
      run({ hostType: "r6i.16xlarge", tasks: [task("io", 0, 100, { cpu: 5, io: 90, blockRead: 500 * MB * 100 })] }),
    );
    expect(only(r, "disk-at-cap").verdict).toBe("clear");
  });
  it("uses I/O accounting bytes when block bytes are missing (procfs)", () => {
    const r = analyze(
      run({ source: "procfs", hostType: "r5.large", tasks: [task("io", 0, 100, { cpu: 5, diskRead: 80 * MB * 100 })] }),
    );
    const v = only(r, "disk-at-cap"); // r5.large: 650 Mbit/s = 81.25 MB/s
    expect(v.verdict).toBe("finding");
    expect(v.evidence.bytes_from).toBe("io_accounting");
  });
  it("says 'not enough data' without the instance type, or when its baseline is unpublished", () => {
    const t = task("io", 0, 100, { cpu: 5, blockRead: 1e9 });
    expect(only(analyze(run({ tasks: [t] })), "disk-at-cap").missing).toEqual([ATTR_HOST_TYPE]);
    const v = only(analyze(run({ hostType: "r7a.large", tasks: [t] })), "disk-at-cap");
    expect(v.verdict).toBe("insufficient-data");
    expect(v.summary).toMatch(/r7a\.large's EBS baseline is not published/);
  });
});

describe("network-at-cap", () => {
  // r6i.16xlarge: 25 Gbit/s = 3125 MB/s per direction.
  it("fires when one direction ran near the baseline for most of the run", () => {
    const r = analyze(
      run({ hostType: "r6i.16xlarge", tasks: [task("up", 0, 100, { cpu: 5, tx: 3000 * MB * 100, rx: 10 * MB })] }),
    );
    expect(only(r, "network-at-cap").verdict).toBe("finding");
  });
  it("stays clear below it", () => {
    const r = analyze(
      run({ hostType: "r6i.16xlarge", tasks: [task("up", 0, 100, { cpu: 5, tx: 300 * MB * 100, rx: 0 })] }),
    );
    expect(only(r, "network-at-cap").verdict).toBe("clear");
  });
  it("says 'not enough data' without socket byte counts (procfs)", () => {
    const v = only(
      analyze(run({ source: "procfs", hostType: "r6i.16xlarge", tasks: [task("x", 0, 10, { cpu: 1 })] })),
      "network-at-cap",
    );
    expect(v.missing).toContain(ATTR_PIPESPAN_NETWORK_TX_BYTES);
  });
});

describe("runqueue-contention", () => {
  it("fires when threads waited for a CPU a large share of the time", () => {
    const v = only(
      analyze(run({ tasks: [task("crowd", 0, 100, { cpu: 100, io: 0, rq: 30 })] })),
      "runqueue-contention",
    );
    expect(v.verdict).toBe("finding");
    expect(v.evidence.delay_share).toBeCloseTo(30 / 130, 4);
  });
  it("stays clear with little delay", () => {
    expect(
      only(analyze(run({ tasks: [task("ok", 0, 100, { cpu: 100, io: 0, rq: 0.5 })] })), "runqueue-contention").verdict,
    ).toBe("clear");
  });
  it("says 'not enough data' without run-queue delay", () => {
    expect(
      only(analyze(run({ source: "procfs", tasks: [task("x", 0, 10, { cpu: 1 })] })), "runqueue-contention").missing,
    ).toEqual([ATTR_PIPESPAN_RUNQUEUE_DELAY]);
  });
});

describe("straggler", () => {
  const shard = (i: number, wall: number) =>
    task("ALIGN", i * 1, i * 1 + wall, { cpu: 1 }, { taskRunId: `ALIGN-${i}` });
  it("flags the one run far slower than its siblings", () => {
    const r = analyze(run({ tasks: [shard(0, 100), shard(1, 110), shard(2, 95), shard(3, 105), shard(4, 400)] }));
    const found = verdicts(r, "straggler").filter((v) => v.verdict === "finding");
    expect(found).toHaveLength(1);
    expect(found[0]?.subject.taskRunId).toBe("ALIGN-4");
    expect(found[0]?.evidence.sibling_median_wall_s).toBe(102.5);
  });
  it("stays clear for even runs, and does not judge a name with too few runs", () => {
    const r = analyze(run({ tasks: [shard(0, 100), shard(1, 110), shard(2, 95), task("ONE", 0, 999, { cpu: 1 })] }));
    expect(verdicts(r, "straggler").map((v) => v.verdict)).toEqual(["clear"]);
  });
});

describe("critical-path", () => {
  it("names the tasks that set the run's wall time, largest first in the advice", () => {
    const r = analyze(
      run({
        wallS: 100,
        tasks: [task("A", 0, 20, { cpu: 1 }), task("B", 20, 100, { cpu: 1 }), task("side", 0, 50, { cpu: 1 })],
      }),
    );
    const v = only(r, "critical-path");
    expect(v.verdict).toBe("finding");
    // "side" ran in parallel with both (it overlapped each for at least half of the shorter): alongside, not chained.
    expect(v.evidence.path).toBe("A+1:20,B+1:80");
    expect(v.summary).toMatch(/A \(with side alongside\) 20\.0 s \(20%\) → B \(with side alongside\) 1 m 20 s \(80%\)/);
    expect(v.advice).toMatch(/start with B \(80% of the run\)/);
  });
  it("has nothing to say about a run without tasks", () => {
    const r = analyze(
      run({ wallS: 10, tasks: [], rootProcesses: [{ name: "sh", start: 0, end: 10, attrs: measured({ cpu: 1 }) }] }),
    );
    expect(only(r, "critical-path").verdict).toBe("clear");
  });
});

describe("thresholds and switches from the config", () => {
  it("a stricter dominance threshold turns io-bound into mixed, and a disabled rule is not evaluated", () => {
    const r0 = run({ tasks: [task("dd", 0, 100, { cpu: 10, io: 60, sleep: 30 })] });
    expect(only(analyze(r0), "io-bound").verdict).toBe("finding"); // 60% ≥ 60%
    const strict = parseConfig({
      model: { dominantShare: 0.7, leadRatio: 3 },
      rules: { straggler: { enabled: false } },
    });
    const r = analyze(r0, { config: strict });
    expect(only(r, "io-bound").verdict).toBe("clear");
    expect(only(r, "mixed").verdict).toBe("finding");
    expect(verdicts(r, "straggler")).toHaveLength(0);
  });
});
