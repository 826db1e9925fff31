// An in-process pipeline run: the pipeline_run span and its task spans, for a pipeline written in TypeScript.
// The user brings the OTel provider (the one registered with @opentelemetry/api, or one passed in); this module
// only uses the API, so it composes with NodeSDK, NodeTracerProvider or a bare sdk-trace TracerProvider.
//
// Parent of the run span, in order: `parent` if given; else a valid TRACEPARENT in the environment (the OTel
// env-carrier spec: a process continues the trace it was started in — e.g. a Node pipeline started by
// `pipespan task` or by another instrumented pipeline); else the active context (a user span, if any); else
// none, and the run span is the root of a new trace. PIPESPAN_RUN_ID in the environment becomes the default run
// id, so a pipeline started under an existing run reports into that run rather than inventing a second one.
//
// One run span per run: a valid TRACEPARENT together with a valid PIPESPAN_RUN_ID means an outer run (e.g.
// `pipespan run`, which starts its command with TRACEPARENT = its own pipeline_run span) already owns the
// pipeline_run span. Then no run span is started here: the remote span context *is* the run span, wrapped as a
// non-recording span, and task spans hang directly under it. `joinEnv: "child"` asks for a run span of its own
// anyway (a child of TRACEPARENT); TRACEPARENT without PIPESPAN_RUN_ID also gets one (a nested run in a task).
//
// Task spans are always children of the run span (the span model is run -> task -> process), whatever context is
// active when task() is called; parent links are explicit, so they hold without any context manager. The task
// span is also made active while the callback runs, so user spans nest under it when a context manager is
// registered (NodeSDK registers one).

import type { ChildProcess, StdioOptions } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  type Attributes,
  type Context,
  context as contextApi,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import {
  ATTR_CICD_PIPELINE_ACTION_NAME,
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_ERROR_TYPE,
  ATTR_PIPESPAN_RUN_TASK_COUNT,
  CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_ID,
} from "@pipespan/semconv";
import { type ChildOutcome, CommandStartError, runChild } from "./child.js";
import { spanTime } from "./clock.js";
import { type EnvRecord, type ExtractedEnv, extractEnv, injectEnv, withoutProtocolEnv } from "./env-protocol.js";
import { checkAttempt, checkName, MAX_NAME_LENGTH } from "./limits.js";
import {
  deriveRunResult,
  isPipelineResult,
  isUnsuccessful,
  type PipelineResult,
  RESULT_CANCELLATION,
  RESULT_ERROR,
  RESULT_FAILURE,
  RESULT_SUCCESS,
} from "./result.js";
import {
  endTaskSpan,
  errorTypeOfExit,
  resolveTracer,
  resultOfExit,
  setExitAttributes,
  startTaskSpan,
  type TracerSource,
} from "./task-span.js";

export interface PipelineRunOptions extends TracerSource {
  /** cicd.pipeline.name; the span is named `RUN <name>`. */
  name: string;
  /** cicd.pipeline.run.id; default PIPESPAN_RUN_ID from the environment, else a random UUID. */
  runId?: string;
  /** Extra attributes for the run span (the SDK's own attributes win on a clash); unused when joining one. */
  attributes?: Attributes;
  /** Explicit parent context of the run span (overrides TRACEPARENT and the active context). */
  parent?: Context;
  /** Environment to join (TRACEPARENT, PIPESPAN_RUN_ID, PIPESPAN_PIPELINE_NAME); default process.env. */
  env?: Readonly<EnvRecord>;
  /**
   * How to use the environment (ignored for the parent when `parent` is given):
   * - `true` (default): join. With a valid TRACEPARENT and PIPESPAN_RUN_ID the outer run owns the run span:
   *   none is started, tasks become children of TRACEPARENT, and the run id and pipeline name are the outer
   *   run's (PIPESPAN_RUN_ID, PIPESPAN_PIPELINE_NAME; conflicting `runId`/`name` options are listed in
   *   `issues`). With TRACEPARENT alone, the run span is a child of it.
   * - `"child"`: always start a run span of its own, a child of TRACEPARENT when there is one (the behaviour of
   *   `true` before run spans were adopted); PIPESPAN_RUN_ID is still the default run id.
   * - `false`: ignore the environment.
   */
  joinEnv?: boolean | "child";
  /** Default working directory of tasks (cicd.pipeline.task.run.url.full and exec's cwd); default process.cwd(). */
  workDir?: string;
}

