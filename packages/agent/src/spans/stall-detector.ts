import type { ProcessCounters } from "../source/types.js";

/** A window in which a process was mostly blocked on I/O (D state). */
export interface Stall {
  readonly startNs: number;
  readonly endNs: number;
  /** Time off the CPU in D state within the window (summed over the process's threads). */
  readonly ioWaitNs: number;
  /** The device of the process's latest block I/O when the window closed, where the source knows it. */
  readonly device?: string;
}

export interface StallOptions {
  /** A sampling interval counts as stalled when D-state time grew by at least this share of it (default 0.5). */
  readonly minShare?: number;
  /** Windows shorter than this are not reported (default 1 s). */
  readonly minDurationNs?: number;
  /** At most this many stalls per process are kept; later ones merge into the last (default 32). */
  readonly maxStalls?: number;
}

/**
 * Turns a process's successive counter readings into aggregated stall windows: consecutive intervals in which
 * its I/O-wait time grew by at least `minShare` of the interval merge into one window; windows of at least
 * `minDurationNs` are kept. Never one event per kernel event: one per window.
 */
export class StallDetector {
  readonly #minShare: number;
  readonly #minDuration: number;
  readonly #max: number;
  #lastNs: number | undefined;
  #lastIo: number | undefined;
  #open: { startNs: number; endNs: number; ioWaitNs: number; device?: string } | undefined;
  readonly stalls: Stall[] = [];

  constructor(o: StallOptions = {}) {
    this.#minShare = o.minShare ?? 0.5;
    this.#minDuration = o.minDurationNs ?? 1e9;
    this.#max = o.maxStalls ?? 32;
  }

  observe(timeNs: number, c: ProcessCounters): void {
    const io = c.offCpuIoWaitNs;
    if (io === undefined) return;
    if (this.#lastNs !== undefined && this.#lastIo !== undefined && timeNs > this.#lastNs) {
      const dt = timeNs - this.#lastNs;
      const dio = io - this.#lastIo;
      if (dio >= this.#minShare * dt) {
        if (this.#open) {
          this.#open.endNs = timeNs;
          this.#open.ioWaitNs += dio;
        } else {
          this.#open = { startNs: this.#lastNs, endNs: timeNs, ioWaitNs: dio };
        }
        if (c.blockDevice !== undefined) this.#open.device = c.blockDevice;
      } else {
        this.#close();
      }
    }
    this.#lastNs = timeNs;
    this.#lastIo = io;
  }

  /** Closes any open window (at exit). */
  finish(timeNs: number, c: ProcessCounters): Stall[] {
    this.observe(timeNs, c);
    this.#close();
    return this.stalls;
  }

  #close(): void {
    const w = this.#open;
    this.#open = undefined;
    if (!w || w.endNs - w.startNs < this.#minDuration) return;
    if (this.stalls.length < this.#max) {
      this.stalls.push(w);
      return;
    }
    const last = this.stalls.pop()!;
    this.stalls.push({ ...last, endNs: w.endNs, ioWaitNs: last.ioWaitNs + w.ioWaitNs });
  }
}
