// The JSON Nextflow's weblog (nf-weblog) POSTs, one event per request: an envelope (runName, runId, event,
// utcTime) with a `trace` (the task's raw TraceRecord) or `metadata` ({parameters, workflow}). Real payloads
// vary by version and carry much more than pipespan uses: unknown keys are ignored, a field of an unexpected
// type is dropped (never the event), and an event is refused only when it cannot be used at all.
import { z } from "zod";

export const WEBLOG_EVENTS = [
  "started",
  "process_submitted",
  "process_started",
  "process_completed",
  "error",
  "completed",
] as const;
export type WeblogEventName = (typeof WEBLOG_EVENTS)[number];

const MAX_STR = 4096;
const str = (max = MAX_STR) => z.string().max(max).optional().catch(undefined);
const num = () => z.number().finite().optional().catch(undefined);
const bool = () => z.boolean().optional().catch(undefined);
/** Ids Nextflow writes as numbers or strings (task_id is a Number subclass; native_id a pid or a job id). */
const id = () =>
  z
    .union([z.number().finite(), z.string().max(256)])
    .optional()
    .catch(undefined);

export const weblogTraceSchema = z.object({
  task_id: id(),
  hash: str(64),
  native_id: id(),
  process: str(1024),
  name: str(2048),
  tag: str(1024),
  attempt: num(),
  status: str(32),
  exit: num(),
  submit: num(),
  start: num(),
  complete: num(),
  workdir: str(),
  cpus: num(),
  memory: num(),
  time: num(),
  disk: num(),
  error_action: str(32),
  container: str(1024),
});
export type WeblogTrace = z.infer<typeof weblogTraceSchema>;

const statsSchema = z
  .object({
    succeededCount: num(),
    cachedCount: num(),
    failedCount: num(),
    ignoredCount: num(),
    retriesCount: num(),
  })
  .optional()
  .catch(undefined);

const workflowSchema = z
  .object({
    runName: str(256),
    sessionId: str(256),
    projectName: str(1024),
    resume: bool(),
    success: bool(),
    exitStatus: num(),
    workDir: str(),
    launchDir: str(),
    stats: statsSchema,
  })
  .optional()
  .catch(undefined);

export const weblogEnvelopeSchema = z.object({
  runName: str(256),
  runId: str(256),
  event: z.enum(WEBLOG_EVENTS, {
    error: (i) =>
      i.input === undefined
        ? "`event` is missing"
        : `\`event\` must be one of ${WEBLOG_EVENTS.join(", ")}, got ${JSON.stringify(i.input).slice(0, 64)}`,
  }),
  utcTime: str(64),
  trace: z.unknown().optional(),
  metadata: z.object({ workflow: workflowSchema }).optional().catch(undefined),
});

export interface WeblogEvent {
  readonly runName?: string | undefined;
  readonly runId?: string | undefined;
  readonly event: WeblogEventName;
  readonly utcTime?: string | undefined;
  readonly trace?: WeblogTrace | undefined;
  readonly workflow?: z.infer<typeof workflowSchema>;
}

export type ParseResult = { ok: true; event: WeblogEvent } | { ok: false; reason: string };

/** Validates a decoded weblog body; the reason of a refusal is one line, for a 4xx answer. */
export function parseWeblogEvent(body: unknown): ParseResult {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { ok: false, reason: "a weblog event is a JSON object" };
  const env = weblogEnvelopeSchema.safeParse(body);
  if (!env.success) return { ok: false, reason: env.error.issues[0]?.message ?? "not a weblog event" };
  const e = env.data;
  let trace: WeblogTrace | undefined;
  if (e.trace !== undefined && e.trace !== null) {
    if (typeof e.trace !== "object" || Array.isArray(e.trace))
      return { ok: false, reason: "`trace` must be an object" };
    trace = weblogTraceSchema.parse(e.trace);
  }
  if (e.event.startsWith("process_")) {
    if (!trace) return { ok: false, reason: `a ${e.event} event needs a \`trace\` object` };
    if (trace.workdir === undefined && trace.hash === undefined)
      return { ok: false, reason: `the ${e.event} trace has neither \`workdir\` nor \`hash\`: it names no task` };
  }
  return {
    ok: true,
    event: {
      runName: e.runName,
      runId: e.runId,
      event: e.event,
      utcTime: e.utcTime,
      ...(trace ? { trace } : {}),
      ...(e.metadata?.workflow ? { workflow: e.metadata.workflow } : {}),
    },
  };
}
