// What the Snakemake logger plugin told, per Snakemake process: its workflow and its jobs, in the order they
// were announced and the order they ended. Bounded: a workflow keeps at most MAX_JOBS job runs, the store at most
// MAX_WORKFLOWS workflows (the oldest closed ones are forgotten first).
import type { SnakemakeEvent } from "./events.js";

export type JobOutcome = "finished" | "failed";

export interface SnakemakeJob {
  readonly jobid: number;
  /** 1 for the first run of a job id, then 2, 3 … for Snakemake's retries (--retries). */
  readonly attempt: number;
  readonly rule: string;
  readonly wildcards: Readonly<Record<string, string>>;
  readonly threads?: number;
  readonly resources: Readonly<Record<string, string | number | boolean | null>>;
  readonly shellcmd?: string;
  /** The shell command normalized for matching (whitespace collapsed). */
  readonly normCmd?: string;
  /** When it was announced (epoch ns, from the logging time). */
  readonly infoNs: number;
  /** Position among the workflow's announcements. */
  readonly seq: number;
  outcome?: JobOutcome;
  endNs?: number;
  /** Position among the workflow's job ends. */
  endSeq?: number;
}

export interface SnakemakeWorkflow {
  readonly pid: number;
  startTicks?: number;
  workflowId?: string;
  basedir?: string;
  snakefile?: string;
  cwd?: string;
  totalJobs?: number;
  /** The latest logging time of any event received (epoch ns): every event logged before it has arrived. */
  lastEventNs: number;
  /** The plugin said goodbye: no event is still in flight. */
  closed: boolean;
  readonly jobs: SnakemakeJob[];
  /** The latest run of each job id. */
  readonly latest: Map<number, SnakemakeJob>;
  /** Job runs by their normalized command, in announcement order. */
  readonly byCommand: Map<string, SnakemakeJob[]>;
  endSeq: number;
  errors: number;
}

const MAX_JOBS = 200_000;
const MAX_WORKFLOWS = 256;

/** Whitespace collapsed, so a command compares the same however it was wrapped or indented. */
export function normalizeCommand(cmd: string): string {
  return cmd.replace(/\s+/g, " ").trim();
}

function textMap(m: Readonly<Record<string, string | number | boolean | null>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (v !== null) out[k] = String(v);
  return out;
}

export class SnakemakeStore {
  readonly #workflows = new Map<string, SnakemakeWorkflow>();
  readonly #listeners: ((wf: SnakemakeWorkflow, e: SnakemakeEvent) => void)[] = [];
  #events = 0;

  get events(): number {
    return this.#events;
  }

  /** Called after every applied event (the recorder then settles what waited for it). */
  onChange(listener: (wf: SnakemakeWorkflow, e: SnakemakeEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** The workflow run by the Snakemake process with this pid (and start time, when both sides know it). */
  workflowOf(pid: number, startTicks?: number): SnakemakeWorkflow | undefined {
    const wf = this.#workflows.get(String(pid));
    if (!wf) return undefined;
    if (startTicks !== undefined && wf.startTicks !== undefined && Math.abs(wf.startTicks - startTicks) > 1)
      return undefined;
    return wf;
  }

  workflows(): SnakemakeWorkflow[] {
    return [...this.#workflows.values()];
  }

  apply(e: SnakemakeEvent): void {
    this.#events++;
    const wf = this.#workflow(e);
    const ns = Math.round(e.time * 1e9);
    wf.lastEventNs = Math.max(wf.lastEventNs, ns);
    if (e.workflow_id !== undefined) wf.workflowId = e.workflow_id;
    switch (e.event) {
      case "plugin_started":
        if (e.cwd !== undefined) wf.cwd = e.cwd;
        break;
      case "workflow_started":
        if (e.snakefile !== undefined) wf.snakefile = e.snakefile;
        if (e.basedir !== undefined) wf.basedir = e.basedir;
        if (e.cwd !== undefined) wf.cwd = e.cwd;
        break;
      case "run_info":
        if (e.total_jobs !== undefined && e.total_jobs !== null) wf.totalJobs = e.total_jobs;
        break;
      case "job_info": {
        if (wf.jobs.length >= MAX_JOBS) break;
        const earlier = wf.latest.get(e.jobid);
        const job: SnakemakeJob = {
          jobid: e.jobid,
          attempt: earlier ? earlier.attempt + 1 : 1,
          rule: e.rule_name,
          wildcards: textMap(e.wildcards),
          ...(e.threads !== undefined && e.threads !== null ? { threads: e.threads } : {}),
          resources: e.resources,
          ...(e.shellcmd !== undefined ? { shellcmd: e.shellcmd, normCmd: normalizeCommand(e.shellcmd) } : {}),
          infoNs: ns,
          seq: wf.jobs.length,
        };
        wf.jobs.push(job);
        wf.latest.set(e.jobid, job);
        if (job.normCmd !== undefined) {
          const same = wf.byCommand.get(job.normCmd);
          if (same) same.push(job);
          else wf.byCommand.set(job.normCmd, [job]);
        }
        break;
      }
      case "job_finished":
      case "job_error": {
        const job = wf.latest.get(e.jobid);
        if (job && job.outcome === undefined) {
          job.outcome = e.event === "job_finished" ? "finished" : "failed";
          job.endNs = ns;
          job.endSeq = wf.endSeq++;
        }
        if (e.event === "job_error") wf.errors++;
        break;
      }
      case "plugin_closed":
        wf.closed = true;
        break;
      default:
        break;
    }
    for (const l of this.#listeners) l(wf, e);
  }

  #workflow(e: SnakemakeEvent): SnakemakeWorkflow {
    const key = String(e.pid);
    const known = this.#workflows.get(key);
    const startTicks = e.start_ticks ?? undefined;
    // The same pid with another start time is another process (pid reuse): start afresh.
    if (known && !(known.startTicks !== undefined && startTicks !== undefined && known.startTicks !== startTicks))
      return known;
    if (this.#workflows.size >= MAX_WORKFLOWS) {
      const victim = [...this.#workflows].find(([, w]) => w.closed)?.[0] ?? this.#workflows.keys().next().value;
      if (victim !== undefined) this.#workflows.delete(victim);
    }
    const wf: SnakemakeWorkflow = {
      pid: e.pid,
      ...(startTicks !== undefined ? { startTicks } : {}),
      lastEventNs: 0,
      closed: false,
      jobs: [],
      latest: new Map(),
      byCommand: new Map(),
      endSeq: 0,
      errors: 0,
    };
    this.#workflows.set(key, wf);
    return wf;
  }
}
