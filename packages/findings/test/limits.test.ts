// The limits model on the cases it was worked out against (packages/findings/README.md, "The limits model"),
// through the real OTLP/JSON path, with exact expected numbers. Every run here was measured on a 2-CPU host
// unless a case says otherwise; buckets are 1 s wide.
import { describe, expect, it } from "vitest";
import { hostResource, repeat } from "../../../test/findings/support/timeline.ts";
import { waterFill } from "../src/index.js";
import { analyze, measured, only, run, type SynthTask, task, timelineTask, verdicts } from "./helpers.js";

const GiB = 1024 ** 3;
const host2 = hostResource(2, 24 * GiB);

function primaryOf(r: ReturnType<typeof analyze>, name: string) {
  const found = r.verdicts.filter((v) => v.subject.task === name && v.verdict === "finding" && v.evidence.verdict);
  if (found.length !== 1) throw new Error(`expected one primary verdict for ${name}, got ${found.map((v) => v.rule)}`);
  return found[0] as (typeof found)[number];
}

function judge(t: SynthTask, resource = host2) {
  const r = analyze(run({ tasks: [t], resource }));
  return { r, v: primaryOf(r, t.name) };
}

describe("waterFill", () => {
  it("shares in proportion and moves what a capped part cannot take to the others", () => {
    expect(waterFill(1, [1, 1], [1, 1])).toEqual([0.5, 0.5]);
    const [a, b] = waterFill(1, [3, 1], [0.5, 1]) as [number, number];
    expect(a).toBeCloseTo(0.5, 12);
    expect(b).toBeCloseTo(0.5, 12);
    expect(waterFill(2, [1, 1], [0.5, 0.25])).toEqual([0.5, 0.25]);
    expect(waterFill(1, [0, 0], [1, 1])).toEqual([0, 0]);
  });
});

