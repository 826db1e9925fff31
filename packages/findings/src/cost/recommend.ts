// Cost per run and ranked instance recommendations, or an honest refusal that says why.
//   cost per run       = on-demand price per hour × runtime
//   break-even speedup = candidate price / current price: the speed-up at which the candidate costs the same per
//                        run (below 1: it may be that much slower and still be cheaper)
// Every runtime comes from the limits model projected from the measured host (cost/project.ts). When the instance
// type named (--instance or host.type) is not the host the spans were measured on, the run's cost on that type is
// an estimate too, and the report says so in one line.
import { ATTR_HOST_TYPE, ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME } from "@pipespan/semconv";
import type { Catalog, InstanceType } from "../catalog/catalog.js";
import { loadVolumes, type VolumeType } from "../catalog/volumes.js";
import type { CostOptions } from "../config/config.js";
import { duration, gib, mbps, pct, times, usd } from "../format.js";
import { peakOf } from "../model/profile.js";
import { hasOffCpuData } from "../model/split.js";
import type { RuleContext } from "../rules/types.js";
import {
  type BindingLimit,
  type HostSpec,
  type Projection,
  type ProjectionContext,
  plateauAtInstance,
  project,
  segmentFacts,
  targetOf,
} from "./project.js";
import { type StorageOption, type StorageSummary, storageOptions } from "./storage-options.js";

export interface Baseline {
  instanceType: string;
  runtimeSeconds: number;
  pricePerHourUsd: number;
  costPerRunUsd: number;
  /** True when the runtime is projected (the spans were measured on another host), not observed. */
  estimated: boolean;
}

export interface Recommendation {
  instanceType: string;
  estRuntimeSeconds: number;
  estCostPerRunUsd: number;
  /** Baseline runtime / estimated runtime (above 1: faster). */
  speedup: number;
  /** Estimated cost per run / baseline cost per run − 1 (−0.37: 37% cheaper). */
  costChange: number;
  /** Candidate price / current price. */
  breakEvenSpeedup: number;
  bindingLimit: BindingLimit;
  /** Projected seconds by what bounds them (cpu, ebs, storage, network, other). */
  limitSeconds: Projection["bySeconds"];
  pricePerHourUsd: number;
  vcpu: number;
  memoryGib: number;
  ebsBaselineMbps: number | null;
  networkBaselineGbps: number | null;
  baseline: Baseline;
  summary: string;
}

export interface CostAnalysis {
  /** The current type's cost per run (when the type is known and the run long enough). */
  baseline?: Baseline;
  recommendations: Recommendation[];
  /** Why no recommendation could be made at all (data missing), when so. */
  refused?: { reason: string; missing: string[] };
  /** When recommendations were computed but none qualified. */
  note?: string;
  /** One line when the instance type named disagrees with the measured host. */
  hostNote?: string;
  /** Candidates projected, and candidates left out before projection, by reason. */
  considered: number;
  excluded: Record<string, number>;
  /** The current type's projected split (cpu, ebs, storage, network, other seconds) and binding limit. */
  current?: { limitSeconds: Projection["bySeconds"]; bindingLimit: BindingLimit };
  /** The storage limit found (a plateau) and what would lift it, each with its runtime. */
  storage?: StorageSummary;
  storageOptions: StorageOption[];
  assumptions: string[];
}

