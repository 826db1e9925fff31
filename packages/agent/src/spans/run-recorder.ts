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
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_PIPESPAN_RUN_COMMAND,
  ATTR_PIPESPAN_RUN_EXIT_CODE,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PIPESPAN_RUN_TASK_COUNT,
  ATTR_PIPESPAN_SOURCE_LOST_EVENTS,
  ATTR_PIPESPAN_TASK_PROCESS_COUNT,
  CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
  CICD_PIPELINE_RESULT_VALUE_CANCELLATION,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  hrTimeFromNs as hrTime,
  signalName,
} from "@pipespan/semconv";
import { RunAccounting } from "../accounting/run-accounting.js";
import type { SpanAccounting } from "../accounting/timelines.js";
import type { Attributor } from "../attribution/attributor.js";
import type { TaskInfo } from "../attribution/task.js";
import type { SourceName } from "../source/types.js";
import type { ProcessRecord } from "../table/process-record.js";
import type { TableChange } from "../table/process-table.js";
import type { Totals } from "./measure-attributes.js";
import { SpanTree, type TaskSummary } from "./span-tree.js";
import type { StallOptions } from "./stall-detector.js";

export type { TaskSummary } from "./span-tree.js";

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
  /** Stall detection (I/O-wait windows become span events on process spans). */
  readonly stalls?: StallOptions;
  /** Called when a process span ends, with the task it belongs to (undefined: the run's root). */
  readonly onProcessEnd?: (record: ProcessRecord, task: TaskInfo | undefined, totals: Totals) => void;
  /** Called when a task span ends (each task once, with its own figures). */
  readonly onTaskEnd?: (task: TaskSummary) => void;
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
  /** One row per task; past the first TASK_ROWS tasks, one row per task name sums the rest (see TaskSummary.runs). */
  readonly tasks: TaskSummary[];
  /** Tasks of the run. */
  readonly taskCount: number;
  readonly totals: Totals;
  readonly processes: number;
  readonly lostEvents: number;
  readonly result: string;
}

/**
 * One run as a trace: pipeline_run -> task -> process. The data flows source -> table -> attribution ->
 * accounting (RunAccounting: what each process counts for, the sums) -> spans (SpanTree: process and task
 * spans; here, the run span over them) -> export.
 */
export class RunRecorder {
  readonly #o: RunRecorderOptions;
  readonly #accounting: RunAccounting;
  readonly #tree: SpanTree;
  readonly #runSpan: Span;
  readonly #runContext: Context;

  constructor(opts: RunRecorderOptions) {
    this.#o = opts;
    this.#accounting = new RunAccounting({
      childrenOf: opts.childrenOf,
      ioIncludesReapedChildren: opts.ioIncludesReapedChildren === true,
      ...(opts.accounting ? { timelines: opts.accounting } : {}),
    });
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
    this.#tree = new SpanTree({
      tracer: opts.tracer,
      attributor: opts.attributor,
      accounting: this.#accounting,
      lookup: opts.lookup,
      records: opts.records,
      parent: this.#runContext,
      pipelineName: opts.pipelineName,
      runId: opts.runId,
      redact: opts.redact,
      recordUntasked: true,
      ...(opts.stalls ? { stalls: opts.stalls } : {}),
      ...(opts.onProcessEnd ? { onProcessEnd: opts.onProcessEnd } : {}),
      ...(opts.onTaskEnd ? { onTaskEnd: opts.onTaskEnd } : {}),
      ...(opts.holdMs !== undefined ? { holdMs: opts.holdMs } : {}),
      ...(opts.nowNs ? { nowNs: opts.nowNs } : {}),
    });
  }

  get runSpan(): Span {
    return this.#runSpan;
  }

  setRoot(id: string): void {
    this.#tree.setRoot(id);
  }

  /** Running tasks (a process started, not all ended), for a live status line. */
  runningTaskNames(running: readonly ProcessRecord[]): string[] {
    return this.#tree.runningTaskNames(running);
  }

  /** See SpanTree.settle. */
  settle(force = false): void {
    this.#tree.settle(force);
  }

  handle(change: TableChange): void {
    this.#tree.handle(change);
  }

  /** Processes started so far. */
  get processes(): number {
    return this.#accounting.processes;
  }

  /** True once the process's span has ended (it may then be forgotten). */
  hasEnded(id: string): boolean {
    return this.#tree.hasEnded(id);
  }

  /** An ended process whose span is out leaves memory (see host/evictor.ts); a root child's task may end with it. */
  forget(id: string): void {
    this.#tree.forget(id);
  }

  /** Folds a child's figures into its parent before the child leaves the process table (see OwnCounters.fold). */
  fold(child: ProcessRecord, parent: ProcessRecord): void {
    this.#accounting.own.fold(child, parent);
  }

  finish(outcome: RunOutcome, lookupAll: Iterable<ProcessRecord>): RunSummary {
    this.#tree.endAll(lookupAll, outcome.endTimeNs, {
      exitCode: outcome.exitCode,
      ...(outcome.signal !== undefined ? { signal: outcome.signal } : {}),
    });
    const id = outcome.identity;
    if (id) {
      this.#runSpan.updateName(`${CICD_PIPELINE_ACTION_NAME_VALUE_RUN} ${id.pipelineName}`);
      this.#runSpan.setAttributes({
        [ATTR_CICD_PIPELINE_NAME]: id.pipelineName,
        [ATTR_CICD_PIPELINE_RUN_ID]: id.runId,
      });
    }
    const { tasks, count } = this.#tree.endTasks(id);
    const a = this.#accounting;
    const lost = a.lostEvents + outcome.lostEvents;
    const result = outcome.cancelled
      ? CICD_PIPELINE_RESULT_VALUE_CANCELLATION
      : outcome.exitCode === 0
        ? CICD_PIPELINE_RESULT_VALUE_SUCCESS
        : CICD_PIPELINE_RESULT_VALUE_FAILURE;
    const startNs = this.#o.startTimeNs;
    const endNs = Math.max(outcome.endTimeNs, startNs);
    this.#runSpan.setAttributes({
      ...a.runAttributes(startNs, endNs),
      ...(outcome.attributes ?? {}),
      [ATTR_CICD_PIPELINE_RESULT]: result,
      [ATTR_PIPESPAN_RUN_EXIT_CODE]: outcome.exitCode,
      [ATTR_PIPESPAN_RUN_TASK_COUNT]: count,
      [ATTR_PIPESPAN_TASK_PROCESS_COUNT]: a.processes,
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
    for (const e of a.runEvents(startNs, endNs)) this.#runSpan.addEvent(e.name, e.attributes, hrTime(startNs));
    this.#runSpan.end(hrTime(endNs));
    const sc = this.#runSpan.spanContext();
    return {
      traceId: sc.traceId,
      runSpanId: sc.spanId,
      startNs,
      endNs,
      tasks,
      taskCount: count,
      totals: a.runTotals,
      processes: a.processes,
      lostEvents: lost,
      result,
    };
  }
}
