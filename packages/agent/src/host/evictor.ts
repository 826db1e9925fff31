// Memory follows the live processes, not the history: ended processes whose spans are out, and whose children are
// gone too, are forgotten by the process table, the recorder and the attributor. The host agent forgets the state
// of tasks nobody refers to any more as well; `pipespan run` keeps its tasks (their spans end with the run) and
// folds each forgotten process's figures into its parent first, so the parent's own counters stay exact.
import type { Attributor } from "../attribution/attributor.js";
import type { TaskInfo } from "../attribution/task.js";
import type { ProcessRecord } from "../table/process-record.js";
import type { ProcessTable } from "../table/process-table.js";
import type { WorkflowRuns } from "./workflow-runs.js";

/** What the evictor asks of a recorder. */
export interface ForgetfulRecorder {
  /** True once the process's span has ended. */
  hasEnded(id: string): boolean;
  forget(id: string): void;
  /** Drops the state of tasks no process refers to any more (the host agent). */
  forgetTasksExcept?(live: ReadonlySet<TaskInfo>): void;
}

export interface EvictorOptions {
  /** Called before an ended child leaves the table, with its parent still there (see OwnCounters.fold). */
  readonly fold?: (child: ProcessRecord, parent: ProcessRecord) => void;
  /**
   * Forget a process only once its parent's attribution is final (a root child that wraps a task is judged by
   * its children at its own exit), and keep task state (default false: the host agent's rules).
   */
  readonly run?: boolean;
}

export class Evictor {
  #evicted = 0;

  constructor(
    private readonly table: ProcessTable,
    private readonly recorder: ForgetfulRecorder,
    private readonly attributor: Attributor,
    /** Workflow runs (Nextflow, Snakemake) hold their own processes until they finish. */
    private readonly runs?: WorkflowRuns,
    private readonly opts: EvictorOptions = {},
  ) {}

  /** Processes forgotten so far. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Forgets what can be forgotten now (leaves first, then their parents); returns how many processes. */
  sweep(): number {
    const ended = [...this.table.records()].filter(
      (r) => r.exit !== undefined && (this.runs?.owns(r.id) ? this.runs.settled(r.id) : this.recorder.hasEnded(r.id)),
    );
    let n = 0;
    for (let changed = true; changed; ) {
      changed = false;
      for (const r of ended) {
        if (this.table.get(r.id) !== r || !this.#forgettable(r)) continue;
        const parent = r.parentId !== undefined ? this.table.get(r.parentId) : undefined;
        if (!this.table.forget(r.id)) continue;
        if (parent && this.opts.fold && reapedBy(r, parent)) this.opts.fold(r, parent);
        this.recorder.forget(r.id);
        this.attributor.forget(r.id);
        this.runs?.forget(r.id);
        n++;
        changed = true;
      }
    }
    this.#evicted += n;
    if (this.opts.run) return n;
    const live = new Set<TaskInfo>();
    for (const r of this.table.records()) {
      const t = this.attributor.knownTaskOf(r.id);
      if (t) live.add(t);
    }
    this.recorder.forgetTasksExcept?.(live);
    this.attributor.forgetTasksExcept(live);
    return n;
  }

  #forgettable(r: ProcessRecord): boolean {
    if (!this.opts.run || r.parentId === undefined) return true;
    const parent = this.table.get(r.parentId);
    if (!parent) return true;
    // A workflow manager's children are paired with its job events by looking at them all (Snakemake): they stay
    // while it runs.
    if (parent.exit === undefined && this.attributor.isManager(parent)) return false;
    return this.attributor.isFinal(parent.id);
  }
}

/** The child ended while its parent still ran (or by the parent's end): the parent reaped it. */
function reapedBy(child: ProcessRecord, parent: ProcessRecord): boolean {
  return child.exit !== undefined && (parent.exit === undefined || child.exit.timeNs <= parent.exit.timeNs);
}
