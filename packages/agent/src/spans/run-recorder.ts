import { basename } from "node:path";
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_ERROR_TYPE,
  ATTR_PIPESPAN_PROCESS_EXIT_OBSERVED,
  ATTR_PIPESPAN_PROCESS_OOM_KILLED,
  ATTR_PIPESPAN_PROCESS_OVERHEAD,
  ATTR_PIPESPAN_PROCESS_START_TICKS,
  ATTR_PIPESPAN_RUN_COMMAND,
  ATTR_PIPESPAN_RUN_EXIT_CODE,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PIPESPAN_RUN_TASK_COUNT,
  ATTR_PIPESPAN_SOURCE_LOST_EVENTS,
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
  CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
  CICD_PIPELINE_RESULT_VALUE_CANCELLATION,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS,
  EVENT_PIPESPAN_STALL,
  exitAttributes,
  hrTimeFromNs as hrTime,
  signalName,
  taskSpanAttributes,
} from "@pipespan/semconv";
import { OwnCounters } from "../accounting/own-counters.js";
import type { SpanAccounting } from "../accounting/timelines.js";
import { type Attributor, type Decision, mainImage } from "../attribution/attributor.js";
import type { TaskInfo } from "../attribution/task.js";
import type { SourceName } from "../source/types.js";
import type { ProcessRecord } from "../table/process-record.js";
import type { TableChange } from "../table/process-table.js";
import { addTotals, measureAttributes, type Totals } from "./measure-attributes.js";
import { StallDetector, type StallOptions } from "./stall-detector.js";

export interface RunRecorderOptions {
  readonly tracer: Tracer;
  readonly attributor: Attributor;
  readonly lookup: (id: string) => ProcessRecord | undefined;
  /** The process table's children index and records (the recorder keeps no copy of its own). */
  readonly childrenOf: (id: string) => readonly ProcessRecord[];
  readonly records: () => Iterable<ProcessRecord>;
  readonly pipelineName: string;
  readonly runId: string;
  readonly source: SourceName;
  /** The root command, already redacted. */
  readonly commandLine: string;
  /** Redacts an argv into a command line before it leaves the process. */
  readonly redact: (argv: readonly string[]) => string;
  readonly startTimeNs: number;
  /** The source's I/O counters include reaped children (see Source.ioIncludesReapedChildren). */
  readonly ioIncludesReapedChildren?: boolean;
  /**
   * False for the host agent: no pipeline_run span of its own; only processes of tasks named elsewhere
   * (TRACEPARENT + PIPESPAN_TASK_NAME) get spans, under those tasks' spans.
   */
  readonly emitRunSpan?: boolean;
  /** Stall detection (I/O-wait windows become span events on process spans). */
  readonly stalls?: StallOptions;
  /** Called when a process span ends, with the task it belongs to (undefined: the run's root). */
  readonly onProcessEnd?: (record: ProcessRecord, task: TaskInfo | undefined, totals: Totals) => void;
  /** Per-interval accounting (timelines) whose attributes and events go on the task and run spans. */
  readonly accounting?: SpanAccounting;
  /**
   * How long an ended process may wait for a workflow event its attribution needs (a Snakemake job event in
   * flight) before it is recorded with what is known (ms, default 10 000).
   */
  readonly holdMs?: number;
  /** Wall clock in ns since the Unix epoch (default: the system clock). */
  readonly nowNs?: () => number;
}

/** Per-task state the recorder keeps until the run ends. */
export interface TaskState {
  readonly info: TaskInfo;
  readonly span?: Span;
  readonly context: Context;
  startNs: number;
  endNs: number;
  processes: number;
  failed: boolean;
  readonly totals: Totals;
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
}

export interface RunOutcome {
  readonly exitCode: number;
  readonly signal?: number;
  readonly endTimeNs: number;
  readonly lostEvents: number;
  /** True when pipespan stopped the run (SIGINT/SIGTERM forwarded). */
  readonly cancelled?: boolean;
  /** Extra attributes for the run span (the workflow manager's run ids and counts). */
  readonly attributes?: Attributes;
  /** The run's name and id, when they were learnt after it began (the host agent, from a workflow manager). */
  readonly identity?: { readonly pipelineName: string; readonly runId: string };
}

