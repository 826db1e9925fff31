// Snakemake: a job's shell becomes the job's task. Snakemake's events (from the pipespan logger plugin) carry
// no pid, so the join is by facts both sides state:
// - the plugin runs inside the Snakemake process and sends its pid and start time: a job's shell is a child of
//   exactly that process (threads of a process share its pid);
// - Snakemake runs a local job's shell command as `<bash> -c "set -euo pipefail;  <shellcmd>"` and announces the
//   job (JOB_INFO, with `shellcmd`) before it starts it: the command names the job;
// - several jobs can run the very same command (a rule whose command does not use its wildcards). Among those,
//   a job ends (JOB_FINISHED / JOB_ERROR) after its process exits, so the ended jobs are paired with the exited
//   processes in order, a failed job with a process that failed. Such jobs are interchangeable on the host: the
//   pairing keeps one process per job and failure with failure;
// - the plugin's events pass through a queue, so one can arrive after the process it names started. Events come
//   in the order they were logged: once an event logged after a process started has arrived, every job
//   announced before it has too, and a process no announced job matches is not a job's shell. Until then the
//   process is held back (`pending`), with a deadline.
// Everything else Snakemake starts (its ILP solver `cbc`, `uname`, a helper thread's fork) is the run's overhead.
// Without the plugin, a shell Snakemake starts is still a task of its own, named after the command's first word.
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_PIPESPAN_SNAKEMAKE_JOBID,
  ATTR_PIPESPAN_SNAKEMAKE_RESOURCES,
  ATTR_PIPESPAN_SNAKEMAKE_THREADS,
  ATTR_PIPESPAN_SNAKEMAKE_WORKFLOW_ID,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
  ATTR_PIPESPAN_TASK_REQUESTED_DISK,
  ATTR_PIPESPAN_TASK_REQUESTED_MEMORY,
  ATTR_PIPESPAN_TASK_REQUESTED_TIME,
  ATTR_PIPESPAN_TASK_TAG,
  ATTR_PIPESPAN_WORKFLOW_MANAGER,
  PIPESPAN_WORKFLOW_MANAGER_VALUE_SNAKEMAKE,
} from "@pipespan/semconv";
import type { ProcessRecord } from "../table/process-record.js";
import {
  normalizeCommand,
  type SnakemakeJob,
  type SnakemakeStore,
  type SnakemakeWorkflow,
} from "../workflow/snakemake/store.js";
import { cleanName, hasOwnImage, isInherited, mainImage } from "./images.js";
import type { AttributionContext, AttributionSource, Claim } from "./source.js";
import type { TaskInfo, WorkflowTaskDetails } from "./task.js";

export interface SnakemakeSourceOptions {
  readonly store: SnakemakeStore;
  /**
   * How long after it exited a shell that matches several jobs waits for their end events before it is paired
   * in start order (ms, default 5000).
   */
  readonly pairingDeadlineMs?: number;
}

const SHELLS = new Set(["bash", "sh", "dash", "zsh", "ksh", "mksh", "ash"]);
/** Snakemake's default prefix for a bash job command. */
const BASH_PREFIX = /^set -euo pipefail;\s*/;
/** Long commands go through a script file: `<bash> <workdir>/.snakemake/shell_tmp.XXXX/script.sh`. */
const SCRIPT_RE = /\/\.snakemake\/shell_tmp\.[^/]+\/script\.sh$/;
/** Clock skew allowed between the plugin's logging time and the kernel's times. */
const SKEW_NS = 5e6;

/** A process that is Snakemake itself: `python …/bin/snakemake …`, `snakemake …` or `python -m snakemake …`. */
export function isSnakemakeProcess(argv: readonly string[]): boolean {
  // Asked of every process's parent: the substring first, the path only when it may be a match.
  for (let i = 0; i < 2 && i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.includes("snakemake") && basename(a) === "snakemake") return true;
  }
  const m = argv.indexOf("-m");
  return m >= 0 && m < 4 && argv[m + 1] === "snakemake";
}

/** The command a shell process runs: `<shell> [opts] -c <cmd>`, or the script of a long Snakemake command. */
export function shellCommand(argv: readonly string[]): string | undefined {
  const sh = argv[0];
  if (sh === undefined || !SHELLS.has(basename(sh))) return undefined;
  const c = argv.indexOf("-c", 1);
  if (c > 0 && c < 8 && argv[c + 1] !== undefined) return argv[c + 1];
  const script = argv[1];
  if (argv.length === 2 && script !== undefined && SCRIPT_RE.test(script)) return readScript(script);
  return undefined;
}

