// Nextflow, zero-config: a process in a task's work dir belongs to that task. Nextflow runs every task through a
// wrapper script (.command.run) in the task's own work dir <workDir>/<2 hex>/<30 hex>; the wrapper's header names
// the task and the wrapper exports NXF_TASK_WORKDIR before it starts the task script. The weblog, when one is
// received, adds what the host cannot see (ids, attempt, status, requested resources, the run's name).
import { basename } from "node:path";
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL,
  ATTR_PIPESPAN_NEXTFLOW_ERROR_ACTION,
  ATTR_PIPESPAN_NEXTFLOW_EXIT_STATUS,
  ATTR_PIPESPAN_NEXTFLOW_HASH,
  ATTR_PIPESPAN_NEXTFLOW_NATIVE_ID,
  ATTR_PIPESPAN_NEXTFLOW_PROJECT,
  ATTR_PIPESPAN_NEXTFLOW_RESUMED,
  ATTR_PIPESPAN_NEXTFLOW_RUN_NAME,
  ATTR_PIPESPAN_NEXTFLOW_SESSION_ID,
  ATTR_PIPESPAN_NEXTFLOW_STATUS,
  ATTR_PIPESPAN_NEXTFLOW_TASK_ID,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
  ATTR_PIPESPAN_TASK_REQUESTED_DISK,
  ATTR_PIPESPAN_TASK_REQUESTED_MEMORY,
  ATTR_PIPESPAN_TASK_REQUESTED_TIME,
  ATTR_PIPESPAN_TASK_TAG,
  ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS,
  ATTR_PIPESPAN_WORKFLOW_MANAGER,
  ENV_NXF_TASK_WORKDIR,
  PIPESPAN_WORKFLOW_MANAGER_VALUE_NEXTFLOW,
} from "@pipespan/semconv";
import type { ProcessRecord } from "../table/process-record.js";
import { readExitCode, readTaskHeader, splitTaskName, type TaskHeader } from "../workflow/nextflow/header.js";
import type { WeblogRun, WeblogStore, WeblogTask } from "../workflow/nextflow/weblog-store.js";
import {
  hashPath,
  parseWorkDir,
  resolveIn,
  runsRelativeWrapper,
  shortHash,
  type WorkDirRef,
  workDirInArgv,
} from "../workflow/nextflow/work-dir.js";
import { isInherited } from "./images.js";
import type { AttributionSource, Claim } from "./source.js";
import type { TaskInfo, WorkflowTaskDetails } from "./task.js";

export interface NextflowSourceOptions {
  /** What the weblog receiver heard, when one runs. */
  readonly weblog?: WeblogStore;
  /** Reads a work dir's .command.run header (tests replace it); default: from disk. */
  readonly readHeader?: (dir: string) => TaskHeader | undefined;
  /** Reads a work dir's .exitcode (tests replace it); default: from disk. */
  readonly readExitCode?: (dir: string) => number | undefined;
}

/** A process that is the Nextflow launcher: `java … nextflow.cli.Launcher …`, or the `nextflow` script before it execs. */
export function isNextflowLauncher(argv: readonly string[]): boolean {
  if (argv.includes("nextflow.cli.Launcher")) return true;
  if (argv.length < 2) return false;
  // Asked of every process (and of its parent): the substring first, the path only when it may be a match.
  for (let i = 0; i < 2; i++) {
    const a = argv[i] as string;
    if (a.includes("nextflow") && basename(a) === "nextflow") return true;
  }
  return false;
}

const MAX_HEADERS = 10_000;

/** One Nextflow task run (one attempt: one work dir). */
class NextflowTask implements TaskInfo, WorkflowTaskDetails {
  readonly attribution = "nextflow" as const;
  readonly #ref: WorkDirRef;
  readonly #header: TaskHeader | undefined;
  readonly #weblog: WeblogStore | undefined;
  readonly #inferredAttempt: number | undefined;

  constructor(ref: WorkDirRef, header: TaskHeader | undefined, weblog: WeblogStore | undefined, attempt?: number) {
    this.#ref = ref;
    this.#header = header;
    this.#weblog = weblog;
    this.#inferredAttempt = attempt;
  }

  get workflow(): WorkflowTaskDetails {
    return this;
  }

  get hash(): string {
    return this.#ref.hash;
  }

  get root(): string {
    return this.#ref.root;
  }

  get weblogTask(): WeblogTask | undefined {
    return this.#weblog?.task(this.#ref.hash);
  }

  /** `<process> (<tag>)`, as Nextflow names the task; the printed hash when nothing names it (a remote work dir). */
  get fullName(): string {
    return this.weblogTask?.trace.name ?? this.#header?.name ?? `task ${shortHash(this.#ref.hash)}`;
  }

  get name(): string {
    return this.weblogTask?.trace.process ?? splitTaskName(this.fullName).process;
  }

  get spanName(): string {
    return this.fullName;
  }

