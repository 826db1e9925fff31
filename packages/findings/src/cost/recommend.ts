// Cost per run and ranked instance recommendations, or an honest refusal that says why.
//   cost per run       = on-demand price per hour × runtime
//   break-even speedup = candidate price / current price: the speed-up at which the candidate costs the same per
//                        run (below 1: it may be that much slower and still be cheaper)
import { ATTR_HOST_TYPE, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME } from "@pipespan/semconv";
import type { Catalog, InstanceType } from "../catalog/catalog.js";
import type { CostOptions } from "../config/config.js";
import { duration, mbps, pct, times, usd } from "../format.js";
import { peakOf } from "../model/profile.js";
import { hasOffCpuData } from "../model/split.js";
import type { RuleContext } from "../rules/types.js";
import { type BindingLimit, type Projection, project, segmentFacts } from "./project.js";

export interface Baseline {
  instanceType: string;
  runtimeSeconds: number;
  pricePerHourUsd: number;
  costPerRunUsd: number;
}

export interface Recommendation {
  instanceType: string;
  estRuntimeSeconds: number;
  estCostPerRunUsd: number;
  /** Observed runtime / estimated runtime (above 1: faster). */
  speedup: number;
  /** Estimated cost per run / baseline cost per run − 1 (−0.37: 37% cheaper). */
  costChange: number;
  /** Candidate price / current price. */
  breakEvenSpeedup: number;
  bindingLimit: BindingLimit;
  /** Projected seconds by what bounds them (cpu, ebs, network, other). */
  limitSeconds: { cpu: number; ebs: number; network: number; other: number };
  pricePerHourUsd: number;
  vcpu: number;
  memoryGib: number;
  ebsBaselineMbps: number | null;
  networkBaselineGbps: number | null;
  baseline: Baseline;
  summary: string;
}

export interface CostAnalysis {
  /** The current type's cost per run (when the type is known). */
  baseline?: Baseline;
  recommendations: Recommendation[];
  /** Why no recommendation could be made at all (data missing), when so. */
  refused?: { reason: string; missing: string[] };
  /** When recommendations were computed but none qualified. */
  note?: string;
  /** Candidates projected, and candidates left out before projection, by reason. */
  considered: number;
  excluded: Record<string, number>;
  /** The current type's projected split (cpu, ebs, network, other seconds) and binding limit. */
  current?: { limitSeconds: Projection["bySeconds"]; bindingLimit: BindingLimit };
  assumptions: string[];
}

const GIB = 1024 ** 3;

export function analyzeCost(ctx: RuleContext, catalog: Catalog, o: CostOptions): CostAnalysis {
  const run = ctx.run;
  const inst = ctx.instance;
  const assumptions = assumptionsOf(o);
  const empty = { recommendations: [], considered: 0, excluded: {}, assumptions };
  if (!inst) {
    return {
      ...empty,
      refused: {
        reason: `the instance type is not known (${ctx.instanceMissing ?? `no ${ATTR_HOST_TYPE}`}); pass --instance TYPE`,
        missing: [ATTR_HOST_TYPE],
      },
    };
  }
  const baseline: Baseline = {
    instanceType: inst.type,
    runtimeSeconds: run.wallS,
    pricePerHourUsd: inst.pricePerHourUsd,
    costPerRunUsd: (inst.pricePerHourUsd * run.wallS) / 3600,
  };
  if (run.wallS <= 0) {
    return { ...empty, baseline, refused: { reason: "the run has no wall time", missing: [] } };
  }
  if (!hasOffCpuData(run.processes, o.minOffCpuCoverage)) {
    return {
      ...empty,
      baseline,
      refused: {
        reason:
          `projecting the runtime on other types needs the wall time split into CPU, I/O wait and other, which ` +
          `needs off-CPU time (${ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME}) from the eBPF source; ` +
          `${run.source !== undefined ? `this run's source is ${run.source}, which measures CPU time only` : "the spans do not carry it"}`,
        missing: [ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME],
      },
    };
  }

  const facts = segmentFacts(ctx.critical, ctx.profile, (t) => ctx.split(t));
  const speed = (t: InstanceType) => o.cpuSpeed[t.type] ?? o.cpuSpeed[t.family] ?? 1;
  const popts = { atCapFraction: o.atCapFraction, speed };
  const now = project(facts, inst, inst, popts);
  const scale = now.seconds > 0 ? run.wallS / now.seconds : 1;

  const peakRss = Math.max(run.m.peakRssBytes ?? 0, peakOf(ctx.profile, ctx.profile.rssUpper));
  let maxRequestedCpus = 0;
  for (const t of run.tasks) maxRequestedCpus = Math.max(maxRequestedCpus, t.requestedCpus ?? 0);
  const storagePeak = peakOf(ctx.profile, ctx.profile.storageBps);
  const excluded: Record<string, number> = {};
  const skip = (why: string) => {
    excluded[why] = (excluded[why] ?? 0) + 1;
  };
  const qualifies: Recommendation[] = [];
  let considered = 0;
  for (const c of catalog.types) {
    if (c.type === inst.type) continue;
    if (o.families && !o.families.includes(c.family)) {
      skip("family not in cost.families");
      continue;
    }
    if (o.sameArch && c.arch !== inst.arch) {
      skip(`not ${inst.arch}`);
      continue;
    }
    if (peakRss > 0 && c.memoryBytes < peakRss * o.memoryHeadroom) {
      skip("too little memory");
      continue;
    }
    if (c.vcpu < maxRequestedCpus) {
      skip("fewer vCPUs than a task requests");
      continue;
    }
    // "Up to" EBS figures hold for 30 minutes a day: with real storage traffic an unknown baseline is unknown.
    if (c.ebsBaselineBps === undefined && storagePeak > 50e6) {
      skip("EBS baseline not published");
      continue;
    }
    considered++;
    const p = project(facts, inst, c, popts);
    const est = p.seconds * scale;
    const cost = (c.pricePerHourUsd * est) / 3600;
    const rec: Recommendation = {
      instanceType: c.type,
      estRuntimeSeconds: est,
      estCostPerRunUsd: cost,
      speedup: est > 0 ? run.wallS / est : Number.POSITIVE_INFINITY,
      costChange: cost / baseline.costPerRunUsd - 1,
      breakEvenSpeedup: c.pricePerHourUsd / inst.pricePerHourUsd,
      bindingLimit: p.bindingLimit,
      limitSeconds: {
        cpu: p.bySeconds.cpu * scale,
        ebs: p.bySeconds.ebs * scale,
        network: p.bySeconds.network * scale,
        other: p.bySeconds.other * scale,
      },
      pricePerHourUsd: c.pricePerHourUsd,
      vcpu: c.vcpu,
      memoryGib: c.memoryGib,
      ebsBaselineMbps: c.ebsBaselineMbps ?? null,
      networkBaselineGbps: c.networkBaselineGbps ?? null,
      baseline,
      summary: "",
    };
    const cheaper = rec.costChange <= -o.minSaving && est <= run.wallS * (1 + o.maxSlowdown);
    const faster = rec.speedup >= o.minSpeedup && rec.costChange <= 0;
    if (!cheaper && !faster) {
      skip("not cheaper or faster enough");
      continue;
    }
    rec.summary = describe(rec, c, peakRss);
    qualifies.push(rec);
  }
  qualifies.sort((a, b) => a.estCostPerRunUsd - b.estCostPerRunUsd || b.speedup - a.speedup);
  const seen = new Set<string>();
  const recommendations: Recommendation[] = [];
  for (const r of qualifies) {
    const family = catalog.get(r.instanceType)?.family ?? r.instanceType;
    if (o.onePerFamily && seen.has(family)) continue;
    seen.add(family);
    if (recommendations.length < o.maxRecommendations) recommendations.push(r);
  }
  const out: CostAnalysis = {
    baseline,
    recommendations,
    considered,
    excluded,
    current: {
      limitSeconds: {
        cpu: now.bySeconds.cpu * scale,
        ebs: now.bySeconds.ebs * scale,
        network: now.bySeconds.network * scale,
        other: now.bySeconds.other * scale,
      },
      bindingLimit: now.bindingLimit,
    },
    assumptions,
  };
  if (recommendations.length === 0) {
    out.note =
      `no type in the catalog is estimated at least ${pct(o.minSaving)} cheaper per run without being more than ` +
      `${pct(o.maxSlowdown)} slower, or ${times(o.minSpeedup)} faster at no extra cost`;
  }
  return out;
}

