// Rebuilding a run whose writer was killed (SIGKILL, the OOM killer, a crash). What is on disk: run.json with
// status "running" (the run span's identity, the writer, the last heartbeat with the tasks running then), the
// process spans that had ended (traces.jsonl, at most half a second behind), and journal.jsonl (task spans, and
// spans still open at a heartbeat). From these the missing run span and task spans — and the spans left open —
// are made again with their original ids, ending when the writer was last seen alive, marked
// pipespan.run.incomplete, and written to traces-recovered.jsonl; run.json becomes status "incomplete" with
// writerKilledAt. Every complete line is read; a half-written last line is left out.
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Attributes, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { type IdGenerator, RandomIdGenerator } from "@opentelemetry/sdk-trace";
import {
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_PIPESPAN_RUN_COMMAND,
  ATTR_PIPESPAN_RUN_INCOMPLETE,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PIPESPAN_RUN_TASK_COUNT,
  ATTR_PIPESPAN_TASK_PROCESS_COUNT,
  ATTR_PROCESS_PID,
  CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
  CICD_PIPELINE_RESULT_VALUE_ERROR,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_ERROR,
  FINDINGS_TRACES_FILE,
  hrTimeFromNs,
  JOURNAL_FILE,
  RECOVERED_TRACES_FILE,
  RUN_JSON_FILE,
  TRACE_FILES_PATTERN,
} from "@pipespan/semconv";
import { attributesOf } from "../export/otlp-json-decode.js";
import { createSpanWriter } from "../export/span-writer.js";
import { RunStateFile, writerAlive } from "./run-state.js";
import type { JournalEntry } from "./span-journal.js";

export type RecoverOutcome =
  /** No run.json, or not a run's (an agent's folder). */
  | { readonly state: "not-a-run" }
  | { readonly state: "complete" }
  /** The writer is alive: the run is still going. */
  | { readonly state: "running"; readonly pid?: number; readonly heartbeatNs?: number }
  /** Rebuilt earlier (now or by another reader). */
  | { readonly state: "incomplete"; readonly killedAtNs?: number }
  | {
      readonly state: "recovered";
      readonly killedAtNs: number;
      readonly rebuilt: { readonly run: boolean; readonly tasks: number; readonly open: number };
    };

interface RunJsonLike {
  status?: unknown;
  kind?: unknown;
  runId?: unknown;
  pipelineName?: unknown;
  traceId?: unknown;
  runSpanId?: unknown;
  source?: unknown;
  command?: unknown;
  startTimeUnixNano?: unknown;
  heartbeatUnixNano?: unknown;
  writerKilledAtUnixNano?: unknown;
  writer?: { pid?: unknown; startTicks?: unknown; bootId?: unknown; host?: unknown };
  runningTasks?: unknown;
  processes?: unknown;
}

/** What the trace files hold, summed up for the rebuild (only ids, parents, task names and time bounds). */
interface OnDisk {
  spanIds: Set<string>;
  /** Referenced parent ids → the latest end among their children, and the task named by those children. */
  parents: Map<string, { endNs: bigint; task?: { name: string; runId?: string }; processes: number }>;
  maxEndNs: bigint;
  resource?: Attributes;
  /** Task names (and run ids) that have a span on disk, or ended processes. */
  taskNamesWithSpans: Set<string>;
}

/** Rebuilds the run in `dir` when its writer was killed; otherwise says what state it is in. Never throws for a
 * folder it cannot make sense of: that is "not-a-run". */
