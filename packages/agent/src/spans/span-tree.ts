// The span layer's core: process spans and task spans under a parent context (a run span, or none for the host
// agent), built from process-table changes, attribution decisions and the accounting layer's figures.
import { basename } from "node:path";
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_ERROR_TYPE,
  ATTR_PIPESPAN_PROCESS_EXIT_OBSERVED,
  ATTR_PIPESPAN_PROCESS_OOM_KILLED,
  ATTR_PIPESPAN_PROCESS_OVERHEAD,
  ATTR_PIPESPAN_PROCESS_START_TICKS,
  ATTR_PIPESPAN_STALL_DEVICE,
  ATTR_PIPESPAN_STALL_DURATION,
  ATTR_PIPESPAN_TASK_ATTRIBUTION,
  ATTR_PIPESPAN_TASK_PROCESS_COUNT,
  ATTR_PROCESS_COMMAND_LINE,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_EXECUTABLE_PATH,
  ATTR_PROCESS_PARENT_PID,
  ATTR_PROCESS_PID,
  ATTR_PROCESS_WORKING_DIRECTORY,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS,
  EVENT_PIPESPAN_STALL,
  exitAttributes,
  hrTimeFromNs as hrTime,
  signalName,
  taskSpanAttributes,
} from "@pipespan/semconv";
import type { RunAccounting, TaskTally } from "../accounting/run-accounting.js";
import { type Attributor, type Decision, mainImage } from "../attribution/attributor.js";
import type { TaskInfo } from "../attribution/task.js";
import type { ProcessRecord } from "../table/process-record.js";
import type { TableChange } from "../table/process-table.js";
import { addTotals, measureAttributes, type Totals } from "./measure-attributes.js";
import { StallDetector, type StallOptions } from "./stall-detector.js";

export interface SpanTreeOptions {
  readonly tracer: Tracer;
  readonly attributor: Attributor;
  readonly accounting: RunAccounting;
  readonly lookup: (id: string) => ProcessRecord | undefined;
  /** The records the tree may hold processes of (a task's earliest process is looked for among them). */
  readonly records: () => Iterable<ProcessRecord>;
  /** Where task spans and untasked process spans hang (the run span's context, or the root context). */
  readonly parent: Context;
  /** The run's name and id on task spans. */
  readonly pipelineName: string;
  readonly runId: string;
  /** Redacts an argv into a command line before it leaves the process. */
  readonly redact: (argv: readonly string[]) => string;
  /** Processes that belong to no task get a span (under `parent`); false: they are not recorded. */
  readonly recordUntasked: boolean;
  readonly stalls?: StallOptions;
  /** Called when a process span ends, with the task it belongs to (undefined: the run's root). */
  readonly onProcessEnd?: (record: ProcessRecord, task: TaskInfo | undefined, totals: Totals) => void;
  /** Called when a task span ends (each task once, with its own figures). */
  readonly onTaskEnd?: (task: TaskSummary) => void;
  /** How long an ended process may wait for a workflow event its attribution needs (ms, default 10 000). */
  readonly holdMs?: number;
  /** Wall clock in ns since the Unix epoch (default: the system clock). */
  readonly nowNs?: () => number;
}

/** How a process ended as its parent saw it (the root command, whose exit status pipespan itself reaped). */
export interface ExitStatus {
  readonly exitCode: number;
  readonly signal?: number;
}

/** One row of the run summary. */
export interface TaskSummary {
  readonly name: string;
  readonly runId: string;
  readonly attribution: TaskInfo["attribution"];
  readonly startNs: number;
  readonly endNs: number;
  readonly processes: number;
  readonly failed: boolean;
  readonly totals: Totals;
  /** How many tasks of this name the row sums (past the first TASK_ROWS tasks of a run); 1 when absent. */
  readonly runs?: number;
  /** How many of them failed, when the row sums several. */
  readonly failedRuns?: number;
}

/** Tasks of a run kept one row each in its summary; the rest are summed into one row per name (memory stays flat). */
export const TASK_ROWS = 1000;

interface ProcessSpan {
  readonly span: Span;
  readonly context: Context;
  readonly task: TaskInfo | undefined;
  readonly overhead: boolean;
}

/**
 * Process spans are created lazily (at exit, or when a child needs its parent), so attribution sees each process's
 * final identity (after exec); they end at exit carrying the figures the accounting layer gives them. Task spans
 * end in `endTasks` with their sums.
 */
