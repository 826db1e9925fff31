// Honest context: stages of tasks that ran together on the critical path, the measured host against the
// instance type named, and runs too short to judge.
import { describe, expect, it } from "vitest";
import { hostResource, repeat } from "../../../test/findings/support/timeline.ts";
import { estimateRuntimes, format, loadCatalog, parseConfig } from "../src/index.js";
import { analyze, modelOf, only, run, task, timelineTask, verdicts } from "./helpers.js";

const GiB = 1024 ** 3;

describe("critical path on parallel DAGs", () => {
  // `head -c 300M /dev/urandom | gzip -1 | wc -c`: all three run 12 s; gzip computes, the others wait on the pipe.
  const pipe = () =>
    run({
      wallS: 12,
      resource: hostResource(2, 24 * GiB),
      tasks: [
        timelineTask("head", 0, repeat(12, { cpu: 0.1, sleep: 0.9, active: 1 })),
        timelineTask("gzip", 0, repeat(12, { cpu: 0.97, sleep: 0.03, active: 1 })),
        timelineTask("wc", 0, repeat(12, { cpu: 0.02, sleep: 0.98, active: 1 })),
      ],
    });

  it("does not chain the ends of a pipe; the one that was busy sets the stage's pace", () => {
    const r = analyze(pipe());
    const v = only(r, "critical-path");
    expect(v.evidence.tasks_on_path).toBe(1);
    expect(v.evidence.top_task).toBe("gzip");
    expect(v.evidence.top_task_verdict).toBe("cpu-bound");
    expect(v.summary).toMatch(/gzip \(with (wc|head), (wc|head) alongside\) 12\.0 s \(100%\)/);
    expect(r.criticalPath).toHaveLength(1);
    expect(r.criticalPath[0]?.task).toBe("gzip");
    expect([...(r.criticalPath[0]?.alongside ?? [])].sort()).toEqual(["head", "wc"]);
    // gzip holds the whole run: its verdict is critical; the pipe ends wait (on gzip) and say so.
    expect(only(r, "cpu-bound", "gzip").severity).toBe("critical");
    expect(only(r, "waiting", "wc").verdict).toBe("finding");
    expect(only(r, "waiting", "head").verdict).toBe("finding");
  });

  it("projects a stage by its pace setter: faster CPUs shorten the pipe, the waiting ends do not hold it", () => {
    const config = parseConfig({ cost: { cpuSpeed: { c7i: 2 } } });
    const [same, fast] = estimateRuntimes(modelOf(pipe()), ["c6i.large", "c7i.large"], { config });
    expect(same?.seconds).toBeCloseTo(12, 6);
    // gzip's CPU part (0.97 of each second) halves; its own sleep stays; head and wc were waiting on it.
    expect(fast?.seconds).toBeCloseTo(12 * (0.97 / 2 + 0.03), 6);
    expect(fast?.bindingLimit).toBe("cpu");
  });

  it("keeps sequential tasks chained and parallel jobs apart", () => {
    // xargs -P 2 running four jobs: J1 0–5, J2 0–6, J3 5–10, J4 6–11 → J2 then J4 (11 s), J1 and J3 alongside.
    const j = (name: string, s: number, e: number) => task(name, s, e, { cpu: e - s, io: 0, sleep: 0 });
    const r = analyze(run({ wallS: 11, tasks: [j("J1", 0, 5), j("J2", 0, 6), j("J3", 5, 10), j("J4", 6, 11)] }));
    const v = only(r, "critical-path");
    expect(v.evidence.path).toBe("J2+1:6,J4+1:5");
  });
});

