// Pieces of the run model that the builder assembles once all spans are in: tasks, process → task links,
// coverage counts.
import {
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
  ATTR_PIPESPAN_TASK_REQUESTED_MEMORY,
} from "@pipespan/semconv";
import type { Attributes } from "../otlp/model.js";
import { emptyMeasures, num } from "./measures.js";
import type { SpanIndex } from "./span-index.js";
import type { Coverage, ProcessNode, TaskNode } from "./types.js";

export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export function newTask(
  key: string,
  spanId: string | undefined,
  a: Attributes,
  startS: number,
  endS: number,
): TaskNode {
  const taskRunId = str(a[ATTR_CICD_PIPELINE_TASK_RUN_ID]);
  const attempt = num(a[ATTR_PIPESPAN_TASK_ATTEMPT]);
  const cpus = num(a[ATTR_PIPESPAN_TASK_REQUESTED_CPUS]);
  const mem = num(a[ATTR_PIPESPAN_TASK_REQUESTED_MEMORY]);
  return {
    key,
    ...(spanId !== undefined ? { spanId } : {}),
    name: str(a[ATTR_CICD_PIPELINE_TASK_NAME]) ?? "?",
    ...(taskRunId !== undefined ? { taskRunId } : {}),
    ...(attempt !== undefined ? { attempt } : {}),
    startS,
    endS: Math.max(startS, endS),
    wallS: Math.max(0, endS - startS),
    m: emptyMeasures(),
    measuresFrom: "span",
    ...(cpus !== undefined && cpus > 0 ? { requestedCpus: cpus } : {}),
    ...(mem !== undefined && mem > 0 ? { requestedMemoryBytes: mem } : {}),
    processes: [],
    failed: false,
  };
}

export const nameRunKey = (name: string, runId: string | undefined) => `${name}\u0000${runId ?? ""}`;

/**
 * The task a process belongs to through its parent chain (memoized per process index in `resolved`; iterative, so
 * deep chains are fine).
 */
export function taskKeyOf(
  p: ProcessNode,
  processes: readonly ProcessNode[],
  bySpanId: SpanIndex,
  tasks: Map<string, TaskNode>,
  resolved: (string | null | undefined)[],
): string | null {
  const chain: number[] = [];
  let found: string | null = null;
  let cur: string | undefined = p.parentSpanId;
  // A parent chain longer than the number of processes has a cycle (bad input): stop there.
  let steps = 0;
  while (cur !== undefined && steps++ <= bySpanId.size) {
    const parent = bySpanId.get(cur);
    const memo = parent >= 0 ? resolved[parent] : undefined;
    if (memo !== undefined) {
      found = memo;
      break;
    }
    if (tasks.has(cur)) {
      found = cur;
      break;
    }
    if (parent < 0) break; // the run span or an unknown span
    chain.push(parent);
    cur = (processes[parent] as ProcessNode).parentSpanId;
  }
  for (const i of chain) resolved[i] = found;
  return found;
}

/** A task known only from its processes' cicd.pipeline.task.* attributes (its span is missing or elsewhere). */
export function synthesizedTask(
  p: ProcessNode,
  name: string,
  runId: string | undefined,
  tasks: Map<string, TaskNode>,
  taskByNameRun: Map<string, TaskNode>,
): string {
  const known = taskByNameRun.get(nameRunKey(name, runId));
  if (known) {
    known.startS = Math.min(known.startS, p.startS);
    known.endS = Math.max(known.endS, p.endS);
    known.wallS = known.endS - known.startS;
    return known.key;
  }
  const attrs: Attributes = { [ATTR_CICD_PIPELINE_TASK_NAME]: name };
  if (runId !== undefined) attrs[ATTR_CICD_PIPELINE_TASK_RUN_ID] = runId;
  const t = newTask(`${name}#${runId ?? ""}`, undefined, attrs, p.startS, p.endS);
  t.measuresFrom = "processes";
  tasks.set(t.key, t);
  taskByNameRun.set(nameRunKey(name, runId), t);
  return t.key;
}

export function coverageOf(processes: ProcessNode[]): Coverage {
  const c: Coverage = {
    cpu: 0,
    ioWait: 0,
    blocked: 0,
    sleep: 0,
    runqueue: 0,
    block: 0,
    disk: 0,
    network: 0,
    peakRss: 0,
    majorFaults: 0,
    processes: processes.length,
  };
  for (const { m } of processes) {
    if (m.cpuS !== undefined) c.cpu++;
    if (m.ioWaitS !== undefined) c.ioWait++;
    if (m.blockedS !== undefined) c.blocked++;
    if (m.sleepS !== undefined) c.sleep++;
    if (m.runqueueS !== undefined) c.runqueue++;
    if (m.blockReadBytes !== undefined || m.blockWriteBytes !== undefined) c.block++;
    if (m.diskReadBytes !== undefined || m.diskWriteBytes !== undefined) c.disk++;
    if (m.netTxBytes !== undefined || m.netRxBytes !== undefined) c.network++;
    if (m.peakRssBytes !== undefined) c.peakRss++;
    if (m.majorFaults !== undefined) c.majorFaults++;
  }
  return c;
}