export function analyzeCost(ctx: RuleContext, catalog: Catalog, o: CostOptions): CostAnalysis {
  const run = ctx.run;
  const inst = ctx.instance;
  const assumptions = assumptionsOf(o);
  const hostNote = ctx.measured.note;
  const empty = {
    recommendations: [],
    considered: 0,
    excluded: {},
    storageOptions: [],
    assumptions,
    ...(hostNote !== undefined ? { hostNote } : {}),
  };
  if (ctx.tooShort) {
    return {
      ...empty,
      refused: {
        reason: `the run is too short to price (${duration(run.wallS)} < ${ctx.options.minRunSeconds} s)`,
        missing: [],
      },
    };
  }
  if (run.wallS <= 0) return { ...empty, refused: { reason: "the run has no wall time", missing: [] } };
  if (!hasOffCpuData(run.processes, o.minOffCpuCoverage)) {
    const base = inst ? { baseline: observedBaseline(inst, run.wallS) } : {};
    return {
      ...empty,
      ...base,
      refused: {
        reason:
          `projecting the runtime on other types needs the wall time split into CPU, I/O wait and other, which ` +
          `needs off-CPU time (${ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME}) from the eBPF source; ` +
          `${run.source !== undefined ? `this run's source is ${run.source}, which measures CPU time only` : "the spans do not carry it"}`,
        missing: [ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME],
      },
    };
  }

  const { pc, scale, est } = projector(ctx, o);
  // The measured type itself: the observed time, with what held it split the way a target sees it (the EBS cap
  // named as such).
  const observedOn = (t: InstanceType) => {
    const p = est(t).p;
    const k = p.seconds > 0 ? run.wallS / (p.seconds * scale) : 1;
    return { p: { ...p, bySeconds: scaled(p.bySeconds, k) }, seconds: run.wallS };
  };
  const mt = ctx.measured.type;
  const peakRss = Math.max(run.m.peakRssBytes ?? 0, peakOf(ctx.profile, ctx.profile.rssUpper));
  const volumes = loadVolumes();
  const storage = storageOptions(ctx, pc, scale, catalog, volumes, o, peakRss, inst);

  if (!inst) {
    return {
      ...empty,
      ...storage,
      refused: {
        reason: `the instance type is not known (${ctx.instanceMissing ?? `no ${ATTR_HOST_TYPE}`}); pass --instance TYPE`,
        missing: [ATTR_HOST_TYPE],
      },
    };
  }

  // The run on the instance named: observed when that is the measured host, else projected from it.
  const onInst = mt && mt.type === inst.type ? observedOn(inst) : est(inst);
  const baseline: Baseline = {
    instanceType: inst.type,
    runtimeSeconds: onInst.seconds,
    pricePerHourUsd: inst.pricePerHourUsd,
    costPerRunUsd: (inst.pricePerHourUsd * onInst.seconds) / 3600,
    estimated: !(mt && mt.type === inst.type),
  };

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
    const { p, seconds } = est(c);
    const cost = (c.pricePerHourUsd * seconds) / 3600;
    const rec: Recommendation = {
      instanceType: c.type,
      estRuntimeSeconds: seconds,
      estCostPerRunUsd: cost,
      speedup: seconds > 0 ? baseline.runtimeSeconds / seconds : Number.POSITIVE_INFINITY,
      costChange: cost / baseline.costPerRunUsd - 1,
      breakEvenSpeedup: c.pricePerHourUsd / inst.pricePerHourUsd,
      bindingLimit: p.bindingLimit,
      limitSeconds: scaled(p.bySeconds, scale),
      pricePerHourUsd: c.pricePerHourUsd,
      vcpu: c.vcpu,
      memoryGib: c.memoryGib,
      ebsBaselineMbps: c.ebsBaselineMbps ?? null,
      networkBaselineGbps: c.networkBaselineGbps ?? null,
      baseline,
      summary: "",
    };
    const cheaper = rec.costChange <= -o.minSaving && seconds <= baseline.runtimeSeconds * (1 + o.maxSlowdown);
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
    ...empty,
    ...storage,
    baseline,
    recommendations,
    considered,
    excluded,
    current: { limitSeconds: scaled(onInst.p.bySeconds, scale), bindingLimit: onInst.p.bindingLimit },
  };
  if (recommendations.length === 0) {
    out.note =
      `no type in the catalog is estimated at least ${pct(o.minSaving)} cheaper per run without being more than ` +
      `${pct(o.maxSlowdown)} slower, or ${times(o.minSpeedup)} faster at no extra cost`;
  }
  return out;
}

