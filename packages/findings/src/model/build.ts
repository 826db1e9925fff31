// Normalized spans → RunModel. Classifies spans by the attributes the conventions give them (never by how a
// particular agent made them): a process span has process.pid, a task span cicd.pipeline.task.name, the run span
// is the SERVER root with cicd.pipeline.name, and finding spans (pipespan.finding.rule) are earlier analyses.
//
// The builder takes spans as they stream in and keeps compact per-process records, not the spans: a million-span
// run needs memory for its model only.
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_FINDING_RULE,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PIPESPAN_PROCESS_OOM_KILLED,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PROCESS_EXIT_CODE,
  ATTR_PROCESS_PID,
} from "@pipespan/semconv";
import { FindingsError } from "../errors.js";
import type { Attributes, NormalizedSpan } from "../otlp/model.js";
import { coverageOf, nameRunKey, newTask, str, synthesizedTask, taskKeyOf } from "./assemble.js";
import { addMeasures, emptyMeasures, hasAnyMeasure, num, readMeasures } from "./measures.js";
import {
  type ProcessColumns,
  rowDurationNs,
  rowExitCode,
  rowFailed,
  rowMeasures,
  rowOomKilled,
  rowPid,
  rowString,
} from "./process-columns.js";
import { SpanIndex } from "./span-index.js";
import { readDevices, readHost, readTimeline } from "./timeline.js";
import type { Measures, ProcessNode, RunModel, TaskNode } from "./types.js";

export interface BuildRunModelOptions {
  /** Analyse this trace (32 hex digits); needed when the input holds several runs. */
  traceId?: string;
  /** The run span's id (from run.json), when known. */
  runSpanId?: string;
}

/** TaskNode.key of the stand-in task of a run without tasks. */
export const WHOLE_RUN_KEY = "(run)";

/** What the builder keeps per trace while spans stream in. */
interface TraceAcc {
  processes: ProcessNode[];
  /** Process index by span id, filled as they arrive (while their strings are still hot in the cache). */
  bySpanId: SpanIndex;
  /** cicd.pipeline.task.name / .run.id of each process (parallel to `processes`), for tasks without a span. */
  procTaskName: (string | undefined)[];
  procTaskRunId: (string | undefined)[];
  tasks: NormalizedSpan[];
  runSpan?: NormalizedSpan;
  runCandidates: NormalizedSpan[];
  findings: number;
  other: number;
  /** Earliest start and latest end of task and process spans. */
  minStartNs?: bigint;
  maxEndNs?: bigint;
  firstResource?: Attributes;
  hostType?: string;
  lastResource?: Attributes;
}

export class RunModelBuilder {
  readonly #options: BuildRunModelOptions;
  readonly #traces = new Map<string, TraceAcc>();
  #read = 0;
  #lastTraceId: string | undefined;
  #lastAcc: TraceAcc | undefined;

  constructor(options: BuildRunModelOptions = {}) {
    this.#options = options;
  }