export async function recoverRun(dir: string): Promise<RecoverOutcome> {
  const runJsonPath = join(dir, RUN_JSON_FILE);
  let rj: RunJsonLike;
  try {
    rj = JSON.parse(readFileSync(runJsonPath, "utf8")) as RunJsonLike;
    if (typeof rj !== "object" || rj === null) return { state: "not-a-run" };
  } catch {
    return { state: "not-a-run" };
  }
  if (rj.kind === "agent") {
    // An agent's folder has no run span to rebuild; only whether its agent still writes it matters.
    const w = rj.writer ?? {};
    const alive =
      rj.status === "running" &&
      writerAlive(
        {
          ...(typeof w.pid === "number" ? { pid: w.pid } : {}),
          ...(typeof w.startTicks === "number" ? { startTicks: w.startTicks } : {}),
          ...(typeof w.bootId === "string" ? { bootId: w.bootId } : {}),
          ...(typeof w.host === "string" ? { host: w.host } : {}),
        },
        nsOf(rj.heartbeatUnixNano),
      );
    return alive ? { state: "running", ...(typeof w.pid === "number" ? { pid: w.pid } : {}) } : { state: "not-a-run" };
  }
  const traceId = hexOr(rj.traceId, 32);
  const runSpanId = hexOr(rj.runSpanId, 16);
  // run.json from before status existed (or a finished run) needs nothing.
  if (rj.status === undefined || rj.status === "complete") return { state: "complete" };
  if (rj.status === "incomplete") {
    const k = nsOf(rj.writerKilledAtUnixNano);
    return { state: "incomplete", ...(k !== undefined ? { killedAtNs: k } : {}) };
  }
  if (rj.status !== "running" || traceId === undefined || runSpanId === undefined) return { state: "not-a-run" };
  const heartbeatNs = nsOf(rj.heartbeatUnixNano);
  const w = rj.writer ?? {};
  const writer = {
    ...(typeof w.pid === "number" ? { pid: w.pid } : {}),
    ...(typeof w.startTicks === "number" ? { startTicks: w.startTicks } : {}),
    ...(typeof w.bootId === "string" ? { bootId: w.bootId } : {}),
    ...(typeof w.host === "string" ? { host: w.host } : {}),
  };
  if (writerAlive(writer, heartbeatNs)) {
    return {
      state: "running",
      ...(writer.pid !== undefined ? { pid: writer.pid } : {}),
      ...(heartbeatNs !== undefined ? { heartbeatNs } : {}),
    };
  }
  // One reader rebuilds: creating the output file exclusively is the lock.
  const outPath = join(dir, RECOVERED_TRACES_FILE);
  let lock: number;
  try {
    lock = openSync(outPath, "wx");
  } catch {
    return { state: "incomplete" };
  }
  closeSync(lock);

  const disk = scanTraces(dir);
  const journal = readJournal(dir).filter((e) => e.traceId === traceId);
  const startNs = nsOf(rj.startTimeUnixNano) ?? Number(disk.maxEndNs);
  const killedAtNs = Math.max(heartbeatNs ?? 0, Number(disk.maxEndNs), startNs);
  const killedAt = BigInt(Math.round(killedAtNs));
  const pipelineName = typeof rj.pipelineName === "string" ? rj.pipelineName : "pipeline";
  const runId = typeof rj.runId === "string" ? rj.runId : "";

  // The rebuilt spans, with their original ids where they had one.
  let nextId: string | undefined;
  const random = new RandomIdGenerator();
  const ids: IdGenerator = {
    generateTraceId: () => traceId,
    generateSpanId: () => nextId ?? random.generateSpanId(),
  };
  const spans = createSpanWriter({
    what: "rebuilt spans",
    resource: resourceFromAttributes(disk.resource ?? {}),
    idGenerator: ids,
    file: { dir, fileName: RECOVERED_TRACES_FILE },
  });
  const provider = spans.provider;
  const tracer = provider.getTracer("pipespan");
  const ctxOf = (spanId: string) =>
    trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false });
  const emit = (
    spanId: string | undefined,
    parent: string | undefined,
    name: string,
    kind: SpanKind,
    start: bigint,
    end: bigint,
    attributes: Attributes,
    error: string | undefined,
  ): string => {
    nextId = spanId;
    const span = tracer.startSpan(
      name,
      { kind, startTime: hrTimeFromNs(start), attributes, ...(parent === undefined ? { root: true } : {}) },
      parent === undefined ? ROOT_CONTEXT : ctxOf(parent),
    );
    nextId = undefined;
    if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.end(hrTimeFromNs(end > start ? end : start));
    return span.spanContext().spanId;
  };

  const killedWords = `pipespan${writer.pid !== undefined ? ` (pid ${writer.pid})` : ""} was killed at ${new Date(
    killedAtNs / 1e6,
  ).toISOString()}`;
  let tasks = 0;
  let open = 0;
  // Task spans journaled at their start, missing from the files.
  const lastRunning = new Set(
    (Array.isArray(rj.runningTasks) ? rj.runningTasks : [])
      .map((t) => (t as { name?: unknown })?.name)
      .filter((n): n is string => typeof n === "string"),
  );
  const rebuiltIds = new Set<string>();
  for (const e of journal) {
    if (disk.spanIds.has(e.spanId) || rebuiltIds.has(e.spanId) || e.spanId === runSpanId) continue;
    rebuiltIds.add(e.spanId);
    const children = disk.parents.get(e.spanId);
    const start = BigInt(e.startTimeUnixNano);
    const stillRunning = e.kind === "open" || lastRunning.has(e.name) || children === undefined;
    const end = stillRunning ? killedAt : (children?.endNs ?? killedAt);
    const attrs: Attributes = { ...e.attributes, [ATTR_PIPESPAN_RUN_INCOMPLETE]: true };
    if (e.kind === "task") {
      // A task that had ended keeps the verdict of its processes (on disk); one cut short is an error.
      if (stillRunning) attrs[ATTR_CICD_PIPELINE_TASK_RUN_RESULT] = CICD_PIPELINE_TASK_RUN_RESULT_VALUE_ERROR;
      if (children) attrs[ATTR_PIPESPAN_TASK_PROCESS_COUNT] = children.processes;
      tasks++;
    } else open++;
    emit(
      e.spanId,
      e.parentSpanId,
      e.name,
      e.spanKind as SpanKind,
      start,
      end,
      attrs,
      stillRunning ? `still running when ${killedWords}` : undefined,
    );
    disk.taskNamesWithSpans.add(e.name);
  }
  // Tasks running at the last heartbeat whose span had not started yet (no process of theirs had ended).
  for (const t of Array.isArray(rj.runningTasks) ? rj.runningTasks : []) {
    const name = (t as { name?: unknown })?.name;
    const since = nsOf((t as { sinceUnixNano?: unknown })?.sinceUnixNano);
    if (typeof name !== "string" || disk.taskNamesWithSpans.has(name)) continue;
    disk.taskNamesWithSpans.add(name);
    emit(
      undefined,
      runSpanId,
      name,
      SpanKind.INTERNAL,
      BigInt(Math.round(since ?? startNs)),
      killedAt,
      {
        [ATTR_CICD_PIPELINE_TASK_NAME]: name,
        [ATTR_CICD_PIPELINE_TASK_RUN_ID]: `${name}-incomplete`,
        [ATTR_CICD_PIPELINE_NAME]: pipelineName,
        [ATTR_CICD_PIPELINE_RUN_ID]: runId,
        [ATTR_CICD_PIPELINE_TASK_RUN_RESULT]: CICD_PIPELINE_TASK_RUN_RESULT_VALUE_ERROR,
        [ATTR_PIPESPAN_RUN_INCOMPLETE]: true,
      },
      `still running when ${killedWords}`,
    );
    tasks++;
  }
  // The run span (its id was in run.json from the start).
  const runRebuilt = !disk.spanIds.has(runSpanId);
  if (runRebuilt) {
    emit(
      runSpanId,
      undefined,
      `${CICD_PIPELINE_ACTION_NAME_VALUE_RUN} ${pipelineName}`,
      SpanKind.SERVER,
      BigInt(Math.round(startNs)),
      killedAt,
      {
        [ATTR_CICD_PIPELINE_NAME]: pipelineName,
        [ATTR_CICD_PIPELINE_RUN_ID]: runId,
        [ATTR_CICD_PIPELINE_ACTION_NAME]: CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
        [ATTR_CICD_PIPELINE_RESULT]: CICD_PIPELINE_RESULT_VALUE_ERROR,
        [ATTR_PIPESPAN_RUN_INCOMPLETE]: true,
        [ATTR_PIPESPAN_RUN_TASK_COUNT]: disk.taskNamesWithSpans.size,
        ...(typeof rj.source === "string" ? { [ATTR_PIPESPAN_RUN_SOURCE]: rj.source } : {}),
        ...(typeof rj.command === "string" ? { [ATTR_PIPESPAN_RUN_COMMAND]: rj.command } : {}),
      },
      `incomplete: ${killedWords}; the spans cover what reached the disk`,
    );
  }
  await spans.close();
  const { status: _s, ...rest } = rj as Record<string, unknown>;
  new RunStateFile(dir, rest).update({
    status: "incomplete",
    writerKilledAtUnixNano: String(killedAt),
    writerKilledAt: new Date(killedAtNs / 1e6).toISOString(),
    endTimeUnixNano: String(killedAt),
    rebuilt: { runSpan: runRebuilt, taskSpans: tasks, openSpans: open, file: RECOVERED_TRACES_FILE },
  });
  return { state: "recovered", killedAtNs, rebuilt: { run: runRebuilt, tasks, open } };
}

