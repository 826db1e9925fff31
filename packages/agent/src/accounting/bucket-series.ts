// Fixed-width time buckets holding a few series (sums, and maxima), bounded in length: when the covered time
// would need more than `limit` buckets, the width doubles and adjacent buckets merge. Every series of one
// family shares an origin and a base width, so buckets of different widths always nest (width = base · 2^k,
// bucket i covers [origin + i·width, origin + (i+1)·width)): merging two series, or coarsening one, is exact.

export interface SeriesShape {
  /** Series whose buckets add up (time in a state, bytes). */
  readonly sums: number;
  /** Series whose buckets keep the largest value seen (a gauge read at instants). */
  readonly maxes: number;
}

/** A series drawn for one span: bucket 0 starts at the span's start. */
export interface RenderedSeries {
  readonly intervalNs: number;
  readonly sums: number[][];
  readonly maxes: number[][];
}

export class BucketSeries {
  readonly #origin: number;
  readonly #base: number;
  readonly #limit: number;
  readonly #shape: SeriesShape;
  #level = 0;
  /** Absolute index (at the current width) of the first bucket held; meaningless while empty. */
  #first = 0;
  #length = 0;
  #sums: number[][];
  #maxes: number[][];

  constructor(originNs: number, baseNs: number, shape: SeriesShape, limit = 256) {
    if (!(baseNs > 0)) throw new RangeError(`bucket width must be positive, got ${baseNs}`);
    if (!(limit >= 2)) throw new RangeError(`bucket limit must be at least 2, got ${limit}`);
    this.#origin = originNs;
    this.#base = baseNs;
    this.#limit = limit;
    this.#shape = shape;
    this.#sums = Array.from({ length: shape.sums }, () => []);
    this.#maxes = Array.from({ length: shape.maxes }, () => []);
  }

  get widthNs(): number {
    return this.#base * 2 ** this.#level;
  }

  get length(): number {
    return this.#length;
  }

  /** Sum of one summed series over every bucket. */
  total(series: number): number {
    let t = 0;
    for (const v of this.#sums[series] ?? []) t += v;
    return t;
  }

  /** Time relative to the origin, clamped at it. Epoch nanoseconds as doubles are only exact to ~256 ns: all
   * arithmetic below is on these small relative values, where 1 ns is exact. */
  #rel(t: number): number {
    return Math.max(0, t - this.#origin);
  }

  #index(rel: number): number {
    return Math.floor(rel / this.widthNs);
  }

