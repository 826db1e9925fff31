// What would lift a storage limit found as a plateau (model/plateau.ts), each option with the runtime the limits
// model gives for it (the same projection as the instance recommendations):
//   - a limit below the instance (a volume's provisioned throughput or IOPS, or a throttle): the volume
//     provisioned higher — gp3 at 2× and 4× the plateau and at its maximum, io2 where gp3 cannot reach — each
//     capped at the measured instance's EBS baseline when its type is known (a volume cannot outrun it);
//   - any storage limit: an instance-store (`*d`) type for scratch data, assuming the data at the plateau moves to
//     local NVMe (its throughput is not in the catalog; pipespan treats it as unlimited and says so).
// Volume prices are the provisioned performance above a gp3 volume at the plateau's level (the volume's size is
// not in the spans), per hour at 730 hours a month: what the run pays while the volume exists.
import type { Catalog, InstanceType } from "../catalog/catalog.js";
import { HOURS_PER_MONTH, MIB, type VolumeType } from "../catalog/volumes.js";
import type { CostOptions } from "../config/config.js";
import { duration, gib, mbps, usd } from "../format.js";
import { classifyPlateau } from "../model/plateau.js";
import type { RuleContext } from "../rules/types.js";
import { type ProjectionContext, project, type TargetSpec, targetOf } from "./project.js";

export interface StorageSummary {
  device: string;
  kind: "throughput" | "iops";
  bytesPerS: number;
  opsPerS: number;
  seconds: number;
  share: number;
  limit: "instance" | "volume" | "unknown";
  why: string;
}

export interface StorageOption {
  kind: "gp3" | "io2" | "instance-store";
  /** "gp3 at 500 MiB/s", "io2 with 20000 IOPS", "m6id.large (118 GB NVMe)". */
  label: string;
  throughputMiBps?: number;
  iops?: number;
  instanceType?: string;
  estRuntimeSeconds: number;
  /** Observed runtime / estimated runtime. */
  speedup: number;
  /** Provisioned volume performance beyond now, per month and per hour (volume options). */
  extraUsdPerMonth?: number;
  extraUsdPerHour?: number;
  /** Cost per run with this option, when the instance price is known (instance + volume extra). */
  estCostPerRunUsd?: number;
  /** What limits it (the instance's EBS baseline, the volume type's maximum, …). */
  note: string;
  summary: string;
}

