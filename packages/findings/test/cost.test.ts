import { ATTR_HOST_TYPE, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME } from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import { estimateRuntimes, type InstanceType, loadCatalog, parseConfig, requireInstanceType } from "../src/index.js";
import { analyze, modelOf, run, task } from "./helpers.js";

const catalog = loadCatalog();
const type = (t: string): InstanceType => requireInstanceType(catalog, t);
const MB = 1e6;

/** One single-threaded (unless said) task of 100 s on r6i.16xlarge, judged from its totals. */
function oneTask(m: Parameters<typeof task>[3], hostType = "r6i.16xlarge") {
  return modelOf(run({ hostType, wallS: 100, tasks: [task("t", 0, 100, m)] }));
}
const on = (model: ReturnType<typeof oneTask>, ...types: string[]) => estimateRuntimes(model, types);

describe("runtime projection (the limits model from the measured host)", () => {
  it("is the observed time on the measured host's own type", () => {
    const m = oneTask({ cpu: 30, io: 50, sleep: 20, blockRead: 2400 * MB * 100 });
    expect(on(m, "r6i.16xlarge")[0]?.seconds).toBeCloseTo(100, 9);
  });

  it("scales storage-held time by the EBS baselines when the run was at the instance's cap", () => {
    // 2400 MB/s on r6i.16xlarge (2500 MB/s) → r5b.16xlarge (40000 Mbit/s = 5000 MB/s): the storage part halves.
    const m = oneTask({ cpu: 30, io: 50, sleep: 20, blockRead: 2400 * MB * 100 });
    const [p] = on(m, "r5b.16xlarge");
    expect(p?.seconds).toBeCloseTo(30 + 25 + 20, 6);
    expect(p?.bindingLimit).toBe("cpu");
    expect(p?.bySeconds.ebs).toBeCloseTo(25, 6);
    expect(p?.bySeconds.cpu).toBeCloseTo(30, 6);
    expect(p?.bySeconds.other).toBeCloseTo(20, 6);
  });

  it("leaves storage time alone below the cap unless the candidate's cap is below the need", () => {
    const m = oneTask({ cpu: 10, io: 80, sleep: 10, blockRead: 500 * MB * 100 });
    const [same, four, two] = on(m, "r5b.16xlarge", "r6i.4xlarge", "r6i.2xlarge");
    expect(same?.seconds).toBeCloseTo(100, 6);
    // r6i.4xlarge: 5000 Mbit/s = 625 MB/s > 500: unchanged. r6i.2xlarge: 312.5 MB/s < 500: storage × 500/312.5
    // (148 s), but moving the 50 GB at 312.5 MB/s takes 160 s: the floor.
    expect(four?.seconds).toBeCloseTo(100, 6);
    expect(two?.seconds).toBeCloseTo(Math.max(10 + 80 * (500 / 312.5) + 10, (500 * MB * 100) / (312.5 * MB)), 6);
    expect(two?.bindingLimit).toBe("ebs");
    expect(same?.bindingLimit).toBe("storage"); // storage holds it, below the instance's cap: never "none"
  });

  it("re-spreads the CPU work over the lanes a candidate offers, never more than the threads the task ran", () => {
    // 32 threads busy for 100 s on 64 vCPUs: 16 vCPUs double it; 128 vCPUs change nothing.
    const m = oneTask({ cpu: 3200, io: 0, rq: 0, sleep: 0 });
    const [sixteen, big] = on(m, "r6i.4xlarge", "r6i.32xlarge");
    expect(sixteen?.seconds).toBeCloseTo(200, 6);
    expect(sixteen?.bindingLimit).toBe("cpu");
    expect(big?.seconds).toBeCloseTo(100, 6);
  });

  it("scales run-queue-held time by the ratio of CPUs", () => {
    // One thread on a CPU 30% and runnable 70%: others took the CPUs on the 64-vCPU host; on 16 vCPUs, 4× that.
    const m = oneTask({ cpu: 30, io: 0, rq: 70, sleep: 0 });
    expect(on(m, "r6i.4xlarge")[0]?.seconds).toBeCloseTo(30 + 70 * 4, 6);
  });

  it("applies a configured per-vCPU speed", () => {
    const m = oneTask({ cpu: 90, io: 0, sleep: 10 });
    const config = parseConfig({ cost: { cpuSpeed: { r7a: 1.5 } } });
    expect(estimateRuntimes(m, ["r7a.16xlarge"], { config })[0]?.seconds).toBeCloseTo(60 + 10, 6);
  });

  it("never projects less time than moving the segment's network bytes at the candidate's baseline", () => {
    // 100 s moving 2000 MB/s out; r6i.large's network baseline 0.781 Gbit/s = 97.6 MB/s.
    const m = oneTask({ cpu: 5, io: 0, sleep: 95, tx: 2000 * MB * 100 });
    const [p] = on(m, "r6i.large");
    expect(p?.seconds).toBeCloseTo((2000 * MB * 100) / ((0.781 * 1e9) / 8), 6);
    expect(p?.bindingLimit).toBe("network");
  });
});

