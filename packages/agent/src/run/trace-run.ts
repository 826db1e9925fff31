import type { ChildProcess, StdioOptions } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  ENV_PIPESPAN_AGENT_URL,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_DIR,
  ENV_PIPESPAN_RUN_ID,
  ENV_TRACEPARENT,
} from "@pipespan/semconv";
import { RunTimelines } from "../accounting/timelines.js";
import { Attributor } from "../attribution/attributor.js";
import { formatTraceparent } from "../attribution/traceparent.js";
import { RunMetrics } from "../metrics/run-metrics.js";
import type { Source, SourceName } from "../source/types.js";
import { processId } from "../source/types.js";
import { RunRecorder, type RunSummary } from "../spans/run-recorder.js";
import { signalNumber } from "../spans/signals.js";
import { nowNs } from "../spans/time.js";
import { ProcessTable } from "../table/process-table.js";
import { WorkflowInputs } from "../workflow/workflow-inputs.js";
import { resolveCommand } from "./command-lookup.js";
import { UserError } from "./errors.js";
import { OWN_ENV_KEYS } from "./own-env.js";
import { checkRunId, newRunId } from "./run-id.js";
import { isStopWrapper, spawnStopped } from "./spawn-stopped.js";
import { createTelemetry, type Telemetry } from "./telemetry.js";

export interface RunStatus {
  readonly elapsedMs: number;
  readonly runningTasks: readonly string[];
  readonly processes: number;
}

export interface TraceRunOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly pipelineName?: string;
  readonly runId?: string;
  /** Output folder; the run writes `<outDir>/<runId>/`. */
  readonly outDir: string;
  /** Creates the event source (the CLI picks procfs or eBPF). */
  readonly createSource: () => Source | Promise<Source>;
  /** Redacts an argv into a command line before anything leaves the process. */
  readonly redact: (argv: readonly string[]) => string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly stdio?: StdioOptions;
  readonly serviceName?: string;
  /** Put cicd.pipeline.run.id on metrics (opt-in). */
  readonly runIdOnMetrics?: boolean;
  readonly statusIntervalMs?: number;
  readonly onStatus?: (s: RunStatus) => void;
  /** Called once the command is about to run (after all checks), e.g. to print which source measures it. */
  readonly onStart?: (info: { runId: string; runDir: string; pid: number }) => void;
  readonly onWarning?: (line: string) => void;
  /** Forward SIGINT/SIGTERM/SIGHUP/SIGQUIT received by this process to the command (default true). */
  readonly forwardSignals?: boolean;
  /** The EC2 instance type the user says the run is priced on (`--instance`); recorded in run.json. */
  readonly instanceType?: string;
  /**
   * Receive workflow-manager events over HTTP on this address (Nextflow's weblog, the Snakemake plugin outside
   * the run folder); the command gets the URL in PIPESPAN_AGENT_URL. The Snakemake plugin needs no receiver
   * under `pipespan run`: it appends to the run folder.
   */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Called with the receiver's URL once it listens. */
  readonly onListen?: (url: string) => void;
}

export interface TraceRunResult {
  readonly runId: string;
  readonly runDir: string;
  readonly exitCode: number;
  readonly signal?: NodeJS.Signals;
  readonly source: SourceName;
  readonly summary: RunSummary;
  /** One clear line per export problem (the local files are complete regardless). */
  readonly exportProblems: readonly string[];
  /** Workflow-manager events received (weblog, Snakemake plugin) and refused as malformed. */
  readonly workflowEvents: { readonly received: number; readonly refused: number };
}

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/**
 * Runs a command under observation and records it as one trace: pipeline_run -> task -> process, written as
 * OTLP/JSON under the run folder and exported over OTLP gRPC when the standard OTEL_* variables ask for it.
 */
export async function traceRun(o: TraceRunOptions): Promise<TraceRunResult> {
  // Signals are caught from the very start: one that arrives while pipespan is still setting up is passed to the
  // command as soon as it exists (it then ends at once, and the run is recorded as cancelled).
  const signals = new SignalForwarder(o.forwardSignals ?? true);
  try {
    return await traceRunInner(o, signals);
  } finally {
    signals.dispose();
  }
}

