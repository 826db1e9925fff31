// The host agent's workflow runs: each Nextflow or Snakemake run on the host becomes a trace of its own, one
// pipeline_run span with its task spans and process spans, as under `pipespan run`. A run is the workflow
// manager's process and what it starts (the Nextflow launcher, a Snakemake process announced by the logger
// plugin); tasks seen without their manager (a grid or cloud node running Nextflow tasks it did not start) make
// one run per work dir, which ends when its tasks have been quiet for a while or when the agent stops.
import { basename } from "node:path";
import type { Tracer } from "@opentelemetry/api";
import type { Attributor } from "../attribution/attributor.js";
import { mainImage } from "../attribution/images.js";
import type { NextflowSource } from "../attribution/nextflow-source.js";
import type { SnakemakeSource } from "../attribution/snakemake-source.js";
import type { TaskInfo } from "../attribution/task.js";
import type { SourceName } from "../source/types.js";
import type { Totals } from "../spans/measure-attributes.js";
import { RunRecorder, type RunSummary, type TaskSummary } from "../spans/run-recorder.js";
import type { ProcessRecord } from "../table/process-record.js";
import type { TableChange } from "../table/process-table.js";

export interface WorkflowRunsOptions {
  readonly tracer: Tracer;
  readonly attributor: Attributor;
  readonly nextflow: NextflowSource;
  readonly snakemake: SnakemakeSource;
  readonly lookup: (id: string) => ProcessRecord | undefined;
  readonly childrenOf: (id: string) => readonly ProcessRecord[];
  readonly redact: (argv: readonly string[]) => string;
  readonly source: SourceName;
  readonly nowNs: () => number;
  /** After the manager exits, how long its last processes and events have to arrive (ms, default 2000). */
  readonly graceMs?: number;
  /** A run without a manager ends after its processes have been gone this long (ms, default 10 min). */
  readonly idleMs?: number;
  readonly onProcessEnd?: (record: ProcessRecord, task: TaskInfo | undefined, totals: Totals) => void;
  readonly onRunEnd?: (summary: RunSummary) => void;
  /** Called when a task span of a workflow run ends. */
  readonly onTaskEnd?: (task: TaskSummary) => void;
}

interface Run {
  readonly key: string;
  readonly kind: "nextflow" | "snakemake";
  readonly manager?: ProcessRecord;
  readonly recorder: RunRecorder;
  readonly ids: Set<string>;
  live: number;
  lastActivityNs: number;
  /** When the manager exited. */
  endedNs?: number;
}

export class WorkflowRuns {
  readonly #o: WorkflowRunsOptions;
  readonly #runs = new Map<string, Run>();
  readonly #runOf = new Map<string, Run>();
  /** Every process a workflow run took (kept so the agent's other recorder leaves them alone). */
  readonly #owned = new Set<string>();
  /** The run each task belongs to, for a task's processes seen apart from their manager (a container's). */
  readonly #byTask = new Map<TaskInfo, Run>();
  #finished = 0;

  constructor(o: WorkflowRunsOptions) {
    this.#o = o;
  }

  /** Runs finished so far. */
  get finished(): number {
    return this.#finished;
  }

  get open(): number {
    return this.#runs.size;
  }

  /** True when the process belongs (or belonged) to a workflow run. */
  owns(id: string): boolean {
    return this.#owned.has(id);
  }

  /** True when the process belonged to a workflow run that has finished (its spans are out: it may be forgotten). */
  settled(id: string): boolean {
    return this.#owned.has(id) && !this.#runOf.has(id);
  }