function hexOr(v: unknown, len: number): string | undefined {
  return typeof v === "string" && new RegExp(`^[0-9a-f]{${len}}$`).test(v) ? v : undefined;
}

function nsOf(v: unknown): number | undefined {
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) return Number(v);
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  return undefined;
}

function bigNs(v: unknown): bigint | undefined {
  if (typeof v === "string" && /^\d{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return undefined;
}

/** Every complete line of the run's trace files (a half-written last line is left out). */
function scanTraces(dir: string): OnDisk {
  const out: OnDisk = { spanIds: new Set(), parents: new Map(), maxEndNs: 0n, taskNamesWithSpans: new Set() };
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => TRACE_FILES_PATTERN.test(n) && n !== RECOVERED_TRACES_FILE);
  } catch {
    return out;
  }
  for (const name of names.filter((n) => n !== FINDINGS_TRACES_FILE)) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), "utf8");
    } catch {
      continue;
    }
    const lines = text.split("\n");
    // The last element is what follows the last newline: a half-written line, or "".
    lines.pop();
    for (const line of lines) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        continue;
      }
      for (const rs of arrayOf((json as { resourceSpans?: unknown })?.resourceSpans)) {
        const resource = (rs as { resource?: { attributes?: unknown } })?.resource;
        if (out.resource === undefined && resource?.attributes !== undefined) {
          try {
            out.resource = attributesOf(resource.attributes, "resource attributes");
          } catch {
            /* an odd resource: the rebuilt spans go without */
          }
        }
        for (const ss of arrayOf((rs as { scopeSpans?: unknown })?.scopeSpans)) {
          for (const sp of arrayOf((ss as { spans?: unknown })?.spans)) scanSpan(sp as Record<string, unknown>, out);
        }
      }
    }
  }
  return out;
}

