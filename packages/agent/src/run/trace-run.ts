import type { StdioOptions } from "node:child_process";
import {
  ENV_PIPESPAN_AGENT_URL,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_DIR,
  ENV_PIPESPAN_RUN_ID,
  ENV_TRACEPARENT,
  formatTraceparent,
  nowNs,
  signalNumber,
} from "@pipespan/semconv";
import { RunTimelines } from "../accounting/timelines.js";
import { Attributor } from "../attribution/attributor.js";
import { Evictor } from "../host/evictor.js";
import { registerSelfMetrics } from "../host/self-metrics.js";
import { RunMetrics } from "../metrics/run-metrics.js";
import type { KernelSource } from "../source/kernel/kernel-source.js";
import type { Source, SourceName } from "../source/types.js";
import { processId } from "../source/types.js";
import { RunRecorder, type RunSummary } from "../spans/run-recorder.js";
import { ProcessTable } from "../table/process-table.js";
import { WorkflowInputs } from "../workflow/workflow-inputs.js";
import { resolveCommand } from "./command-lookup.js";
import { DropCounts } from "./drops.js";
import { UserError } from "./errors.js";
import { makeRunDir } from "./out-dir.js";
import { OWN_ENV_KEYS } from "./own-env.js";
import { startTicksOf } from "./process-group.js";
import { type RunExport, runExport } from "./run-export.js";
import { checkRunId, newRunId } from "./run-id.js";
import { RunSignals, StartAborted } from "./run-signals.js";
import { currentWriter, RunStateFile } from "./run-state.js";
import { isStopWrapper, spawnStopped } from "./spawn-stopped.js";
import { createTelemetry, type Telemetry } from "./telemetry.js";
import { startWatchdog } from "./watchdog.js";

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
  /** pipespan's own lines while the run goes: a signal passed on, a kill, leftovers stopped (whole lines). */
  readonly onLine?: (line: string) => void;
  /** Catch SIGINT/SIGTERM/SIGHUP/SIGQUIT and pass them to the command's process group (default true). */
  readonly forwardSignals?: boolean;
  /** The EC2 instance type the user says the run is priced on (`--instance`); recorded in run.json. */
  readonly instanceType?: string;
  /** After the first SIGINT/SIGTERM, how long the run gets to stop before SIGKILL (ms, default 10 000). */
  readonly killAfterMs?: number;
  /** How often run.json's heartbeat is written (ms, default 1000). */
  readonly heartbeatMs?: number;
  /** Called right after the root command is forked (tests use it to provoke early exits). */
  readonly onSpawned?: (pid: number) => void;
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
  /** One clear line per problem writing the local files (they are complete when there is none). */
  readonly exportProblems: readonly string[];
  /** What the source lost, by reason (drop reasons of conventions/model/reliability.yaml). */
  readonly drops: Readonly<Record<string, number>>;
  /** One line saying what was lost and why, when anything was. */
  readonly dropsLine?: string;
  /** The remote export, when one is configured: wait for it with `finish()` (after printing the summary). */
  readonly export?: RunExport;
  /** Workflow-manager events received (weblog, Snakemake plugin) and refused as malformed. */
  readonly workflowEvents: { readonly received: number; readonly refused: number };
}

/**
 * Runs a command under observation and records it as one trace: pipeline_run -> task -> process, written as
 * OTLP/JSON under the run folder and exported over OTLP gRPC when the standard OTEL_* variables ask for it.
 *
 * Reliability: run.json (status "running", the run span's identity, the writer) is on disk before the command
 * starts and rewritten every heartbeat; the command leads its own process group, which a watchdog kills should
 * pipespan die; signals are answered at once in every phase (see run-signals.ts).
 */