function readScript(path: string): string | undefined {
  try {
    if (statSync(path).size > 1024 * 1024) return undefined;
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The job's command as the shell got it, without Snakemake's prefix; a cut argument keeps its marker. */
function commandKey(cmd: string): { key: string; cut: boolean } {
  const norm = normalizeCommand(cmd).replace(BASH_PREFIX, "");
  if (norm.endsWith("…")) return { key: norm.slice(0, -1).trimEnd(), cut: true };
  return { key: norm, cut: false };
}

/** How well a shell's command matches a job's: exact, the job's command inside a wrapper (conda, a prefix), or a cut argument's start. */
function matches(arg: { key: string; cut: boolean }, job: SnakemakeJob): boolean {
  const j = job.normCmd;
  if (j === undefined || j.length === 0) return false;
  if (arg.cut) return j.startsWith(arg.key) || arg.key.includes(j);
  return arg.key === j || arg.key.includes(j);
}

function wildcardsText(w: Readonly<Record<string, string>>): string | undefined {
  const parts = Object.entries(w).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

function num(v: string | number | boolean | null | undefined): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** One run of a Snakemake job. */
class SnakemakeTask implements TaskInfo, WorkflowTaskDetails {
  readonly attribution = "snakemake" as const;
  readonly name: string;
  readonly spanName: string;
  readonly runId: string;
  readonly attempt: number;
  readonly workDir?: string;
  readonly #job: SnakemakeJob;
  readonly #wf: SnakemakeWorkflow;

  constructor(job: SnakemakeJob, wf: SnakemakeWorkflow) {
    this.#job = job;
    this.#wf = wf;
    this.name = cleanName(job.rule) ?? "rule";
    const wc = wildcardsText(job.wildcards);
    this.spanName = wc ? `${this.name} (${wc})` : this.name;
    this.runId = job.attempt > 1 ? `${job.jobid}#${job.attempt}` : String(job.jobid);
    this.attempt = job.attempt;
    if (wf.cwd !== undefined) this.workDir = wf.cwd;
  }

  get workflow(): WorkflowTaskDetails {
    return this;
  }

  attributes(): Attributes {
    const j = this.#job;
    const a: Attributes = {
      [ATTR_PIPESPAN_WORKFLOW_MANAGER]: PIPESPAN_WORKFLOW_MANAGER_VALUE_SNAKEMAKE,
      [ATTR_PIPESPAN_SNAKEMAKE_JOBID]: j.jobid,
      [ATTR_PIPESPAN_TASK_ATTEMPT]: j.attempt,
    };
    const wc = wildcardsText(j.wildcards);
    if (wc !== undefined) a[ATTR_PIPESPAN_TASK_TAG] = wc;
    if (this.#wf.workflowId !== undefined) a[ATTR_PIPESPAN_SNAKEMAKE_WORKFLOW_ID] = this.#wf.workflowId;
    if (j.threads !== undefined) {
      a[ATTR_PIPESPAN_SNAKEMAKE_THREADS] = j.threads;
      if (j.threads > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_CPUS] = j.threads;
    }
    const r = j.resources;
    const resources = Object.entries(r)
      .filter(([k, v]) => v !== null && !k.startsWith("_"))
      .map(([k, v]) => `${k}=${v}`);
    if (resources.length > 0) a[ATTR_PIPESPAN_SNAKEMAKE_RESOURCES] = resources.join(", ");
    // Snakemake's mem_mb and disk_mb are megabytes (10^6 bytes; mem_mib is the binary one), runtime is minutes.
    const memMb = num(r["mem_mb"]);
    const memMib = num(r["mem_mib"]);
    if (memMb !== undefined && memMb > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_MEMORY] = Math.round(memMb * 1e6);
    else if (memMib !== undefined && memMib > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_MEMORY] = Math.round(memMib * 1048576);
    const diskMb = num(r["disk_mb"]);
    if (diskMb !== undefined && diskMb > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_DISK] = Math.round(diskMb * 1e6);
    const runtime = num(r["runtime"]);
    if (runtime !== undefined && runtime > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_TIME] = runtime * 60;
    return a;
  }

  failed(): boolean | undefined {
    if (this.#job.outcome === "failed") return true;
    if (this.#job.outcome === "finished") return false;
    return undefined;
  }

  failureMessage(): string | undefined {
    return this.#job.outcome === "failed"
      ? `Snakemake: error in rule ${this.name}, jobid ${this.#job.jobid}`
      : undefined;
  }
}

interface Shell {
  readonly record: ProcessRecord;
  readonly cmd: { key: string; cut: boolean };
}

/** The Snakemake attribution source (logger-plugin events, joined by process parentage and command). */
export class SnakemakeSource implements AttributionSource {
  readonly name = "snakemake";
  readonly #store: SnakemakeStore;
  readonly #deadlineNs: number;
  /** Process → the task of the job run it was paired with; a job run → its task. */
  readonly #bound = new Map<string, SnakemakeTask>();
  readonly #tasks = new Map<SnakemakeJob, SnakemakeTask>();
  /** Tasks handed out for a guess not yet paired (the same object once it is). */
  readonly #guesses = new Map<SnakemakeJob, SnakemakeTask>();
  /** Tasks named without the plugin: one per shell. */
  readonly #plain = new Map<string, TaskInfo>();
  readonly #plainCounts = new Map<string, number>();

  constructor(o: SnakemakeSourceOptions) {
    this.#store = o.store;
    this.#deadlineNs = (o.pairingDeadlineMs ?? 5000) * 1e6;
  }

  isManager(record: ProcessRecord, parent: ProcessRecord | undefined): boolean {
    if (this.#store.workflowOf(record.key.pid, record.key.startTicks)) return true;
    // Only the programs the process ran itself: a fork shows its parent's image until it execs.
    return record.images.some((i) => !isInherited(i, parent) && isSnakemakeProcess(i.argv));
  }

  runAttributes(): Attributes {
    const wfs = this.#store.workflows();
    if (wfs.length === 0 && this.#plain.size === 0) return {};
    const a: Attributes = { [ATTR_PIPESPAN_WORKFLOW_MANAGER]: PIPESPAN_WORKFLOW_MANAGER_VALUE_SNAKEMAKE };
    const id = wfs.find((w) => w.workflowId !== undefined)?.workflowId;
    if (id !== undefined) a[ATTR_PIPESPAN_SNAKEMAKE_WORKFLOW_ID] = id;
    return a;
  }

  /** The run span's attributes for the run of one Snakemake process (the agent keeps several runs apart). */
  runAttributesFor(manager: ProcessRecord): Attributes {
    const a: Attributes = { [ATTR_PIPESPAN_WORKFLOW_MANAGER]: PIPESPAN_WORKFLOW_MANAGER_VALUE_SNAKEMAKE };
    const wf = this.#store.workflowOf(manager.key.pid, manager.key.startTicks);
    if (wf?.workflowId !== undefined) a[ATTR_PIPESPAN_SNAKEMAKE_WORKFLOW_ID] = wf.workflowId;
    return a;
  }

  /** The plugin's view of a Snakemake process: its workflow, when the plugin reported it. */
  workflowOf(manager: ProcessRecord): SnakemakeWorkflow | undefined {
    return this.#store.workflowOf(manager.key.pid, manager.key.startTicks);
  }

  claim(record: ProcessRecord, ctx: AttributionContext): Claim {
    const known = this.#bound.get(record.id);
    if (known) return { kind: "task", task: known, settled: true };
    const plain = this.#plain.get(record.id);
    if (plain) return { kind: "task", task: plain, settled: true };

    const parent = record.parentId !== undefined ? ctx.lookup(record.parentId) : undefined;
    const grandparent = parent?.parentId !== undefined ? ctx.lookup(parent.parentId) : undefined;
    if (!parent || !this.isManager(parent, grandparent)) return undefined;
    // A Snakemake run inside another task (a nested workflow) leaves its processes to that task.
    if (ctx.taskOf(parent)) return undefined;
    // A fork that has not exec'd yet shows Snakemake's own image: nothing to say until it does (or exits).
    if (record.exit === undefined && !hasOwnImage(record, parent)) return undefined;
    const raw = shellCommand(mainImage(record, parent).argv);
    if (raw === undefined) return { kind: "overhead", settled: true };

    const wf = this.#store.workflowOf(parent.key.pid, parent.key.startTicks);
    if (!wf) return { kind: "task", task: this.#plainTask(record, commandKey(raw).key), settled: true };
    return this.#join(record, parent, wf, commandKey(raw), ctx);
  }

  #join(
    record: ProcessRecord,
    manager: ProcessRecord,
    wf: SnakemakeWorkflow,
    cmd: { key: string; cut: boolean },
    ctx: AttributionContext,
  ): Claim {
    // The jobs this command can be: by the exact command (an index), else by a wrapped or cut one (a scan).
    const exact = cmd.cut ? undefined : wf.byCommand.get(cmd.key)?.filter((j) => !this.#tasks.has(j));
    const jobs =
      exact !== undefined && exact.length > 0 ? exact : wf.jobs.filter((j) => !this.#tasks.has(j) && matches(cmd, j));
    // Every job announced before this process started has arrived once a later event has.
    const caughtUp = wf.closed || wf.lastEventNs >= record.startTimeNs + SKEW_NS;
    const overdue = record.exit !== undefined && ctx.nowNs() - record.exit.timeNs > this.#deadlineNs;
    if (jobs.length === 0) {
      if (!caughtUp && !overdue) return { kind: "pending" };
      // No announced job runs this command (a wrapper changed it beyond recognition, a shell of a run: block):
      // still the workflow's work, a task named after its command.
      return { kind: "task", task: this.#plainTask(record, cmd.key), settled: true };
    }
    // One job left that this command can be, and every job announced before the shell started is known: any
    // other shell with this command started later, for a job announced later. It is this job's shell.
    if (jobs.length === 1 && caughtUp) {
      return { kind: "task", task: this.#bind(record, jobs[0]!, wf), settled: true };
    }
    // Several jobs with this command: pair the ended ones by their ends.
    const shells = this.#siblings(manager, cmd, ctx);
    this.#pairEnded(jobs, shells, wf);
    const paired = this.#bound.get(record.id);
    if (paired) return { kind: "task", task: paired, settled: true };
    // Not paired yet: the best guess (start order) for a live display; past the deadline it is taken.
    const order = shells.findIndex((s) => s.record.id === record.id);
    const guess = jobs[Math.max(0, Math.min(order, jobs.length - 1))]!;
    if (overdue) return { kind: "task", task: this.#bind(record, guess, wf), settled: true };
    return { kind: "task", task: this.#taskOf(guess, wf), settled: false };
  }

  /**
   * Pairs the ended jobs (in the order they ended) with the exited shells (in the order they exited): a job's
   * end is logged after its process exited. A failed job takes the earliest failed shell, a finished job the
   * earliest that succeeded; when there is none of that kind, the earliest of the other.
   */
  #pairEnded(jobs: readonly SnakemakeJob[], shells: readonly Shell[], wf: SnakemakeWorkflow): void {
    const ended = jobs.filter((j) => j.outcome !== undefined).sort((a, b) => (a.endSeq ?? 0) - (b.endSeq ?? 0));
    const exited = shells
      .filter((s) => s.record.exit !== undefined)
      .sort((a, b) => (a.record.exit?.timeNs ?? 0) - (b.record.exit?.timeNs ?? 0));
    const ok = (s: Shell) => s.record.exit?.exitCode === 0 && s.record.exit.signal === undefined;
    for (const job of ended) {
      const want = job.outcome === "finished";
      const pick =
        exited.find((s) => !this.#bound.has(s.record.id) && ok(s) === want) ??
        exited.find((s) => !this.#bound.has(s.record.id));
      if (!pick) break;
      this.#bind(pick.record, job, wf);
    }
  }

  /** The manager's children that run this command and are not paired yet, in start order. */
  #siblings(manager: ProcessRecord, cmd: { key: string; cut: boolean }, ctx: AttributionContext): Shell[] {
    const out: Shell[] = [];
    for (const c of ctx.childrenOf(manager.id)) {
      if (this.#bound.has(c.id)) continue;
      const raw = shellCommand(mainImage(c, manager).argv);
      if (raw === undefined) continue;
      const k = commandKey(raw);
      if (k.key === cmd.key) out.push({ record: c, cmd: k });
    }
    return out.sort((a, b) => a.record.startTimeNs - b.record.startTimeNs);
  }

  /** Pairs a shell with a job run for good. */
  #bind(record: ProcessRecord, job: SnakemakeJob, wf: SnakemakeWorkflow): SnakemakeTask {
    const task = this.#guesses.get(job) ?? new SnakemakeTask(job, wf);
    this.#guesses.delete(job);
    this.#tasks.set(job, task);
    this.#bound.set(record.id, task);
    return task;
  }

  /** A job run's task, for a guess that pairs nothing (the task of a paired job when there is one). */
  #taskOf(job: SnakemakeJob, wf: SnakemakeWorkflow): SnakemakeTask {
    const known = this.#tasks.get(job) ?? this.#guesses.get(job);
    if (known) return known;
    const task = new SnakemakeTask(job, wf);
    this.#guesses.set(job, task);
    return task;
  }

  /** Without the plugin: a task per shell, named after the command's first word (`zcat`, `samtools`). */
  #plainTask(record: ProcessRecord, cmd: string): TaskInfo {
    const first = cmd.split(/[\s;|&()<>]+/).find((w) => w.length > 0 && !w.includes("="));
    const name = cleanName(first ? basename(first) : undefined) ?? "shell";
    const n = (this.#plainCounts.get(name) ?? 0) + 1;
    this.#plainCounts.set(name, n);
    const task: TaskInfo = {
      runId: `${name}-${n}`,
      name,
      attribution: "root_child",
      ...(record.cwd !== undefined ? { workDir: record.cwd } : {}),
    };
    this.#plain.set(record.id, task);
    return task;
  }
}
