// EBS volume types (data/ebs-volumes.csv, provenance in data/ebs-volumes.SOURCE.md): what a volume includes,
// how far it can be provisioned and what each provisioned unit costs, us-east-1. Read with the same strict CSV
// reader as the instance catalog; a malformed row is a load error naming its line.
import { FindingsError } from "../errors.js";
import { catalogRows, readCatalogText } from "./table.js";

export interface VolumeType {
  readonly type: "gp3" | "io2";
  readonly maxSizeGib: number;
  readonly includedIops: number;
  readonly includedThroughputMiBps: number;
  readonly maxIops: number;
  readonly maxThroughputMiBps: number;
  /** io2: MiB/s per provisioned IOPS (throughput is not priced separately). */
  readonly throughputMiBpsPerIops?: number;
  readonly priceUsdGbMonth: number;
  /** gp3: above the included IOPS; io2: the first tier (up to 32,000 IOPS). */
  readonly priceUsdIopsMonth: number;
  /** io2: the IOPS up to which priceUsdIopsMonth applies (no source for the higher tiers). */
  readonly pricedIopsUpTo: number;
  /** gp3: per MiB/s above the included throughput. */
  readonly priceUsdMiBpsMonth?: number;
  readonly source: string;
}

export const DEFAULT_VOLUMES_PATH = new URL("../../data/ebs-volumes.csv", import.meta.url);
/** AWS's convention for converting monthly prices to hourly. */
export const HOURS_PER_MONTH = 730;
export const MIB = 1024 * 1024;

const COLUMNS = [
  "volume_type",
  "max_size_gib",
  "included_iops",
  "included_throughput_mibps",
  "max_iops",
  "max_throughput_mibps",
  "throughput_mibps_per_iops",
  "price_usd_gb_month",
  "price_usd_iops_month",
  "price_usd_iops_month_32001_64000",
  "price_usd_iops_month_over_64000",
  "price_usd_mibps_month",
  "source",
] as const;

let cached: ReadonlyMap<string, VolumeType> | undefined;

export function loadVolumes(path: string | URL = DEFAULT_VOLUMES_PATH): ReadonlyMap<string, VolumeType> {
  const isDefault = path === DEFAULT_VOLUMES_PATH;
  if (isDefault && cached) return cached;
  const { text, where } = readCatalogText(path, "volume catalog");
  const v = parseVolumes(text, where);
  if (isDefault) cached = v;
  return v;
}

export function parseVolumes(text: string, where = "<volumes>"): ReadonlyMap<string, VolumeType> {
  const out = new Map<string, VolumeType>();
  for (const r of catalogRows(text, where, COLUMNS)) {
    const { field, bad } = r;
    const num = (name: (typeof COLUMNS)[number], required: boolean) => r.number(name, required);
    const type = field("volume_type");
    if (type !== "gp3" && type !== "io2") throw bad("volume_type", `must be gp3 or io2, got ${type}`);
    const perIops = num("throughput_mibps_per_iops", false);
    const mibps = num("price_usd_mibps_month", false);
    const row: VolumeType = {
      type,
      maxSizeGib: num("max_size_gib", true) as number,
      includedIops: num("included_iops", true) as number,
      includedThroughputMiBps: num("included_throughput_mibps", true) as number,
      maxIops: num("max_iops", true) as number,
      maxThroughputMiBps: num("max_throughput_mibps", true) as number,
      ...(perIops !== undefined ? { throughputMiBpsPerIops: perIops } : {}),
      priceUsdGbMonth: num("price_usd_gb_month", true) as number,
      priceUsdIopsMonth: num("price_usd_iops_month", true) as number,
      // Higher io2 tiers have no AWS source in the data: price (and offer) only up to the first tier's end.
      pricedIopsUpTo:
        type === "io2" && num("price_usd_iops_month_32001_64000", false) === undefined
          ? 32_000
          : (num("max_iops", true) as number),
      ...(mibps !== undefined ? { priceUsdMiBpsMonth: mibps } : {}),
      source: field("source"),
    };
    if (type === "gp3" && row.priceUsdMiBpsMonth === undefined) throw bad("price_usd_mibps_month", "is empty for gp3");
    if (type === "io2" && row.throughputMiBpsPerIops === undefined)
      throw bad("throughput_mibps_per_iops", "is empty for io2");
    out.set(type, row);
  }
  for (const t of ["gp3", "io2"]) if (!out.has(t)) throw new FindingsError("catalog", `${where}: no ${t} row`);
  return out;
}
