// Own versus inclusive counters: what a process did itself, when the source reports some counters including
// its reaped children (procfs: the kernel adds a reaped child's I/O accounting and CPU to its parent's).

import type { NumericCounter, ProcessCounters, ProcessId } from "../source/types.js";
import { cpuNs } from "../spans/measure-attributes.js";
import type { ProcessRecord } from "../table/process-record.js";

/** I/O counters that procfs reports including reaped children (task I/O accounting is summed at reap). */
const INCLUSIVE_IO: readonly NumericCounter[] = [
  "diskReadBytes",
  "diskWriteBytes",
  "diskCancelledWriteBytes",
  "fileReadBytes",
  "fileWriteBytes",
];

/** True when the child had ended by `parentEndNs`, so its parent could have reaped it. */
function reapedBy(child: ProcessRecord, parentEndNs: number): boolean {
  return child.exit !== undefined && child.exit.timeNs <= parentEndNs;
}

export interface OwnCountersOptions {
  /** The process table's children index. */
  readonly childrenOf: (id: ProcessId) => readonly ProcessRecord[];
  /** The source's I/O counters include reaped children (see Source.ioIncludesReapedChildren). */
  readonly ioIncludesReapedChildren: boolean;
}

export class OwnCounters {
  readonly #o: OwnCountersOptions;

  constructor(o: OwnCountersOptions) {
    this.#o = o;
  }

  /**
   * The process's own counters. Where the source's I/O counters include reaped children, the exited children it
   * saw are subtracted, each with its inclusive value. What remains also holds the I/O of children that came and
   * went unseen: it stays with their parent.
   */
  counters(record: ProcessRecord): ProcessCounters {
    const own: ProcessCounters = { ...record.counters };
    if (!this.#o.ioIncludesReapedChildren) return own;
    const endNs = record.exit?.timeNs ?? Number.POSITIVE_INFINITY;
    for (const k of INCLUSIVE_IO) {
      const v = own[k];
      if (v === undefined) continue;
      let seen = record.forgottenChildren?.io[k] ?? 0;
      for (const c of this.#o.childrenOf(record.id)) if (reapedBy(c, endNs)) seen += this.#inclusive(c, k);
      own[k] = Math.max(0, v - seen);
    }
    return own;
  }

  /**
   * A process's I/O including its reaped descendants. The source's last sample of a process may predate the
   * reaping of its children (it vanished between two samples), so the sum of what its children account for is
   * a lower bound too: take the larger.
   */
  #inclusive(record: ProcessRecord, k: NumericCounter): number {
    const endNs = record.exit?.timeNs ?? Number.POSITIVE_INFINITY;
    let children = record.forgottenChildren?.io[k] ?? 0;
    for (const c of this.#o.childrenOf(record.id)) if (reapedBy(c, endNs)) children += this.#inclusive(c, k);
    return Math.max(record.counters[k] ?? 0, children);
  }

  /**
   * Folds an ended child's inclusive figures into its parent before the child leaves the table: the parent's own
   * counters and unattributed CPU come out as they would with the child still there. A child is only dropped once
   * it ended while its parent still ran, so the parent has reaped it (or will have, by its own end).
   */
  fold(child: ProcessRecord, parent: ProcessRecord): void {
    parent.forgottenChildren ??= { io: {}, cpuNs: 0 };
    const f = parent.forgottenChildren;
    for (const k of INCLUSIVE_IO) {
      if (child.counters[k] === undefined && child.forgottenChildren?.io[k] === undefined) continue;
      f.io[k] = (f.io[k] ?? 0) + this.#inclusive(child, k);
    }
    f.cpuNs += this.#inclusiveCpu(child);
  }

  /**
   * CPU of descendants the source never saw: the process's reaped-children CPU (cutime + cstime) minus what the
   * children it saw account for. Only sources that report childrenCpuNs (procfs) get this; it keeps task CPU
   * right when short-lived processes come and go between two samples.
   */
  unattributedCpu(record: ProcessRecord): number | undefined {
    const reaped = record.counters.childrenCpuNs;
    if (reaped === undefined) return undefined;
    const endNs = record.exit?.timeNs ?? Number.POSITIVE_INFINITY;
    let seen = record.forgottenChildren?.cpuNs ?? 0;
    for (const c of this.#o.childrenOf(record.id)) if (reapedBy(c, endNs)) seen += this.#inclusiveCpu(c);
    return Math.max(0, reaped - seen);
  }

  /**
   * CPU of a process and its reaped descendants. Its own reaped-children figure may be older than its children's
   * last samples (it vanished between two samples), so the children's sum is a lower bound too: take the larger.
   */
  #inclusiveCpu(record: ProcessRecord): number {
    const endNs = record.exit?.timeNs ?? Number.POSITIVE_INFINITY;
    let children = record.forgottenChildren?.cpuNs ?? 0;
    for (const c of this.#o.childrenOf(record.id)) if (reapedBy(c, endNs)) children += this.#inclusiveCpu(c);
    const own = cpuNs({ counters: record.counters }) ?? 0;
    return own + Math.max(record.counters.childrenCpuNs ?? 0, children);
  }
}
