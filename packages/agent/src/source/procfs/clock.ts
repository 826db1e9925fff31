// Clock facts the sampler needs: clock ticks per second (the unit of utime/stime/starttime in /proc/<pid>/stat)
// and the wall-clock time of boot (starttime is counted from boot).

import { execFileSync } from "node:child_process";
import { parseBtime, parseUptime } from "./parse.js";
import type { ProcfsReader } from "./procfs-reader.js";

let cachedTicks: { value: number; fromGetconf: boolean } | undefined;

/**
 * Clock ticks per second (USER_HZ), asked once from `getconf CLK_TCK`. Linux reports 100 on x86 and arm, so
 * when getconf is unavailable we fall back to 100 and say so (`fromGetconf: false`) instead of assuming
 * silently.
 */
export function clockTicksPerSecond(): { value: number; fromGetconf: boolean } {
  if (cachedTicks !== undefined) return cachedTicks;
  try {
    const out = execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 5000, stdio: "pipe" }).trim();
    const n = Number(out);
    cachedTicks = Number.isInteger(n) && n > 0 && n <= 1_000_000 ? { value: n, fromGetconf: true } : undefined;
  } catch {
    cachedTicks = undefined;
  }
  cachedTicks ??= { value: 100, fromGetconf: false };
  return cachedTicks;
}

/**
 * Estimate the wall-clock time of boot in ms since the epoch: now - uptime.
 *
 * /proc/uptime is CLOCK_BOOTTIME (the clock starttime uses, suspend included) printed with 10 ms resolution and
 * truncated, so now - uptime lands 0..10 ms after the true boot instant; adding 5 ms centres the error at ±5 ms.
 * This beats /proc/stat btime (whole seconds) and follows wall-clock steps made since boot, because it is taken
 * now. Falls back to btime (±1 s) when uptime cannot be read.
 */
export function estimateBootTimeMs(reader: ProcfsReader, nowMs: () => number): number | undefined {
  const before = nowMs();
  const up = reader.readText(reader.path("uptime"), 4096);
  const after = nowMs();
  const seconds = up === undefined ? undefined : parseUptime(up.text);
  if (seconds !== undefined) return (before + after) / 2 - seconds * 1000 + 5;
  const stat = reader.readText(reader.path("stat"), 1024 * 1024);
  const btime = stat === undefined ? undefined : parseBtime(stat.text);
  return btime === undefined ? undefined : btime * 1000;
}