  add(s: NormalizedSpan): void {
    this.#read++;
    const acc = this.#acc(s.traceId);
    const a = s.attributes;
    if (a[ATTR_PIPESPAN_FINDING_RULE] !== undefined) {
      acc.findings++;
      return;
    }
    if (s.resource !== acc.lastResource) seenResource(acc, s.resource);
    if (a[ATTR_PROCESS_PID] !== undefined) {
      bounds(acc, s.startNs, s.endNs);
      const p = processNode(s);
      acc.bySpanId.set(p.spanId, acc.processes.length);
      acc.processes.push(p);
      acc.procTaskName.push(str(a[ATTR_CICD_PIPELINE_TASK_NAME]));
      acc.procTaskRunId.push(str(a[ATTR_CICD_PIPELINE_TASK_RUN_ID]));
    } else if (str(a[ATTR_CICD_PIPELINE_TASK_NAME]) !== undefined) {
      bounds(acc, s.startNs, s.endNs);
      acc.tasks.push(s);
    } else if (this.#options.runSpanId !== undefined && s.spanId === this.#options.runSpanId) acc.runSpan = s;
    else if (s.kind === "server" && str(a[ATTR_CICD_PIPELINE_NAME]) !== undefined) acc.runCandidates.push(s);
    else acc.other++;
  }

  /**
   * Row `r` of a batch of process spans (ProcessColumnsWriter took each one because `add` would make it a
   * process node): the same node, task attributes and bounds `add` gives the span. `resources`: the batch's.
   */
  addRow(c: ProcessColumns, r: number, resources: readonly Attributes[]): void {
    this.#read++;
    const acc = this.#acc(c.strings[c.traceId[r] as number] as string);
    const resource = resources[c.resource[r] as number] as Attributes;
    if (resource !== acc.lastResource) seenResource(acc, resource);
    const startNs = c.startNs[r] as bigint;
    bounds(acc, startNs, c.endNs[r] as bigint);
    const durationNs = rowDurationNs(c, r);
    const p: ProcessNode = {
      spanId: c.spanId[r] as string,
      parentSpanId: sameString(acc, c.parentSpanId[r]),
      name: c.strings[c.name[r] as number] as string,
      pid: rowPid(c, r),
      startS: Number(startNs) / 1e9,
      endS: Number(startNs) / 1e9 + durationNs / 1e9,
      wallS: durationNs / 1e9,
      m: rowMeasures(c, r),
      taskKey: undefined,
      hasChildren: false,
      oomKilled: rowOomKilled(c, r),
      signalName: rowString(c, c.signalName, r),
      exitCode: rowExitCode(c, r),
      failed: rowFailed(c, r),
    };
    acc.bySpanId.set(p.spanId, acc.processes.length);
    acc.processes.push(p);
    acc.procTaskName.push(rowString(c, c.taskName, r));
    acc.procTaskRunId.push(rowString(c, c.taskRunId, r));
  }

  /** The accumulator of a trace (spans of one trace come in long runs: the last one is checked first). */
  #acc(traceId: string): TraceAcc {
    if (traceId === this.#lastTraceId) return this.#lastAcc as TraceAcc;
    let acc = this.#traces.get(traceId);
    if (!acc) {
      const processes: ProcessNode[] = [];
      acc = {
        processes,
        bySpanId: new SpanIndex((i) => (processes[i] as ProcessNode).spanId),
        procTaskName: [],
        procTaskRunId: [],
        tasks: [],
        runCandidates: [],
        findings: 0,
        other: 0,
      };
      this.#traces.set(traceId, acc);
    }
    this.#lastTraceId = traceId;
    this.#lastAcc = acc;
    return acc;
  }

  /** The run model of the chosen run. Throws a FindingsError when there is nothing to analyse. */
  build(): RunModel {
    const traceId = this.#pickTrace();
    const acc = this.#traces.get(traceId) as TraceAcc;
    let otherTraces = 0;
    for (const [id, t] of this.#traces) {
      if (id !== traceId) otherTraces += t.processes.length + t.tasks.length + t.runCandidates.length + t.other;
    }
    const counts = { read: this.#read, used: 0, findings: acc.findings, otherTraces, other: acc.other };
    let runSpan = acc.runSpan;
    if (runSpan === undefined && acc.runCandidates.length > 0) {
      runSpan = acc.runCandidates.find((s) => s.parentSpanId === undefined) ?? acc.runCandidates[0];
    }
    counts.other += acc.runCandidates.length - (runSpan && acc.runCandidates.includes(runSpan) ? 1 : 0);
    if (acc.processes.length === 0 && acc.tasks.length === 0) {
      throw new FindingsError(
        "empty-run",
        `nothing to analyse: the run has no task or process spans (${this.#read} span(s) read${
          acc.findings > 0 ? `, ${acc.findings} of them earlier findings` : ""
        })`,
      );
    }
    const t0 = runSpan?.startNs ?? (acc.minStartNs as bigint);
    const end = runSpan?.endNs ?? (acc.maxEndNs as bigint);
    // biome-ignore lint/complexity/useMathMinMax: bigints (Math.max does not take them)
    const t1 = end > t0 ? end : t0;
    // Relative seconds through doubles, not BigInt arithmetic (which allocates per call): an epoch time in ns as a
    // double is exact to 256 ns, far finer than anything the rules judge.
    const t0n = Number(t0);
    const rel = (ns: bigint) => (Number(ns) - t0n) / 1e9;

    const dataProblems: string[] = [];
    const problem = (where: string) => (why: string) => {
      if (dataProblems.length < 20) dataProblems.push(`${where}: ${why}; judged from its totals`);
    };
    const runTimeline = runSpan ? readTimeline(runSpan.attributes, 0, problem("the run span")) : undefined;
    const tasks = new Map<string, TaskNode>();
    const taskByNameRun = new Map<string, TaskNode>();
    for (const s of acc.tasks) {
      const t = newTask(s.spanId, s.spanId, s.attributes, rel(s.startNs), rel(s.endNs));
      t.m = readMeasures(s.attributes);
      const timeline = readTimeline(s.attributes, t.startS, problem(`task ${t.name}`));
      if (timeline) t.timeline = timeline;
      if (s.status.code === "error") t.failed = true;
      tasks.set(t.key, t);
      taskByNameRun.set(nameRunKey(t.name, t.taskRunId), t);
    }

    // Processes were recorded in epoch seconds; rebase them on the run's start.
    const processes = acc.processes;
    const t0s = t0n / 1e9;
    const bySpanId = acc.bySpanId;
    for (const p of processes) {
      p.startS -= t0s;
      p.endS -= t0s;
    }

    // Process → task: up the parent chain to a task span; else by the process's own task attributes.
    const resolved: (string | null | undefined)[] = new Array(processes.length);
    for (let i = 0; i < processes.length; i++) {
      const p = processes[i] as ProcessNode;
      if (p.parentSpanId !== undefined) {
        const parent = bySpanId.get(p.parentSpanId);
        if (parent >= 0) (processes[parent] as ProcessNode).hasChildren = true;
      }
      const key = taskKeyOf(p, processes, bySpanId, tasks, resolved);
      if (key !== null) p.taskKey = key;
      else {
        const name = acc.procTaskName[i];
        if (name !== undefined) p.taskKey = synthesizedTask(p, name, acc.procTaskRunId[i], tasks, taskByNameRun);
      }
      if (p.taskKey !== undefined) tasks.get(p.taskKey)?.processes.push(p);
    }

    // A run without tasks (the root command did the work itself) is judged as one stand-in task.
    if (tasks.size === 0 && processes.length > 0) {
      const wall = Number(t1 - t0) / 1e9;
      const name = str(runSpan?.attributes[ATTR_CICD_PIPELINE_NAME]) ?? processes[0]?.name ?? "run";
      const whole: TaskNode = { ...newTask(WHOLE_RUN_KEY, undefined, {}, 0, wall), name, wholeRun: true };
      for (const p of processes) {
        p.taskKey = WHOLE_RUN_KEY;
        whole.processes.push(p);
      }
      whole.measuresFrom = "processes";
      if (runTimeline) whole.timeline = runTimeline;
      tasks.set(WHOLE_RUN_KEY, whole);
    }

    // Task totals: the span's own sums, else the sums over its processes.
    for (const t of tasks.values()) {
      if (!hasAnyMeasure(t.m)) {
        t.measuresFrom = "processes";
        for (const p of t.processes) addMeasures(t.m, p.m);
      }
      for (const p of t.processes) if (p.failed) t.failed = true;
    }

    let runMeasures: Measures = runSpan ? readMeasures(runSpan.attributes) : emptyMeasures();
    if (!hasAnyMeasure(runMeasures)) {
      runMeasures = emptyMeasures();
      for (const p of processes) addMeasures(runMeasures, p.m);
    }

    const resource = runSpan?.resource ?? acc.firstResource ?? {};
    const devices = runSpan ? readDevices(runSpan.events, (why) => dataProblems.push(why)) : [];
    const hostType = str(resource[ATTR_HOST_TYPE]) ?? acc.hostType;
    counts.used = processes.length + acc.tasks.length + (runSpan ? 1 : 0);
    const ra: Attributes = runSpan?.attributes ?? {};
    const runId = str(ra[ATTR_CICD_PIPELINE_RUN_ID]);
    const pipelineName = str(ra[ATTR_CICD_PIPELINE_NAME]);
    const source = str(ra[ATTR_PIPESPAN_RUN_SOURCE]);
    return {
      traceId,
      ...(runSpan ? { runSpanId: runSpan.spanId } : {}),
      ...(pipelineName !== undefined ? { pipelineName } : {}),
      ...(runId !== undefined ? { runId } : {}),
      ...(source !== undefined ? { source } : {}),
      startNs: t0,
      endNs: t1,
      wallS: Number(t1 - t0) / 1e9,
      m: runMeasures,
      tasks: [...tasks.values()].sort((a, b) => a.startS - b.startS || a.name.localeCompare(b.name)),
      processes,
      ...(hostType !== undefined ? { hostType } : {}),
      resource,
      host: readHost(resource),
      ...(runTimeline ? { timeline: runTimeline } : {}),
      devices,
      dataProblems,
      coverage: coverageOf(processes),
      spanCounts: counts,
    };
  }

  #pickTrace(): string {
    const wanted = this.#options.traceId;
    if (wanted !== undefined) {
      const id = wanted.toLowerCase();
      if (!this.#traces.has(id)) throw new FindingsError("ambiguous-input", `no span of trace ${wanted} in this input`);
      return id;
    }
    if (this.#traces.size === 0) throw new FindingsError("empty-run", "nothing to analyse: no spans");
    if (this.#traces.size === 1) return [...this.#traces.keys()][0] as string;
    // Several traces: the ones with task or process spans are runs; finding-only or foreign traces are not.
    const runs = [...this.#traces.entries()].filter(([, t]) => t.processes.length + t.tasks.length > 0);
    if (runs.length === 1) return (runs[0] as [string, TraceAcc])[0];
    if (runs.length === 0) throw new FindingsError("empty-run", "nothing to analyse: no task or process spans");
    const list = runs
      .slice(0, 5)
      .map(([id, t]) => `${id} (${t.processes.length + t.tasks.length} spans)`)
      .join(", ");
    throw new FindingsError(
      "ambiguous-input",
      `this input holds ${runs.length} runs (traces ${list}${runs.length > 5 ? ", …" : ""}); pick one with --trace <id>`,
    );
  }
}

/** Builds the run model of one run from its spans. Throws a FindingsError when there is nothing to analyse. */
export function buildRunModel(spans: readonly NormalizedSpan[], options: BuildRunModelOptions = {}): RunModel {
  const b = new RunModelBuilder(options);
  for (const s of spans) b.add(s);
  return b.build();
}

function bounds(acc: TraceAcc, startNs: bigint, endNs: bigint): void {
  if (acc.minStartNs === undefined || startNs < acc.minStartNs) acc.minStartNs = startNs;
  if (acc.maxEndNs === undefined || endNs > acc.maxEndNs) acc.maxEndNs = endNs;
}

/** The parent's id as the parent's own spanId string when it was read already (one string per id, not two). */
function sameString(acc: TraceAcc, id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const i = acc.bySpanId.get(id);
  return i >= 0 ? (acc.processes[i] as ProcessNode).spanId : id;
}

function seenResource(acc: TraceAcc, resource: Attributes): void {
  acc.lastResource = resource;
  acc.firstResource ??= resource;
  acc.hostType ??= str(resource[ATTR_HOST_TYPE]);
}

/** A process span as a compact record; its times are epoch seconds until `build` rebases them. */
function processNode(s: NormalizedSpan): ProcessNode {
  const a = s.attributes;
  const exitCode = a[ATTR_PROCESS_EXIT_CODE];
  // One object shape for every process (optional fields undefined, no spreads): this runs once per span.
  return {
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    pid: num(a[ATTR_PROCESS_PID]),
    // Epoch seconds (always non-integral doubles, so the fields keep one representation when rebased).
    startS: Number(s.startNs) / 1e9,
    endS: Number(s.startNs) / 1e9 + s.durationNs / 1e9,
    wallS: s.durationNs / 1e9,
    m: readMeasures(a),
    taskKey: undefined,
    hasChildren: false,
    oomKilled: a[ATTR_PIPESPAN_PROCESS_OOM_KILLED] === true,
    signalName: str(a[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME]),
    exitCode: typeof exitCode === "number" ? exitCode : undefined,
    failed: s.status.code === "error",
  };
}
