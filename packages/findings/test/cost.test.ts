import { ATTR_HOST_TYPE, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME } from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import {
  type InstanceType,
  loadCatalog,
  parseConfig,
  project,
  requireInstanceType,
  type SegmentFacts,
} from "../src/index.js";
import { analyze, run, task } from "./helpers.js";

const catalog = loadCatalog();
const type = (t: string): InstanceType => requireInstanceType(catalog, t);
const opts = { atCapFraction: 0.8, speed: () => 1 };
const MB = 1e6;

function facts(over: Partial<SegmentFacts>): SegmentFacts {
  return {
    seconds: 100,
    cpuS: 0,
    runqueueS: 0,
    ioWaitS: 0,
    otherS: 0,
    demandCores: 1,
    storagePeakBps: 0,
    storageBytes: 0,
    netPeakBps: 0,
    netBytes: 0,
    ...over,
  };
}

describe("runtime projection", () => {
  it("is the observed time on the current type", () => {
    const f = [facts({ cpuS: 30, ioWaitS: 50, otherS: 20, storagePeakBps: 2400 * MB, storageBytes: 2400 * MB * 50 })];
    expect(project(f, type("r6i.16xlarge"), type("r6i.16xlarge"), opts).seconds).toBeCloseTo(100, 9);
  });

  it("scales I/O wait by the EBS baselines when the run was at the cap", () => {
    // r6i.16xlarge 2500 MB/s → r5b.16xlarge 40000 Mbit/s = 5000 MB/s: the I/O part halves.
    const f = [facts({ cpuS: 30, ioWaitS: 50, otherS: 20, storagePeakBps: 2400 * MB, storageBytes: 2400 * MB * 50 })];
    const p = project(f, type("r6i.16xlarge"), type("r5b.16xlarge"), opts);
    expect(p.seconds).toBeCloseTo(30 + 25 + 20, 9);
    expect(p.bindingLimit).toBe("cpu");
    expect(p.bySeconds).toEqual({ cpu: 30, ebs: 25, network: 0, other: 20 });
  });

  it("leaves I/O wait alone below the cap unless the candidate's cap is below the need", () => {
    const f = [facts({ cpuS: 10, ioWaitS: 80, otherS: 10, storagePeakBps: 500 * MB, storageBytes: 500 * MB * 80 })];
    const now = type("r6i.16xlarge");
    expect(project(f, now, type("r5b.16xlarge"), opts).seconds).toBeCloseTo(100, 9);
    // r6i.4xlarge: 5000 Mbit/s = 625 MB/s > 500: unchanged. r6i.2xlarge: 312.5 MB/s < 500: I/O × 500/312.5.
    expect(project(f, now, type("r6i.4xlarge"), opts).seconds).toBeCloseTo(100, 9);
    const slower = project(f, now, type("r6i.2xlarge"), opts);
    expect(slower.seconds).toBeCloseTo(10 + 80 * (500 / 312.5) + 10, 6);
    expect(slower.bindingLimit).toBe("ebs");
  });

  it("stretches CPU time when the candidate has fewer vCPUs than were busy, and run-queue delay by the vCPU ratio", () => {
    const f = [facts({ cpuS: 80, runqueueS: 10, otherS: 10, demandCores: 32 })];
    const p = project(f, type("r6i.16xlarge"), type("r6i.4xlarge"), opts); // 64 → 16 vCPUs
    expect(p.seconds).toBeCloseTo(80 * (32 / 16) + 10 * (64 / 16) + 10, 9);
    expect(p.bindingLimit).toBe("cpu");
  });

  it("applies a configured per-vCPU speed", () => {
    const f = [facts({ cpuS: 90, otherS: 10 })];
    const p = project(f, type("r6i.16xlarge"), type("r7a.16xlarge"), {
      ...opts,
      speed: (t) => (t.family === "r7a" ? 1.5 : 1),
    });
    expect(p.seconds).toBeCloseTo(60 + 10, 9);
  });

  it("never projects less time than moving the segment's network bytes at the candidate's baseline", () => {
    // 100 s moving 2000 MB/s out; r6i.large's network baseline 0.781 Gbit/s = 97.6 MB/s.
    const f = [facts({ cpuS: 5, otherS: 95, netPeakBps: 2000 * MB, netBytes: 2000 * MB * 100 })];
    const p = project(f, type("r6i.16xlarge"), type("r6i.large"), opts);
    expect(p.seconds).toBeCloseTo((2000 * MB * 100) / ((0.781 * 1e9) / 8), 6);
    expect(p.bindingLimit).toBe("network");
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