export interface TaskOptions {
  /** cicd.pipeline.task.run.id; default `<name>-<n>`, unique within the run. */
  taskRunId?: string;
  /** pipespan.task.attempt, from 1 (default 1). */
  attempt?: number;
  /** The task's working directory (default: the run's workDir, else process.cwd()). */
  workDir?: string;
  /** Extra attributes for the task span. */
  attributes?: Attributes;
}

export interface ExecOptions extends TaskOptions {
  /** Variables added to the child's environment (over the inherited ones; protocol variables are the SDK's). */
  env?: Readonly<EnvRecord>;
  /** Start from this process's environment (default true); false gives the child only `env` + the protocol. */
  inheritEnv?: boolean;
  /** Child stdio (default "inherit"). With "pipe", stdout and stderr are captured into the result. */
  stdio?: "inherit" | "pipe" | "ignore" | StdioOptions;
  /** Cap on captured bytes per stream when stdio is "pipe" (default 16 MiB); the rest is dropped. */
  maxOutputBytes?: number;
  /** Aborting sends SIGTERM to the child; the task ends as cancellation. */
  signal?: AbortSignal;
  /** Resolve with the result instead of rejecting when the command fails (the task is still marked failed). */
  allowFailure?: boolean;
}

export interface ExecResult {
  taskRunId: string;
  pid: number;
  /** Exit status; 128 + signal number when killed by a signal. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  result: PipelineResult;
  stdout: string | undefined;
  stderr: string | undefined;
  outputTruncated: boolean;
}

/** A command run by exec() failed (non-zero exit or killed by a signal). */
export class ExecError extends Error {
  override readonly name = "ExecError";
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | null;
  readonly execResult: ExecResult;