describe("the paper cases", () => {
  it("a single thread alternating I/O and CPU: io-bound; storage unlimited leaves its CPU time", () => {
    const { v } = judge(timelineTask("ALT", 0, repeat(10, { cpu: 0.4, io: 0.6, sleep: 0, active: 1 })));
    expect(v.rule).toBe("io-bound");
    expect(v.evidence.share_io).toBeCloseTo(0.6, 9);
    expect(v.evidence.share_cpu).toBeCloseTo(0.4, 9);
    expect(v.evidence.lanes).toBe(1);
    expect(v.evidence.est_s_storage_unlimited).toBe(4);
    expect(v.evidence.est_s_cpu_unlimited).toBe(10); // one thread: more CPUs change nothing
    expect(v.evidence.est_s_cpu_2x_faster).toBe(8);
    expect(v.summary).toBe(
      "ALT: storage I/O held it 60% of its 10.0 s (CPU 40% on 1 usable CPU); with storage unlimited, about 4.0 s instead of 10.0 s",
    );
  });

  it("pigz -p 2 throttled (a reader in D, compressors starved): io-bound; the CPU work spreads over 2 CPUs", () => {
    // Reader 1 thread-s/s in D; two compressors busy 0.25 s/s each and a writer asleep; at most 3 active at a read.
    const { v } = judge(timelineTask("PIGZ", 0, repeat(10, { cpu: 0.5, io: 1, sleep: 2.5, active: 3 })));
    expect(v.rule).toBe("io-bound");
    expect(v.evidence.lanes).toBe(2); // 3 demonstrated, capped by the 2 CPUs
    expect(v.evidence.lanes_demonstrated).toBe(3);
    expect(v.evidence.share_cpu).toBeCloseTo(0.25, 9); // 0.5 / 2 lanes
    expect(v.evidence.share_io).toBeCloseTo(0.75, 9);
    expect(v.evidence.est_s_storage_unlimited).toBe(2.5);
    expect(v.evidence.est_s_cpu_unlimited).toBeCloseTo(10 * (1 - 0.25 + 0.5 / 3), 1);
  });

  it("two independent processes, one reading, one computing: mixed, and neither resource alone helps", () => {
    const start = 0;
    const t = timelineTask("INDEP", start, repeat(10, { cpu: 1.01, io: 0.99, sleep: 0, active: 2 }), {
      processes: [
        { name: "reader", start, end: 10, attrs: measured({ cpu: 0.1, io: 9.9, sleep: 0, rq: 0 }) },
        { name: "computer", start, end: 10, attrs: measured({ cpu: 10, io: 0, sleep: 0, rq: 0 }) },
      ],
    });
    const { v } = judge(t);
    expect(v.rule).toBe("mixed");
    expect(v.evidence.cause1).toBe("cpu");
    expect(v.evidence.cause1_share).toBeCloseTo(0.505, 9);
    expect(v.evidence.cause2).toBe("io");
    expect(v.evidence.cause2_share).toBeCloseTo(0.495, 9);
    // The computing process still needs its 10 s; the reader still needs its waits without the CPU.
    expect(v.evidence.est_s_storage_unlimited).toBe(10);
    expect(v.evidence.est_s_cpu_unlimited).toBe(10);
  });

  it("a CPU-bound 4-thread tool on a 2-CPU host: cpu-bound (not starved), 2× faster with 4 CPUs", () => {
    const { r, v } = judge(timelineTask("SORT", 0, repeat(10, { cpu: 2, rq: 2, io: 0, sleep: 0, active: 4 })));
    expect(v.rule).toBe("cpu-bound");
    expect(v.evidence.share_cpu).toBe(1);
    expect(v.evidence.share_runqueue).toBe(0); // its own threads queue behind each other: that is CPU demand
    expect(v.evidence.est_s_cpu_unlimited).toBe(5);
    expect(v.evidence.est_s_cpu_2x_faster).toBe(5);
    expect(v.summary).toMatch(/with 4 CPUs \(the threads it ran\), about 5\.0 s instead of 10\.0 s/);
    expect(only(r, "runqueue-contention", "SORT").verdict).toBe("finding"); // the secondary finding stays
  });

  it("a task starved of CPUs by other work: cpu-starved", () => {
    const { v } = judge(timelineTask("STARVED", 0, repeat(10, { cpu: 0.3, rq: 0.7, sleep: 0, active: 1 })));
    expect(v.rule).toBe("cpu-starved");
    expect(v.evidence.share_runqueue).toBeCloseTo(0.7, 9);
    expect(v.evidence.est_s_no_runqueue).toBe(3);
  });

  it("a lock-heavy task (kernel locks, D state outside I/O) is waiting, never io-bound", () => {
    const { r, v } = judge(
      timelineTask("LOCKS", 0, repeat(10, { cpu: 0.4, blocked: 3.6, io: 0, sleep: 0, active: 4 })),
    );
    expect(v.rule).toBe("waiting");
    expect(v.evidence.share_lock).toBeCloseTo(0.8, 9);
    expect(v.evidence.share_io).toBe(0);
    expect(v.evidence.est_s_no_lock_waits).toBe(2);
    expect(v.summary).toMatch(/blocked on kernel locks/);
    expect(only(r, "io-bound", "LOCKS").verdict).toBe("clear");
  });

  it("a user-space lock (futex waits are interruptible sleep) is waiting too", () => {
    const { v } = judge(timelineTask("FUTEX", 0, repeat(10, { cpu: 0.4, sleep: 3.6, active: 1 })));
    expect(v.rule).toBe("waiting");
    expect(v.evidence.share_wait).toBeCloseTo(0.6, 9);
  });

  it("a task that sleeps or waits on its children or a pipe: waiting", () => {
    const { v } = judge(timelineTask("NAP", 0, repeat(10, { cpu: 0.01, sleep: 1, active: 1 })));
    expect(v.rule).toBe("waiting");
    expect(v.evidence.share_wait).toBeCloseTo(0.99, 9);
    expect(v.summary).toMatch(/asleep 99% .* no resource of this host held it/);
  });

  it("sleep while sockets move data is network-bound", () => {
    const { v } = judge(timelineTask("FETCH", 0, repeat(10, { cpu: 0.1, sleep: 0.9, net: 5e6, active: 1 })));
    expect(v.rule).toBe("network-bound");
    expect(v.evidence.share_network).toBeCloseTo(0.9, 9);
    expect(v.evidence.est_s_network_unlimited).toBe(1);
  });

  it("a task split by design between storage and CPU phases is mixed with both causes", () => {
    const buckets = [
      ...repeat(5, { cpu: 0.05, io: 0.95, sleep: 0, active: 1 }),
      ...repeat(5, { cpu: 1, sleep: 0, active: 1 }),
    ];
    const { v } = judge(timelineTask("PHASES", 0, buckets));
    expect(v.rule).toBe("mixed");
    expect([v.evidence.cause1, v.evidence.cause2]).toEqual(["cpu", "io"]);
    expect(v.evidence.cause1_share).toBeCloseTo(0.525, 9);
    expect(v.evidence.cause2_share).toBeCloseTo(0.475, 9);
    expect(v.summary).toMatch(/no single limit — CPU 53%, storage I\/O 48%/);
  });

  it("memory: an OOM kill makes the task memory-bound (critical); page-ins move storage time to memory", () => {
    const oom: SynthTask = {
      name: "BIG",
      start: 0,
      end: 10,
      processes: [
        {
          name: "big",
          start: 0,
          end: 10,
          failed: true,
          attrs: { ...measured({ cpu: 9, io: 0.5, sleep: 0.5 }), "pipespan.process.oom_killed": true }, // semconv-literal-ok
        },
      ],
    };
    const a = judge(oom);
    expect(a.v.rule).toBe("memory-bound");
    expect(a.v.severity).toBe("critical");
    // 25,000 major faults × 4 KiB ≥ the 80 MB read: the storage wait was page-ins.
    const { v } = judge(
      timelineTask("THRASH", 0, repeat(10, { cpu: 0.1, io: 0.9, sleep: 0, active: 1 }), {
        extra: { majflt: 25_000, blockRead: 80e6 },
      }),
    );
    expect(v.rule).toBe("memory-bound");
    expect(v.evidence.share_memory).toBeCloseTo(0.9, 9);
  });
});

