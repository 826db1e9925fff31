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
 * The limits model of packages/findings/README.md, written out for one task judged from its totals (the story
 * has no timelines): lanes = the active threads on average rounded up (capped by the host's CPUs); the CPU work
 * holds C / lanes; the rest is held by I/O up to its thread-seconds, then by the run queue up to its own; what
 * remains is sleep.
 */
function held(cpu: number, io: number, rq: number, sleep: number, wall: number, hostCpus: number) {
  const lanes = Math.min(hostCpus, Math.max(1, Math.ceil((cpu + io + rq) / wall - 0.1)));
  const live = Math.ceil((cpu + io + rq + sleep) / wall - 0.1);
  const l = Math.max(1, cpu / wall, Math.min(lanes, live));
  const cpuHeld = Math.min(wall, cpu / l);
  const rest = wall - cpuHeld;
  const ioHeld = Math.min(rest, io);
  const rqHeld = Math.min(rest - ioHeld, rq);
  const wait = Math.max(0, Math.min(sleep, rest - ioHeld - rqHeld));
  return { lanes: l, cpu: cpuHeld, io: ioHeld, rq: rqHeld, wait };
}

/**
 * The story's runtime on candidate `c`, from the measured r6i.16xlarge (64 vCPUs), per critical-path segment
 * (STAR_ALIGN with FASTQC alongside, SAMTOOLS_SORT, MULTIQC): CPU re-spread over min(lanes, vCPUs left by the
 * other tasks), run queue × 64 / vCPUs, storage × old cap / new cap where the instance was at its EBS cap (STAR
 * with FASTQC: 2500 MB/s) or × max(1, need / new cap) elsewhere, sleep unchanged; never below the bytes moved at
 * the candidate's baseline. Returns the seconds and what holds them.
 */
function projected(c: Row, current: Row) {
  const t = STORY.tasks;
  const cap = (r: Row) => ((r.ebsMbps as number) * 1e6) / 8;
  const by = { cpu: 0, ebs: 0, storage: 0, other: 0 };
  let total = 0;
  const segment = (
    h: ReturnType<typeof held>,
    otherCores: number,
    atCap: boolean,
    storagePeak: number,
    bytes: number,
  ) => {
    const lanes = Math.max(1, Math.min(h.lanes, c.vcpu - otherCores));
    const cpu = (h.cpu * h.lanes) / lanes + h.rq * (current.vcpu / c.vcpu);
    const ioScale = atCap ? cap(current) / cap(c) : Math.max(1, storagePeak / cap(c));
    const io = h.io * ioScale;
    const seconds = cpu + io + h.wait;
    const floor = bytes / cap(c);
    if (floor > seconds) {
      by.ebs += floor;
      total += floor;
      return;
    }
    by.cpu += cpu;
    if (atCap || storagePeak > cap(c)) by.ebs += io;
    else by.storage += io;
    by.other += h.wait;
    total += seconds;
  };
  const star = t.STAR_ALIGN;
  const starWall = star.end - star.start;
  const starBps = star.readBps + star.writeBps;
  // The STAR_ALIGN task is its wrapper shell (0.5 s CPU, asleep throughout) plus STAR.
  segment(
    held(star.cpu + 0.5, star.io, star.rq, star.sleep + starWall, starWall, current.vcpu),
    t.FASTQC.cpu / (t.FASTQC.end - t.FASTQC.start),
    true,
    starBps + t.FASTQC.bps,
    starBps * starWall + t.FASTQC.bps * (t.FASTQC.end - t.FASTQC.start),
  );
  const sort = t.SAMTOOLS_SORT;
  const sortWall = sort.end - sort.start;
  segment(
    held(sort.cpu, sort.io, sort.rq, sort.sleep, sortWall, current.vcpu),
    0,
    false,
    sort.bps,
    sort.bps * sortWall,
  );
  const mqc = t.MULTIQC;
  const mqcWall = mqc.end - mqc.start;
  segment(held(mqc.cpu, mqc.io, mqc.rq, mqc.sleep, mqcWall, current.vcpu), 0, false, mqc.bps, mqc.bps * mqcWall);
  const limits: [string, number][] = [
    ["cpu", by.cpu],
    ["ebs", by.ebs],
    ["storage", by.storage],
  ];
  limits.sort((a, b) => b[1] - a[1]);
  const top = limits[0] as [string, number];
  return { seconds: total, binding: top[1] >= by.other ? top[0] : "none" };
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

  it("finds STAR_ALIGN io-bound, with storage holding the share the limits model gives", () => {
    const [f] = finding("io-bound");
    expect(f.task).toBe("STAR_ALIGN");
    expect(f.severity).toBe("critical");
    const star = STORY.tasks.STAR_ALIGN;
    const wall = star.end - star.start;
    const h = held(star.cpu + 0.5, star.io, star.rq, star.sleep + wall, wall, current.vcpu);
    expect(f.evidence.lanes).toBe(15); // 15.02 threads active on average
    expect(f.evidence.share_io).toBeCloseTo(h.io / wall, 3);
    expect(f.evidence.share_cpu).toBeCloseTo(h.cpu / wall, 3);
    expect(f.evidence.est_s_storage_unlimited).toBeCloseTo(wall - h.io, 0);
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
    const pCurrent = projected(current, current).seconds;
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
        const p = projected(c, current);
        const est = (10_800 * p.seconds) / pCurrent;
        const cost = (c.price * est) / 3600;
        return { c, est, cost, binding: p.binding, change: cost / ((current.price * 10_800) / 3600) - 1 };
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
        estimated: false,
      });
      expect(rec.bindingLimit).toBe(x.binding);
      expect(rec.bindingLimit).toBe("ebs"); // the story is bound by the EBS cap on every recommended type
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
