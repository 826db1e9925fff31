// Storage limits found from the device series alone (plateaus), told apart as volume or instance limits, and the
// options that would lift them, each with the runtime the limits model gives.

import { ATTR_PIPESPAN_FINDING_RULE, ATTR_PIPESPAN_FINDING_SPEEDUP } from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import { type B, deviceEvent, hostResource, repeat, timelineAttrs } from "../../../test/findings/support/timeline.ts";
import { findingSpans, loadCatalog, loadVolumes } from "../src/index.js";
import { analyze, only, run, timelineTask } from "./helpers.js";

const GiB = 1024 ** 3;
const MB = 1e6;
const MIB = 1024 * 1024;

/**
 * 60 s: 5 s ramping up, 50 s reading flat at `rate` bytes/s in `request`-byte requests (±0.5% alternating) while
 * the task waits on storage 90% of the time, 5 s computing.
 */
function copyRun(rate: number, request: number, o: { hostType?: string; ioDuringPlateau?: number } = {}) {
  const io = o.ioDuringPlateau ?? 0.9;
  const plateau: B = { cpu: 1 - io, io, sleep: 0, active: 1, storage: rate };
  const compute: B = { cpu: 1, io: 0, sleep: 0, active: 1 };
  const buckets = [...repeat(5, compute), ...repeat(50, plateau), ...repeat(5, compute)];
  const read = buckets.map((_, k) =>
    k < 5 ? (rate * (k + 1)) / 6 : k < 55 ? rate * (k % 2 === 0 ? 0.995 : 1.005) : 0,
  );
  const ops = read.map((b) => b / request);
  return run({
    wallS: 60,
    ...(o.hostType ? { hostType: o.hostType } : {}),
    resource: o.hostType ? {} : hostResource(2, 24 * GiB),
    runAttrs: timelineAttrs(1, buckets),
    runEvents: [
      deviceEvent({
        name: "vda",
        interval: 1,
        readBytes: read,
        writeBytes: read.map(() => 0),
        readOps: ops,
        writeOps: ops.map(() => 0),
      }),
    ],
    tasks: [timelineTask("COPY", 0, buckets, { extra: { rss: 1 * GiB } })],
  });
}