export class SpanTree {
  readonly #o: SpanTreeOptions;
  readonly #spans = new Map<string, ProcessSpan>();
  /** Ended processes whose attribution waits for a workflow event, in the order they ended. */
  readonly #held = new Map<string, ProcessRecord>();
  readonly #taskSpans = new Map<TaskInfo, { span?: Span; context: Context }>();
  readonly #ended = new Set<string>();
  readonly #stalls = new Map<string, StallDetector>();
  /** Root children whose task ends with them (see forget). */
  readonly #origins = new Map<string, TaskInfo>();
  /** Tasks ended before the run did: the first TASK_ROWS one row each, the rest summed by name. */
  readonly #closed: TaskSummary[] = [];
  readonly #folded = new Map<string, { -readonly [K in keyof TaskSummary]-?: TaskSummary[K] }>();
  #taskCount = 0;
  #rootId: string | undefined;

  constructor(o: SpanTreeOptions) {
    this.#o = o;
  }

  setRoot(id: string): void {
    this.#rootId = id;
  }

  get rootId(): string | undefined {
    return this.#rootId;
  }

  /** Running tasks (a process started, not all ended), for a live status line. */
  runningTaskNames(running: readonly ProcessRecord[]): string[] {
    const names = new Set<string>();
    // A live display must not decide anything early: it peeks.
    for (const r of running) {
      const name = this.#o.attributor.peekTaskName(r);
      if (name !== undefined) names.add(name);
    }
    return [...names];
  }