describe("the measured host against the instance type named", () => {
  // A 4-thread CPU-bound tool measured on a 2-CPU, 24 GiB host, priced as m6i.4xlarge (16 vCPUs, 64 GiB).
  const measured = () =>
    run({
      wallS: 60,
      resource: hostResource(2, 24 * GiB),
      tasks: [
        timelineTask("SORT", 0, repeat(60, { cpu: 2, rq: 2, io: 0, sleep: 0, active: 4 }), { extra: { rss: 2 * GiB } }),
      ],
    });

  it("says so in one line and projects from the measured host", () => {
    const r = analyze(measured(), { instanceType: "m6i.4xlarge" });
    expect(r.run.hostNote).toBe(
      "--instance m6i.4xlarge has 16 CPUs and 64 GiB, but the spans were measured on a host with 2 CPUs and 24 GiB: " +
        "estimates project from the measured host",
    );
    expect(r.run.hostNote).not.toContain("\n");
    expect(r.cost.hostNote).toBe(r.run.hostNote);
    // On m6i.4xlarge the 4 threads get 4 CPUs: half the measured 60 s.
    expect(r.cost.baseline?.estimated).toBe(true);
    expect(r.cost.baseline?.runtimeSeconds).toBeCloseTo(30, 6);
    expect(only(r, "instance-cost").summary).toMatch(/would cost about .* projected from the measured host/);
  });

  it("recommends nothing above the measured need because of run-queue delay measured on a smaller host", () => {
    const r = analyze(measured(), { instanceType: "m6i.4xlarge" });
    const cat = loadCatalog();
    expect(r.recommendations.length).toBeGreaterThan(0);
    for (const rec of r.recommendations) {
      expect(rec.vcpu).toBeGreaterThanOrEqual(4); // fewer would be slower than the baseline
      expect(rec.vcpu).toBeLessThanOrEqual(16);
      expect(rec.costChange).toBeLessThan(0);
      expect(rec.estRuntimeSeconds).toBeGreaterThanOrEqual(30 - 1e-6); // never faster than 4 threads allow
      expect(cat.get(rec.instanceType)?.vcpu).toBe(rec.vcpu);
    }
    // Bigger types are no faster: 4 threads is the need.
    const [big] = r.recommendations.filter((x) => x.vcpu > 4);
    expect(big).toBeUndefined();
    // cpu-underused judges the vCPUs against the threads the task ran, not the 2 cores of the measured host.
    const cpu = verdicts(r, "cpu-underused").find((v) => v.subject.task === undefined);
    expect(cpu?.evidence.cpu_cores_peak).toBe(4);
  });

  it("stays silent when the type fits the measured host", () => {
    const r = analyze(measured(), { instanceType: "m6i.large" }); // 2 vCPUs, 8 GiB: the memory differs
    expect(r.run.hostNote).toMatch(/measured on a host with 2 CPUs and 24 GiB/);
    const fits = analyze(
      run({
        wallS: 60,
        resource: hostResource(2, 7.6 * GiB),
        tasks: [timelineTask("SORT", 0, repeat(60, { cpu: 2, rq: 2, io: 0, sleep: 0, active: 4 }))],
      }),
      { instanceType: "m6i.large" },
    );
    expect(fits.run.hostNote).toBeUndefined();
    expect(fits.cost.baseline?.estimated).toBe(false);
    expect(fits.cost.baseline?.runtimeSeconds).toBe(60);
  });
});

describe("runs and tasks too short to judge", () => {
  it("no warnings and no cost figures for a 2-second run", () => {
    const r = analyze(
      run({
        wallS: 2,
        hostType: "r6i.16xlarge",
        tasks: [task("quick", 0, 2, { cpu: 1.9, io: 0, sleep: 0, rss: GiB })],
      }),
    );
    expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(r.cost.baseline).toBeUndefined();
    expect(r.cost.refused?.reason).toMatch(/too short to price \(2\.0 s < 5 s\)/);
    expect(r.findings.some((f) => f.rule === "instance-cost")).toBe(false);
    expect(JSON.stringify(r.findings)).not.toContain("$0.0000");
  });

  it("never prints $0.0000", () => {
    expect(format.usd(0.00001)).toBe("< $0.0001");
    expect(format.usd(0.00012)).toBe("$0.0001");
    expect(format.usd(12.1)).toBe("$12.10");
  });
});
