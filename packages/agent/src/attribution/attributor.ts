import type { Attributes, SpanContext } from "@opentelemetry/api";
import {
  ENV_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
} from "@pipespan/semconv";
import type { ProcessId } from "../source/types.js";
import type { ProcessRecord } from "../table/process-record.js";
import { cleanName, hasOwnImage, isInherited, taskImageName } from "./images.js";
import type { AttributionContext, AttributionSource } from "./source.js";
import type { TaskInfo } from "./task.js";
import { contextFromEnv } from "./traceparent.js";

export { mainImage, sameArgv, taskImageName } from "./images.js";

export interface AttributorOptions {
  /** The run's root process (the command pipespan started). Its own work belongs to the run, not a task. */
  readonly rootId: () => ProcessId | undefined;
  readonly lookup: (id: ProcessId) => ProcessRecord | undefined;
  readonly childrenOf: (id: ProcessId) => readonly ProcessRecord[];
  /** True for span ids this agent created (the run span): such a TRACEPARENT is not a foreign task span. */
  readonly isOwnSpan: (spanId: string) => boolean;
  /** Make each direct child of the root a task when nothing else names one (default true; the host agent
   * records only processes that name their task). */
  readonly fallback?: boolean;
  /** Workflow-manager sources (Nextflow, Snakemake), asked after the explicit environment keys. */
  readonly sources?: readonly AttributionSource[];
  /** Wall clock in ns since the Unix epoch (default: the system clock). */
  readonly nowNs?: () => number;
}

/** Where a process belongs, as far as the facts known now allow. */
export interface Decision {
  /** Its task; undefined when it belongs to the run itself (the root command, or a workflow manager's helper). */
  readonly task: TaskInfo | undefined;
  /** A workflow manager's own work (its helper processes): no task, and marked as overhead. */
  readonly overhead: boolean;
  /** False while a source waits for a fact in flight (a workflow event): the recorder holds the process back. */
  readonly settled: boolean;
  /**
   * True when no later fact can change the decision: it is settled, the process runs its own program (it exec'd,
   * or it exited), and it does not hang on children still to come (a wrapper is judged at its exit). Only final
   * decisions are remembered.
   */
  readonly final: boolean;
}

const ROOT: Decision = { task: undefined, overhead: false, settled: true, final: true };

/**
 * Decides which task each process belongs to, in order of precedence:
 * 1. explicit env keys (PIPESPAN_TASK_NAME / _RUN_ID, with TRACEPARENT when a task span exists elsewhere);
 * 2. workflow managers (each its own source: Nextflow work dirs and weblog, Snakemake plugin events);
 * 3. inheritance from the parent process (the children of a workflow manager that no source names are its
 *    overhead);
 * 4. fallback: each direct child of the root command is a task, named after its executable.
 * The root process itself has no task. A decision is remembered only once it is final: a query made before the
 * process exec'd, before a wrapper's children showed up, or before a workflow event arrived is answered from the
 * facts known then and asked again later.
 */
export class Attributor {
  readonly #opts: AttributorOptions;
  readonly #final = new Map<ProcessId, Decision>();
  readonly #tasks = new Map<string, TaskInfo>();
  readonly #nameCounts = new Map<string, number>();
  readonly #sources: readonly AttributionSource[];
  readonly #ctx: AttributionContext;