  get runId(): string {
    return hashPath(this.#ref.hash);
  }

  get workDir(): string | undefined {
    return this.#ref.remote ? undefined : this.#ref.dir;
  }

  get attempt(): number | undefined {
    const a = this.weblogTask?.trace.attempt;
    return a !== undefined && a >= 1 ? a : this.#inferredAttempt;
  }

  attributes(): Attributes {
    const t = this.weblogTask?.trace;
    const tag = t?.tag ?? splitTaskName(this.fullName).tag;
    const a: Attributes = {
      [ATTR_PIPESPAN_WORKFLOW_MANAGER]: PIPESPAN_WORKFLOW_MANAGER_VALUE_NEXTFLOW,
      [ATTR_PIPESPAN_NEXTFLOW_HASH]: shortHash(this.#ref.hash),
    };
    if (this.#ref.remote) a[ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL] = this.#ref.dir;
    if (tag !== undefined) a[ATTR_PIPESPAN_TASK_TAG] = tag;
    if (this.attempt !== undefined) a[ATTR_PIPESPAN_TASK_ATTEMPT] = this.attempt;
    if (!t) return a;
    if (t.task_id !== undefined) {
      const id = typeof t.task_id === "number" ? t.task_id : Number.parseInt(t.task_id, 10);
      if (Number.isSafeInteger(id)) a[ATTR_PIPESPAN_NEXTFLOW_TASK_ID] = id;
    }
    if (t.native_id !== undefined) a[ATTR_PIPESPAN_NEXTFLOW_NATIVE_ID] = String(t.native_id);
    const status = this.weblogTask?.status;
    if (status !== undefined) a[ATTR_PIPESPAN_NEXTFLOW_STATUS] = status;
    // 2147483647 (Integer.MAX_VALUE) is Nextflow's "exit status not known yet".
    if (t.exit !== undefined && Number.isSafeInteger(t.exit) && t.exit !== 2147483647)
      a[ATTR_PIPESPAN_NEXTFLOW_EXIT_STATUS] = t.exit;
    if (t.error_action !== undefined) a[ATTR_PIPESPAN_NEXTFLOW_ERROR_ACTION] = t.error_action;
    if (t.cpus !== undefined && t.cpus > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_CPUS] = t.cpus;
    if (t.memory !== undefined && t.memory > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_MEMORY] = Math.round(t.memory);
    if (t.time !== undefined && t.time > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_TIME] = t.time / 1000;
    if (t.disk !== undefined && t.disk > 0) a[ATTR_PIPESPAN_TASK_REQUESTED_DISK] = Math.round(t.disk);
    return a;
  }

  failed(): boolean | undefined {
    const s = this.weblogTask?.status;
    if (s === "COMPLETED") return false;
    if (s === "FAILED" || s === "ABORTED") return true;
    return undefined;
  }

  failureMessage(): string | undefined {
    const t = this.weblogTask;
    if (!t?.status) return undefined;
    const exit = t.trace.exit !== undefined && t.trace.exit !== 2147483647 ? `, exit status ${t.trace.exit}` : "";
    const action = t.trace.error_action ? `, ${t.trace.error_action}` : "";
    return `Nextflow: ${t.status}${exit}${action}`;
  }
}

/** The Nextflow attribution source (work dirs, plus the weblog when a receiver runs). */
export class NextflowSource implements AttributionSource {
  readonly name = "nextflow";
  readonly #weblog: WeblogStore | undefined;
  readonly #readHeader: (dir: string) => TaskHeader | undefined;
  readonly #readExitCode: (dir: string) => number | undefined;
  readonly #tasks = new Map<string, NextflowTask>();
  readonly #headers = new Map<string, TaskHeader | null>();
  #seen = false;

  constructor(o: NextflowSourceOptions = {}) {
    this.#weblog = o.weblog;
    this.#readHeader = o.readHeader ?? readTaskHeader;
    this.#readExitCode = o.readExitCode ?? readExitCode;
  }

  /** The tasks seen so far (one per work dir). */
  tasks(): TaskInfo[] {
    return [...this.#tasks.values()];
  }

  isManager(record: ProcessRecord, parent: ProcessRecord | undefined): boolean {
    // Only the programs the process ran itself: a fork shows its parent's image until it execs.
    const yes = record.images.some((i) => !isInherited(i, parent) && isNextflowLauncher(i.argv));
    if (yes) this.#seen = true;
    return yes;
  }

  /** The run's work dir (where its task work dirs are) of a Nextflow task, for tasks seen without their launcher. */
  workRootOf(task: TaskInfo): string | undefined {
    return task instanceof NextflowTask ? task.root : undefined;
  }

  claim(record: ProcessRecord): Claim {
    const ref = this.workDirOf(record);
    if (!ref) return undefined;
    return { kind: "task", task: this.#task(ref), settled: true };
  }

  /**
   * The task work dir a process belongs to, by the strongest evidence it carries:
   * 1. the absolute path of a task's .command.run/.command.sh in its arguments (the wrapper's trace entry, a
   *    container's command, an AWS Batch job's `aws s3 cp s3://…/.command.run`);
   * 2. a wrapper started by its relative name (`bash -ue .command.run`) in its working directory;
   * 3. NXF_TASK_WORKDIR, exported by the wrapper to everything the task starts;
   * 4. a working directory that is a task work dir holding a .command.run (a Slurm spool copy of the wrapper).
   * With `scratch true` the task runs in a scratch dir: (1) still names the work dir, and the rest of the task
   * inherits it from the wrapper.
   */
  workDirOf(record: ProcessRecord): WorkDirRef | undefined {
    for (const image of record.images) {
      const ref = workDirInArgv(image.argv);
      if (ref) return ref;
    }
    const cwd = record.cwd;
    if (cwd !== undefined && record.images.some((i) => runsRelativeWrapper(i.argv))) {
      const ref = parseWorkDir(resolveIn(cwd, "."));
      if (ref && this.#header(ref) !== undefined) return ref;
    }
    const env = parseWorkDir(record.env[ENV_NXF_TASK_WORKDIR]);
    if (env) return env;
    const inCwd = parseWorkDir(cwd);
    if (inCwd && this.#header(inCwd) !== undefined) return inCwd;
    return undefined;
  }

  runAttributes(): Attributes {
    if (!this.#seen) return {};
    // One run per source under `pipespan run`: a run whose tasks the weblog never named is still the one heard of.
    return this.runAttributesFor([...this.#tasks.values()], true);
  }

  /**
   * The run span's attributes for a run made of these tasks (the agent keeps several runs apart). With `latest`,
   * a run none of whose tasks the weblog named takes the latest weblog run.
   */
  runAttributesFor(tasks: readonly TaskInfo[], latest = false): Attributes {
    const a: Attributes = { [ATTR_PIPESPAN_WORKFLOW_MANAGER]: PIPESPAN_WORKFLOW_MANAGER_VALUE_NEXTFLOW };
    const run = this.weblogRunOf(tasks, latest);
    if (!run) return a;
    if (run.runName !== undefined) a[ATTR_PIPESPAN_NEXTFLOW_RUN_NAME] = run.runName;
    if (run.runId !== undefined) a[ATTR_PIPESPAN_NEXTFLOW_SESSION_ID] = run.runId;
    if (run.projectName !== undefined) a[ATTR_PIPESPAN_NEXTFLOW_PROJECT] = run.projectName;
    if (run.resume !== undefined) a[ATTR_PIPESPAN_NEXTFLOW_RESUMED] = run.resume;
    if (run.cachedCount !== undefined) a[ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS] = run.cachedCount;
    return a;
  }

  /** The weblog run these tasks belong to: the one most of them name (else, with `latest`, the latest heard of). */
  weblogRunOf(tasks: readonly TaskInfo[], latest = false): WeblogRun | undefined {
    if (!this.#weblog) return undefined;
    const votes = new Map<string, number>();
    for (const t of tasks) {
      if (!(t instanceof NextflowTask)) continue;
      const k = t.weblogTask?.runKey;
      if (k !== undefined) votes.set(k, (votes.get(k) ?? 0) + 1);
    }
    const best = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (best !== undefined) return this.#weblog.run(best);
    if (!latest) return undefined;
    return this.#weblog
      .runs()
      .filter((r) => r.started || r.completed)
      .at(-1);
  }

  #header(ref: WorkDirRef): TaskHeader | undefined {
    if (ref.remote) return undefined;
    const known = this.#headers.get(ref.dir);
    if (known !== undefined) return known ?? undefined;
    const h = this.#readHeader(ref.dir);
    if (this.#headers.size >= MAX_HEADERS) {
      const oldest = this.#headers.keys().next().value;
      if (oldest !== undefined) this.#headers.delete(oldest);
    }
    this.#headers.set(ref.dir, h ?? null);
    return h;
  }

  #task(ref: WorkDirRef): NextflowTask {
    const known = this.#tasks.get(ref.hash);
    if (known) return known;
    this.#seen = true;
    const header = this.#header(ref);
    // Without the weblog, the attempt is inferred: a retry runs in a new work dir under the same task name, after
    // the earlier attempts of that name failed (their wrapper left a non-zero .exitcode).
    const probe = new NextflowTask(ref, header, this.#weblog);
    let failedBefore = 0;
    for (const t of this.#tasks.values()) {
      if (t.root !== ref.root || t.fullName !== probe.fullName || t.workDir === undefined) continue;
      const code = this.#readExitCode(t.workDir);
      if (code !== undefined && code !== 0) failedBefore++;
    }
    const task = new NextflowTask(ref, header, this.#weblog, header ? failedBefore + 1 : undefined);
    this.#tasks.set(ref.hash, task);
    return task;
  }
}
