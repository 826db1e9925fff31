// The EC2 instance catalog (data/ec2-instances.csv, provenance in data/ec2-instances.SOURCE.md): vCPUs, memory,
// EBS and network caps and on-demand prices (us-east-1, Linux).
//
// Units, as the source publishes them: ebs_*_mbps are MEGABITS per second (AWS's EBS bandwidth figures);
// ebs_*_throughput_MBps are megabytes per second (= Mbps / 8); network_*_gbps are gigabits per second. Everything
// is converted to bytes per second here, once, and the two EBS columns are checked against each other so that a
// unit slip in the data shows up as a load error instead of an 8× wrong recommendation.
import { FindingsError } from "../errors.js";
import { catalogRows, readCatalogText } from "./table.js";

export interface InstanceType {
  readonly type: string;
  readonly family: string;
  /** The digit of the family name; comparable only within one family line. */
  readonly generation: number;
  readonly arch: "x86_64" | "arm64";
  readonly vcpu: number;
  readonly memoryGib: number;
  readonly memoryBytes: number;
  /** EBS baseline in megabits/s as published; undefined where only an "up to" figure exists. */
  readonly ebsBaselineMbps?: number;
  readonly ebsBurstMbps?: number;
  /** Baseline EBS IOPS (16 KiB I/O), where published. */
  readonly ebsBaselineIops?: number;
  /** EBS baseline in bytes/s (Mbps × 10^6 / 8). */
  readonly ebsBaselineBps?: number;
  readonly networkBaselineGbps?: number;
  readonly networkBurstGbps?: number;
  /** Network baseline in bytes/s per direction (Gbps × 10^9 / 8). */
  readonly networkBaselineBps?: number;
  readonly localNvmeGb?: number;
  /** On-demand Linux price per hour, us-east-1. */
  readonly pricePerHourUsd: number;
  readonly cpu?: string;
}

export interface Catalog {
  readonly types: readonly InstanceType[];
  get(type: string): InstanceType | undefined;
  /** Where the data came from (file path), for messages. */
  readonly source: string;
}

const REQUIRED = [
  "instance_type",
  "family",
  "generation",
  "arch",
  "vcpu",
  "memory_gib",
  "ebs_baseline_mbps",
  "ebs_burst_mbps",
  "network_baseline_gbps",
  "network_burst_gbps",
  "local_nvme_gb",
  "price_usd_hour_us_east_1",
  "cpu",
  "ebs_baseline_throughput_MBps",
] as const;

const GIB = 1024 ** 3;

/** The catalog shipped with this package. */
export const DEFAULT_CATALOG_PATH = new URL("../../data/ec2-instances.csv", import.meta.url);

let cached: Catalog | undefined;

/** Loads the catalog (the packaged one by default; cached). Throws a FindingsError("catalog") when malformed. */
export function loadCatalog(path: string | URL = DEFAULT_CATALOG_PATH): Catalog {
  const isDefault = path === DEFAULT_CATALOG_PATH;
  if (isDefault && cached) return cached;
  const { text, where } = readCatalogText(path, "instance catalog");
  const catalog = parseCatalog(text, where);
  if (isDefault) cached = catalog;
  return catalog;
}

export function parseCatalog(text: string, where = "<catalog>"): Catalog {
  const types: InstanceType[] = [];
  const byType = new Map<string, InstanceType>();
  for (const r of catalogRows(text, where, REQUIRED, ["ebs_baseline_iops"] as const)) {
    const { field, bad } = r;
    const number = (name: (typeof REQUIRED)[number], required: boolean) => r.number(name, required);
    const type = field("instance_type");
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) throw bad("instance_type", `looks wrong: ${type}`);
    if (byType.has(type)) throw bad("instance_type", `${type} appears twice`);
    const arch = field("arch");
    if (arch !== "x86_64" && arch !== "arm64") throw bad("arch", `must be x86_64 or arm64, got ${arch}`);
    const vcpu = number("vcpu", true) as number;
    const memoryGib = number("memory_gib", true) as number;
    const price = number("price_usd_hour_us_east_1", true) as number;
    if (vcpu <= 0 || memoryGib <= 0 || price <= 0) throw bad("vcpu/memory_gib/price", "must be positive");
    const ebsBaselineMbps = number("ebs_baseline_mbps", false);
    const ebsMBps = number("ebs_baseline_throughput_MBps", false);
    if (
      ebsBaselineMbps !== undefined &&
      ebsMBps !== undefined &&
      Math.abs(ebsBaselineMbps / 8 - ebsMBps) > 0.01 * ebsMBps
    ) {
      throw bad(
        "ebs_baseline_throughput_MBps",
        `(${ebsMBps} MB/s) disagrees with ebs_baseline_mbps / 8 (${ebsBaselineMbps} Mbit/s)`,
      );
    }
    const ebsBurstMbps = number("ebs_burst_mbps", false);
    const ebsBaselineIops = r.number("ebs_baseline_iops", false);
    const netBase = number("network_baseline_gbps", false);
    const netBurst = number("network_burst_gbps", false);
    const nvme = number("local_nvme_gb", false);
    const cpu = field("cpu");
    const row: InstanceType = {
      type,
      family: field("family"),
      generation: number("generation", true) as number,
      arch,
      vcpu,
      memoryGib,
      memoryBytes: memoryGib * GIB,
      ...(ebsBaselineMbps !== undefined ? { ebsBaselineMbps, ebsBaselineBps: (ebsBaselineMbps * 1e6) / 8 } : {}),
      ...(ebsBurstMbps !== undefined ? { ebsBurstMbps } : {}),
      ...(ebsBaselineIops !== undefined && ebsBaselineIops > 0 ? { ebsBaselineIops } : {}),
      ...(netBase !== undefined ? { networkBaselineGbps: netBase, networkBaselineBps: (netBase * 1e9) / 8 } : {}),
      ...(netBurst !== undefined ? { networkBurstGbps: netBurst } : {}),
      ...(nvme !== undefined ? { localNvmeGb: nvme } : {}),
      pricePerHourUsd: price,
      ...(cpu !== "" ? { cpu } : {}),
    };
    types.push(row);
    byType.set(type, row);
  }
  if (types.length === 0) throw new FindingsError("catalog", `${where}: no instance types`);
  return { types, get: (t) => byType.get(t.trim().toLowerCase()), source: where };
}

/** Looks a type up, or throws a FindingsError("unknown-instance") that names close matches. */
export function requireInstanceType(catalog: Catalog, type: string): InstanceType {
  const found = catalog.get(type);
  if (found) return found;
  const t = type.trim().toLowerCase();
  const family = t.split(".")[0] ?? "";
  const size = t.split(".")[1] ?? "";
  const near = catalog.types
    .filter((x) => x.family === family || (size !== "" && x.type.endsWith(`.${size}`) && x.family[0] === family[0]))
    .slice(0, 4)
    .map((x) => x.type);
  const hint = near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : "";
  throw new FindingsError(
    "unknown-instance",
    `unknown instance type ${JSON.stringify(type)}: not in the catalog of ${catalog.types.length} EC2 types${hint}`,
  );
}
