// The bucket arithmetic of timelines: what is added is never lost or duplicated, whatever the widths, offsets
// and merges; the length stays bounded.
import { describe, expect, it } from "vitest";
import { BucketSeries } from "../../src/accounting/bucket-series.js";

const S = 1e9;
const T0 = 1_764_000_000 * S; // an epoch-ns origin, as the agent uses (beyond 2^53: only ~256 ns exact)
const shape = { sums: 2, maxes: 1 };
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("BucketSeries", () => {
  it("spreads a growth evenly over the time between two readings", () => {
    const s = new BucketSeries(T0, 0.5 * S, shape);
    // 3 s blocked, reported at once after 3 s: 0.5 s in each of the six buckets
    s.spread(T0, T0 + 3 * S, [3 * S, 0]);
    const r = s.render(T0, T0 + 3 * S);
    expect(r.intervalNs).toBe(0.5 * S);
    expect(r.sums[0]!.map((v) => v / S)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it("splits a reading interval that straddles buckets in proportion", () => {
    const s = new BucketSeries(T0, 1 * S, shape);
    s.spread(T0 + 0.75 * S, T0 + 1.25 * S, [1, 0]);
    const r = s.render(T0, T0 + 2 * S);
    expect(r.sums[0]).toEqual([0.5, 0.5]);
  });

  it("keeps at most `limit` buckets: the width doubles and pairs merge, totals unchanged", () => {
    const s = new BucketSeries(T0, 0.5 * S, shape, 8);
    for (let i = 0; i < 40; i++) s.spread(T0 + i * 0.5 * S, T0 + (i + 1) * 0.5 * S, [0.5 * S, i]);
    s.max(T0 + 3.2 * S, 0, 7);
    expect(s.length).toBeLessThanOrEqual(8);
    expect(s.widthNs).toBe(4 * S);
    expect(s.total(0)).toBeCloseTo(20 * S, -3);
    const r = s.render(T0, T0 + 20 * S);
    expect(r.sums[0]!.length).toBeLessThanOrEqual(8);
    expect(sum(r.sums[0]!)).toBeCloseTo(20 * S, -3);
    expect(sum(r.sums[1]!)).toBeCloseTo((39 * 40) / 2, 6);
    expect(Math.max(...r.maxes[0]!)).toBe(7);
  });

  it("re-buckets to a span that starts between buckets, losing nothing", () => {
    const s = new BucketSeries(T0, 1 * S, shape);
    // a task whose process starts 0.3 s into the run and is busy for 2 s
    s.spread(T0 + 0.3 * S, T0 + 2.3 * S, [2 * S, 0]);
    const r = s.render(T0 + 0.3 * S, T0 + 2.3 * S);
    expect(r.sums[0]!.length).toBe(2);
    expect(sum(r.sums[0]!) / S).toBeCloseTo(2, 6);
    for (const v of r.sums[0]!) expect(v / S).toBeCloseTo(1, 6);
  });

  it("renders a long span in at most 256 buckets, doubling from the read interval", () => {
    const s = new BucketSeries(T0, 0.5 * S, shape);
    for (let i = 0; i < 3600; i++) s.spread(T0 + i * 0.5 * S, T0 + (i + 1) * 0.5 * S, [0.25 * S, 0]);
    const r = s.render(T0, T0 + 1800 * S);
    expect(r.sums[0]!.length).toBeLessThanOrEqual(256);
    expect(r.intervalNs / S).toBe(8); // 0.5 · 2^4: 1800 s / 8 s = 225 buckets
    for (const v of r.sums[0]!.slice(0, -1)) expect(v / S).toBeCloseTo(4, 6);
  });

  it("merges series of different widths exactly (they nest)", () => {
    const fine = new BucketSeries(T0, 0.5 * S, shape, 256);
    const coarse = new BucketSeries(T0, 0.5 * S, shape, 4);
    fine.spread(T0, T0 + 2 * S, [2 * S, 0]);
    fine.max(T0 + 1.6 * S, 0, 3);
    coarse.spread(T0 + 10 * S, T0 + 14 * S, [4 * S, 0]); // 4 buckets of 0.5 s would not fit: width 2 s
    coarse.merge(fine);
    expect(coarse.total(0)).toBeCloseTo(6 * S, -3);
    const r = coarse.render(T0, T0 + 14 * S);
    expect(sum(r.sums[0]!)).toBeCloseTo(6 * S, -3);
    expect(Math.max(...r.maxes[0]!)).toBe(3);
  });

  it("keeps the largest reading per bucket for a max series", () => {
    const s = new BucketSeries(T0, 1 * S, shape);
    s.max(T0 + 0.2 * S, 0, 2);
    s.max(T0 + 0.7 * S, 0, 5);
    s.max(T0 + 1.5 * S, 0, 1);
    expect(s.render(T0, T0 + 2 * S).maxes[0]).toEqual([5, 1]);
  });

  it("rejects nonsense widths", () => {
    expect(() => new BucketSeries(T0, 0, shape)).toThrow(RangeError);
    expect(() => new BucketSeries(T0, S, shape, 1)).toThrow(RangeError);
  });
});
