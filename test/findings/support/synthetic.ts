// Synthetic pipeline runs as OTLP/JSON, shaped like what `pipespan run` writes (run span → task spans → process
// spans with the conventions' measurement attributes), for rule tests, the founding story and the benchmark.
// Imports use explicit .ts paths so `node bench/analyze.ts` can load this file directly (type stripping).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_HOST_TYPE,
  ATTR_PIPESPAN_MEMORY_PEAK_RSS,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PARENT_PID,
  ATTR_PROCESS_PID,
  ATTR_SERVICE_NAME,
  CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
} from "@pipespan/semconv";

/** Attributes that aggregate by maximum (everything else numeric is summed). */
const PEAK_KEYS: readonly string[] = [ATTR_PIPESPAN_MEMORY_PEAK_RSS];

export type AttrValue = string | number | boolean | number[];

export interface SynthProcess {
  name: string;
  /** Seconds from the run's start. */
  start: number;
  end: number;
  attrs?: Record<string, AttrValue>;
  children?: SynthProcess[];
  /** Status error (failed or killed). */
  failed?: boolean;
}

export interface SynthTask {
  name: string;
  taskRunId?: string;
  start: number;
  end: number;
  /** Task span attributes (e.g. requested cpus); measurement sums are added from the processes unless noTotals. */
  attrs?: Record<string, AttrValue>;
  /** Leave the task span without sums (as SDK / `pipespan task` task spans are). */
  noTotals?: boolean;
  processes: SynthProcess[];
}

export interface SynthRun {
  pipelineName: string;
  runId: string;
  source: "ebpf" | "procfs";
  /** Run start, ns since the epoch. */
  startNs: bigint;
  wallS: number;
  hostType?: string;
  tasks: SynthTask[];
  /** Processes of the run itself (the root command), outside any task. */
  rootProcesses?: SynthProcess[];
  /** Spans per OTLP/JSON line (export batch). */
  batch?: number;
  /** Extra attributes of the run span (a timeline, …). */
  runAttrs?: Record<string, AttrValue>;
  /** Events of the run span (pipespan.device.io, …), timestamped at the run's start. */
  runEvents?: { name: string; attrs: Record<string, AttrValue> }[];
  /** Extra resource attributes (the measured host's size, …). */
  resource?: Record<string, AttrValue>;
}

export interface SynthOutput {
  traceId: string;
  runSpanId: string;
  /** OTLP/JSON lines (ExportTraceServiceRequest each), newline-terminated. */
  text: string;
  spans: number;
}

let idCounter = 0;
const hex = (n: number, digits: number) => n.toString(16).padStart(digits, "0");

/** Sums the measurement attributes of processes (peak RSS: the maximum), as the agent does for task spans. */
export function sumAttrs(list: Record<string, AttrValue>[], peakKeys = PEAK_KEYS): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of list) {
    for (const [k, v] of Object.entries(a)) {
      if (typeof v !== "number") continue;
      out[k] = peakKeys.includes(k) ? Math.max(out[k] ?? 0, v) : (out[k] ?? 0) + v;
    }
  }
  return out;
}

const kv = (attrs: Record<string, AttrValue | undefined>) =>
  Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => ({
      key,
      value:
        typeof v === "string"
          ? { stringValue: v }
          : typeof v === "boolean"
            ? { boolValue: v }
            : Array.isArray(v)
              ? { arrayValue: { values: v.map((x) => ({ doubleValue: x })) } }
              : Number.isInteger(v)
                ? { intValue: v }
                : { doubleValue: v },
    }));

