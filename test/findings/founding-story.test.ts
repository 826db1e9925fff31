// The founding story as a test, through the real CLI: ~3 h on r6i.16xlarge, CPU under 25%, peak memory ~60 GiB
// of 512, storage at the EBS baseline most of the run → io-bound, memory-overprovisioned, disk-at-cap, and
// cheaper instance types, each with its baseline, break-even speedup and binding limit. The expected figures are
// computed here, independently, from the catalog's CSV rows and the story's own numbers.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readOtlpJsonTraces } from "@pipespan/findings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runPipespan, tmpOutDir } from "../support/cli.js";
import { foundingStory, GiB, STORY } from "./support/founding-story.ts";
import { writeRunFolder } from "./support/synthetic.ts";

interface Row {
  type: string;
  family: string;
  arch: string;
  vcpu: number;
  memoryGib: number;
  ebsMbps: number | undefined;
  price: number;
}

/** The catalog, read with a plain split (the CSV has no quoted fields). */
function catalogRows(): Row[] {
  const lines = readFileSync(join(REPO_ROOT, "packages/findings/data/ec2-instances.csv"), "utf8").trim().split("\n");
  const header = (lines[0] as string).split(",");
  const col = (name: string) => header.indexOf(name);
  return lines.slice(1).map((l) => {
    const f = l.split(",");
    const n = (name: string) => (f[col(name)] === "" ? undefined : Number(f[col(name)]));
    return {
      type: f[col("instance_type")] as string,
      family: f[col("family")] as string,
      arch: f[col("arch")] as string,
      vcpu: n("vcpu") as number,
      memoryGib: n("memory_gib") as number,
      ebsMbps: n("ebs_baseline_mbps"),
      price: n("price_usd_hour_us_east_1") as number,
    };
  });
}

/**
 * The cost model of packages/findings/README.md, written out for this story: each critical-path segment's wall
 * time split into CPU / I/O wait / run queue / other from its thread seconds, I/O scaled by the EBS baselines
 * (STAR_ALIGN ran at the cap) or by need/baseline, never below the bytes moved at the candidate's baseline.
 */
function projected(c: Row, current: Row): number {
  const t = STORY.tasks;
  const capBytes = (r: Row) => ((r.ebsMbps as number) * 1e6) / 8;
  const segment = (
    wall: number,
    cpu: number,
    io: number,
    rq: number,
    demandCores: number,
    storagePeak: number,
    atCap: boolean,
    bytes: number,
  ) => {
    const active = cpu + io + rq;
    const s = active > wall ? wall / active : 1;
    const other = wall - (cpu + io + rq) * s;
    const cpuP = cpu * s * Math.max(1, demandCores / c.vcpu);
    const rqP = rq * s * (current.vcpu / c.vcpu);
    const ioP = io * s * (atCap ? capBytes(current) / capBytes(c) : Math.max(1, storagePeak / capBytes(c)));
    return Math.max(cpuP + rqP + ioP + other, bytes / capBytes(c));
  };
  const star = t.STAR_ALIGN;
  const starBps = star.readBps + star.writeBps;
  return (
    segment(
      star.end - star.start,
      star.cpu,
      star.io,
      star.rq,
      4 + 2,
      starBps + t.FASTQC.bps,
      true,
      starBps * (star.end - star.start) + t.FASTQC.bps * (t.FASTQC.end - t.FASTQC.start),
    ) +
    segment(
      900,
      t.SAMTOOLS_SORT.cpu,
      t.SAMTOOLS_SORT.io,
      t.SAMTOOLS_SORT.rq,
      8,
      t.SAMTOOLS_SORT.bps,
      false,
      t.SAMTOOLS_SORT.bps * 900,
    ) +
    segment(300, t.MULTIQC.cpu, t.MULTIQC.io, t.MULTIQC.rq, 0.9, t.MULTIQC.bps, false, t.MULTIQC.bps * 300)
  );
}