describe("the issue's 2-thread aligner, from totals only", () => {
  it("is io-bound (no longer between the rules), with storage unlimited ~36 s of 120 s", () => {
    // 90 thread-s in I/O wait, 72 on a CPU, 120 s wall, one idle helper thread asleep throughout.
    const t = task("ALIGN", 0, 120, { cpu: 72, io: 90, rq: 0, sleep: 120 });
    const { v } = judge(t);
    expect(v.rule).toBe("io-bound");
    expect(v.evidence.basis).toBe("totals");
    expect(v.evidence.lanes).toBe(2); // 1.35 active threads on average → 2
    expect(v.evidence.share_cpu).toBeCloseTo(0.3, 9);
    expect(v.evidence.share_io).toBeCloseTo(0.7, 9);
    expect(v.evidence.est_s_storage_unlimited).toBe(36);
    expect(String(v.evidence.notes)).toMatch(/judged from the task's totals/);
    expect(v.summary).toMatch(/with storage unlimited, about 36\.0 s instead of 2 m 00 s/);
  });
});

describe("dominance", () => {
  it("a cause dominates at ≥ 60%, or ≥ 40% with twice the runner-up; else mixed", () => {
    const at = (cpu: number, io: number, sleep: number) =>
      judge(timelineTask("T", 0, repeat(10, { cpu, io, sleep, active: 1 }))).v;
    expect(at(0.6, 0.4, 0).rule).toBe("cpu-bound"); // 60%
    expect(at(0.45, 0.2, 0.35).rule).toBe("mixed"); // 45% < 2 × 35%
    expect(at(0.5, 0.25, 0.25).rule).toBe("cpu-bound"); // 50% ≥ 2 × 25%
    expect(at(0.55, 0.45, 0).rule).toBe("mixed");
  });
});

describe("every task above the minimum wall time gets exactly one primary verdict", () => {
  it("one finding among the primary rules per task, none for a task below the minimum", () => {
    const r = analyze(
      run({
        resource: host2,
        tasks: [
          timelineTask("A", 0, repeat(5, { cpu: 1, sleep: 0, active: 1 })),
          timelineTask("B", 5, repeat(5, { io: 1, cpu: 0.1, sleep: 0, active: 1 })),
          task("SHORT", 10, 10.5, { cpu: 0.5, io: 0, sleep: 0 }),
        ],
      }),
    );
    const primary = ["cpu-bound", "io-bound", "network-bound", "memory-bound", "cpu-starved", "waiting", "mixed"];
    for (const name of ["A", "B"]) {
      expect(r.findings.filter((f) => f.task === name && primary.includes(f.rule)).length).toBe(1);
    }
    expect(r.verdicts.filter((v) => v.subject.task === "SHORT" && primary.includes(v.rule))).toEqual([]);
  });
});

describe("timelines on the wire", () => {
  it("a partial last bucket counts for its width only", () => {
    const t = timelineTask("P", 0, repeat(3, { cpu: 1, sleep: 0, active: 1 }));
    t.end = 2.5; // the third bucket is half covered
    t.processes[0] = { ...(t.processes[0] as SynthTask["processes"][number]), end: 2.5 };
    const { v } = judge(t);
    expect(v.evidence.wall_s).toBe(2.5);
    expect(v.evidence.share_cpu).toBe(1);
  });

  it("time after the timeline's last bucket is unmeasured, and said so", () => {
    const t = timelineTask("GAP", 0, repeat(5, { cpu: 1, sleep: 0, active: 1 }));
    t.end = 10;
    const { v } = judge(t);
    expect(v.evidence.share_other).toBeCloseTo(0.5, 9);
    expect(String(v.evidence.notes)).toMatch(/5\.0 s of the task's wall time is not covered/);
  });

  it("a malformed timeline is reported once and the task is judged from its totals", () => {
    const t = timelineTask("BAD", 0, repeat(4, { cpu: 1, sleep: 0, active: 1 }));
    (t.attrs as Record<string, unknown>)["pipespan.timeline.io_wait_time"] = [0, 0]; // semconv-literal-ok
    const r = analyze(run({ tasks: [t], resource: host2 }));
    expect(r.run.dataProblems?.[0]).toMatch(/task BAD: .*different length.*judged from its totals/);
    expect(primaryOf(r, "BAD").evidence.basis).toBe("totals");
  });
});

describe("honest verdicts for short and unmeasured tasks", () => {
  it("procfs runs get no primary verdict from the model; io-bound says what is missing", () => {
    const r = analyze(run({ source: "procfs", tasks: [task("x", 0, 100, { cpu: 10 })] }));
    expect(only(r, "io-bound", "x").verdict).toBe("insufficient-data");
    expect(verdicts(r, "mixed", "x")).toEqual([]);
  });
});