  constructor(opts: AttributorOptions) {
    this.#opts = opts;
    this.#sources = opts.sources ?? [];
    this.#ctx = {
      lookup: (id) => opts.lookup(id),
      childrenOf: (id) => opts.childrenOf(id),
      taskOf: (r) => this.taskOf(r),
      nowNs: opts.nowNs ?? (() => Date.now() * 1e6),
    };
  }

  /** Tasks the explicit environment or the fallback created (workflow sources keep their own). */
  tasks(): TaskInfo[] {
    return [...this.#tasks.values()];
  }

  get sources(): readonly AttributionSource[] {
    return this.#sources;
  }

  taskOf(record: ProcessRecord): TaskInfo | undefined {
    return this.decide(record).task;
  }

  /** The task's name for a live display: decided like `decide`, but no fallback task is created for it. */
  peekTaskName(record: ProcessRecord): string | undefined {
    const d = this.peek(record);
    return d.task ? (d.task.spanName ?? d.task.name) : undefined;
  }

  /** True when a source says the process is a workflow manager (the Nextflow launcher, Snakemake). */
  isManager(record: ProcessRecord): boolean {
    const parent = record.parentId !== undefined ? this.#opts.lookup(record.parentId) : undefined;
    return this.#sources.some((s) => s.isManager(record, parent));
  }

  /** Attributes the workflow sources add to the run span. */
  runAttributes(): Attributes {
    const out: Attributes = {};
    for (const s of this.#sources) Object.assign(out, s.runAttributes?.() ?? {});
    return out;
  }

  decide(record: ProcessRecord): Decision {
    return this.#decide(record, false);
  }

  /** Like `decide`, but without side effects: no fallback task is created and nothing is remembered. */
  peek(record: ProcessRecord): Decision {
    return this.#decide(record, true);
  }

  #decide(record: ProcessRecord, peek: boolean): Decision {
    const known = this.#final.get(record.id);
    if (known) return known;
    const d = this.#compute(record, peek);
    if (d.final && !peek) this.#final.set(record.id, d);
    return d;
  }

  #compute(record: ProcessRecord, peek: boolean): Decision {
    const parent = record.parentId !== undefined ? this.#opts.lookup(record.parentId) : undefined;
    const complete = record.exit !== undefined || hasOwnImage(record, parent);

    const explicit = this.#fromEnv(record);
    if (explicit) return { task: explicit, overhead: false, settled: true, final: complete };

    let pending = false;
    for (const s of this.#sources) {
      const c = s.claim(record, this.#ctx);
      if (c === undefined) continue;
      if (c.kind === "pending") {
        pending = true;
        continue;
      }
      const settled = c.settled && !pending;
      if (c.kind === "task") return { task: c.task, overhead: false, settled, final: settled && complete };
      return { task: undefined, overhead: true, settled, final: settled && complete };
    }

    if (record.id === this.#opts.rootId()) return ROOT;
    const pd = parent ? this.#decide(parent, peek) : undefined;
    const settled = !pending && (pd?.settled ?? true);
    const final = settled && complete && (pd?.final ?? true);
    if (pd?.task) return { task: pd.task, overhead: false, settled, final };
    if (pd?.overhead || (parent && this.isManager(parent))) return { task: undefined, overhead: true, settled, final };
    // A workflow manager started by the root command is not a task of its own: what it runs is named by its source.
    if (complete && this.isManager(record)) return { task: undefined, overhead: true, settled, final };
    if (parent !== undefined && parent.id !== this.#opts.rootId()) {
      return { task: undefined, overhead: false, settled, final };
    }
    // A direct child of the root (or an orphan): a wrapper of an explicit task, else a task of its own. Both hang
    // on the children it starts, so the decision is final only at its exit.
    const wrapped = this.#wrapped(record);
    const task = wrapped ?? (this.#opts.fallback === false ? undefined : this.#fallback(record, peek));
    return { task, overhead: false, settled: !pending, final: !pending && record.exit !== undefined };
  }

  #fromEnv(record: ProcessRecord): TaskInfo | undefined {
    const name = cleanName(record.env[ENV_PIPESPAN_TASK_NAME]);
    if (name === undefined) return undefined;
    const taskRunId = cleanName(record.env[ENV_PIPESPAN_TASK_RUN_ID]);
    const tp = contextFromEnv(record.env[ENV_TRACEPARENT], record.env[ENV_TRACESTATE]);
    const remote: SpanContext | undefined = tp && !this.#opts.isOwnSpan(tp.spanId) ? tp : undefined;
    // The same keys (for example an environment inherited from the parent) name the same task.
    const key = taskRunId ?? (remote ? `${name}@${remote.spanId}` : name);
    const known = this.#tasks.get(`env:${key}`);
    if (known) return known;
    const attemptRaw = Number.parseInt(record.env[ENV_PIPESPAN_TASK_ATTEMPT] ?? "", 10);
    const task: TaskInfo = {
      runId: taskRunId ?? this.#numbered(name),
      name,
      attribution: "env",
      ...(Number.isFinite(attemptRaw) && attemptRaw > 0 ? { attempt: attemptRaw } : {}),
      ...(record.cwd !== undefined ? { workDir: record.cwd } : {}),
      ...(remote ? { remoteParent: remote } : {}),
    };
    this.#tasks.set(`env:${key}`, task);
    return task;
  }

  /**
   * A wrapper (such as `pipespan task`, `time`, `env`, `timeout`) has no task keys of its own but starts
   * children that all carry the same explicit task: it belongs to that task rather than becoming one.
   */
  #wrapped(record: ProcessRecord): TaskInfo | undefined {
    let found: TaskInfo | undefined;
    for (const c of this.#opts.childrenOf(record.id)) {
      // A child that never ran a program of its own (a subshell, a command substitution) says nothing.
      if (c.images.every((i) => isInherited(i, record))) continue;
      const t = this.#fromEnv(c);
      if (!t || (found && t !== found)) return undefined;
      found = t;
    }
    return found;
  }

  /** The fallback task of a root child: created once, when a span needs it (a live display only peeks). */
  #fallback(record: ProcessRecord, peek: boolean): TaskInfo {
    const key = `proc:${record.id}`;
    const known = this.#tasks.get(key);
    if (known) return known;
    const name = taskImageName(record, record.parentId !== undefined ? this.#opts.lookup(record.parentId) : undefined);
    const base = {
      name,
      attribution: "root_child" as const,
      ...(record.cwd !== undefined ? { workDir: record.cwd } : {}),
    };
    if (peek) return { ...base, runId: name };
    const task: TaskInfo = { ...base, runId: this.#numbered(name) };
    this.#tasks.set(key, task);
    return task;
  }

  /** The decision already made for a process, if any (never decides). */
  knownTaskOf(id: ProcessId): TaskInfo | undefined {
    return this.#final.get(id)?.task;
  }

  /** Forgets an ended process's decision (the host agent, see ProcessTable.forget). */
  forget(id: ProcessId): void {
    this.#final.delete(id);
  }

  /**
   * Forgets, oldest first, tasks no remaining process refers to while more than `keep` are remembered (a process
   * that names a forgotten task later starts it again; the margin keeps that rare).
   */
  forgetTasksExcept(live: ReadonlySet<TaskInfo>, keep = 10_000): void {
    for (const [k, t] of this.#tasks) {
      if (this.#tasks.size <= keep) break;
      if (!live.has(t)) this.#tasks.delete(k);
    }
  }

  /** `<name>-<n>`, n counting tasks of that name within the run (1-based). */
  #numbered(name: string): string {
    const n = (this.#nameCounts.get(name) ?? 0) + 1;
    this.#nameCounts.set(name, n);
    return `${name}-${n}`;
  }
}