/** Runtime estimates on any type from the measured host (the same projection the recommendations use). */
export function projector(ctx: RuleContext, o: CostOptions) {
  const run = ctx.run;
  const speed = (t: InstanceType) => o.cpuSpeed[t.type] ?? o.cpuSpeed[t.family] ?? 1;
  const mt = ctx.measured.type;
  const measured: HostSpec = {
    ...(ctx.measured.cpus !== undefined ? { vcpu: ctx.measured.cpus } : {}),
    ...(mt?.ebsBaselineBps !== undefined ? { ebsBaselineBps: mt.ebsBaselineBps } : {}),
    ...(mt?.ebsBaselineIops !== undefined ? { ebsBaselineIops: mt.ebsBaselineIops } : {}),
    ...(mt?.networkBaselineBps !== undefined ? { networkBaselineBps: mt.networkBaselineBps } : {}),
    speed: mt ? speed(mt) : 1,
  };
  const plateau = ctx.plateaus[0];
  const pc: ProjectionContext = {
    facts: segmentFacts(
      ctx.critical,
      ctx.profile,
      (t) => ctx.limits(t),
      (s) => ctx.pace(s),
    ),
    measured,
    ...(plateau ? { plateau } : {}),
    plateauAtInstance: plateauAtInstance(plateau, mt),
    atCapFraction: o.atCapFraction,
  };
  const here = project(pc);
  const scale = here.seconds > 0 ? run.wallS / here.seconds : 1;
  const est = (t: InstanceType) => {
    const p = project(pc, targetOf(t, speed(t)));
    return { p, seconds: p.seconds * scale };
  };
  return { pc, here, scale, est };
}

function observedBaseline(inst: InstanceType, wallS: number): Baseline {
  return {
    instanceType: inst.type,
    runtimeSeconds: wallS,
    pricePerHourUsd: inst.pricePerHourUsd,
    costPerRunUsd: (inst.pricePerHourUsd * wallS) / 3600,
    estimated: false,
  };
}

function scaled(by: Projection["bySeconds"], k: number): Projection["bySeconds"] {
  return { cpu: by.cpu * k, ebs: by.ebs * k, storage: by.storage * k, network: by.network * k, other: by.other * k };
}

export function limitPhrase(limit: BindingLimit, c?: InstanceType): string {
  switch (limit) {
    case "ebs":
      return c?.ebsBaselineMbps !== undefined
        ? `EBS baseline ${c.ebsBaselineMbps} Mbit/s = ${mbps(c.ebsBaselineBps ?? 0)}`
        : "the instance's EBS bandwidth";
    case "storage":
      return "storage below the instance's EBS cap (a volume's throughput or IOPS, or its latency)";
    case "cpu":
      return c ? `CPU (${c.vcpu} vCPUs)` : "CPU";
    case "network":
      return c ? `network baseline ${c.networkBaselineGbps} Gbit/s` : "network";
    default:
      return "none (most time is waiting no instance type changes)";
  }
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
  return (
    `${c.type}: ${speed} (${duration(r.estRuntimeSeconds)}), ${cost} (${usd(r.estCostPerRunUsd)} vs ` +
    `${usd(b.costPerRunUsd)} on ${b.instanceType}); break-even speedup ${times(r.breakEvenSpeedup)}; ` +
    `binding limit: ${limitPhrase(r.bindingLimit, c)}; ${c.vcpu} vCPUs, ${c.memoryGib} GiB` +
    (peakRss > 0 ? ` for a ${gib(peakRss)} peak` : "")
  );
}

function assumptionsOf(o: CostOptions): string[] {
  const speeds = Object.entries(o.cpuSpeed);
  return [
    "prices: on-demand Linux in us-east-1 from the packaged catalogs (instances, EBS volumes); spot and savings plans are not modelled",
    speeds.length > 0
      ? `CPU speed per vCPU: ${speeds.map(([k, v]) => `${k} ${v}`).join(", ")} (from the config), 1.0 elsewhere`
      : "CPU speed per vCPU is assumed equal on every type (the catalog has no CPU benchmark; set cost.cpuSpeed to model it)",
    "runtimes come from the limits model projected from the measured host: CPU work re-spread over the CPUs a task can use (never more than the threads it ran), storage waits scaled by the cap that held them (the instance's EBS baseline, or a volume limit that no instance type lifts), waiting unchanged",
    "network: the bytes a segment moved must fit the candidate's baseline bandwidth, per direction",
    "tasks off the critical path are assumed to stay off it; tasks alongside it (pipes, parallel jobs) count with their busy time",
    `memory: a candidate needs at least the peak resident memory (an upper bound) × ${o.memoryHeadroom}`,
  ];
}

export type { StorageOption, StorageSummary, VolumeType };