  constructor(message: string, execResult: ExecResult) {
    super(message);
    this.exitCode = execResult.exitCode;
    this.signal = execResult.signal;
    this.execResult = execResult;
  }
}

/** A running task, handed to the task callback. */
export interface TaskHandle {
  readonly name: string;
  readonly taskRunId: string;
  readonly attempt: number;
  readonly span: Span;
  /** Context with the task span set: pass it to tracer.startSpan when no context manager is registered. */
  readonly context: Context;
  /** The protocol variables for a child process of this task (TRACEPARENT = this task span). */
  env(): Record<string, string>;
  /** Override the task result (e.g. "skip"); a callback that throws still ends as failure unless set otherwise. */
  setResult(result: PipelineResult): void;
}

export interface PipelineRun {
  /** cicd.pipeline.name of the run span (the outer run's when it owns the span, see ownsRunSpan). */
  readonly name: string;
  /** cicd.pipeline.run.id of the run span (the outer run's when it owns the span). */
  readonly runId: string;
  /**
   * The run span. When ownsRunSpan is false it is a non-recording span wrapping the outer run's span context
   * (from TRACEPARENT): its spanContext() is valid, attributes and end() are no-ops.
   */
  readonly span: Span;
  /** Context with the run span set. */
  readonly context: Context;
  /**
   * True when this run started (and end() ends) the run span; false when it joined a run span owned by an outer
   * run (TRACEPARENT + PIPESPAN_RUN_ID in the environment, see PipelineRunOptions.joinEnv).
   */
  readonly ownsRunSpan: boolean;
  /**
   * Where the run's trace context came from: the run span's parent when ownsRunSpan is true ("option": the
   * `parent` option, "env": TRACEPARENT, "context": the active span, "none": a new trace). When ownsRunSpan is
   * false it is always "env": TRACEPARENT names the run span itself.
   */
  readonly parentFrom: "option" | "env" | "context" | "none";
  /**
   * Values ignored while joining, one line each: malformed environment values (TRACEPARENT etc.), and `name` or
   * `runId` options that differ from the run span this run joined.
   */
  readonly issues: readonly string[];
  readonly ended: boolean;
  /** Runs `fn` inside a task span; resolves to its value, rejects with its error (after recording it). */
  task<T>(name: string, fn: (task: TaskHandle) => T | Promise<T>, options?: TaskOptions): Promise<T>;
  /** Runs a command (no shell) as a task, with the env protocol injected. Rejects with ExecError on failure. */
  exec(name: string, command: string, args?: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** The protocol variables for a child: of a task (TRACEPARENT = its span) or, without one, of the run span. */
  env(task?: TaskHandle | Span): Record<string, string>;
  /**
   * Ends the run: without `result`, the result is derived from the task results. Ends and annotates the run span
   * when this run owns it; a joined run span is left to its owner (report the result through the exit status).
   * Idempotent; returns the result.
   */
  end(result?: PipelineResult): PipelineResult;
  /** Results of the tasks that have ended so far, in the order they ended. */
  taskResults(): readonly PipelineResult[];
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

class TaskRunHandle implements TaskHandle {
  private explicitResult: PipelineResult | undefined;
  private errorType: string | undefined;
  finalResult: PipelineResult | undefined;

  constructor(
    readonly name: string,
    readonly taskRunId: string,
    readonly attempt: number,
    readonly span: Span,
    readonly context: Context,
    private readonly run: RunImpl,
  ) {}

  env(): Record<string, string> {
    return injectEnv(this.context, {
      runId: this.run.runId,
      pipelineName: this.run.name,
      taskName: this.name,
      taskRunId: this.taskRunId,
      attempt: this.attempt,
    }) as Record<string, string>;
  }

  setResult(result: PipelineResult): void {
    if (!isPipelineResult(result)) throw new TypeError(`pipespan: not a pipeline result: ${String(result)}`);
    this.explicitResult = result;
  }

  /** Internal: result and error.type decided by exec() from the child's exit. */
  setOutcome(result: PipelineResult, errorType: string | undefined): void {
    this.explicitResult = result;
    this.errorType = errorType;
  }

  finish(error: unknown, failed: boolean): PipelineResult {
    let result: PipelineResult;
    if (!failed) result = this.explicitResult ?? RESULT_SUCCESS;
    else if (this.explicitResult !== undefined && isUnsuccessful(this.explicitResult)) result = this.explicitResult;
    else result = isAbortError(error) ? RESULT_CANCELLATION : RESULT_FAILURE;
    const end: Parameters<typeof endTaskSpan>[1] = { result };
    if (failed) end.error = error;
    if (this.errorType !== undefined) end.errorType = this.errorType;
    endTaskSpan(this.span, end);
    this.finalResult = result;
    return result;
  }
}

class RunImpl implements PipelineRun {
  readonly context: Context;
  private isEnded = false;
  private finalResult: PipelineResult | undefined;
  private readonly results: PipelineResult[] = [];
  private started = 0;
  private running = 0;
  private readonly nextIndex = new Map<string, number>();
  private readonly usedTaskRunIds = new Set<string>();
  private readonly handles = new WeakMap<Span, TaskRunHandle>();

  constructor(
    readonly name: string,
    readonly runId: string,
    private readonly tracer: Tracer,
    readonly span: Span,
    readonly ownsRunSpan: boolean,
    parent: Context,
    readonly parentFrom: PipelineRun["parentFrom"],
    readonly issues: readonly string[],
    private readonly workDir: string | undefined,
  ) {
    this.context = trace.setSpan(parent, this.span);
  }

  get ended(): boolean {
    return this.isEnded;
  }

  taskResults(): readonly PipelineResult[] {
    return [...this.results];
  }

  /** `<name>-<n>` with n counting runs of that name from 1, skipping ids already taken explicitly. */
  private allocateTaskRunId(name: string, explicit: string | undefined): string {
    if (explicit !== undefined) {
      checkName("taskRunId", explicit);
      this.usedTaskRunIds.add(explicit);
      return explicit;
    }
    // Keep generated ids within the length limit even for the longest task names.
    const stem = name.length > MAX_NAME_LENGTH - 12 ? name.slice(0, MAX_NAME_LENGTH - 12) : name;
    let n = this.nextIndex.get(name) ?? 1;
    let id = `${stem}-${n}`;
    while (this.usedTaskRunIds.has(id)) id = `${stem}-${++n}`;
    this.nextIndex.set(name, n + 1);
    this.usedTaskRunIds.add(id);
    return id;
  }

  private begin(name: string, options: TaskOptions): TaskRunHandle {
    if (this.isEnded) {
      throw new Error(`pipespan: pipeline run ${this.runId} has ended; task ${JSON.stringify(name)} cannot start`);
    }
    checkName("task name", name);
    const attempt = options.attempt === undefined ? 1 : checkAttempt("attempt", options.attempt);
    const taskRunId = this.allocateTaskRunId(name, options.taskRunId);
    const init: Parameters<typeof startTaskSpan>[1] = {
      name,
      taskRunId,
      attempt,
      runId: this.runId,
      workDir: options.workDir ?? this.workDir ?? process.cwd(),
      parent: this.context,
    };
    if (options.attributes !== undefined) init.attributes = options.attributes;
    const { span, context } = startTaskSpan(this.tracer, init);
    const handle = new TaskRunHandle(name, taskRunId, attempt, span, context, this);
    this.handles.set(span, handle);
    this.started++;
    this.running++;
    return handle;
  }

  async task<T>(name: string, fn: (task: TaskHandle) => T | Promise<T>, options: TaskOptions = {}): Promise<T> {
    // Everything before the first await runs synchronously, so spans of tasks started together (Promise.all)
    // begin in call order.
    const handle = this.begin(name, options);
    try {
      const value = await contextApi.with(handle.context, () => fn(handle));
      this.results.push(handle.finish(undefined, false));
      return value;
    } catch (error) {
      this.results.push(handle.finish(error, true));
      throw error;
    } finally {
      this.running--;
    }
  }

  exec(name: string, command: string, args: readonly string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    const workDir = options.workDir ?? this.workDir ?? process.cwd();
    return this.task(
      name,
      async (task) => {
        const handle = task as TaskRunHandle;
        const signal = options.signal;
        signal?.throwIfAborted();
        const base = options.inheritEnv === false ? {} : process.env;
        const env: EnvRecord = { ...withoutProtocolEnv({ ...base, ...options.env }), ...handle.env() };

        let child: ChildProcess | undefined;
        let aborted = false;
        const onAbort = (): void => {
          aborted = true;
          child?.kill("SIGTERM");
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        let outcome: ChildOutcome;
        try {
          const childOptions: Parameters<typeof runChild>[2] = {
            cwd: workDir,
            env,
            stdio: options.stdio ?? "inherit",
            label: `pipespan: task ${name}`,
            onSpawn: (spawned) => {
              child = spawned;
              if (signal?.aborted) onAbort();
            },
          };
          if (options.maxOutputBytes !== undefined) childOptions.maxOutputBytes = options.maxOutputBytes;
          outcome = await runChild(command, args, childOptions);
        } catch (error) {
          if (error instanceof CommandStartError) handle.setOutcome(RESULT_ERROR, error.code);
          throw error;
        } finally {
          signal?.removeEventListener("abort", onAbort);
        }

        setExitAttributes(handle.span, outcome);
        const result = aborted ? RESULT_CANCELLATION : resultOfExit(outcome);
        handle.setOutcome(result, isUnsuccessful(result) ? errorTypeOfExit(outcome) : undefined);
        const execResult: ExecResult = {
          taskRunId: handle.taskRunId,
          pid: outcome.pid,
          exitCode: outcome.exitCode,
          signal: outcome.signal,
          result,
          stdout: outcome.stdout,
          stderr: outcome.stderr,
          outputTruncated: outcome.outputTruncated,
        };
        if (!isUnsuccessful(result) || options.allowFailure === true) return execResult;
        if (aborted && signal !== undefined) throw signal.reason;
        const how =
          outcome.signal !== null ? `was killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`;
        throw new ExecError(`pipespan: task ${name}: ${command} ${how}`, execResult);
      },
      { ...options, workDir },
    );
  }

  env(task?: TaskHandle | Span): Record<string, string> {
    const runFields = { runId: this.runId, pipelineName: this.name };
    if (task === undefined) return injectEnv(this.context, runFields) as Record<string, string>;
    if (task instanceof TaskRunHandle) return task.env();
    const span = task as Span;
    const handle = this.handles.get(span);
    if (handle !== undefined) return handle.env();
    return injectEnv(trace.setSpan(ROOT_CONTEXT, span), runFields) as Record<string, string>;
  }

  end(result?: PipelineResult): PipelineResult {
    if (this.isEnded && this.finalResult !== undefined) return this.finalResult;
    if (result !== undefined && !isPipelineResult(result)) {
      throw new TypeError(`pipespan: not a pipeline result: ${String(result)}`);
    }
    const final = result ?? deriveRunResult(this.results);
    // A joined run span belongs to another process (it ends it and sets its result): touch nothing remote.
    if (this.ownsRunSpan) {
      this.span.setAttribute(ATTR_CICD_PIPELINE_RESULT, final);
      this.span.setAttribute(ATTR_PIPESPAN_RUN_TASK_COUNT, this.started);
      if (isUnsuccessful(final)) {
        const unsuccessful = this.results.filter(isUnsuccessful).length;
        let message =
          result !== undefined
            ? `run ended: ${final}`
            : `${unsuccessful} of ${this.results.length} tasks did not succeed`;
        if (this.running > 0) message += ` (${this.running} still running at end)`;
        this.span.setAttribute(ATTR_ERROR_TYPE, final);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message });
      }
      this.span.end(spanTime());
    }
    this.isEnded = true;
    this.finalResult = final;
    return final;
  }
}

/**
 * Starts a pipeline run: the `RUN <name>` span (SERVER) that its task spans hang under — or, when the
 * environment says an outer run already owns the run span (TRACEPARENT + PIPESPAN_RUN_ID), a run that joins that
 * span instead of starting a second one (see PipelineRunOptions.joinEnv and PipelineRun.ownsRunSpan).
 */
export function startPipelineRun(options: PipelineRunOptions): PipelineRun {
  const name = checkName("pipeline name", options.name);
  const joinEnv = options.joinEnv ?? true;
  if (joinEnv !== true && joinEnv !== false && joinEnv !== "child") {
    throw new TypeError(`pipespan: joinEnv must be true, false or "child", got ${JSON.stringify(joinEnv)}`);
  }
  const optionRunId = options.runId !== undefined ? checkName("runId", options.runId) : undefined;
  const tracer = resolveTracer(options);
  const issues: string[] = [];
  let env: ExtractedEnv | undefined;
  if (joinEnv !== false) {
    env = extractEnv(options.env ?? process.env);
    issues.push(...env.issues);
  }

  // Join the outer run: TRACEPARENT names its span, PIPESPAN_RUN_ID says a run owns it (TRACEPARENT alone may be
  // any traced caller). When PIPESPAN_TASK_* are set too, TRACEPARENT is a task span of that run (this pipeline
  // was started by `run.exec` or `pipespan task`): its tasks then nest under that task, still in the one run —
  // as `pipespan task` nests.
  if (
    joinEnv === true &&
    options.parent === undefined &&
    env?.spanContext !== undefined &&
    env.context !== undefined &&
    env.runId !== undefined
  ) {
    // The task spans carry the run's id and children get its name, so both must be the ones on the run span.
    const runName = env.pipelineName ?? name;
    if (runName !== name) {
      issues.push(
        `name ${JSON.stringify(name)} not used: joined the run span of pipeline ${JSON.stringify(runName)} ` +
          `(${ENV_PIPESPAN_PIPELINE_NAME}; \`pipespan run --name\` sets it)`,
      );
    }
    if (optionRunId !== undefined && optionRunId !== env.runId) {
      issues.push(
        `runId ${JSON.stringify(optionRunId)} not used: joined the run span of run ${JSON.stringify(env.runId)} ` +
          `(${ENV_PIPESPAN_RUN_ID})`,
      );
    }
    const span = trace.wrapSpanContext(env.spanContext);
    return new RunImpl(runName, env.runId, tracer, span, false, ROOT_CONTEXT, "env", issues, options.workDir);
  }

  let parent: Context;
  let parentFrom: PipelineRun["parentFrom"];
  if (options.parent !== undefined) {
    parent = options.parent;
    parentFrom = "option";
  } else if (env?.context !== undefined) {
    parent = env.context;
    parentFrom = "env";
  } else {
    parent = contextApi.active();
    parentFrom = trace.getSpan(parent) !== undefined ? "context" : "none";
  }
  const runId = optionRunId ?? env?.runId ?? randomUUID();
  const span = tracer.startSpan(
    `${CICD_PIPELINE_ACTION_NAME_VALUE_RUN} ${name}`,
    {
      kind: SpanKind.SERVER,
      startTime: spanTime(),
      attributes: {
        ...options.attributes,
        [ATTR_CICD_PIPELINE_NAME]: name,
        [ATTR_CICD_PIPELINE_RUN_ID]: runId,
        [ATTR_CICD_PIPELINE_ACTION_NAME]: CICD_PIPELINE_ACTION_NAME_VALUE_RUN,
      },
    },
    parent,
  );
  return new RunImpl(name, runId, tracer, span, true, parent, parentFrom, issues, options.workDir);
}