describe("the founding story: 3 h on r6i.16xlarge, I/O-bound at the EBS cap", () => {
  const out = tmpOutDir();
  const dir = join(out, "founding-story");
  // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON report
  let report: any;
  let markdown = "";
  let text = "";
  const rows = catalogRows();
  const current = rows.find((r) => r.type === STORY.instanceType) as Row;

  beforeAll(async () => {
    writeRunFolder(dir, foundingStory());
    const r = await runPipespan(["analyze", "--json", dir]);
    expect(r.code, r.stderr).toBe(0);
    report = JSON.parse(r.stdout);
    const md = await runPipespan(["analyze", "--markdown", "--no-spans", dir]);
    expect(md.code, md.stderr).toBe(0);
    markdown = md.stdout;
    const tx = await runPipespan(["analyze", "--no-spans", dir]);
    expect(tx.code, tx.stderr).toBe(0);
    text = tx.stdout;
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  // biome-ignore lint/suspicious/noExplicitAny: the parsed JSON report
  const finding = (rule: string) => report.findings.filter((f: any) => f.rule === rule);

  it("is the story: 3 h, CPU under 25% of 64 vCPUs, peak ~60 GiB of 512", () => {
    expect(report.run.wallSeconds).toBe(10_800);
    expect(report.run.instanceType).toBe("r6i.16xlarge");
    expect(current.vcpu).toBe(64);
    const cpu = finding("cpu-underused").find((f: { task: string | null }) => f.task === null);
    expect(cpu.evidence.cpu_share_peak).toBeLessThan(0.25);
    const mem = finding("memory-overprovisioned")[0];
    expect(mem.evidence.instance_memory_bytes).toBe(current.memoryGib * GiB);
    expect(mem.evidence.peak_rss_bytes).toBeGreaterThanOrEqual(59.5 * GiB);
    expect(mem.evidence.peak_rss_bytes).toBeLessThanOrEqual(62 * GiB);
  });

  it("finds STAR_ALIGN io-bound", () => {
    const [f] = finding("io-bound");
    expect(f.task).toBe("STAR_ALIGN");
    expect(f.severity).toBe("critical");
    const star = STORY.tasks.STAR_ALIGN;
    expect(f.evidence.io_wait_share).toBeCloseTo(star.io / (star.cpu + star.io + star.rq), 3);
  });

  it("finds the run memory-overprovisioned", () => {
    const [f] = finding("memory-overprovisioned");
    expect(f.task).toBeNull();
    expect(f.evidence.peak_share).toBeLessThan(0.25);
  });

  it("finds the storage at the EBS baseline (megabits from the catalog ÷ 8) for most of the run", () => {
    const [f] = finding("disk-at-cap");
    expect(f.evidence.ebs_baseline_mbit_s).toBe(current.ebsMbps);
    expect(f.evidence.ebs_baseline_mb_s).toBe((current.ebsMbps as number) / 8);
    expect(f.evidence.share_of_wall_at_cap).toBeCloseTo(9600 / 10_800, 2);
    expect(f.severity).toBe("critical");
  });

  it("prices the run from the catalog: $4.032/h × 3 h", () => {
    expect(report.cost.baseline.costPerRunUsd).toBeCloseTo((current.price * 10_800) / 3600, 4);
    expect(finding("instance-cost")[0].summary).toContain("$12.10 on r6i.16xlarge");
  });

  it("recommends cheaper types with their baseline, break-even speedup and binding limit, as computed from the catalog", () => {
    const pCurrent = projected(current, current);
    const peakGib = 60;
    const expected = rows
      .filter(
        (c) =>
          c.type !== current.type &&
          c.arch === current.arch &&
          c.memoryGib >= peakGib * 1.2 &&
          c.vcpu >= 16 &&
          c.ebsMbps !== undefined,
      )
      .map((c) => {
        const est = (10_800 * projected(c, current)) / pCurrent;
        const cost = (c.price * est) / 3600;
        return { c, est, cost, change: cost / ((current.price * 10_800) / 3600) - 1 };
      })
      .filter((x) => (x.change <= -0.05 && x.est <= 10_800 * 1.1) || (10_800 / x.est >= 1.1 && x.change <= 0))
      .sort((a, b) => a.cost - b.cost);
    const perFamily: typeof expected = [];
    for (const x of expected) if (!perFamily.some((y) => y.c.family === x.c.family)) perFamily.push(x);
    const top = perFamily.slice(0, 5);

    expect(report.recommendations.map((r: { instanceType: string }) => r.instanceType)).toEqual(
      top.map((x) => x.c.type),
    );
    for (const [i, rec] of report.recommendations.entries()) {
      const x = top[i] as (typeof top)[number];
      expect(rec.costChange).toBeLessThan(0); // cheaper per run
      expect(rec.estRuntimeSeconds / x.est).toBeCloseTo(1, 2); // within 1% (the profile is binned)
      expect(rec.estCostPerRunUsd / x.cost).toBeCloseTo(1, 2);
      expect(rec.breakEvenSpeedup).toBeCloseTo(x.c.price / current.price, 4);
      expect(rec.speedup).toBeCloseTo(10_800 / x.est, 2);
      expect(rec.baseline).toEqual({
        instanceType: "r6i.16xlarge",
        runtimeSeconds: 10_800,
        costPerRunUsd: expect.closeTo(12.096, 9),
        pricePerHourUsd: current.price,
      });
      expect(rec.bindingLimit).toBe("ebs"); // the story is bound by storage on every candidate
      expect(rec.ebsBaselineMbps).toBe(x.c.ebsMbps);
      expect(rec.summary).toContain(`vs $12.10 on r6i.16xlarge`);
      expect(rec.summary).toMatch(/break-even speedup \d\.\d\d×; binding limit: EBS baseline \d+ Mbit\/s/);
    }
    // The first is the cheapest per run: r5b.8xlarge keeps the 20000 Mbit/s baseline at $2.384/h.
    expect(report.recommendations[0].instanceType).toBe("r5b.8xlarge");
    expect(report.recommendations[0].speedup).toBeCloseTo(1, 2);
    expect(report.recommendations[0].costChange).toBeCloseTo(2.384 / 4.032 - 1, 2);
  });

  it("prints the same as a terminal table and as Markdown", () => {
    expect(text).toMatch(/SEVERITY\s+RULE\s+TASK\s+SUMMARY/);
    expect(text).toMatch(/critical\s+io-bound\s+STAR_ALIGN/);
    expect(text).toMatch(/1\s+r5b\.8xlarge/);
    expect(markdown).toMatch(/^## pipespan findings: rnaseq/m);
    expect(markdown).toContain("| critical | `io-bound` | STAR_ALIGN |");
    expect(markdown).toMatch(/\| 1 \| `r5b\.8xlarge` \|/);
  });

  it("writes the findings as spans under the run span (traces-findings.jsonl)", async () => {
    const runJson = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    const { spans } = await readOtlpJsonTraces(join(dir, "traces-findings.jsonl"));
    expect(spans.length).toBe(report.findings.length);
    for (const s of spans) {
      expect(s.traceId).toBe(runJson.traceId);
      expect(s.parentSpanId).toBe(runJson.runSpanId);
      expect(s.name).toMatch(/^finding /);
      expect(s.durationNs).toBe(0);
    }
  });
});