function scanSpan(s: Record<string, unknown>, out: OnDisk): void {
  const id = typeof s["spanId"] === "string" ? s["spanId"].toLowerCase() : undefined;
  if (!id) return;
  out.spanIds.add(id);
  const end = bigNs(s["endTimeUnixNano"]) ?? 0n;
  if (end > out.maxEndNs) out.maxEndNs = end;
  const attrs = arrayOf(s["attributes"]);
  const attr = (key: string) =>
    (attrs.find((a) => (a as { key?: unknown })?.key === key) as { value?: { stringValue?: unknown } } | undefined)
      ?.value;
  const taskName = attr(ATTR_CICD_PIPELINE_TASK_NAME)?.stringValue;
  const taskRunId = attr(ATTR_CICD_PIPELINE_TASK_RUN_ID)?.stringValue;
  const isProcess = attr(ATTR_PROCESS_PID) !== undefined;
  if (typeof taskName === "string") out.taskNamesWithSpans.add(taskName);
  const parent = typeof s["parentSpanId"] === "string" ? s["parentSpanId"].toLowerCase() : "";
  if (parent === "") return;
  const p = out.parents.get(parent) ?? { endNs: 0n, processes: 0 };
  if (end > p.endNs) p.endNs = end;
  if (isProcess) p.processes++;
  if (p.task === undefined && typeof taskName === "string") {
    p.task = { name: taskName, ...(typeof taskRunId === "string" ? { runId: taskRunId } : {}) };
  }
  out.parents.set(parent, p);
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function readJournal(dir: string): JournalEntry[] {
  const path = join(dir, JOURNAL_FILE);
  if (!existsSync(path)) return [];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  const lines = text.split("\n");
  lines.pop();
  const out: JournalEntry[] = [];
  for (const line of lines) {
    try {
      const e = JSON.parse(line) as Partial<JournalEntry>;
      if (
        (e.kind === "task" || e.kind === "open") &&
        typeof e.traceId === "string" &&
        typeof e.spanId === "string" &&
        /^[0-9a-f]{16}$/.test(e.spanId) &&
        typeof e.name === "string" &&
        typeof e.startTimeUnixNano === "string" &&
        /^\d{1,20}$/.test(e.startTimeUnixNano)
      ) {
        out.push({
          kind: e.kind,
          traceId: e.traceId,
          spanId: e.spanId,
          ...(typeof e.parentSpanId === "string" && /^[0-9a-f]{16}$/.test(e.parentSpanId)
            ? { parentSpanId: e.parentSpanId }
            : {}),
          name: e.name.slice(0, 1024),
          spanKind: typeof e.spanKind === "number" && e.spanKind >= 0 && e.spanKind <= 4 ? e.spanKind : 0,
          startTimeUnixNano: e.startTimeUnixNano,
          attributes: primitives(e.attributes),
        });
      }
    } catch {
      /* a line that is not a journal entry */
    }
  }
  return out;
}

function primitives(a: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (typeof a !== "object" || a === null) return out;
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
}