export function storageOptions(
  ctx: RuleContext,
  pc: ProjectionContext,
  scale: number,
  catalog: Catalog,
  volumes: ReadonlyMap<string, VolumeType>,
  o: CostOptions,
  peakRss: number,
  inst: InstanceType | undefined,
): { storage?: StorageSummary; storageOptions: StorageOption[] } {
  const p = pc.plateau;
  if (!p) return { storageOptions: [] };
  const mt = ctx.measured.type;
  const limit = classifyPlateau(p, mt);
  const storage: StorageSummary = {
    device: p.device,
    kind: p.kind,
    bytesPerS: p.bytesPerS,
    opsPerS: p.opsPerS,
    seconds: p.seconds,
    share: p.share,
    limit: limit.where,
    why: limit.why,
  };
  const wall = ctx.run.wallS;
  const here: TargetSpec = { ...pc.measured, sameHost: true };
  const runtime = (t: TargetSpec) => project(pc, t).seconds * scale;
  // The price of the measured host per hour, when known, for a cost per run.
  const hostPrice = mt?.pricePerHourUsd ?? (inst && !ctx.measured.note ? inst.pricePerHourUsd : undefined);
  const out: StorageOption[] = [];

  if (limit.where !== "instance") {
    const gp3 = volumes.get("gp3") as VolumeType;
    const io2 = volumes.get("io2") as VolumeType;
    if (p.kind === "throughput") {
      const level = p.bytesPerS / MIB;
      const instCap = mt?.ebsBaselineBps !== undefined ? mt.ebsBaselineBps / MIB : undefined;
      const reach = instCap !== undefined ? Math.min(instCap, io2.maxThroughputMiBps) : io2.maxThroughputMiBps;
      // What any gp3 volume includes, then 2× and 4× the plateau above that, gp3's maximum, and io2's reach.
      const targets = new Set<number>();
      const base = gp3.includedThroughputMiBps;
      for (const t of [base, Math.max(2 * level, base), Math.max(4 * level, base), gp3.maxThroughputMiBps, reach]) {
        const v = Math.floor(Math.min(t, reach) / 5) * 5;
        if (v > 1.1 * level) targets.add(v);
      }
      for (const t of [...targets].sort((a, b) => a - b)) {
        const est = runtime({ ...here, storageLevel: t * MIB });
        const capped = instCap !== undefined && t >= instCap - 5 ? `capped at ${mt?.type}'s EBS baseline` : "";
        if (t <= gp3.maxThroughputMiBps) {
          const extra = Math.max(0, t - Math.max(level, gp3.includedThroughputMiBps)) * (gp3.priceUsdMiBpsMonth ?? 0);
          const label = t === base ? `gp3 at ${t} MiB/s (included)` : `gp3 at ${t} MiB/s`;
          out.push(volumeOption("gp3", label, { throughputMiBps: t }, est, wall, extra, hostPrice, capped));
        } else {
          const iops = Math.ceil(t / (io2.throughputMiBpsPerIops ?? 1));
          if (iops > io2.pricedIopsUpTo) continue;
          const extra = iops * io2.priceUsdIopsMonth;
          out.push(
            volumeOption(
              "io2",
              `io2 with ${iops} IOPS (${t} MiB/s)`,
              { throughputMiBps: t, iops },
              est,
              wall,
              extra,
              hostPrice,
              [capped, "plus $0.045/GB-month more storage than gp3 for the volume's size"].filter(Boolean).join("; "),
            ),
          );
        }
      }
    } else {
      const level = p.opsPerS;
      const instCap = mt?.ebsBaselineIops;
      const reach = instCap !== undefined ? Math.min(instCap, gp3.maxIops) : gp3.maxIops;
      const targets = new Set<number>();
      const base = gp3.includedIops;
      for (const t of [base, Math.max(2 * level, base), Math.max(4 * level, base), reach]) {
        const v = Math.floor(Math.min(t, reach) / 100) * 100;
        if (v > 1.1 * level) targets.add(v);
      }
      for (const t of [...targets].sort((a, b) => a - b)) {
        const est = runtime({ ...here, storageLevel: t });
        const extra = Math.max(0, t - Math.max(level, gp3.includedIops)) * gp3.priceUsdIopsMonth;
        const capped = instCap !== undefined && t >= instCap ? `capped at ${mt?.type}'s EBS IOPS baseline` : "";
        const label = t === base ? `gp3 with ${t} IOPS (included)` : `gp3 with ${t} IOPS`;
        out.push(volumeOption("gp3", label, { iops: t }, est, wall, extra, hostPrice, capped));
      }
    }
  }

  // Instance store: the measured type's *d sibling, else the cheapest fitting types with local NVMe.
  const written = Math.max(ctx.run.m.blockWriteBytes ?? 0, ctx.run.m.diskWriteBytes ?? 0);
  const lanes = Math.max(1, ...ctx.judged().map((t) => ctx.limits(t)?.parallelism.demonstrated ?? 1));
  const fits = (t: InstanceType) =>
    (t.localNvmeGb ?? 0) > 0 &&
    (t.localNvmeGb ?? 0) * 1e9 >= written &&
    t.memoryBytes >= peakRss * o.memoryHeadroom &&
    (!mt || t.arch === mt.arch);
  let stores: InstanceType[] = [];
  const sibling = mt ? catalog.get(`${mt.family}d.${mt.type.split(".")[1]}`) : undefined;
  if (sibling && fits(sibling)) stores = [sibling];
  else {
    stores = catalog.types
      .filter((t) => fits(t) && t.vcpu >= Math.min(lanes, 64))
      .sort((a, b) => a.pricePerHourUsd - b.pricePerHourUsd)
      .slice(0, 2);
  }
  for (const t of stores) {
    const target = { ...targetOf(t, 1), storageLevel: "unlimited" as const, localStorage: true };
    const est = runtime(target);
    const cost = (t.pricePerHourUsd * est) / 3600;
    const note =
      `assumes the data at the plateau moves to the ${t.localNvmeGb} GB of local NVMe (scratch; lost when the ` +
      "instance stops) and treats its throughput as unlimited (not in the catalog)" +
      (written > 0 ? `; the run wrote ${gib(written)}` : "");
    out.push({
      kind: "instance-store",
      label: `${t.type} (${t.localNvmeGb} GB NVMe)`,
      instanceType: t.type,
      estRuntimeSeconds: est,
      speedup: est > 0 ? wall / est : Number.POSITIVE_INFINITY,
      estCostPerRunUsd: cost,
      note,
      summary:
        `${t.type} with ${t.localNvmeGb} GB instance-store NVMe for scratch: about ${duration(est)} instead of ` +
        `${duration(wall)}, ${usd(cost)} per run at $${t.pricePerHourUsd}/h`,
    });
  }
  return { storage, storageOptions: out };
}

function volumeOption(
  kind: "gp3" | "io2",
  label: string,
  perf: { throughputMiBps?: number; iops?: number },
  est: number,
  wall: number,
  extraPerMonth: number,
  hostPrice: number | undefined,
  capped: string,
): StorageOption {
  const perHour = extraPerMonth / HOURS_PER_MONTH;
  const cost = hostPrice !== undefined ? ((hostPrice + perHour) * est) / 3600 : undefined;
  const note = [
    extraPerMonth > 0
      ? `priced as the provisioned performance above a gp3 volume at the plateau: $${extraPerMonth.toFixed(2)}/month`
      : "included in any gp3 volume's price",
    capped,
  ]
    .filter(Boolean)
    .join("; ");
  return {
    kind,
    label,
    ...perf,
    estRuntimeSeconds: est,
    speedup: est > 0 ? wall / est : Number.POSITIVE_INFINITY,
    extraUsdPerMonth: extraPerMonth,
    extraUsdPerHour: perHour,
    ...(cost !== undefined ? { estCostPerRunUsd: cost } : {}),
    note,
    summary:
      `${label}: about ${duration(est)} instead of ${duration(wall)}; ` +
      (extraPerMonth > 0
        ? `+$${extraPerMonth.toFixed(2)}/month (${usd((perHour * est) / 3600)} for this run's duration)`
        : "no extra cost") +
      (cost !== undefined ? `, ${usd(cost)} per run with the instance` : "") +
      (perf.throughputMiBps !== undefined && kind === "gp3" ? ` (${mbps(perf.throughputMiBps * MIB)})` : ""),
  };
}
