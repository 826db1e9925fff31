import { basename } from "node:path";
import type { SpanContext } from "@opentelemetry/api";
import {
  ENV_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
} from "@pipespan/semconv";
import type { ProcessId } from "../source/types.js";
import type { ProcessImage, ProcessRecord } from "../table/process-record.js";
import type { TaskInfo } from "./task.js";
import { parseTraceparent } from "./traceparent.js";

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
}

const MAX_NAME = 256;

function clean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters from untrusted input
  const v = value.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return v.length === 0 ? undefined : v.slice(0, MAX_NAME);
}

export function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The name of the program a root child ran as the task: the first image that is not still its parent's (a fork
 * shows the parent's image until it execs), by executable file name — comm is cut to 15 characters and some
 * runtimes rename their main thread.
 */
export function taskImageName(record: ProcessRecord, parent: ProcessRecord | undefined): string {
  const image = mainImage(record, parent);
  const exe = image.exe ? basename(image.exe.replace(/ \(deleted\)$/, "")) : undefined;
  return clean(exe) ?? clean(image.comm) ?? `pid-${record.key.pid}`;
}

/** True when `image` is one of the parent's own images: a fork that has not exec'd a program of its own. */
function isInherited(image: ProcessImage, parent: ProcessRecord | undefined): boolean {
  return parent?.images.some((p) => sameArgv(p.argv, image.argv)) ?? false;
}

/**
 * The program a process was started to run: its first image that is not a copy of one of its parent's (a fork
 * shows the parent's image until it execs; the parent may have exec'd again since), else its latest image.
 */
export function mainImage(record: ProcessRecord, parent: ProcessRecord | undefined): ProcessImage {
  return record.images.find((i) => !isInherited(i, parent)) ?? record.images.at(-1) ?? record;
}

/**
 * Decides which task each process belongs to, in order of precedence:
 * 1. explicit env keys (PIPESPAN_TASK_NAME / _RUN_ID, with TRACEPARENT when a task span exists elsewhere);
 * 2. inheritance from the parent process;
 * 3. fallback: each direct child of the root command is a task, named after its executable.
 * The root process itself has no task (undefined). Decisions are memoized per process.
 */
export class Attributor {
  readonly #opts: AttributorOptions;
  readonly #byProcess = new Map<ProcessId, TaskInfo | undefined>();
  readonly #tasks = new Map<string, TaskInfo>();
  readonly #nameCounts = new Map<string, number>();

  constructor(opts: AttributorOptions) {
    this.#opts = opts;
  }

  tasks(): TaskInfo[] {
    return [...this.#tasks.values()];
  }

  taskOf(record: ProcessRecord): TaskInfo | undefined {
    if (this.#byProcess.has(record.id)) return this.#byProcess.get(record.id);
    const task = this.#decide(record);
    this.#byProcess.set(record.id, task);
    return task;
  }

  #decide(record: ProcessRecord): TaskInfo | undefined {
    const parent = record.parentId !== undefined ? this.#opts.lookup(record.parentId) : undefined;
    const parentTask = parent ? this.taskOf(parent) : undefined;

    const explicit = this.#fromEnv(record);
    if (explicit) return explicit;
    if (record.id === this.#opts.rootId()) return undefined;
    if (parentTask) return parentTask;
    return this.#wrapped(record) ?? (this.#opts.fallback === false ? undefined : this.#fallback(record));
  }

  #fromEnv(record: ProcessRecord): TaskInfo | undefined {
    const name = clean(record.env[ENV_PIPESPAN_TASK_NAME]);
    if (name === undefined) return undefined;
    const taskRunId = clean(record.env[ENV_PIPESPAN_TASK_RUN_ID]);
    const tp = parseTraceparent(record.env[ENV_TRACEPARENT], record.env[ENV_TRACESTATE]);
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

  #fallback(record: ProcessRecord): TaskInfo {
    const name = taskImageName(record, record.parentId !== undefined ? this.#opts.lookup(record.parentId) : undefined);
    const task: TaskInfo = {
      runId: this.#numbered(name),
      name,
      attribution: "root_child",
      ...(record.cwd !== undefined ? { workDir: record.cwd } : {}),
    };
    this.#tasks.set(`proc:${record.id}`, task);
    return task;
  }

  /** The decision already made for a process, if any (never decides). */
  knownTaskOf(id: ProcessId): TaskInfo | undefined {
    return this.#byProcess.get(id);
  }

  /** Forgets an ended process's decision (the host agent, see ProcessTable.forget). */
  forget(id: ProcessId): void {
    this.#byProcess.delete(id);
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