export interface RunSummary {
  readonly traceId: string;
  readonly runSpanId: string;
  readonly startNs: number;
  readonly endNs: number;
  readonly tasks: TaskSummary[];
  readonly totals: Totals;
  readonly processes: number;
  readonly lostEvents: number;
  readonly result: string;
}

/**
 * Turns process-table changes into the span tree pipeline_run -> task -> process. Process spans are created
 * lazily (at exit, or when a child needs its parent), so attribution sees each process's final identity (after
 * exec); they end at exit carrying their totals. Task spans and the run span end in `finish` with sums.
 */
export class RunRecorder {
  readonly #o: RunRecorderOptions;
  readonly #own: OwnCounters;
  readonly #runSpan: Span;
  readonly #runContext: Context;
  readonly #spans = new Map<string, { span: Span; context: Context; task: TaskInfo | undefined; overhead: boolean }>();
  /** Ended processes whose attribution waits for a workflow event, in the order they ended. */
  readonly #held = new Map<string, ProcessRecord>();
  readonly #tasks = new Map<TaskInfo, TaskState>();
  readonly #runTotals: Totals = { counters: {} };
  #rootId: string | undefined;
  #processes = 0;
  #lost = 0;

  constructor(opts: RunRecorderOptions) {
    this.#o = opts;
    this.#own = new OwnCounters({
      childrenOf: opts.childrenOf,
      ioIncludesReapedChildren: opts.ioIncludesReapedChildren === true,
    });
    if (opts.emitRunSpan === false) {
      this.#runSpan = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
      this.#runContext = context.active();
      return;
    }
    this.#runSpan = opts.tracer.startSpan(
      `${CICD_PIPELINE_ACTION_NAME_VALUE_RUN} ${opts.pipelineName}`,
      {
        kind: SpanKind.SERVER,
        root: true,
        startTime: hrTime(opts.startTimeNs),
        attributes: {
          [ATTR_CICD_PIPELINE_NAME]: opts.pipelineName,
          [ATTR_CICD_PIPELINE_RUN_ID]: opts.runId,
          [ATTR_CICD_PIPELINE_ACTION_NAME]: CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
          [ATTR_PIPESPAN_RUN_SOURCE]: opts.source,
          [ATTR_PIPESPAN_RUN_COMMAND]: opts.commandLine,
        },
      },
      context.active(),
    );
    this.#runContext = trace.setSpan(context.active(), this.#runSpan);
  }

  get runSpan(): Span {
    return this.#runSpan;
  }

  setRoot(id: string): void {
    this.#rootId = id;
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

  /** Processes held back until their attribution settles (a workflow event in flight). */
  get heldProcesses(): number {
    return this.#held.size;
  }

  /**
   * Records the ended processes that were held back and whose attribution has settled since (call it when
   * workflow events arrive, and now and then); with `force`, records them all with what is known.
   */
  settle(force = false): void {
    if (this.#held.size === 0) return;
    const now = this.#now();
    const holdNs = (this.#o.holdMs ?? 10_000) * 1e6;
    for (const [id, r] of [...this.#held]) {
      const overdue = r.exit !== undefined && now - r.exit.timeNs > holdNs;
      if (!force && !overdue && !this.#settled(r)) continue;
      this.#held.delete(id);
      this.#endProcess(r);
    }
  }

  #now(): number {
    return this.#o.nowNs?.() ?? Date.now() * 1e6;
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
      case "started": {
        this.#processes++;
        return;
      }
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
        // The root's span ends in finish(), where its exit status from the parent (us) is known.
        if (change.record.id === this.#rootId) return;
        // A process whose task waits for a workflow event (or whose ancestors' does) is held back until it comes.
        if (!this.#settled(change.record)) this.#held.set(change.record.id, change.record);
        else this.#endProcess(change.record);
        this.settle();
        return;
      case "lost":
        this.#lost += change.count;
        return;
      default:
        return;
    }
  }

  finish(outcome: RunOutcome, lookupAll: Iterable<ProcessRecord>): RunSummary {
    this.settle(true);
    // Anything the source never reported as ended ends now (it cannot outlive the run).
    for (const r of lookupAll) {
      if (r.id === this.#rootId) continue;
      if (!this.#ended.has(r.id)) this.#endProcess(r, outcome.endTimeNs);
    }
    const root = this.#rootId !== undefined ? this.#o.lookup(this.#rootId) : undefined;
    if (root) this.#endProcess(root, outcome.endTimeNs, outcome);

    const id = outcome.identity;
    if (id) {
      this.#runSpan.updateName(`${CICD_PIPELINE_ACTION_NAME_VALUE_RUN} ${id.pipelineName}`);
      this.#runSpan.setAttributes({
        [ATTR_CICD_PIPELINE_NAME]: id.pipelineName,
        [ATTR_CICD_PIPELINE_RUN_ID]: id.runId,
      });
    }
    const tasks: TaskSummary[] = [];
    for (const t of this.#tasks.values()) {
      if (id && t.span)
        t.span.setAttributes({ [ATTR_CICD_PIPELINE_NAME]: id.pipelineName, [ATTR_CICD_PIPELINE_RUN_ID]: id.runId });
      const wall = Math.max(0, t.endNs - t.startNs);
      // The workflow manager's verdict, where it gave one, wins over the processes' exit statuses.
      const verdict = t.info.workflow?.failed();
      if (verdict !== undefined) t.failed = verdict;
      if (t.span) {
        // A workflow manager's events may have named the task better since its span began (weblog after exit).
        t.span.updateName(t.info.spanName ?? t.info.name);
        t.span.setAttributes({
          ...measureAttributes(t.totals, wall),
          ...this.#o.accounting?.taskAttributes(t.info, t.startNs, t.endNs),
          ...(t.info.workflow?.attributes() ?? {}),
          [ATTR_CICD_PIPELINE_TASK_NAME]: t.info.name,
          [ATTR_PIPESPAN_TASK_PROCESS_COUNT]: t.processes,
          [ATTR_CICD_PIPELINE_TASK_RUN_RESULT]: t.failed
            ? CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE
            : CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS,
        });
        if (t.failed) {
          const message =
            verdict === true
              ? (t.info.workflow?.failureMessage?.() ?? "the workflow manager reported the task failed")
              : "a process of the task failed";
          t.span.setStatus({ code: SpanStatusCode.ERROR, message });
        }
        t.span.end(hrTime(t.endNs));
      }
      tasks.push({
        name: t.info.name,
        runId: t.info.runId,
        attribution: t.info.attribution,
        startNs: t.startNs,
        endNs: t.endNs,
        processes: t.processes,
        failed: t.failed,
        totals: t.totals,
      });
    }
    tasks.sort((a, b) => a.startNs - b.startNs);

    const lost = this.#lost + outcome.lostEvents;
    if (this.#o.emitRunSpan === false) {
      return {
        traceId: "",
        runSpanId: "",
        startNs: this.#o.startTimeNs,
        endNs: outcome.endTimeNs,
        tasks,
        totals: this.#runTotals,
        processes: this.#processes,
        lostEvents: lost,
        result: "",
      };
    }
    const result = outcome.cancelled
      ? CICD_PIPELINE_RESULT_VALUE_CANCELLATION
      : outcome.exitCode === 0
        ? CICD_PIPELINE_RESULT_VALUE_SUCCESS
        : CICD_PIPELINE_RESULT_VALUE_FAILURE;
    const endNs = Math.max(outcome.endTimeNs, this.#o.startTimeNs);
    this.#runSpan.setAttributes({
      ...measureAttributes(this.#runTotals, endNs - this.#o.startTimeNs),
      ...this.#o.accounting?.runAttributes(this.#o.startTimeNs, endNs),
      ...(outcome.attributes ?? {}),
      [ATTR_CICD_PIPELINE_RESULT]: result,
      [ATTR_PIPESPAN_RUN_EXIT_CODE]: outcome.exitCode,
      [ATTR_PIPESPAN_RUN_TASK_COUNT]: tasks.length,
      [ATTR_PIPESPAN_TASK_PROCESS_COUNT]: this.#processes,
      [ATTR_PIPESPAN_SOURCE_LOST_EVENTS]: lost,
    });
    if (result !== CICD_PIPELINE_RESULT_VALUE_SUCCESS) {
      this.#runSpan.setStatus({
        code: SpanStatusCode.ERROR,
        message:
          outcome.signal !== undefined
            ? `root command killed by ${signalName(outcome.signal)}`
            : `root command exited with code ${outcome.exitCode}`,
      });
    }
    for (const e of this.#o.accounting?.runEvents(this.#o.startTimeNs, endNs) ?? [])
      this.#runSpan.addEvent(e.name, e.attributes, hrTime(this.#o.startTimeNs));
    this.#runSpan.end(hrTime(endNs));
    const sc = this.#runSpan.spanContext();
    return {
      traceId: sc.traceId,
      runSpanId: sc.spanId,
      startNs: this.#o.startTimeNs,
      endNs,
      tasks,
      totals: this.#runTotals,
      processes: this.#processes,
      lostEvents: lost,
      result,
    };
  }

  readonly #ended = new Set<string>();
  readonly #stalls = new Map<string, StallDetector>();

  #taskState(task: TaskInfo, record: ProcessRecord): TaskState {
    const known = this.#tasks.get(task);
    if (known) return known;
    let startNs = record.startTimeNs;
    // The task may hold earlier processes than the one that needs its span now.
    for (const other of this.#allRecordsOf(task)) startNs = Math.min(startNs, other.startTimeNs);
    let state: TaskState;
    if (task.remoteParent) {
      state = this.#newTaskState(task, undefined, trace.setSpanContext(context.active(), task.remoteParent), startNs);
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
        this.#runContext,
      );
      state = this.#newTaskState(task, span, trace.setSpan(this.#runContext, span), startNs);
    }
    this.#tasks.set(task, state);
    return state;
  }

  #newTaskState(info: TaskInfo, span: Span | undefined, ctx: Context, startNs: number): TaskState {
    return {
      info,
      ...(span ? { span } : {}),
      context: ctx,
      startNs,
      endNs: startNs,
      processes: 0,
      failed: false,
      totals: { counters: {} },
    };
  }

  *#allRecordsOf(task: TaskInfo): Iterable<ProcessRecord> {
    // Peeking: looking for the task's earliest process must not decide other processes' tasks early.
    for (const r of this.#o.records()) if (this.#o.attributor.peek(r).task === task) yield r;
  }

  /** The process's span, created on first need; its place in the tree is decided then, from the facts known. */
  #ensureSpan(record: ProcessRecord): { span: Span; context: Context; task: TaskInfo | undefined; overhead: boolean } {
    const known = this.#spans.get(record.id);
    if (known) return known;
    const decision: Decision = this.#o.attributor.decide(record);
    const task = decision.task;
    const parent = record.parentId !== undefined ? this.#o.lookup(record.parentId) : undefined;
    let parentCtx: Context;
    const parentEntry = parent ? this.#spans.get(parent.id) : undefined;
    const parentTask = parentEntry ? parentEntry.task : parent ? this.#o.attributor.decide(parent).task : undefined;
    if (parent && parentTask === task) parentCtx = this.#ensureSpan(parent).context;
    else if (task) parentCtx = this.#taskState(task, record).context;
    else parentCtx = this.#runContext;
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
    const image = mainImage(r, r.parentId !== undefined ? this.#o.lookup(r.parentId) : undefined);
    return image.exe ? basename(image.exe.replace(/ \(deleted\)$/, "")) : image.comm;
  }

  #endProcess(record: ProcessRecord, fallbackEndNs?: number, rootOutcome?: RunOutcome): void {
    if (this.#ended.has(record.id)) return;
    this.#ended.add(record.id);
    // Without a run span, a process that belongs to no named task is not recorded.
    if (this.#o.emitRunSpan === false && !this.#spans.has(record.id) && !this.#o.attributor.taskOf(record)) return;
    const { span, task, overhead } = this.#ensureSpan(record);
    const endNs = Math.max(record.exit?.timeNs ?? fallbackEndNs ?? record.startTimeNs, record.startTimeNs);
    const totals: Totals = { counters: this.#own.counters(record) };
    const unattributed = this.#own.unattributedCpu(record);
    if (unattributed !== undefined) totals.unattributedCpuNs = unattributed;

    const exitCode = rootOutcome ? rootOutcome.exitCode : record.exit?.exitCode;
    const signal = rootOutcome ? rootOutcome.signal : record.exit?.signal;
    const image = mainImage(record, record.parentId !== undefined ? this.#o.lookup(record.parentId) : undefined);
    const attrs: Attributes = {
      [ATTR_PROCESS_PID]: record.key.pid,
      [ATTR_PROCESS_PARENT_PID]: record.ppid,
      [ATTR_PROCESS_EXECUTABLE_NAME]: this.#executableName(record),
      [ATTR_PROCESS_COMMAND_LINE]: this.#o.redact(image.argv.length > 0 ? image.argv : [image.comm]),
      [ATTR_PIPESPAN_PROCESS_START_TICKS]: record.key.startTicks,
      [ATTR_PIPESPAN_PROCESS_EXIT_OBSERVED]: rootOutcome !== undefined || record.exit?.observed === true,
      ...measureAttributes(totals, endNs - record.startTimeNs),
    };
    if (image.exe) attrs[ATTR_PROCESS_EXECUTABLE_PATH] = image.exe;
    if (record.cwd) attrs[ATTR_PROCESS_WORKING_DIRECTORY] = record.cwd;
    if (overhead) attrs[ATTR_PIPESPAN_PROCESS_OVERHEAD] = true;
    if (task) {
      attrs[ATTR_CICD_PIPELINE_TASK_NAME] = task.name;
      attrs[ATTR_CICD_PIPELINE_TASK_RUN_ID] = task.runId;
    }
    let failed = false;
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
    span.setAttributes(attrs);
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

    addTotals(this.#runTotals, totals);
    if (task) {
      const state = this.#taskState(task, record);
      state.processes++;
      state.endNs = Math.max(state.endNs, endNs);
      state.startNs = Math.min(state.startNs, record.startTimeNs);
      // A workflow manager's task fails when its own command fails (the wrapper, the job's shell), not when a
      // helper inside it exits non-zero (Nextflow's metrics sampler runs `ps`, which does when nothing matched).
      if (failed && (!task.workflow || this.#startsTask(record, task))) state.failed = true;
      addTotals(state.totals, totals);
    }
    this.#o.accounting?.processEnded(record.id, task);
    this.#o.onProcessEnd?.(record, task, totals);
  }

  /** True once the process's span has ended (it may then be forgotten). */
  hasEnded(id: string): boolean {
    return this.#ended.has(id);
  }

  /** Ended processes whose spans are out: forgotten (the host agent, see ProcessTable.forget). */
  forget(id: string): void {
    this.#spans.delete(id);
    this.#ended.delete(id);
    this.#stalls.delete(id);
  }

  /** Drops the state of tasks no process refers to any more (they have no span of their own here). */
  forgetTasksExcept(live: ReadonlySet<TaskInfo>): void {
    for (const t of [...this.#tasks.keys()]) if (!live.has(t)) this.#tasks.delete(t);
  }

  /** Processes and tasks held (for the agent's own figures). */
  get held(): { spans: number; tasks: number } {
    return { spans: this.#spans.size, tasks: this.#tasks.size };
  }

  /** True when the process is where its task begins: its parent belongs to another task, or to none. */
  #startsTask(record: ProcessRecord, task: TaskInfo): boolean {
    const parent = record.parentId !== undefined ? this.#o.lookup(record.parentId) : undefined;
    if (!parent) return true;
    const entry = this.#spans.get(parent.id);
    return (entry ? entry.task : this.#o.attributor.peek(parent).task) !== task;
  }
}