function describe(r: Recommendation, c: InstanceType, peakRss: number): string {
  const b = r.baseline;
  const change = r.estRuntimeSeconds / b.runtimeSeconds - 1;
  const speed =
    Math.abs(change) < 0.02
      ? "about the same runtime"
      : change < 0
        ? `est. ${pct(-change)} faster`
        : `est. ${pct(change)} slower`;
  const cost = r.costChange < 0 ? `${pct(-r.costChange)} cheaper per run` : `${pct(r.costChange)} dearer per run`;
  const limit =
    r.bindingLimit === "ebs"
      ? `EBS baseline ${c.ebsBaselineMbps} Mbit/s = ${mbps(c.ebsBaselineBps ?? 0)}`
      : r.bindingLimit === "cpu"
        ? `CPU (${c.vcpu} vCPUs)`
        : r.bindingLimit === "network"
          ? `network baseline ${c.networkBaselineGbps} Gbit/s`
          : "none (most time is waiting no instance type changes)";
  return (
    `${c.type}: ${speed} (${duration(r.estRuntimeSeconds)}), ${cost} (${usd(r.estCostPerRunUsd)} vs ` +
    `${usd(b.costPerRunUsd)} on ${b.instanceType}); break-even speedup ${times(r.breakEvenSpeedup)}; ` +
    `binding limit: ${limit}; ${c.vcpu} vCPUs, ${c.memoryGib} GiB` +
    (peakRss > 0 ? ` for a ${(peakRss / GIB).toFixed(0)} GiB peak` : "")
  );
}

function assumptionsOf(o: CostOptions): string[] {
  const speeds = Object.entries(o.cpuSpeed);
  return [
    "prices: on-demand Linux in us-east-1 from the packaged catalog; spot and savings plans are not modelled",
    speeds.length > 0
      ? `CPU speed per vCPU: ${speeds.map(([k, v]) => `${k} ${v}`).join(", ")} (from the config), 1.0 elsewhere`
      : "CPU speed per vCPU is assumed equal on every type (the catalog has no CPU benchmark; set cost.cpuSpeed to model it)",
    "I/O wait (D state) is storage I/O through the instance's EBS bandwidth (read + write): it scales with the EBS " +
      "baseline when the run was at the cap, else it stays; EBS volume limits (gp3/io2 throughput) are not known and may bind first",
    "network: the bytes a segment moved must fit the candidate's baseline bandwidth, per direction",
    "tasks off the critical path are assumed to stay off it",
    `memory: a candidate needs at least the peak resident memory (an upper bound) × ${o.memoryHeadroom}`,
  ];
}