async function traceRunInner(o: TraceRunOptions, signals: SignalForwarder): Promise<TraceRunResult> {
  const env = o.env ?? process.env;
  const executable = resolveCommand(o.command, env, o.cwd);
  const runId = checkRunId(o.runId ?? newRunId());
  const pipelineName = o.pipelineName ?? defaultName(o.command, o.args);
  const runDir = resolve(o.outDir, runId);
  await mkdir(runDir, { recursive: true });
  if ((await readdir(runDir)).length > 0) {
    throw new UserError(`output folder ${runDir} already holds a run; pick another --run-id or --out`);
  }

  const workflow = new WorkflowInputs({
    runDir,
    ...(o.listen ? { listen: o.listen } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  try {
    await workflow.start();
  } catch (e) {
    const addr = `${o.listen?.host}:${o.listen?.port}`;
    throw new UserError(
      `cannot receive workflow events on ${addr}: ${(e as Error).message}` +
        ((e as NodeJS.ErrnoException).code === "EADDRINUSE"
          ? " (is `pipespan agent` running? It receives them itself; or pick another port with --listen)"
          : ""),
    );
  }
  if (workflow.url !== undefined) o.onListen?.(workflow.url);

  const source = await o.createSource();
  const telemetry: Telemetry = await createTelemetry({
    runDir,
    env,
    ...(o.serviceName !== undefined ? { serviceName: o.serviceName } : {}),
  });
  const tracer = telemetry.tracerProvider.getTracer("pipespan");
  const metrics = new RunMetrics({
    meter: telemetry.meterProvider.getMeter("pipespan"),
    pipelineName,
    runId,
    source: source.name,
    ...(o.runIdOnMetrics !== undefined ? { runIdOnMetrics: o.runIdOnMetrics } : {}),
  });

  const table = new ProcessTable({ transientImage: isStopWrapper });
  let rootId: string | undefined;
  let runSpanId = "";
  const attributor = new Attributor({
    rootId: () => rootId,
    lookup: (id) => table.get(id),
    childrenOf: (id) => table.childrenOf(id),
    isOwnSpan: (spanId) => spanId === runSpanId,
    sources: workflow.sources,
  });
  const startNs = nowNs();
  const argv = [o.command, ...o.args];
  // Timelines where the source's readings allow them (kernel source): source -> accounting -> spans.
  const timelines =
    source.timelineIntervalNs !== undefined
      ? new RunTimelines({ originNs: startNs, intervalNs: source.timelineIntervalNs })
      : undefined;
  const recorder = new RunRecorder({
    tracer,
    attributor,
    lookup: (id) => table.get(id),
    childrenOf: (id) => table.childrenOf(id),
    records: () => table.records(),
    pipelineName,
    runId,
    source: source.name,
    ...(source.ioIncludesReapedChildren ? { ioIncludesReapedChildren: true } : {}),
    commandLine: o.redact(argv),
    redact: o.redact,
    startTimeNs: startNs,
    onProcessEnd: (_r, task, totals) => metrics.processEnded(task?.name, totals),
    ...(timelines ? { accounting: timelines } : {}),
  });
  const runSc = recorder.runSpan.spanContext();
  runSpanId = runSc.spanId;
  // Processes held back for a workflow event are recorded as soon as it arrives.
  workflow.onEvent(() => recorder.settle());
  const workflowTimer = setInterval(() => {
    workflow.poll();
    recorder.settle();
  }, 200);
  workflowTimer.unref();

  // The command learns its run through the environment protocol; stale task keys from an outer run are dropped.
  const childEnv: NodeJS.ProcessEnv = { ...env };
  for (const k of [...OWN_ENV_KEYS, ENV_PIPESPAN_RUN_DIR]) delete childEnv[k];
  childEnv[ENV_TRACEPARENT] = formatTraceparent(runSc);
  childEnv[ENV_PIPESPAN_RUN_ID] = runId;
  childEnv[ENV_PIPESPAN_PIPELINE_NAME] = pipelineName;
  childEnv[ENV_PIPESPAN_RUN_DIR] = runDir;
  if (workflow.url !== undefined) childEnv[ENV_PIPESPAN_AGENT_URL] = workflow.url;

  const child = await spawnStopped(executable, o.args, {
    env: childEnv,
    stdio: o.stdio ?? "inherit",
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
  });
  const rootPid = child.pid as number;
  const exited = waitExit(child);
  o.onStart?.({ runId, runDir, pid: rootPid });

  signals.attach(rootPid);

  try {
    await source.start(rootPid, {
      onEvent: (e) => {
        if (e.type === "start" && e.key.pid === rootPid && rootId === undefined) {
          rootId = processId(e.key);
          recorder.setRoot(rootId);
        }
        timelines?.observe(e);
        const change = table.apply(e);
        if (change) recorder.handle(change);
      },
    });
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    clearInterval(workflowTimer);
    await workflow.stop();
    await telemetry.shutdown();
    throw err;
  } finally {
    // Let the command run now that the source follows it.
    try {
      process.kill(rootPid, "SIGCONT");
    } catch {
      /* it may have died already */
    }
  }

  const status = o.onStatus
    ? setInterval(() => {
        const running = table.running();
        o.onStatus?.({
          elapsedMs: Math.round((nowNs() - startNs) / 1e6),
          runningTasks: recorder.runningTaskNames(running),
          processes: table.size,
        });
      }, o.statusIntervalMs ?? 1000)
    : undefined;

  const { code, signal } = await exited;
  const endNs = nowNs();
  // A cancelled run leaves no strays: what the root started and left running is stopped too.
  const cancelled = signals.cancelled;
  if (cancelled)
    await stopStrays(
      table
        .running()
        .map((r) => r.key.pid)
        .filter((p) => p !== rootPid),
    );
  if (status) clearInterval(status);
  await source.stop();
  clearInterval(workflowTimer);
  await workflow.stop();

  const signum = signal ? signalNumber(signal) : undefined;
  const exitCode = code ?? (signum !== undefined ? 128 + signum : 1);
  const summary = recorder.finish(
    {
      exitCode,
      ...(signum !== undefined ? { signal: signum } : {}),
      endTimeNs: endNs,
      lostEvents: table.ignoredEvents,
      cancelled,
      attributes: attributor.runAttributes(),
    },
    table.records(),
  );
  for (const t of summary.tasks) metrics.taskEnded(t);
  metrics.lostEvents(summary.lostEvents);

  const exportProblems = await telemetry.shutdown((sig, n) => metrics.exportFailures(sig, n));
  await writeFile(
    join(runDir, "run.json"),
    `${JSON.stringify(
      {
        runId,
        pipelineName,
        traceId: summary.traceId,
        runSpanId: summary.runSpanId,
        source: source.name,
        command: o.redact(argv),
        startTimeUnixNano: String(summary.startNs),
        endTimeUnixNano: String(summary.endNs),
        exitCode,
        result: summary.result,
        processes: summary.processes,
        tasks: summary.tasks.length,
        lostEvents: summary.lostEvents,
        exportProblems,
        ...(o.instanceType !== undefined ? { instanceType: o.instanceType } : {}),
        workflowEvents: workflow.counts(),
      },
      null,
      2,
    )}\n`,
  );
  return {
    runId,
    runDir,
    exitCode,
    ...(signal ? { signal } : {}),
    source: source.name,
    summary,
    exportProblems,
    workflowEvents: workflow.counts(),
  };
}

/** Interpreters whose first operand is the pipeline's script (`bash pipeline.sh` is the pipeline `pipeline`). */
const INTERPRETER = /^(ba|da|k|z|)sh$|^python[0-9.]*$|^perl$|^ruby$|^node$|^Rscript$/;

function defaultName(command: string, args: readonly string[] = []): string {
  const strip = (path: string) => {
    const base = path.split("/").pop() ?? path;
    return base.replace(/\.(sh|bash|py|nf|smk|pl|rb|js|mjs|R)$/, "");
  };
  let name = strip(command);
  if (INTERPRETER.test(name)) {
    // The first operand, unless an option says the program comes inline (-c, -e) or from a module (-m).
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === "-c" || a === "-e" || a === "-m" || a === "--eval") break;
      // A shell option with its value, or the script.
      if (a === "-o" || a === "+o" || a === "-O" || a === "+O") i++;
      else if (!a.startsWith("-") && !a.startsWith("+")) {
        name = strip(a);
        break;
      }
    }
  }
  return name || "pipeline";
}

/** Catches SIGINT/SIGTERM/SIGHUP/SIGQUIT and passes them to the command (queued until it exists). */
class SignalForwarder {
  #pid: number | undefined;
  #queued: NodeJS.Signals[] = [];
  cancelled = false;
  readonly #handler = (sig: NodeJS.Signals) => {
    if (sig === "SIGINT" || sig === "SIGTERM") this.cancelled = true;
    if (this.#pid === undefined) this.#queued.push(sig);
    else this.#send(sig);
  };
  readonly #enabled: boolean;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
    if (enabled) for (const s of FORWARDED) process.on(s, this.#handler);
  }

  attach(pid: number): void {
    this.#pid = pid;
    for (const s of this.#queued.splice(0)) this.#send(s);
  }

  #send(sig: NodeJS.Signals): void {
    try {
      if (this.#pid !== undefined) process.kill(this.#pid, sig);
    } catch {
      /* already gone */
    }
  }

  dispose(): void {
    if (this.#enabled) for (const s of FORWARDED) process.off(s, this.#handler);
  }
}

/** SIGTERM, then SIGKILL after a grace period, to processes that outlived a cancelled root. */
async function stopStrays(pids: readonly number[], graceMs = 2_000): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      /* gone */
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}

function waitExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}
