import type { HrTime } from "@opentelemetry/api";

/** Epoch nanoseconds (as a JS number) to the OTel HrTime pair. */
export function hrTime(epochNs: number): HrTime {
  const sec = Math.floor(epochNs / 1e9);
  return [sec, Math.max(0, Math.min(999_999_999, Math.round(epochNs - sec * 1e9)))];
}

export function nowNs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1e6);
}
