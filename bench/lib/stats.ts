// Small figures helpers shared by the benchmarks: min/median/max of a series, and how they print.

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly n: number;
}

export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, n: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]!, n: s.length };
}

/** "1.032 (min 0.981, max 1.104, n 9)" */
export function fmtSpread(s: Spread, digits = 3, unit = ""): string {
  const f = (x: number) => `${x.toFixed(digits)}${unit}`;
  return `${f(s.median)} (min ${f(s.min)}, max ${f(s.max)}, n ${s.n})`;
}

/** "1.032 / 0.981 / 1.104" (median / min / max), for tables. */
export function fmtCompact(s: Spread, digits = 3): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
