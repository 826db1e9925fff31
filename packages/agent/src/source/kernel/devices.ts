// The host's block devices over time: bytes and requests completed per device and direction, from the kernel
// source's host-wide block_rq_complete histograms, and the time each device had a request in flight, from the
// kernel's own io_ticks (/proc/diskstats field 13, what iostat's %util is computed from). Values are reported as
// cumulative since observation began, so the first reading is the baseline.
import { readFileSync } from "node:fs";
import type { DeviceCounters } from "../types.js";

/** What the kernel source's histograms say about one (device, direction). */
export interface BlockRecord {
  readonly major: number;
  readonly minor: number;
  /** "read" | "write" | "other" */
  readonly opName: string;
  readonly count: number;
  readonly bytes: number;
  /** Summed issue -> completion time of those requests (ns). */
  readonly sumNs?: number;
}

interface DiskStat {
  readonly name: string;
  readonly ioTicksMs: number;
}

const MAX_DEVICES = 256;
const names = new Map<string, string>();

/** The kernel name of a block device ("vda"), from /sys/dev/block/<major>:<minor>/uevent; else "major:minor". */
export function blockDeviceName(major: number, minor: number): string {
  const majMin = `${major}:${minor}`;
  const known = names.get(majMin);
  if (known) return known;
  let name = majMin;
  try {
    const m = /^DEVNAME=(.+)$/m.exec(readFileSync(`/sys/dev/block/${majMin}/uevent`, "utf8"));
    if (m?.[1]) name = m[1].trim().slice(0, 64);
  } catch {
    /* not a block device we can name */
  }
  if (names.size < MAX_DEVICES) names.set(majMin, name);
  return name;
}

/** "vda" for the kernel's dev_t of /dev/vda (major << 20 | minor). */
export function blockDeviceNameOfDev(dev: number): string {
  return blockDeviceName(dev >>> 20, dev & 0xfffff);
}

/**
 * /proc/diskstats → io_ticks (ms with at least one request in flight) per "major:minor". Malformed lines are
 * skipped; at most MAX_DEVICES × 4 lines are looked at.
 */
export function parseDiskstats(text: string): Map<string, DiskStat> {
  const out = new Map<string, DiskStat>();
  const lines = text.split("\n", MAX_DEVICES * 4);
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    // major minor name, then (since 2.6) 11 fields; io_ticks is the 10th of them
    if (f.length < 14) continue;
    const ticks = Number(f[12]);
    if (!/^\d+$/.test(f[0]!) || !/^\d+$/.test(f[1]!) || !Number.isFinite(ticks)) continue;
    out.set(`${f[0]}:${f[1]}`, { name: f[2]!.slice(0, 64), ioTicksMs: ticks });
  }
  return out;
}

/** Sums histogram records per device (the histograms are per device and direction). */
export function devicesFromRecords(records: readonly BlockRecord[]): Map<string, Omit<DeviceCounters, "name">> {
  const out = new Map<
    string,
    {
      readBytes: number;
      writeBytes: number;
      readOps: number;
      writeOps: number;
      readServiceNs: number;
      writeServiceNs: number;
    }
  >();
  for (const r of records) {
    const key = `${r.major}:${r.minor}`;
    let d = out.get(key);
    if (!d) {
      if (out.size >= MAX_DEVICES) continue;
      d = { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0, readServiceNs: 0, writeServiceNs: 0 };
      out.set(key, d);
    }
    if (r.opName === "read") {
      d.readBytes += r.bytes;
      d.readOps += r.count;
      d.readServiceNs += r.sumNs ?? 0;
    } else if (r.opName === "write") {
      d.writeBytes += r.bytes;
      d.writeOps += r.count;
      d.writeServiceNs += r.sumNs ?? 0;
    }
  }
  return out;
}

/**
 * Turns successive host-wide readings into counters relative to the first one: the histograms count from the
 * probe's load and io_ticks from boot, and neither belongs to the run.
 */
export class DeviceReadings {
  readonly #readDiskstats: () => string | undefined;
  #base: Map<string, Omit<DeviceCounters, "name">> | undefined;
  #baseTicks = new Map<string, number>();

  constructor(readDiskstats: () => string | undefined = defaultDiskstats) {
    this.#readDiskstats = readDiskstats;
  }

  /** Counters since the first call (which returns all zeros: it is the baseline). */
  read(records: readonly BlockRecord[]): DeviceCounters[] {
    const now = devicesFromRecords(records);
    const text = this.#readDiskstats();
    const stats = text !== undefined ? parseDiskstats(text) : undefined;
    if (this.#base === undefined) {
      this.#base = now;
      if (stats) for (const [k, s] of stats) this.#baseTicks.set(k, s.ioTicksMs);
    }
    const base = this.#base;
    const out: DeviceCounters[] = [];
    for (const [key, d] of now) {
      const b = base.get(key);
      const [major, minor] = key.split(":").map(Number) as [number, number];
      const stat = stats?.get(key);
      let busyNs: number | undefined;
      if (stat) {
        // A device first seen now has no baseline yet: it starts counting from this reading.
        const t0 = this.#baseTicks.get(key);
        if (t0 === undefined) this.#baseTicks.set(key, stat.ioTicksMs);
        busyNs = Math.max(0, stat.ioTicksMs - (t0 ?? stat.ioTicksMs)) * 1e6;
      }
      out.push({
        name: stat?.name ?? blockDeviceName(major, minor),
        readBytes: Math.max(0, d.readBytes - (b?.readBytes ?? 0)),
        writeBytes: Math.max(0, d.writeBytes - (b?.writeBytes ?? 0)),
        readOps: Math.max(0, d.readOps - (b?.readOps ?? 0)),
        writeOps: Math.max(0, d.writeOps - (b?.writeOps ?? 0)),
        readServiceNs: Math.max(0, (d.readServiceNs ?? 0) - (b?.readServiceNs ?? 0)),
        writeServiceNs: Math.max(0, (d.writeServiceNs ?? 0) - (b?.writeServiceNs ?? 0)),
        ...(busyNs !== undefined ? { busyNs } : {}),
      });
    }
    return out;
  }
}

function defaultDiskstats(): string | undefined {
  try {
    return readFileSync("/proc/diskstats", "utf8");
  } catch {
    return undefined;
  }
}
