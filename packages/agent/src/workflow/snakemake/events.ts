// The events the pipespan logger plugin for Snakemake sends (integrations/snakemake), one JSON object each:
// schema `pipespan.snakemake/1`, the Snakemake process's pid and start time, the workflow id once known, the
// event, the time it was logged (epoch seconds), and the event's own fields. Everything is checked and bounded
// here: the agent trusts nothing that comes over a socket or out of a file.
import { z } from "zod";

export const SNAKEMAKE_SCHEMA = "pipespan.snakemake/1";

export const SNAKEMAKE_EVENTS = [
  "plugin_started",
  "workflow_started",
  "run_info",
  "job_info",
  "job_started",
  "job_finished",
  "job_error",
  "progress",
  "error",
  "plugin_closed",
] as const;
export type SnakemakeEventName = (typeof SNAKEMAKE_EVENTS)[number];

const MAX_STR = 4096;
const MAX_CMD = 64 * 1024;
const nullableStr = (max = MAX_STR) =>
  z
    .string()
    .max(max)
    .nullish()
    .catch(undefined)
    .transform((v) => v ?? undefined);
const scalar = z.union([z.string().max(MAX_STR), z.number().finite(), z.boolean(), z.null()]);
const scalarMap = z
  .record(z.string().max(256), scalar)
  .refine((m) => Object.keys(m).length <= 64, "too many keys")
  .catch({});
const strList = z.array(z.string().max(MAX_STR)).max(100).catch([]);
const jobId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const envelope = z.object({
  schema: z.literal(SNAKEMAKE_SCHEMA, {
    error: (i) =>
      i.input === undefined
        ? "`schema` is missing"
        : `unsupported \`schema\` ${JSON.stringify(i.input).slice(0, 64)} (expected ${SNAKEMAKE_SCHEMA})`,
  }),
  pid: z.number({ error: "`pid` must be a process id" }).int().min(1).max(4_194_304),
  start_ticks: z.number().int().min(0).nullish().catch(undefined),
  workflow_id: nullableStr(256),
  event: z.enum(SNAKEMAKE_EVENTS, {
    error: (i) =>
      i.input === undefined
        ? "`event` is missing"
        : `\`event\` must be one of ${SNAKEMAKE_EVENTS.join(", ")}, got ${JSON.stringify(i.input).slice(0, 64)}`,
  }),
  time: z.number({ error: "`time` must be epoch seconds" }).finite().min(0).max(1e11),
});

const bodies = {
  plugin_started: z.object({ argv: strList, cwd: nullableStr() }),
  workflow_started: z.object({ snakefile: nullableStr(), basedir: nullableStr(), cwd: nullableStr() }),
  run_info: z.object({ total_jobs: z.number().int().min(0).nullish().catch(undefined) }),
  job_info: z.object({
    jobid: jobId,
    rule_name: z.string({ error: "`rule_name` must be a string" }).min(1).max(1024),
    wildcards: scalarMap,
    threads: z.number().int().min(0).max(1_000_000).nullish().catch(undefined),
    resources: scalarMap,
    shellcmd: nullableStr(MAX_CMD),
    input: strList,
    output: strList,
    log: strList,
    local: z.boolean().optional().catch(undefined),
  }),
  job_started: z.object({ jobs: z.array(jobId).max(10_000) }),
  job_finished: z.object({ jobid: jobId }),
  job_error: z.object({ jobid: jobId, rule_name: nullableStr(1024) }),
  progress: z.object({
    done: z.number().int().min(0).nullish().catch(undefined),
    total: z.number().int().min(0).nullish().catch(undefined),
  }),
  error: z.object({}),
  plugin_closed: z.object({ undelivered: z.number().int().min(0).nullish().catch(undefined) }),
} as const;

type Envelope = z.infer<typeof envelope>;
type Bodies = { [K in SnakemakeEventName]: z.infer<(typeof bodies)[K]> };
export type SnakemakeEvent = { [K in SnakemakeEventName]: Envelope & { event: K } & Bodies[K] }[SnakemakeEventName];

export type SnakemakeParse = { ok: true; event: SnakemakeEvent } | { ok: false; reason: string };

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0];
  if (!i) return "not a pipespan Snakemake event";
  const path = i.path.length > 0 ? `${i.path.join(".")}: ` : "";
  return `${path}${i.message}`;
}

/** Validates one decoded event; the reason of a refusal is one line, for a 4xx answer or a warning. */
export function parseSnakemakeEvent(body: unknown): SnakemakeParse {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { ok: false, reason: "a Snakemake event is a JSON object" };
  const env = envelope.safeParse(body);
  if (!env.success) return { ok: false, reason: firstIssue(env.error) };
  const rest = bodies[env.data.event].safeParse(body);
  if (!rest.success) return { ok: false, reason: `${env.data.event}: ${firstIssue(rest.error)}` };
  return { ok: true, event: { ...env.data, ...rest.data } as SnakemakeEvent };
}