  /** Forgets a process of a finished run (the agent's memory follows the live processes). */
  forget(id: string): void {
    if (!this.#runOf.has(id)) this.#owned.delete(id);
  }

  /** Takes a table change that belongs to a workflow run; false when it does not (the caller handles it). */
  handle(change: TableChange): boolean {
    if (change.type === "lost") return false;
    const r = change.record;
    let run = this.#runOf.get(r.id);
    if (!run && (change.type === "started" || change.type === "exited")) {
      run = this.#runFor(r);
      if (run) {
        run.ids.add(r.id);
        this.#owned.add(r.id);
        const task = this.#o.attributor.peek(r).task;
        if (task && !this.#byTask.has(task)) this.#byTask.set(task, run);
        this.#runOf.set(r.id, run);
        if (change.type === "exited") run.live++;
      }
    }
    if (!run) return false;
    const now = this.#o.nowNs();
    run.lastActivityNs = now;
    if (change.type === "started") run.live++;
    if (change.type === "exited") {
      run.live--;
      if (run.manager?.id === r.id) run.endedNs = r.exit?.timeNs ?? now;
    }
    run.recorder.handle(change);
    return true;
  }

  /** Records what waited for events, and ends the runs that are over. */
  tick(): void {
    const now = this.#o.nowNs();
    const grace = (this.#o.graceMs ?? 2000) * 1e6;
    const idle = (this.#o.idleMs ?? 600_000) * 1e6;
    for (const run of [...this.#runs.values()]) {
      run.recorder.settle();
      const managerGone = run.endedNs !== undefined && now - run.endedNs > grace;
      const quiet = !run.manager && run.live <= 0 && now - run.lastActivityNs > idle;
      if (managerGone || quiet) this.#finish(run, now);
    }
  }

  /** Ends every open run (the agent stops). */
  finishAll(): void {
    const now = this.#o.nowNs();
    for (const run of [...this.#runs.values()]) {
      run.recorder.settle(true);
      this.#finish(run, now);
    }
  }

  /** The run a process belongs to: its nearest workflow-manager ancestor's, else its Nextflow work dir's. */
  #runFor(record: ProcessRecord): Run | undefined {
    let r: ProcessRecord | undefined = record;
    for (let depth = 0; r && depth < 4096; depth++) {
      const known = this.#runOf.get(r.id);
      if (known) return known;
      if (this.#o.attributor.isManager(r)) return this.#managerRun(r);
      r = r.parentId !== undefined ? this.#o.lookup(r.parentId) : undefined;
    }
    const task = this.#o.attributor.peek(record).task;
    // A task's process whose parents are out of sight (in a container, its parent is the container runtime)
    // joins the run its task is already part of.
    const ofTask = task ? this.#byTask.get(task) : undefined;
    if (ofTask && this.#runs.has(ofTask.key)) return ofTask;
    const root = task ? this.#o.nextflow.workRootOf(task) : undefined;
    if (root === undefined) return undefined;
    const key = `nextflow-workdir:${root}`;
    return this.#runs.get(key) ?? this.#open(key, "nextflow", record.startTimeNs, undefined);
  }

  #managerRun(manager: ProcessRecord): Run {
    const key = `manager:${manager.id}`;
    const known = this.#runs.get(key);
    if (known) return known;
    const parent = manager.parentId !== undefined ? this.#o.lookup(manager.parentId) : undefined;
    const kind = this.#o.nextflow.isManager(manager, parent) ? "nextflow" : "snakemake";
    return this.#open(key, kind, manager.startTimeNs, manager);
  }

  #open(key: string, kind: Run["kind"], startTimeNs: number, manager: ProcessRecord | undefined): Run {
    const ids = new Set<string>();
    const lookup = this.#o.lookup;
    const recorder = new RunRecorder({
      tracer: this.#o.tracer,
      attributor: this.#o.attributor,
      lookup,
      childrenOf: this.#o.childrenOf,
      records: function* () {
        for (const id of ids) {
          const r = lookup(id);
          if (r) yield r;
        }
      },
      pipelineName: kind,
      runId: manager ? `${kind}-${manager.key.pid}-${manager.key.startTicks}` : `${kind}-${basename(key)}`,
      source: this.#o.source,
      commandLine: manager ? this.#o.redact(mainImage(manager, undefined).argv) : "",
      redact: this.#o.redact,
      startTimeNs,
      nowNs: this.#o.nowNs,
      ...(this.#o.onProcessEnd ? { onProcessEnd: this.#o.onProcessEnd } : {}),
      ...(this.#o.onTaskEnd ? { onTaskEnd: this.#o.onTaskEnd } : {}),
    });
    if (manager) recorder.setRoot(manager.id);
    const run: Run = {
      key,
      kind,
      ...(manager ? { manager } : {}),
      recorder,
      ids,
      live: 0,
      lastActivityNs: this.#o.nowNs(),
    };
    this.#runs.set(key, run);
    return run;
  }

  #finish(run: Run, now: number): void {
    this.#runs.delete(run.key);
    for (const [t, r] of this.#byTask) if (r === run) this.#byTask.delete(t);
    const records: ProcessRecord[] = [];
    for (const id of run.ids) {
      this.#runOf.delete(id);
      const r = this.#o.lookup(id);
      if (r) records.push(r);
    }
    const m = run.manager;
    const signal = m?.exit?.signal;
    const exitCode = m?.exit?.exitCode ?? (signal !== undefined ? 128 + signal : 0);
    const tasks = new Set<TaskInfo>();
    for (const r of records) {
      const t = this.#o.attributor.peek(r).task;
      if (t) tasks.add(t);
    }
    const identity = this.#identity(run, [...tasks]);
    const summary = run.recorder.finish(
      {
        exitCode,
        ...(signal !== undefined ? { signal } : {}),
        endTimeNs: m?.exit?.timeNs ?? (run.live > 0 ? now : Math.min(now, run.lastActivityNs)),
        lostEvents: 0,
        attributes:
          run.kind === "snakemake" && m
            ? this.#o.snakemake.runAttributesFor(m)
            : this.#o.nextflow.runAttributesFor([...tasks]),
        ...(identity ? { identity } : {}),
      },
      records,
    );
    this.#finished++;
    this.#o.onRunEnd?.(summary);
  }

  /** The run's name and id as its workflow manager tells them, where it did. */
  #identity(run: Run, tasks: readonly TaskInfo[]): { pipelineName: string; runId: string } | undefined {
    if (run.kind === "snakemake" && run.manager) {
      const wf = this.#o.snakemake.workflowOf(run.manager);
      const dir = wf?.basedir ?? wf?.cwd;
      if (!wf) return undefined;
      return {
        pipelineName: dir ? basename(dir) || "snakemake" : "snakemake",
        runId: wf.workflowId ?? `snakemake-${run.manager.key.pid}-${run.manager.key.startTicks}`,
      };
    }
    const w = this.#o.nextflow.weblogRunOf(tasks);
    if (!w) return undefined;
    return {
      pipelineName: w.projectName ?? "nextflow",
      runId: w.runName ?? w.runId ?? run.key,
    };
  }
}
