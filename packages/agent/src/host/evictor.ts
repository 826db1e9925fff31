// The host agent's memory follows the live processes, not the host's history: ended processes whose spans are
// out, and whose children are gone too, are forgotten by the process table, the recorder and the attributor;
// task state nobody refers to any more goes with them.
import type { Attributor } from "../attribution/attributor.js";
import type { TaskInfo } from "../attribution/task.js";
import type { RunRecorder } from "../spans/run-recorder.js";
import type { ProcessTable } from "../table/process-table.js";
import type { WorkflowRuns } from "./workflow-runs.js";

export class Evictor {
  #evicted = 0;

  constructor(
    private readonly table: ProcessTable,
    private readonly recorder: RunRecorder,
    private readonly attributor: Attributor,
    /** Workflow runs (Nextflow, Snakemake) hold their own processes until they finish. */
    private readonly runs?: WorkflowRuns,
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
        if (this.table.get(r.id) !== r || !this.table.forget(r.id)) continue;
        this.recorder.forget(r.id);
        this.attributor.forget(r.id);
        this.runs?.forget(r.id);
        n++;
        changed = true;
      }
    }
    const live = new Set<TaskInfo>();
    for (const r of this.table.records()) {
      const t = this.attributor.knownTaskOf(r.id);
      if (t) live.add(t);
    }
    this.recorder.forgetTasksExcept(live);
    this.attributor.forgetTasksExcept(live);
    this.#evicted += n;
    return n;
  }
}