/** Renders a synthetic run as OTLP/JSON lines. */
export function renderRun(run: SynthRun): SynthOutput {
  idCounter++;
  const traceId = hex(0xabc000 + idCounter, 32);
  let spanCounter = 0;
  const nextSpanId = () => hex(++spanCounter + idCounter * 0x1000000, 16);
  const ns = (s: number) => String(run.startNs + BigInt(Math.round(s * 1e9)));
  const spans: unknown[] = [];
  const runSpanId = nextSpanId();
  let pid = 1000;
  const allProcAttrs: Record<string, AttrValue>[] = [];

  const addProcess = (p: SynthProcess, parentSpanId: string, parentPid: number, task?: SynthTask) => {
    const spanId = nextSpanId();
    const myPid = ++pid;
    const attrs = p.attrs ?? {};
    allProcAttrs.push(attrs);
    spans.push({
      traceId,
      spanId,
      parentSpanId,
      name: p.name,
      kind: 1,
      startTimeUnixNano: ns(p.start),
      endTimeUnixNano: ns(p.end),
      attributes: kv({
        [ATTR_PROCESS_PID]: myPid,
        [ATTR_PROCESS_PARENT_PID]: parentPid,
        [ATTR_PROCESS_EXECUTABLE_NAME]: p.name,
        ...(task
          ? { [ATTR_CICD_PIPELINE_TASK_NAME]: task.name, [ATTR_CICD_PIPELINE_TASK_RUN_ID]: task.taskRunId }
          : {}),
        ...attrs,
      }),
      status: { code: p.failed ? 2 : 0 },
    });
    const collected: Record<string, AttrValue>[] = [attrs];
    for (const c of p.children ?? []) collected.push(...addProcess(c, spanId, myPid, task));
    return collected;
  };

  for (const t of run.tasks) {
    const spanId = nextSpanId();
    const index = spans.length;
    spans.push(undefined); // placeholder: the task's sums are known after its processes
    const procAttrs: Record<string, AttrValue>[] = [];
    for (const p of t.processes) procAttrs.push(...addProcess(p, spanId, 1000, t));
    spans[index] = {
      traceId,
      spanId,
      parentSpanId: runSpanId,
      name: t.name,
      kind: 1,
      startTimeUnixNano: ns(t.start),
      endTimeUnixNano: ns(t.end),
      attributes: kv({
        [ATTR_CICD_PIPELINE_TASK_NAME]: t.name,
        [ATTR_CICD_PIPELINE_TASK_RUN_ID]: t.taskRunId ?? `${t.name}-1`,
        [ATTR_CICD_PIPELINE_RUN_ID]: run.runId,
        ...(t.noTotals ? {} : sumAttrs(procAttrs)),
        ...t.attrs,
      }),
      status: { code: 0 },
    };
  }
  for (const p of run.rootProcesses ?? []) addProcess(p, runSpanId, 1);
  spans.push({
    traceId,
    spanId: runSpanId,
    name: `RUN ${run.pipelineName}`,
    kind: 2,
    startTimeUnixNano: ns(0),
    endTimeUnixNano: ns(run.wallS),
    attributes: kv({
      [ATTR_CICD_PIPELINE_NAME]: run.pipelineName,
      [ATTR_CICD_PIPELINE_RUN_ID]: run.runId,
      [ATTR_CICD_PIPELINE_ACTION_NAME]: CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
      [ATTR_CICD_PIPELINE_RESULT]: CICD_PIPELINE_RESULT_VALUE_SUCCESS,
      [ATTR_PIPESPAN_RUN_SOURCE]: run.source,
      ...sumAttrs(allProcAttrs),
      ...run.runAttrs,
    }),
    events: (run.runEvents ?? []).map((e) => ({ timeUnixNano: ns(0), name: e.name, attributes: kv(e.attrs) })),
    status: { code: 0 },
  });
  const resource = {
    attributes: kv({
      [ATTR_SERVICE_NAME]: "pipespan",
      ...(run.hostType ? { [ATTR_HOST_TYPE]: run.hostType } : {}),
      ...run.resource,
    }),
  };
  const batch = run.batch ?? 512;
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += batch) {
    lines.push(
      JSON.stringify({
        resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "pipespan" }, spans: spans.slice(i, i + batch) }] }],
      }),
    );
  }
  return { traceId, runSpanId, text: `${lines.join("\n")}\n`, spans: spans.length };
}

/** Writes a run folder like `pipespan run` does: traces.jsonl and run.json. Returns the folder. */
export function writeRunFolder(dir: string, run: SynthRun): SynthOutput & { dir: string } {
  const out = renderRun(run);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "traces.jsonl"), out.text);
  writeFileSync(
    join(dir, "run.json"),
    `${JSON.stringify(
      {
        runId: run.runId,
        pipelineName: run.pipelineName,
        traceId: out.traceId,
        runSpanId: out.runSpanId,
        source: run.source,
        startTimeUnixNano: String(run.startNs),
        endTimeUnixNano: String(run.startNs + BigInt(Math.round(run.wallS * 1e9))),
        exitCode: 0,
        result: CICD_PIPELINE_RESULT_VALUE_SUCCESS,
      },
      null,
      2,
    )}\n`,
  );
  return { ...out, dir };
}
