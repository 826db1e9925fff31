// What the weblog told about runs and tasks, keyed so the Nextflow attribution source can join it to processes:
// a task by the hash in its work dir (32 hex digits), or by the printed hash (`3f/9a2c1e`) when a trace has no
// workdir. Bounded: the oldest tasks are forgotten first.

import type { WeblogEvent, WeblogTrace } from "./weblog-schema.js";
import { parseWorkDir } from "./work-dir.js";

export interface WeblogTask {
  readonly runKey: string;
  /** 32 hex digits when the trace's workdir was known, else the 8 of the printed hash. */
  readonly hashKey: string;
  trace: WeblogTrace;
  /** Merged status over the task's events (submitted → running → completed/failed/aborted). */
  status?: string;
}

export interface WeblogRun {
  readonly runKey: string;
  readonly runId?: string;
  readonly runName?: string;
  projectName?: string;
  resume?: boolean;
  success?: boolean;
  exitStatus?: number;
  cachedCount?: number;
  /** An `error` event came (the run failed, or a task failed with errorStrategy 'finish'). */
  errored?: boolean;
  started: boolean;
  completed: boolean;
  /** When the store first heard of the run (ms since the epoch). */
  readonly firstSeenMs: number;
}

const MAX_TASKS = 100_000;
const MAX_RUNS = 1000;

export function runKeyOf(runId: string | undefined, runName: string | undefined): string {
  return `${runId ?? "?"}/${runName ?? "?"}`;
}

export class WeblogStore {
  readonly #tasks = new Map<string, WeblogTask>();
  readonly #runs = new Map<string, WeblogRun>();
  readonly #listeners: (() => void)[] = [];
  #events = 0;

  get events(): number {
    return this.#events;
  }

  /** Called after every applied event (the recorder then settles what waited for it). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  apply(e: WeblogEvent): void {
    this.#events++;
    const runKey = runKeyOf(e.runId, e.runName);
    const run = this.#run(runKey, e.runId, e.runName);
    switch (e.event) {
      case "started":
      case "completed": {
        const w = e.workflow;
        if (e.event === "started") run.started = true;
        else run.completed = true;
        if (w?.projectName !== undefined) run.projectName = w.projectName;
        if (w?.resume !== undefined) run.resume = w.resume;
        if (e.event === "completed") {
          if (w?.success !== undefined) run.success = w.success;
          if (w?.exitStatus !== undefined) run.exitStatus = w.exitStatus;
          if (w?.stats?.cachedCount !== undefined) run.cachedCount = w.stats.cachedCount;
        }
        break;
      }
      case "error":
        run.errored = true;
        if (e.trace) this.#task(runKey, e.trace);
        break;
      default:
        if (e.trace) this.#task(runKey, e.trace);
    }
    for (const l of this.#listeners) l();
  }

  /** The task whose work dir carries this hash (32 hex digits). */
  task(hash: string): WeblogTask | undefined {
    return this.#tasks.get(hash) ?? this.#tasks.get(hash.slice(0, 8));
  }

  run(runKey: string): WeblogRun | undefined {
    return this.#runs.get(runKey);
  }

  runs(): WeblogRun[] {
    return [...this.#runs.values()];
  }

  #run(runKey: string, runId: string | undefined, runName: string | undefined): WeblogRun {
    const known = this.#runs.get(runKey);
    if (known) return known;
    if (this.#runs.size >= MAX_RUNS) {
      const oldest = this.#runs.keys().next().value;
      if (oldest !== undefined) this.#runs.delete(oldest);
    }
    const run: WeblogRun = {
      runKey,
      ...(runId !== undefined ? { runId } : {}),
      ...(runName !== undefined ? { runName } : {}),
      started: false,
      completed: false,
      firstSeenMs: Date.now(),
    };
    this.#runs.set(runKey, run);
    return run;
  }

  #task(runKey: string, trace: WeblogTrace): void {
    const ref = parseWorkDir(trace.workdir);
    const short = trace.hash?.replace("/", "").toLowerCase();
    const key = ref?.hash ?? (short && /^[0-9a-f]{8}$/.test(short) ? short : undefined);
    if (key === undefined) return;
    const earlier = this.#tasks.get(key) ?? (short ? this.#tasks.get(short) : undefined);
    if (earlier) {
      // Events of one task come in order; a later one completes the earlier fields.
      earlier.trace = { ...earlier.trace, ...definedOnly(trace) };
      if (trace.status !== undefined) earlier.status = trace.status;
      if (ref) this.#tasks.set(ref.hash, earlier);
      return;
    }
    if (this.#tasks.size >= MAX_TASKS) {
      const oldest = this.#tasks.keys().next().value;
      if (oldest !== undefined) this.#tasks.delete(oldest);
    }
    const task: WeblogTask = {
      runKey,
      hashKey: key,
      trace,
      ...(trace.status !== undefined ? { status: trace.status } : {}),
    };
    this.#tasks.set(key, task);
    if (short && /^[0-9a-f]{8}$/.test(short)) this.#tasks.set(short, task);
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