export async function traceRun(o: TraceRunOptions): Promise<TraceRunResult> {
  // Signals are caught from the very start: one that arrives before the command exists aborts the start.
  const signals = new RunSignals({
    enabled: o.forwardSignals ?? true,
    ...(o.killAfterMs !== undefined ? { killAfterMs: o.killAfterMs } : {}),
    onLine: (line) => (o.onLine ?? o.onWarning)?.(o.onLine ? line : line.replace(/^pipespan: /, "")),
  });
  try {
    return await traceRunInner(o, signals);
  } catch (err) {
    if (err instanceof StartAborted) {
      const n = signalNumber(err.signal);
      throw new UserError(err.message, n !== undefined ? 128 + n : 130);
    }
    throw err;
  } finally {
    signals.dispose();
  }
}

async function traceRunInner(o: TraceRunOptions, signals: RunSignals): Promise<TraceRunResult> {
  const env = o.env ?? process.env;
  const executable = resolveCommand(o.command, env, o.cwd);
  const runId = checkRunId(o.runId ?? newRunId());
  const pipelineName = o.pipelineName ?? defaultName(o.command, o.args);
  const runDir = makeRunDir(o.outDir, runId);

  const workflow = new WorkflowInputs({
    runDir,
    ...(o.listen ? { listen: o.listen } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  try {
    await signals.duringStart(workflow.start());
  } catch (e) {
    await workflow.stop().catch(() => undefined);
    if (e instanceof StartAborted) throw e;
    const addr = `${o.listen?.host}:${o.listen?.port}`;
    throw new UserError(
      `cannot receive workflow events on ${addr}: ${(e as Error).message}` +
        ((e as NodeJS.ErrnoException).code === "EADDRINUSE"
          ? " (is `pipespan agent` running? It receives them itself; or pick another port with --listen)"
          : ""),
    );
  }
  if (workflow.url !== undefined) o.onListen?.(workflow.url);

  const pendingSource = Promise.resolve().then(() => o.createSource());
  const source = await signals.duringStart(pendingSource).catch(async (err) => {
    // Aborted while the source was being set up: stop it once it exists.
    if (err instanceof StartAborted) void pendingSource.then((s) => s.stop()).catch(() => undefined);
    await workflow.stop().catch(() => undefined);
    throw err;
  });
  let telemetry: Telemetry;
  try {
    telemetry = await signals.duringStart(
      createTelemetry({
        runDir,
        env,
        journal: true,
        ...(o.serviceName !== undefined ? { serviceName: o.serviceName } : {}),
        ...(o.onWarning ? { onWarning: o.onWarning } : {}),
      }),
    );
  } catch (err) {
    await source.stop().catch(() => undefined);
    await workflow.stop().catch(() => undefined);
    throw err;
  }
  const tracer = telemetry.tracerProvider.getTracer("pipespan");
  const meter = telemetry.meterProvider.getMeter("pipespan");
  const metrics = new RunMetrics({
    meter,
    pipelineName,
    runId,
    source: source.name,
    ...(o.runIdOnMetrics !== undefined ? { runIdOnMetrics: o.runIdOnMetrics } : {}),
  });

  const table = new ProcessTable({ transientImage: isStopWrapper });
  const drops = new DropCounts();
  let events = 0;
  let ignoredSeen = 0;
  const kernel = source.name === "ebpf" ? (source as KernelSource) : undefined;
  registerSelfMetrics({
    meter,
    source: source.name,
    drops,
    events: () => events,
    spanQueueDropped: () => telemetry.spanQueue.dropped,
    ...(telemetry.shipper ? { shipper: telemetry.shipper } : {}),
    ...(kernel && typeof kernel.countersInMap === "number"
      ? { maps: () => ({ counters: kernel.countersInMap, tracked: table.running().length, limits: kernel.mapLimits }) }
      : {}),
  });
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
  const commandLine = o.redact(argv);
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
    commandLine,
    redact: o.redact,
    startTimeNs: startNs,
    onProcessEnd: (_r, task, totals) => metrics.processEnded(task?.name, totals),
    onTaskEnd: (t) => metrics.taskEnded(t),
    ...(timelines ? { accounting: timelines } : {}),
  });
  const runSc = recorder.runSpan.spanContext();
  runSpanId = runSc.spanId;
  // Memory follows the live processes: ended ones leave once their spans are out (every few hundred exits).
  const evictor = new Evictor(table, recorder, attributor, undefined, {
    run: true,
    fold: (child, parent) => recorder.fold(child, parent),
  });
  let exitsSinceSweep = 0;
  // Processes held back for a workflow event are recorded as soon as it arrives.
  workflow.onEvent(() => recorder.settle());
  const workflowTimer = setInterval(() => {
    workflow.poll();
    recorder.settle();
  }, 200);
  workflowTimer.unref();

  // run.json before anything runs: the run's identity is on disk whatever happens next.
  const writer = currentWriter();
  const state = new RunStateFile(runDir, {
    runId,
    pipelineName,
    traceId: runSc.traceId,
    runSpanId: runSc.spanId,
    source: source.name,
    command: commandLine,
    startTimeUnixNano: String(startNs),
    writer,
    ...(o.instanceType !== undefined ? { instanceType: o.instanceType } : {}),
  });
  const heartbeat = (extra: Record<string, unknown> = {}) => ({
    status: "running",
    heartbeatUnixNano: String(nowNs()),
    processes: recorder.processes,
    ...extra,
  });
  try {
    state.start(heartbeat());
  } catch (err) {
    clearInterval(workflowTimer);
    await workflow.stop().catch(() => undefined);
    await source.stop().catch(() => undefined);
    await telemetry.closeLocal().catch(() => undefined);
    await telemetry.shipper?.close();
    throw err;
  }

  // The command learns its run through the environment protocol; stale task keys from an outer run are dropped.
  const childEnv: NodeJS.ProcessEnv = { ...env };
  for (const k of [...OWN_ENV_KEYS, ENV_PIPESPAN_RUN_DIR]) delete childEnv[k];
  childEnv[ENV_TRACEPARENT] = formatTraceparent(runSc);
  childEnv[ENV_PIPESPAN_RUN_ID] = runId;
  childEnv[ENV_PIPESPAN_PIPELINE_NAME] = pipelineName;
  childEnv[ENV_PIPESPAN_RUN_DIR] = runDir;
  if (workflow.url !== undefined) childEnv[ENV_PIPESPAN_AGENT_URL] = workflow.url;

  // The watchdog first, so that the run is guarded from its first instant.
  const watchdog = startWatchdog(runId, o.onWarning);
  const spawned = await spawnStopped(executable, o.args, {
    env: childEnv,
    stdio: o.stdio ?? "inherit",
    ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
    onSpawned: (pid) => {
      watchdog.guard(pid);
      o.onSpawned?.(pid);
    },
  });
  const rootPid = spawned.pid;
  const exited = spawned.exited;
  signals.attach(rootPid);
  const known = () => table.running().map((r) => ({ pid: r.key.pid, startTicks: r.key.startTicks }));
  signals.setKnown(known);
  o.onStart?.({ runId, runDir, pid: rootPid });

  let finished = false;
  let rootGone = false;
  void exited.then(() => {
    rootGone = true;
  });
  const sink = {
    onEvent: (e: Parameters<Parameters<Source["start"]>[1]["onEvent"]>[0]) => {
      if (finished) return;
      events++;
      if (e.type === "lost") drops.add(e.reason, e.count);
      if (e.type === "start" && e.key.pid === rootPid && rootId === undefined) {
        rootId = processId(e.key);
        recorder.setRoot(rootId);
      }
      timelines?.observe(e);
      const change = table.apply(e);
      if (table.ignoredEvents > ignoredSeen) {
        drops.add("unknown_process", table.ignoredEvents - ignoredSeen);
        ignoredSeen = table.ignoredEvents;
      }
      if (change) recorder.handle(change);
      if (change?.type === "exited" && ++exitsSinceSweep >= SWEEP_EXITS) {
        exitsSinceSweep = 0;
        evictor.sweep();
      }
    },
  };
  try {
    // A root that died before it stopped (killed from outside, the OOM killer) has nothing to follow: the run
    // is recorded as it ended, and the loss said.
    if (spawned.stopped) await source.start(rootPid, sink);
    else drops.add("root_exited_early", 1);
  } catch (err) {
    // Gone (or a zombie) is the root's own doing, not the source's: record the run as it ended.
    if (rootGone || startTicksOf(rootPid) === undefined) {
      drops.add("root_exited_early", 1);
    } else {
      try {
        process.kill(-rootPid, "SIGKILL");
      } catch {
        spawned.child.kill("SIGKILL");
      }
      await exited;
      watchdog.release();
      clearInterval(workflowTimer);
      await workflow.stop().catch(() => undefined);
      await source.stop().catch(() => undefined);
      await telemetry.closeLocal().catch(() => undefined);
      await telemetry.shipper?.close();
      state.update({ status: "complete", startFailed: (err as Error).message });
      throw err;
    }
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
          processes: recorder.processes,
        });
      }, o.statusIntervalMs ?? 1000)
    : undefined;
  // The heartbeat: which tasks run (and since when), the spans still open; what a rebuild after a crash reads.
  const runningSince = new Map<string, number>();
  const beat = setInterval(() => {
    const now = nowNs();
    // Side-effect free: the recorder peeks at attribution, it never decides early.
    const names = new Set(recorder.runningTaskNames(table.running()));
    for (const n of names) if (!runningSince.has(n)) runningSince.set(n, now);
    for (const n of [...runningSince.keys()]) if (!names.has(n)) runningSince.delete(n);
    telemetry.journal?.journalOpen(1_000);
    void telemetry.flushLocal();
    const problem = state.update(
      heartbeat({
        runningTasks: [...runningSince].map(([name, since]) => ({ name, sinceUnixNano: String(since) })),
      }),
    );
    if (problem) o.onWarning?.(problem);
  }, o.heartbeatMs ?? 1_000);
  beat.unref();

  const { code, signal } = await exited;
  const endNs = nowNs();
  if (status) clearInterval(status);
  // What the command left running is stopped too (SIGTERM, then SIGKILL): a run does not outlive its root.
  await signals.stopLeftovers();
  watchdog.release();
  // The source's last records (bounded); a signal now cuts that wait short.
  const stopped = source.stop();
  if (!(await signals.interruptible(stopped))) {
    o.onWarning?.("stopped waiting for the source's last records (signal)");
  }
  finished = true;
  clearInterval(beat);
  clearInterval(workflowTimer);
  await workflow.stop();

  const signum = signal ? signalNumber(signal) : undefined;
  const exitCode = code ?? (signum !== undefined ? 128 + signum : 1);
  const cancelled = signals.cancelledBy !== undefined;
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
  metrics.lostEvents(summary.lostEvents);
  const shipper = telemetry.shipper;
  const exportProblems = await telemetry.closeLocal(() => {
    if (!shipper) return;
    metrics.exportFailures("traces", shipper.stats.failures.traces);
    metrics.exportFailures("metrics", shipper.stats.failures.metrics);
  });
  const dropsLine = drops.describe();
  const final = {
    status: "complete",
    endTimeUnixNano: String(summary.endNs),
    exitCode,
    result: summary.result,
    processes: summary.processes,
    tasks: summary.taskCount,
    lostEvents: summary.lostEvents,
    drops: drops.toJSON(),
    exportProblems,
    workflowEvents: workflow.counts(),
    ...(signals.killed ? { killed: true } : {}),
  };
  const problem = state.update(final);
  if (problem) o.onWarning?.(problem);
  return {
    runId,
    runDir,
    exitCode,
    ...(signal ? { signal } : {}),
    source: source.name,
    summary,
    exportProblems,
    drops: drops.toJSON(),
    ...(dropsLine ? { dropsLine: `pipespan: ${dropsLine}` } : {}),
    ...(shipper ? { export: runExport({ shipper, runDir, state, final }) } : {}),
    workflowEvents: workflow.counts(),
  };
}

/** Ended processes between two sweeps of the evictor: bounds what ended processes hold, at a small cost per sweep. */
const SWEEP_EXITS = 256;

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