  /**
   * Records the ended processes that were held back and whose attribution has settled since (call it when
   * workflow events arrive, and now and then); with `force`, records them all with what is known.
   */
  settle(force = false): void {
    if (this.#held.size === 0) return;
    const now = this.#o.nowNs?.() ?? Date.now() * 1e6;
    const holdNs = (this.#o.holdMs ?? 10_000) * 1e6;
    for (const [id, r] of [...this.#held]) {
      const overdue = r.exit !== undefined && now - r.exit.timeNs > holdNs;
      if (!force && !overdue && !this.#settled(r)) continue;
      this.#held.delete(id);
      this.endProcess(r);
    }
  }

  /** The record's attribution, and that of the ancestors its span would hang under, no longer wait for events. */
  #settled(record: ProcessRecord): boolean {
    let r: ProcessRecord | undefined = record;
    for (let depth = 0; r && depth < 4096; depth++) {
      if (this.#spans.has(r.id)) return true;
      if (!this.#o.attributor.peek(r).settled) return false;
      r = r.parentId !== undefined ? this.#o.lookup(r.parentId) : undefined;
    }
    return true;
  }

  handle(change: TableChange): void {
    switch (change.type) {
      case "started":
        this.#o.accounting.processStarted();
        return;
      case "updated": {
        const r = change.record;
        if (r.counters.offCpuIoWaitNs === undefined) return;
        let d = this.#stalls.get(r.id);
        if (!d) {
          d = new StallDetector(this.#o.stalls);
          this.#stalls.set(r.id, d);
        }
        d.observe(change.timeNs ?? Date.now() * 1e6, r.counters);
        return;
      }
      case "exited":
        // The root's span ends with the run, where its exit status from the parent (us) is known.
        if (change.record.id === this.#rootId) return;
        // A process whose task waits for a workflow event (or whose ancestors' does) is held back until it comes.
        if (!this.#settled(change.record)) this.#held.set(change.record.id, change.record);
        else this.endProcess(change.record);
        this.settle();
        return;
      case "lost":
        this.#o.accounting.lost(change.count);
        return;
      default:
        return;
    }
  }

  /**
   * Ends every process not ended yet (they cannot outlive the run), the root last with the status its parent saw.
   */
  endAll(records: Iterable<ProcessRecord>, endNs: number, rootStatus?: ExitStatus): void {
    this.settle(true);
    for (const r of records) {
      if (r.id === this.#rootId) continue;
      if (!this.#ended.has(r.id)) this.endProcess(r, endNs);
    }
    const root = this.#rootId !== undefined ? this.#o.lookup(this.#rootId) : undefined;
    if (root) this.endProcess(root, endNs, rootStatus);
  }

  /**
   * Ends the task spans with their sums, and returns the tasks in start order. `identity`: the run's name and id
   * when they were learnt after the tasks began.
   */
  endTasks(identity?: { readonly pipelineName: string; readonly runId: string }): {
    tasks: TaskSummary[];
    count: number;
  } {
    for (const [info, t] of [...this.#o.accounting.tasks()]) this.#keep(this.#endTask(info, t, identity));
    const tasks = [...this.#closed.splice(0), ...this.#folded.values()];
    this.#folded.clear();
    tasks.sort((a, b) => a.startNs - b.startNs);
    return { tasks, count: this.#taskCount };
  }

  /** One more ended task in the run's summary. */
  #keep(s: TaskSummary): void {
    this.#taskCount++;
    this.#o.onTaskEnd?.(s);
    if (this.#closed.length < TASK_ROWS) {
      this.#closed.push(s);
      return;
    }
    const row = this.#folded.get(s.name);
    if (!row) {
      const totals: Totals = { counters: {} };
      addTotals(totals, s.totals);
      this.#folded.set(s.name, { ...s, runId: s.name, totals, runs: 1, failedRuns: s.failed ? 1 : 0 });
      return;
    }
    row.runs++;
    if (s.failed) row.failedRuns++;
    addTotals(row.totals, s.totals);
    row.processes += s.processes;
    row.startNs = Math.min(row.startNs, s.startNs);
    row.endNs = Math.max(row.endNs, s.endNs);
    row.failed ||= s.failed;
  }

  #endTask(
    info: TaskInfo,
    t: TaskTally,
    identity?: { readonly pipelineName: string; readonly runId: string },
  ): TaskSummary {
    const ts = this.#taskSpans.get(info);
    if (identity && ts?.span)
      ts.span.setAttributes({
        [ATTR_CICD_PIPELINE_NAME]: identity.pipelineName,
        [ATTR_CICD_PIPELINE_RUN_ID]: identity.runId,
      });
    // The workflow manager's verdict, where it gave one, wins over the processes' exit statuses.
    const verdict = info.workflow?.failed();
    if (verdict !== undefined) t.failed = verdict;
    if (ts?.span) {
      const span = ts.span;
      // A workflow manager's events may have named the task better since its span began (weblog after exit).
      span.updateName(info.spanName ?? info.name);
      const attrs = this.#o.accounting.taskAttributes(info);
      const workflow = info.workflow?.attributes();
      if (workflow) for (const k in workflow) attrs[k] = workflow[k];
      attrs[ATTR_CICD_PIPELINE_TASK_NAME] = info.name;
      attrs[ATTR_PIPESPAN_TASK_PROCESS_COUNT] = t.processes;
      attrs[ATTR_CICD_PIPELINE_TASK_RUN_RESULT] = t.failed
        ? CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE
        : CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS;
      span.setAttributes(attrs);
      if (t.failed) {
        const message =
          verdict === true
            ? (info.workflow?.failureMessage?.() ?? "the workflow manager reported the task failed")
            : "a process of the task failed";
        span.setStatus({ code: SpanStatusCode.ERROR, message });
      }
      span.end(hrTime(t.endNs));
    }
    return {
      name: info.name,
      runId: info.runId,
      attribution: info.attribution,
      startNs: t.startNs,
      endNs: t.endNs,
      processes: t.processes,
      failed: t.failed,
      totals: t.totals,
    };
  }

  /** Ends a task's span now and lets go of its state (every process it can ever have has been recorded). */
  #closeTask(info: TaskInfo): void {
    const t = this.#o.accounting.task(info);
    if (t) this.#keep(this.#endTask(info, t));
    this.#taskSpans.delete(info);
    this.#o.accounting.closeTask(info);
  }

  #taskContext(task: TaskInfo, record: ProcessRecord): Context {
    const known = this.#taskSpans.get(task);
    if (known) return known.context;
    let startNs = record.startTimeNs;
    // The task may hold earlier processes than the one that needs its span now; not a root child's task, which is
    // that process (the one here) and its descendants.
    if (task.attribution !== "root_child")
      for (const other of this.#allRecordsOf(task)) startNs = Math.min(startNs, other.startTimeNs);
    this.#o.accounting.openTask(task, startNs);
    // A root child's task is that process and its descendants: complete once they have all left the table.
    if (task.attribution === "root_child" && !task.workflow) this.#origins.set(record.id, task);
    let entry: { span?: Span; context: Context };
    if (task.remoteParent) {
      entry = { context: trace.setSpanContext(context.active(), task.remoteParent) };
    } else {
      const attrs: Attributes = {
        ...taskSpanAttributes({
          name: task.name,
          taskRunId: task.runId,
          workDir: task.workDir ?? process.cwd(),
          attempt: task.attempt,
          runId: this.#o.runId,
          pipelineName: this.#o.pipelineName,
        }),
        [ATTR_PIPESPAN_TASK_ATTRIBUTION]: task.attribution,
      };
      Object.assign(attrs, task.workflow?.attributes() ?? {});
      const span = this.#o.tracer.startSpan(
        task.spanName ?? task.name,
        { kind: SpanKind.INTERNAL, startTime: hrTime(startNs), attributes: attrs },
        this.#o.parent,
      );
      entry = { span, context: trace.setSpan(this.#o.parent, span) };
    }
    this.#taskSpans.set(task, entry);
    return entry.context;
  }

  *#allRecordsOf(task: TaskInfo): Iterable<ProcessRecord> {
    // Peeking: looking for the task's earliest process must not decide other processes' tasks early.
    for (const r of this.#o.records()) if (this.#o.attributor.peek(r).task === task) yield r;
  }

  /** The process's span, created on first need; its place in the tree is decided then, from the facts known. */
  #ensureSpan(record: ProcessRecord): ProcessSpan {
    const known = this.#spans.get(record.id);
    if (known) return known;
    const decision: Decision = this.#o.attributor.decide(record);
    const task = decision.task;
    const parent = record.parentId !== undefined ? this.#o.lookup(record.parentId) : undefined;
    let parentCtx: Context;
    const parentEntry = parent ? this.#spans.get(parent.id) : undefined;
    const parentTask = parentEntry ? parentEntry.task : parent ? this.#o.attributor.decide(parent).task : undefined;
    if (parent && parentTask === task) parentCtx = this.#ensureSpan(parent).context;
    else if (task) parentCtx = this.#taskContext(task, record);
    else parentCtx = this.#o.parent;
    const span = this.#o.tracer.startSpan(
      this.#executableName(record),
      { kind: SpanKind.INTERNAL, startTime: hrTime(record.startTimeNs) },
      parentCtx,
    );
    const entry = { span, context: trace.setSpan(parentCtx, span), task, overhead: decision.overhead };
    this.#spans.set(record.id, entry);
    return entry;
  }

  /** A process is named after the program it was started to run (not a later exec, e.g. a shell's last command). */
  #executableName(r: ProcessRecord): string {
    return imageName(mainImage(r, r.parentId !== undefined ? this.#o.lookup(r.parentId) : undefined));
  }

  /** Ends the process's span with its figures; `status`: how its parent saw it end (the root command). */
  endProcess(record: ProcessRecord, fallbackEndNs?: number, status?: ExitStatus): void {
    if (this.#ended.has(record.id)) return;
    this.#ended.add(record.id);
    if (!this.#o.recordUntasked && !this.#spans.has(record.id) && !this.#o.attributor.taskOf(record)) return;
    const { span, task, overhead } = this.#ensureSpan(record);
    const endNs = Math.max(record.exit?.timeNs ?? fallbackEndNs ?? record.startTimeNs, record.startTimeNs);
    const exitCode = status ? status.exitCode : record.exit?.exitCode;
    const signal = status ? status.signal : record.exit?.signal;
    let failed = false;
    const attrs: Attributes = {};
    if (signal !== undefined) {
      failed = true;
      const name = signalName(signal);
      Object.assign(attrs, exitAttributes({ signal }));
      attrs[ATTR_ERROR_TYPE] = name;
      span.setStatus({ code: SpanStatusCode.ERROR, message: `killed by ${name}` });
    } else if (exitCode !== undefined) {
      Object.assign(attrs, exitAttributes({ exitCode }));
      if (exitCode !== 0) {
        failed = true;
        attrs[ATTR_ERROR_TYPE] = String(exitCode);
        span.setStatus({ code: SpanStatusCode.ERROR, message: `exited with code ${exitCode}` });
      }
    }
    if (record.exit?.oomKilled) {
      failed = true;
      attrs[ATTR_PIPESPAN_PROCESS_OOM_KILLED] = true;
      span.setStatus({ code: SpanStatusCode.ERROR, message: "killed by the OOM killer" });
    }
    // A workflow manager's task fails when its own command fails (the wrapper, the job's shell), not when a
    // helper inside it exits non-zero (Nextflow's metrics sampler runs `ps`, which does when nothing matched).
    const failsTask = failed && task !== undefined && (!task.workflow || this.#startsTask(record, task));
    if (task) this.#taskContext(task, record);
    const totals = this.#o.accounting.processEnded(record, task, endNs, failsTask);

    const image = mainImage(record, record.parentId !== undefined ? this.#o.lookup(record.parentId) : undefined);
    // One object, filled in place (the order of the attributes as before): this runs for every process.
    const all: Attributes = {
      [ATTR_PROCESS_PID]: record.key.pid,
      [ATTR_PROCESS_PARENT_PID]: record.ppid,
      [ATTR_PROCESS_EXECUTABLE_NAME]: imageName(image),
      [ATTR_PROCESS_COMMAND_LINE]: this.#o.redact(image.argv.length > 0 ? image.argv : [image.comm]),
      [ATTR_PIPESPAN_PROCESS_START_TICKS]: record.key.startTicks,
      [ATTR_PIPESPAN_PROCESS_EXIT_OBSERVED]: status !== undefined || record.exit?.observed === true,
    };
    measureAttributes(totals, endNs - record.startTimeNs, all);
    if (image.exe) all[ATTR_PROCESS_EXECUTABLE_PATH] = image.exe;
    if (record.cwd) all[ATTR_PROCESS_WORKING_DIRECTORY] = record.cwd;
    if (overhead) all[ATTR_PIPESPAN_PROCESS_OVERHEAD] = true;
    if (task) {
      all[ATTR_CICD_PIPELINE_TASK_NAME] = task.name;
      all[ATTR_CICD_PIPELINE_TASK_RUN_ID] = task.runId;
    }
    for (const k in attrs) all[k] = attrs[k];
    span.setAttributes(all);
    const detector = this.#stalls.get(record.id);
    if (detector) {
      for (const st of detector.finish(endNs, record.counters)) {
        span.addEvent(
          EVENT_PIPESPAN_STALL,
          {
            [ATTR_PIPESPAN_STALL_DURATION]: Math.round((st.endNs - st.startNs) / 1e6) / 1e3,
            ...(st.device !== undefined ? { [ATTR_PIPESPAN_STALL_DEVICE]: st.device } : {}),
          },
          hrTime(st.startNs),
        );
      }
      this.#stalls.delete(record.id);
    }
    span.end(hrTime(endNs));
    this.#o.onProcessEnd?.(record, task, totals);
  }

  /** True once the process's span has ended (it may then be forgotten). */
  hasEnded(id: string): boolean {
    return this.#ended.has(id);
  }

  /**
   * Ended processes whose spans are out: forgotten (see ProcessTable.forget, which drops a process only after its
   * children). A root child's task ends with its forgetting: all its processes have been recorded by then.
   */
  forget(id: string): void {
    this.#spans.delete(id);
    this.#ended.delete(id);
    this.#stalls.delete(id);
    const task = this.#origins.get(id);
    if (task) {
      this.#origins.delete(id);
      this.#closeTask(task);
    }
  }

  /** Drops the state of tasks no process refers to any more (they have no span of their own here). */
  forgetTasksExcept(live: ReadonlySet<TaskInfo>): void {
    for (const t of [...this.#taskSpans.keys()]) if (!live.has(t)) this.#taskSpans.delete(t);
    this.#o.accounting.forgetTasksExcept(live);
  }

  /** True when the process is where its task begins: its parent belongs to another task, or to none. */
  #startsTask(record: ProcessRecord, task: TaskInfo): boolean {
    const parent = record.parentId !== undefined ? this.#o.lookup(record.parentId) : undefined;
    if (!parent) return true;
    const entry = this.#spans.get(parent.id);
    return (entry ? entry.task : this.#o.attributor.peek(parent).task) !== task;
  }
}

/** The name of the program an image runs: its executable's file name, else its comm. */
function imageName(image: { readonly exe?: string; readonly comm: string }): string {
  if (!image.exe) return image.comm;
  return basename(image.exe.endsWith(" (deleted)") ? image.exe.slice(0, -" (deleted)".length) : image.exe);
}
