// The accounting layer between attribution and spans: what each ended process counts for (its own counters, the
// CPU of children the source never saw), and the running sums of each task and of the run built from them. The
// span layer asks it for the figures its spans carry; nothing here knows about spans.
//
// Sums are kept as processes end, so a process's record may be dropped once it is accounted for: a task's or the
// run's totals never need its record again (the sum of the processes' figures is exact by construction).
import type { Attributes } from "@opentelemetry/api";
import type { TaskInfo } from "../attribution/task.js";
import type { ProcessId } from "../source/types.js";
import { addTotals, measureAttributes, type Totals } from "../spans/measure-attributes.js";
import type { ProcessRecord } from "../table/process-record.js";
import { OwnCounters } from "./own-counters.js";
import type { SpanAccounting } from "./timelines.js";

/** What a task's processes add up to so far. */
export interface TaskTally {
  startNs: number;
  endNs: number;
  processes: number;
  failed: boolean;
  readonly totals: Totals;
}

export interface RunAccountingOptions {
  /** The process table's children index. */
  readonly childrenOf: (id: ProcessId) => readonly ProcessRecord[];
  /** The source's I/O counters include reaped children (see Source.ioIncludesReapedChildren). */
  readonly ioIncludesReapedChildren?: boolean;
  /** Per-interval accounting (timelines), where the source's readings allow it. */
  readonly timelines?: SpanAccounting;
}

export class RunAccounting {
  readonly #own: OwnCounters;
  readonly #timelines: SpanAccounting | undefined;
  readonly #run: Totals = { counters: {} };
  readonly #tasks = new Map<TaskInfo, TaskTally>();
  #processes = 0;
  #lost = 0;

  constructor(o: RunAccountingOptions) {
    this.#own = new OwnCounters({
      childrenOf: o.childrenOf,
      ioIncludesReapedChildren: o.ioIncludesReapedChildren === true,
    });
    this.#timelines = o.timelines;
  }

  /** The own-versus-inclusive rule, for the table to fold a process's figures into its parent before it drops it. */
  get own(): OwnCounters {
    return this.#own;
  }

  /** A process started (every process of the run counts, recorded or not). */
  processStarted(): void {
    this.#processes++;
  }

  /** Events the source lost. */
  lost(count: number): void {
    this.#lost += count;
  }

  get processes(): number {
    return this.#processes;
  }

  get lostEvents(): number {
    return this.#lost;
  }

  /** The run's sums of every ended process. */
  get runTotals(): Totals {
    return this.#run;
  }

  /** The task's tally, opened at `startNs` (the start of its earliest process) the first time it is asked for. */
  openTask(task: TaskInfo, startNs: number): TaskTally {
    let t = this.#tasks.get(task);
    if (!t) {
      t = { startNs, endNs: startNs, processes: 0, failed: false, totals: { counters: {} } };
      this.#tasks.set(task, t);
    }
    return t;
  }

  task(task: TaskInfo): TaskTally | undefined {
    return this.#tasks.get(task);
  }

  tasks(): IterableIterator<[TaskInfo, TaskTally]> {
    return this.#tasks.entries();
  }

  get taskCount(): number {
    return this.#tasks.size;
  }

  /**
   * A process ended at `endNs`, finally attributed to `task` (undefined: the run itself). Returns what it counts
   * for on its own, which is added to its task's and the run's sums. `failsTask`: its failure fails its task.
   */
  processEnded(record: ProcessRecord, task: TaskInfo | undefined, endNs: number, failsTask: boolean): Totals {
    const totals: Totals = { counters: this.#own.counters(record) };
    const unattributed = this.#own.unattributedCpu(record);
    if (unattributed !== undefined) totals.unattributedCpuNs = unattributed;
    addTotals(this.#run, totals);
    if (task) {
      const t = this.openTask(task, record.startTimeNs);
      t.processes++;
      t.endNs = Math.max(t.endNs, endNs);
      t.startNs = Math.min(t.startNs, record.startTimeNs);
      if (failsTask) t.failed = true;
      addTotals(t.totals, totals);
    }
    this.#timelines?.processEnded(record.id, task);
    return totals;
  }

  /** The measurement attributes of a task span: its sums over its wall time, and its timelines. */
  taskAttributes(task: TaskInfo): Attributes {
    const t = this.#tasks.get(task);
    if (!t) return {};
    const attrs = measureAttributes(t.totals, Math.max(0, t.endNs - t.startNs));
    const series = this.#timelines?.taskAttributes(task, t.startNs, t.endNs);
    if (series) for (const k in series) attrs[k] = series[k];
    return attrs;
  }

  /** The measurement attributes of the run span covering [startNs, endNs). */
  runAttributes(startNs: number, endNs: number): Attributes {
    return {
      ...measureAttributes(this.#run, endNs - startNs),
      ...this.#timelines?.runAttributes(startNs, endNs),
    };
  }

  /** Events of the run span (the host's devices over time). */
  runEvents(startNs: number, endNs: number): { name: string; attributes: Attributes }[] {
    return this.#timelines?.runEvents(startNs, endNs) ?? [];
  }

  /** Drops a task's tally (its span has ended with it). */
  closeTask(task: TaskInfo): void {
    this.#tasks.delete(task);
    this.#timelines?.taskClosed?.(task);
  }

  /** Drops the tallies of tasks no process refers to any more (the host agent: they have no span here). */
  forgetTasksExcept(live: ReadonlySet<TaskInfo>): void {
    for (const t of [...this.#tasks.keys()]) if (!live.has(t)) this.closeTask(t);
  }
}