  /** Makes the buckets of relative times [lo, hi] present, coarsening first when they would not fit. */
  #cover(lo: number, hi: number): void {
    for (;;) {
      const a = this.#index(lo);
      const b = this.#index(hi);
      const from = this.#length === 0 ? a : Math.min(a, this.#first);
      const to = this.#length === 0 ? b : Math.max(b, this.#first + this.#length - 1);
      if (to - from + 1 > this.#limit) {
        this.#coarsen();
        continue;
      }
      if (this.#length === 0) this.#first = from;
      const before = this.#first - from;
      // Runs for every reading of every process: the series are walked in place, nothing copied.
      if (before > 0) {
        const zeros = new Array<number>(before).fill(0);
        for (const s of this.#sums) s.unshift(...zeros);
        for (const s of this.#maxes) s.unshift(...zeros);
        this.#first = from;
        this.#length += before;
      }
      const after = to - (this.#first + this.#length - 1);
      if (after > 0) {
        for (const s of this.#sums) for (let i = 0; i < after; i++) s.push(0);
        for (const s of this.#maxes) for (let i = 0; i < after; i++) s.push(0);
        this.#length += after;
      }
      return;
    }
  }

  /** Doubles the width: bucket i goes to i/2 (pairs merge: sums add, maxima keep the larger). */
  #coarsen(): void {
    const first = Math.floor(this.#first / 2);
    const last = Math.floor((this.#first + Math.max(this.#length, 1) - 1) / 2);
    const length = this.#length === 0 ? 0 : last - first + 1;
    const fold = (series: number[][], combine: (a: number, b: number) => number) =>
      series.map((s) => {
        const out = new Array<number>(length).fill(0);
        for (let j = 0; j < s.length; j++) {
          const k = Math.floor((this.#first + j) / 2) - first;
          out[k] = combine(out[k]!, s[j]!);
        }
        return out;
      });
    this.#sums = fold(this.#sums, (a, b) => a + b);
    this.#maxes = fold(this.#maxes, Math.max);
    this.#first = first;
    this.#length = length;
    this.#level++;
  }

  /**
   * Adds `values` (one per summed series) spread evenly over [t0, t1): the time between two readings of a
   * counter is all the kernel tells about when its growth happened. A zero-length interval adds at t0.
   */
  spread(t0: number, t1: number, values: readonly number[]): void {
    const r0 = this.#rel(t0);
    const r1 = Math.max(r0, this.#rel(t1));
    // the covered time counts even when nothing grew: a quiet process still has its buckets
    this.#cover(r0, r1 > r0 ? r1 - 1 : r0);
    if (!values.some((v) => v !== 0)) return;
    if (!(r1 > r0)) {
      const j = this.#index(r0) - this.#first;
      for (let s = 0; s < this.#shape.sums; s++) this.#add(this.#sums[s]!, j, values[s] ?? 0);
      return;
    }
    const w = this.widthNs;
    const span = r1 - r0;
    for (let i = this.#index(r0); i <= this.#index(r1 - 1); i++) {
      const share = (Math.min(r1, (i + 1) * w) - Math.max(r0, i * w)) / span;
      if (share <= 0) continue;
      const j = i - this.#first;
      for (let s = 0; s < this.#shape.sums; s++) this.#add(this.#sums[s]!, j, (values[s] ?? 0) * share);
    }
  }

  #add(series: number[], j: number, v: number): void {
    series[j] = (series[j] ?? 0) + v;
  }

  /** Raises max series `series` to at least `value` in the bucket holding time t. */
  max(t: number, series: number, value: number): void {
    const r = this.#rel(t);
    this.#cover(r, r);
    const s = this.#maxes[series];
    const j = this.#index(r) - this.#first;
    if (s && value > (s[j] ?? 0)) s[j] = value;
  }

  /** Adds another series of the same family (origin, base width, shape) into this one. */
  merge(other: BucketSeries): void {
    if (other.#origin !== this.#origin || other.#base !== this.#base)
      throw new Error("bucket series of different grids cannot be merged");
    if (other.#length === 0) return;
    while (this.#level < other.#level) this.#coarsen();
    const ow = other.widthNs;
    this.#cover(other.#first * ow, (other.#first + other.#length) * ow - 1);
    const shift = 2 ** (this.#level - other.#level);
    for (let j = 0; j < other.#length; j++) {
      const k = Math.floor((other.#first + j) / shift) - this.#first;
      for (let s = 0; s < this.#shape.sums; s++) this.#add(this.#sums[s]!, k, other.#sums[s]![j] ?? 0);
      for (let s = 0; s < this.#shape.maxes; s++) {
        const v = other.#maxes[s]![j] ?? 0;
        const mine = this.#maxes[s]!;
        if (v > (mine[k] ?? 0)) mine[k] = v;
      }
    }
  }

  /**
   * The series for a span [startNs, endNs): buckets of this series' width (or `minWidthNs` when wider; doubled
   * until at most `limit` fit) starting at startNs. A bucket of this series that straddles two of the span's is split in proportion
   * to the overlap (its content is taken as even over the part of it inside the span), so what falls in the
   * span is kept whole: nothing is lost to the re-bucketing, and a bucket is exact to about one width.
   */
  render(startNs: number, endNs: number, o: { minWidthNs?: number; limit?: number } = {}): RenderedSeries {
    const limit = o.limit ?? this.#limit;
    let w = Math.max(this.widthNs, o.minWidthNs ?? 0);
    const wall = Math.max(0, endNs - startNs);
    let n = Math.max(1, Math.ceil(wall / w));
    while (n > limit) {
      w *= 2;
      n = Math.max(1, Math.ceil(wall / w));
    }
    // relative to the span's start from here on
    const shift = this.#origin - startNs;
    const end = Math.max(wall, 1);
    const sums = Array.from({ length: this.#shape.sums }, () => new Array<number>(n).fill(0));
    const maxes = Array.from({ length: this.#shape.maxes }, () => new Array<number>(n).fill(0));
    const out = (t: number) => Math.min(n - 1, Math.max(0, Math.floor(t / w)));
    const sw = this.widthNs;
    for (let j = 0; j < this.#length; j++) {
      const s0 = shift + (this.#first + j) * sw;
      // the part of this bucket inside the span; a bucket wholly outside goes to the nearest end
      const c0 = Math.min(Math.max(s0, 0), end);
      const c1 = Math.max(Math.min(s0 + sw, end), c0);
      for (let s = 0; s < this.#shape.maxes; s++) {
        const v = this.#maxes[s]![j] ?? 0;
        if (v === 0) continue;
        const m = maxes[s]!;
        for (let k = out(c0); k <= out(Math.max(c0, c1 - 1)); k++) m[k] = Math.max(m[k] ?? 0, v);
      }
      if (!(c1 > c0)) {
        const k = out(c0);
        for (let s = 0; s < this.#shape.sums; s++) this.#add(sums[s]!, k, this.#sums[s]![j] ?? 0);
        continue;
      }
      for (let k = out(c0); k <= out(c1 - 1); k++) {
        const share = (Math.min(c1, (k + 1) * w) - Math.max(c0, k * w)) / (c1 - c0);
        if (share <= 0) continue;
        for (let s = 0; s < this.#shape.sums; s++) this.#add(sums[s]!, k, (this.#sums[s]![j] ?? 0) * share);
      }
    }
    return { intervalNs: w, sums, maxes };
  }
}