describe("cost model", () => {
  const ioRun = (hostType?: string) =>
    run({
      wallS: 3600,
      ...(hostType ? { hostType } : {}),
      tasks: [task("io", 0, 3600, { cpu: 360, io: 3000, rq: 10, blockRead: 2400 * MB * 3600, rss: 10 * 1024 ** 3 })],
    });

  it("prices the run and ranks cheaper types, each with baseline, break-even speedup and binding limit", () => {
    const r = analyze(ioRun("r6i.16xlarge"));
    const c = r.cost;
    expect(c.baseline?.costPerRunUsd).toBeCloseTo(4.032, 9); // 1 h at $4.032/h
    expect(r.recommendations.length).toBeGreaterThan(0);
    expect(r.recommendations.length).toBeLessThanOrEqual(5);
    const families = new Set<string>();
    for (const rec of r.recommendations) {
      const t = type(rec.instanceType);
      expect(rec.breakEvenSpeedup).toBeCloseTo(t.pricePerHourUsd / 4.032, 9);
      expect(rec.estCostPerRunUsd).toBeCloseTo((t.pricePerHourUsd * rec.estRuntimeSeconds) / 3600, 9);
      expect(rec.costChange).toBeCloseTo(rec.estCostPerRunUsd / 4.032 - 1, 9);
      expect(rec.baseline.instanceType).toBe("r6i.16xlarge");
      expect(t.memoryGib).toBeGreaterThanOrEqual(12); // 10 GiB peak × 1.2
      expect(t.arch).toBe("x86_64");
      expect(families.has(t.family)).toBe(false);
      families.add(t.family);
      expect(rec.summary).toMatch(/break-even speedup .*binding limit/);
    }
    const costs = r.recommendations.map((x) => x.estCostPerRunUsd);
    expect([...costs].sort((a, b) => a - b)).toEqual(costs);
  });

  it("refuses to project without off-CPU data (procfs), but still prices the run", () => {
    const procfs = analyze(
      run({
        source: "procfs",
        hostType: "r6i.16xlarge",
        wallS: 100,
        tasks: [task("x", 0, 100, { cpu: 50, diskRead: 1e9 })],
      }),
    );
    expect(procfs.cost.baseline?.costPerRunUsd).toBeCloseTo((4.032 * 100) / 3600, 12);
    expect(procfs.cost.refused?.missing).toEqual([ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME]);
    expect(procfs.cost.refused?.reason).toMatch(/procfs, which measures CPU time only/);
    expect(procfs.recommendations).toEqual([]);
    expect(procfs.insufficientData.some((g) => g.rule === "instance-recommendation")).toBe(true);
  });

  it("refuses without an instance type, and says host.type is unknown to the catalog", () => {
    const none = analyze(ioRun());
    expect(none.cost.refused?.missing).toEqual([ATTR_HOST_TYPE]);
    expect(none.cost.baseline).toBeUndefined();
    const odd = analyze(ioRun("t3.nano"));
    expect(odd.cost.refused?.reason).toMatch(/t3\.nano is not in the catalog.*--instance/);
  });

  it("uses --instance over host.type, and throws for an unknown --instance", () => {
    const r = analyze(ioRun("r6i.16xlarge"), { instanceType: "m6i.16xlarge" });
    expect(r.run.instanceType).toBe("m6i.16xlarge");
    expect(r.run.instanceTypeFrom).toBe("--instance");
    expect(() => analyze(ioRun(), { instanceType: "x9.huge" })).toThrow(/unknown instance type "x9.huge"/);
  });

  it("honours cost options: families, count, one per family", () => {
    const config = parseConfig({ cost: { families: ["r6i", "r5b"], maxRecommendations: 1, onePerFamily: false } });
    const r = analyze(ioRun("r6i.16xlarge"), { config });
    expect(r.recommendations).toHaveLength(1);
    expect(["r6i", "r5b"]).toContain(type(r.recommendations[0]!.instanceType).family);
  });

  it("says so when no type qualifies", () => {
    // Already the cheapest type that fits a 60-core, 400 GiB run at its EBS cap.
    const big = run({
      hostType: "r6i.16xlarge",
      wallS: 100,
      tasks: [task("x", 0, 100, { cpu: 6000, io: 10, blockRead: 1e6, rss: 400 * 1024 ** 3 })],
    });
    const r = analyze(big, { config: parseConfig({ cost: { families: ["r6i"] } }) });
    expect(r.recommendations).toEqual([]);
    expect(r.cost.note).toMatch(/no type in the catalog/);
  });
});
