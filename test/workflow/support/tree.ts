// Helpers over a run's spans: the run span, the task spans, and which task each process span hangs under.
import type { NormalizedSpan } from "@pipespan/findings";
import { ATTR_CICD_PIPELINE_TASK_RUN_ID, ATTR_PROCESS_PID } from "@pipespan/semconv";

export interface Tree {
  readonly spans: readonly NormalizedSpan[];
  readonly roots: NormalizedSpan[];
  readonly tasks: NormalizedSpan[];
  readonly processes: NormalizedSpan[];
  children(s: NormalizedSpan): NormalizedSpan[];
  /** The task span a process span hangs under (through its parent processes), if any. */
  taskOf(p: NormalizedSpan): NormalizedSpan | undefined;
  /** Every process span under a task. */
  processesOf(task: NormalizedSpan): NormalizedSpan[];
  parent(s: NormalizedSpan): NormalizedSpan | undefined;
}

export function tree(spans: readonly NormalizedSpan[]): Tree {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const kids = new Map<string, NormalizedSpan[]>();
  for (const s of spans) {
    if (!s.parentSpanId) continue;
    const list = kids.get(s.parentSpanId);
    if (list) list.push(s);
    else kids.set(s.parentSpanId, [s]);
  }
  const isProcess = (s: NormalizedSpan) => s.attributes[ATTR_PROCESS_PID] !== undefined;
  const isTask = (s: NormalizedSpan) => !isProcess(s) && s.attributes[ATTR_CICD_PIPELINE_TASK_RUN_ID] !== undefined;
  const parent = (s: NormalizedSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
  const taskOf = (p: NormalizedSpan): NormalizedSpan | undefined => {
    for (let s = parent(p), n = 0; s && n < 10_000; s = parent(s), n++) if (isTask(s)) return s;
    return undefined;
  };
  return {
    spans,
    roots: spans.filter((s) => !s.parentSpanId || !byId.has(s.parentSpanId)),
    tasks: spans.filter(isTask),
    processes: spans.filter(isProcess),
    children: (s) => kids.get(s.spanId) ?? [],
    taskOf,
    processesOf: (task) => spans.filter((s) => isProcess(s) && taskOf(s) === task),
    parent,
  };
}
