// Time as spans carry it: epoch nanoseconds, and the OTel HrTime pair [seconds, nanoseconds]. One clock for every
// package (performance.timeOrigin + performance.now(): monotonic within a process), so that a parent's end is never
// stamped a fraction of a millisecond before its child's by two clocks that disagree.

/** Epoch nanoseconds now, from the monotonic clock anchored at this process's time origin (as a JS number). */
export function nowNs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1e6);
}

/** Epoch nanoseconds (a number, or a bigint read from OTLP) as the OTel HrTime pair [seconds, nanoseconds]. */
export function hrTimeFromNs(ns: number | bigint): [number, number] {
  if (typeof ns === "bigint") return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
  const sec = Math.floor(ns / 1e9);
  return [sec, Math.max(0, Math.min(999_999_999, Math.round(ns - sec * 1e9)))];
}

/** An HrTime pair back to epoch nanoseconds, exactly (a bigint, as OTLP's fixed64 time fields). */
export function nsFromHrTime(t: readonly [number, number]): bigint {
  return BigInt(Math.trunc(t[0])) * 1_000_000_000n + BigInt(Math.trunc(t[1]));
}