describe("storage-plateau", () => {
  it("finds a throughput plateau without any instance type and names its device", () => {
    const r = analyze(copyRun(10 * MB, 128 * 1024));
    const v = only(r, "storage-plateau");
    expect(v.verdict).toBe("finding");
    expect(v.evidence.device).toBe("vda");
    expect(v.evidence.kind).toBe("throughput");
    // Its rate is all the plateau's windows moved over their time (the ramp's last second falls in the first):
    // within 0.05 MB/s of the 10 MB/s the series sat at.
    expect(v.evidence.plateau_mb_s).toBeCloseTo(10, 1);
    // Judged over 4-s windows: the twelve from 4 s to 52 s sit at the level (52–56 s, with its idle last second,
    // falls below it).
    expect(v.evidence.seconds_at_plateau).toBe(48);
    expect(v.evidence.share_of_run).toBeCloseTo(48 / 60, 4);
    expect(v.evidence.request_bytes).toBe(131_072);
    // Waiting 0.9 s of every plateau second; 4–8 s holds one ramp second.
    expect(v.evidence.io_wait_share).toBeCloseTo((3 * 0.9 + 11 * 4 * 0.9) / 48, 4);
    expect(v.evidence.limit).toBe("unknown");
    expect(v.severity).toBe("critical");
    expect(v.summary).toMatch(
      /^vda sat flat at 10\.0 MB\/s \(76 IOPS, 128 KiB per request\) for 48\.0 s \(80% of the run\)/,
    );
    expect(v.summary).toMatch(/the instance type is not known, so a volume limit cannot be told from the instance's/);
  });

  it("tells a volume limit (below the instance's EBS baseline) from the instance's own", () => {
    // r6i.large: EBS baseline 650 Mbit/s = 81.25 MB/s.
    const below = only(analyze(copyRun(10 * MB, 128 * 1024, { hostType: "r6i.large" })), "storage-plateau");
    expect(below.evidence.limit).toBe("volume");
    expect(below.summary).toMatch(/below r6i\.large's EBS baseline \(81 MB\/s\): a limit of the volume/);
    const at = only(analyze(copyRun(81 * MB, 128 * 1024, { hostType: "r6i.large" })), "storage-plateau");
    expect(at.evidence.limit).toBe("instance");
    expect(at.summary).toMatch(/at r6i\.large's EBS baseline \(81 MB\/s\): the instance's limit/);
  });

  it("calls small requests at a flat rate an IOPS limit", () => {
    const v = only(analyze(copyRun(3000 * 4096, 4096)), "storage-plateau");
    expect(v.evidence.kind).toBe("iops");
    expect(Number(v.evidence.plateau_iops) / 3000).toBeCloseTo(1, 2);
  });

  it("stays clear for a flat rate nothing waited on (a CPU-bound steady reader), and for varying rates", () => {
    expect(only(analyze(copyRun(30 * MB, 128 * 1024, { ioDuringPlateau: 0.05 })), "storage-plateau").verdict).toBe(
      "clear",
    );
    const noisy = copyRun(10 * MB, 128 * 1024);
    const ev = noisy.runEvents?.[0]?.attrs as Record<string, number[]>;
    // Falling from 20 MB/s to nothing over the run, in 128 KiB requests: never flat.
    const bytes = Object.keys(ev).find((k) => k.endsWith("read_bytes")) as string;
    const ops = Object.keys(ev).find((k) => k.endsWith("read_ops")) as string;
    ev[bytes] = (ev[bytes] as number[]).map((_, k) => ((60 - k) / 60) * 20 * MB);
    ev[ops] = (ev[bytes] as number[]).map((b) => b / 131_072);
    expect(only(analyze(noisy), "storage-plateau").verdict).toBe("clear");
  });

  it("says what is missing without device series", () => {
    const r = analyze(run({ tasks: [timelineTask("X", 0, repeat(10, { cpu: 1, sleep: 0, active: 1 }))] }));
    expect(only(r, "storage-plateau").verdict).toBe("insufficient-data");
  });
});

describe("lifting a storage limit: options with runtimes", () => {
  it("without an instance type: volume and instance-store options, each with its runtime, and no instance price", () => {
    const r = analyze(copyRun(10 * MB, 128 * 1024));
    expect(r.cost.refused?.reason).toMatch(/instance type is not known/);
    expect(r.cost.storage).toMatchObject({ device: "vda", kind: "throughput", limit: "unknown" });
    const opts = r.cost.storageOptions;
    const level = r.cost.storage?.bytesPerS as number;
    expect(level / (10 * MB)).toBeCloseTo(1, 2);
    // The task waited 0.9 s of each plateau second (47 of them inside the plateau's windows); lifting the
    // plateau to L scales that by level / L.
    const expected = (newBps: number) => 60 - 47 * 0.9 * (1 - level / newBps);
    const gp3 = opts.filter((o) => o.kind === "gp3");
    // What any gp3 volume includes (125 MiB/s, more than 2× and 4× of the 9.5 MiB/s plateau), then its maximum.
    expect(gp3.map((o) => o.throughputMiBps)).toEqual([125, 2000]);
    expect(gp3[0]?.label).toBe("gp3 at 125 MiB/s (included)");
    expect(gp3[0]?.extraUsdPerMonth).toBe(0);
    for (const o of gp3) {
      expect(o.estRuntimeSeconds).toBeCloseTo(expected((o.throughputMiBps as number) * MIB), 6);
      const gp3Row = loadVolumes().get("gp3");
      expect(o.extraUsdPerMonth).toBeCloseTo(
        Math.max((o.throughputMiBps as number) - 125, 0) * (gp3Row?.priceUsdMiBpsMonth ?? 0),
        9,
      );
      expect(o.estCostPerRunUsd).toBeUndefined(); // no instance price known
    }
    // io2 reaches past gp3's 2000 MiB/s: 4000 MiB/s at 0.256 MiB/s per IOPS = 15625 IOPS × $0.065.
    const io2 = opts.find((o) => o.kind === "io2");
    expect(io2?.iops).toBe(15_625);
    expect(io2?.extraUsdPerMonth).toBeCloseTo(15_625 * 0.065, 9);
    // Instance store: the cheapest types with local NVMe that fit; storage at the plateau treated as unlimited.
    const stores = opts.filter((o) => o.kind === "instance-store");
    expect(stores.length).toBe(2);
    const cat = loadCatalog();
    for (const s of stores) {
      const t = cat.get(s.instanceType as string);
      expect(t?.localNvmeGb).toBeGreaterThan(0);
      expect(s.estRuntimeSeconds).toBeCloseTo(60 - 47 * 0.9, 6);
      expect(s.estCostPerRunUsd).toBeCloseTo(((t?.pricePerHourUsd ?? 0) * s.estRuntimeSeconds) / 3600, 12);
    }
  });

  it("lists each option as a storage-option finding, searchable as a span", () => {
    const r = analyze(copyRun(10 * MB, 128 * 1024));
    const fs = r.findings.filter((f) => f.rule === "storage-option");
    expect(fs.map((f) => f.evidence.option)).toEqual(r.cost.storageOptions.map((o) => o.label));
    const spans = findingSpans(r, { traceId: "a".repeat(32), runSpanId: "b".repeat(16) });
    const opt = spans.filter((s) => s.attributes[ATTR_PIPESPAN_FINDING_RULE] === "storage-option");
    expect(opt).toHaveLength(fs.length);
    expect(new Set(opt.map((s) => s.spanId)).size).toBe(opt.length); // one identity per option
    for (const s of opt) expect(typeof s.attributes[ATTR_PIPESPAN_FINDING_SPEEDUP]).toBe("number");
  });

  it("on a known type: options capped at its EBS baseline, its *d sibling, and a binding limit of storage (never none)", () => {
    const r = analyze(copyRun(10 * MB, 128 * 1024, { hostType: "r6i.large" }));
    expect(r.cost.current?.bindingLimit).toBe("storage");
    const gp3 = r.cost.storageOptions.filter((o) => o.kind === "gp3");
    // r6i.large's 81.25 MB/s = 77.5 MiB/s caps the volume: even gp3's included 125 MiB/s gives 75 (rounded to 5).
    expect(gp3.map((o) => o.throughputMiBps)).toEqual([75]);
    expect(gp3.at(-1)?.note).toMatch(/capped at r6i\.large's EBS baseline/);
    expect(r.cost.storageOptions.some((o) => o.kind === "io2")).toBe(false);
    const store = r.cost.storageOptions.find((o) => o.kind === "instance-store");
    expect(store?.instanceType).toBe("r6id.large");
    // Priced with the instance: (r6i.large + the volume's extra per hour) × runtime.
    for (const o of gp3) {
      const price = loadCatalog().get("r6i.large")?.pricePerHourUsd as number;
      expect(o.estCostPerRunUsd).toBeCloseTo(((price + (o.extraUsdPerHour ?? 0)) * o.estRuntimeSeconds) / 3600, 9);
    }
    // Another instance type does not lift a volume limit: no recommendation is faster.
    for (const rec of r.recommendations) expect(rec.speedup).toBeLessThan(1.01);
  });

  it("at the instance's EBS cap: instance-store sibling and types with a higher baseline (binding ebs)", () => {
    const r = analyze(copyRun(81 * MB, 128 * 1024, { hostType: "r6i.large" }));
    expect(r.cost.current?.bindingLimit).toBe("ebs");
    expect(r.cost.storageOptions.map((o) => o.kind)).toEqual(["instance-store"]);
    expect(r.cost.storageOptions[0]?.instanceType).toBe("r6id.large");
  });
});
