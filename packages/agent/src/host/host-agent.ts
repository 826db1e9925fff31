// `pipespan agent`: the long-running host process. It follows every process of the host with the kernel
// source and records:
// - the processes of tasks whose span was made elsewhere — pipelines instrumented with the SDK or
//   `pipespan task`, run without `pipespan run` — under those task spans;
// - Nextflow and Snakemake runs, each as a trace of its own (run → task → process): Nextflow tasks from their
//   work dirs (also on a grid or cloud node that runs tasks it did not start), enriched by the weblog the
//   agent receives; Snakemake jobs from the pipespan logger plugin's events, which it receives too.
//
// Made to run for weeks: memory follows the live processes (ended ones are forgotten once their spans are out),
// its folder is a bounded on-disk export queue (numbered segments; the oldest go past --max-queue, counted), the
// kernel clock is re-anchored to the wall clock every minute, every drop is counted by reason, and /healthz plus
// its own metrics are served on loopback and exported with the rest.
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { ENV_NXF_TASK_WORKDIR, ENV_PIPESPAN_RUN_DIR, nowNs } from "@pipespan/semconv";
import { Attributor } from "../attribution/attributor.js";
import { isNextflowLauncher } from "../attribution/nextflow-source.js";
import { RunMetrics } from "../metrics/run-metrics.js";
import { DropCounts } from "../run/drops.js";
import { UserError } from "../run/errors.js";
import { makeRunDir } from "../run/out-dir.js";
import { READ_ENV_KEYS } from "../run/own-env.js";
import { type RunExport, runExport } from "../run/run-export.js";
import { currentWriter, RunStateFile } from "../run/run-state.js";
import { createTelemetry } from "../run/telemetry.js";
import { type KernelMapSizes, openKernelProbe } from "../source/kernel/availability.js";
import { KernelSource } from "../source/kernel/kernel-source.js";
import type { ProcessExecEvent, ProcessStartEvent } from "../source/types.js";
import { HostRecorder } from "../spans/host-recorder.js";
import { ProcessTable } from "../table/process-table.js";
import { parseWorkDir, workDirInArgv } from "../workflow/nextflow/work-dir.js";
import { WorkflowInputs } from "../workflow/workflow-inputs.js";
import { Evictor } from "./evictor.js";
import { DEFAULT_HEALTH_ADDRESS, type HealthServer, type ListenAddress, startHealthServer } from "./health-server.js";
import { InterestFilter } from "./interest-filter.js";
import { registerSelfMetrics } from "./self-metrics.js";
import { WorkflowRuns } from "./workflow-runs.js";

/** Ended processes between two sweeps besides the timer's: an exec storm's processes leave memory as they go. */
const SWEEP_EXITS = 256;

export const DEFAULT_MAX_QUEUE_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

export interface HostAgentOptions {
  readonly outDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly redact: (argv: readonly string[]) => string;
  readonly serviceName?: string;
  /** Receive workflow-manager events (Nextflow weblog, the Snakemake plugin) on this address; none when absent. */
  readonly listen?: { readonly host: string; readonly port: number };
  readonly onWarning?: (line: string) => void;
  /** Called once the agent follows the host (url: where workflow events are received). */
  readonly onReady?: (info: { dir: string; detail: string; health?: string; url?: string }) => void;
  /** Where /healthz and /metrics are served (default 127.0.0.1:4391); false: not at all. */
  readonly health?: ListenAddress | false;
  /** The address was asked for: failing to listen there is an error (else a warning, the agent goes on). */
  readonly healthRequired?: boolean;
  /** Sizes of the kernel maps. */
  readonly mapSizes?: KernelMapSizes;
  /** Bound of the agent's folder as an export queue (bytes, default 1 GiB). */
  readonly maxQueueBytes?: number;
  /** Size of one file segment (bytes, default 64 MiB, at most a quarter of the queue). */
  readonly segmentBytes?: number;
  /** How often ended processes are forgotten (ms, default 5000). */
  readonly sweepMs?: number;
  readonly metricIntervalMs?: number;
  /** How often the kernel clock is re-anchored (ms, default 60 000). */
  readonly reanchorMs?: number;
}

export interface HostAgentResult {
  readonly dir: string;
  readonly processes: number;
  readonly lostEvents: number;
  /** Problems writing the local files. */
  readonly exportProblems: readonly string[];
  readonly drops: Readonly<Record<string, number>>;
  readonly dropsLine?: string;
  /** The remote export's last stretch (wait for it with finish()). */
  readonly export?: RunExport;
  /** Workflow runs recorded (Nextflow, Snakemake). */
  readonly workflowRuns: number;
  /** Workflow-manager events received and refused. */
  readonly workflowEvents: { readonly received: number; readonly refused: number };
}

/**
 * A Nextflow task process by what it carries: NXF_TASK_WORKDIR, a wrapper's path on its command line, or a
 * working directory that is a task work dir holding a wrapper (a Slurm spool copy runs there).
 */
function nextflowTaskEvidence(e: ProcessStartEvent | ProcessExecEvent): boolean {
  if (parseWorkDir(e.env[ENV_NXF_TASK_WORKDIR])) return true;
  if (workDirInArgv(e.argv)) return true;
  const cwd = parseWorkDir(e.cwd);
  return cwd !== undefined && !cwd.remote && existsSync(join(cwd.dir, ".command.run"));
}

/** Runs until `until` resolves (a signal, a timer), then flushes everything and resolves. */
export async function runHostAgent(o: HostAgentOptions, until: Promise<unknown>): Promise<HostAgentResult> {
  const k = await openKernelProbe(undefined, o.mapSizes);
  if (!k.ok) throw new UserError(`pipespan agent needs the kernel source, which cannot run here: ${k.reason}`);
  const env = o.env ?? process.env;
  const workflow = new WorkflowInputs({
    ...(o.listen ? { listen: o.listen } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  try {
    await workflow.start();
  } catch (e) {
    k.probe.close();
    throw new UserError(
      `cannot receive workflow events on ${o.listen?.host}:${o.listen?.port}: ${(e as Error).message}` +
        ((e as NodeJS.ErrnoException).code === "EADDRINUSE"
          ? " (another pipespan agent? pick another address with --listen, or --no-listen)"
          : ""),
    );
  }
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  let dir: string;
  try {
    dir = makeRunDir(resolve(o.outDir), `agent-${stamp}`);
  } catch (err) {
    k.probe.close();
    await workflow.stop();
    throw err;
  }
  const maxQueueBytes = o.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
  const segmentBytes = Math.max(
    64 * 1024,
    Math.min(o.segmentBytes ?? DEFAULT_SEGMENT_BYTES, Math.floor(maxQueueBytes / 4)),
  );
  // Loaded here, not with the package: `pipespan run` (and an agent without /metrics) does not carry it.
  const prometheus =
    o.health === false
      ? undefined
      : new (await import("@opentelemetry/exporter-prometheus")).PrometheusExporter({ preventServerStart: true });
  const drops = new DropCounts();
  const exportDrops = { traces: new DropCounts(), metrics: new DropCounts() };
  let metrics: RunMetrics | undefined;
  const telemetry = await createTelemetry({
    runDir: dir,
    env,
    segmentBytes,
    maxQueueBytes,
    ...(o.metricIntervalMs !== undefined ? { metricIntervalMs: o.metricIntervalMs } : {}),
    ...(prometheus ? { metricReaders: [prometheus] } : {}),
    ...(o.serviceName !== undefined ? { serviceName: o.serviceName } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
    shipper: {
      onDropped: (signal, reason, n) => exportDrops[signal].add(reason, n),
      onFailure: (signal) => metrics?.exportFailures(signal, 1),
    },
  });
  const tracer = telemetry.tracerProvider.getTracer("pipespan");
  const table = new ProcessTable();
  const attributor = new Attributor({
    rootId: () => undefined,
    lookup: (id) => table.get(id),
    childrenOf: (id) => table.childrenOf(id),
    isOwnSpan: () => false,
    fallback: false,
    sources: workflow.sources,
  });
  const meter = telemetry.meterProvider.getMeter("pipespan");
  metrics = new RunMetrics({ meter, pipelineName: "(agent)", runId: "", source: "ebpf" });
  const recorder = new HostRecorder({
    tracer,
    attributor,
    lookup: (id) => table.get(id),
    childrenOf: (id) => table.childrenOf(id),
    records: () => table.records(),
    redact: o.redact,
    onProcessEnd: (_r, task, totals) => metrics?.processEnded(task?.name, totals),
  });
  const runs = new WorkflowRuns({
    tracer,
    attributor,
    nextflow: workflow.nextflowSource,
    snakemake: workflow.snakemakeSource,
    lookup: (id) => table.get(id),
    childrenOf: (id) => table.childrenOf(id),
    redact: o.redact,
    source: "ebpf",
    nowNs,
    onProcessEnd: (_r, task, totals) => metrics?.processEnded(task?.name, totals),
    onTaskEnd: (t) => metrics?.taskEnded(t),
  });
  const source = new KernelSource({
    native: k.native,
    probe: k.probe,
    // PIPESPAN_RUN_DIR too: processes of a `pipespan run` are that run's to record (see InterestFilter).
    envKeys: [...READ_ENV_KEYS, ENV_PIPESPAN_RUN_DIR],
    mapLimits: k.limits,
    ...(o.reanchorMs !== undefined ? { reanchorMs: o.reanchorMs } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  const evictor = new Evictor(table, recorder, attributor, runs);
  let events = 0;
  let ignoredSeen = 0;
  let recorded = 0;
  const startedAt = Date.now();
  const rate = new EventRate();
  registerSelfMetrics({
    meter,
    source: "ebpf",
    drops,
    events: () => events,
    ...(telemetry.shipper ? { shipper: telemetry.shipper } : {}),
    exportDropsBySignal: exportDrops,
    queueLimitBytes: maxQueueBytes,
    spanQueueDropped: () => telemetry.spanQueue.dropped,
    maps: () => ({ counters: source.countersInMap, limits: k.limits }),
    agent: { processes: () => table.size, clockAdjustmentNs: () => source.clockAdjustmentNs },
  });

  const snakemake = workflow.snakemake;
  const filter = new InterestFilter({
    alsoAccept: (e) =>
      (isNextflowLauncher(e.argv) && e.argv.includes("run")) ||
      snakemake.workflowOf(e.key.pid, e.key.startTicks) !== undefined ||
      nextflowTaskEvidence(e),
  });
  let finished = false;
  const apply = (e: Parameters<InterestFilter["accept"]>[0]) => {
    if (finished) return;
    events++;
    if (e.type === "lost") {
      drops.add(e.reason, e.count);
      // Not a kernel event lost: a host process whose task keys are unknown (counted above, said at the end).
      if (e.reason === "env_unreadable") return;
    }
    for (const passed of filter.accept(e)) {
      const change = table.apply(passed);
      if (change?.type === "exited" && ++recorded % SWEEP_EXITS === 0) evictor.sweep();
      if (change && !runs.handle(change)) recorder.handle(change);
    }
    if (table.ignoredEvents > ignoredSeen) {
      drops.add("unknown_process", table.ignoredEvents - ignoredSeen);
      ignoredSeen = table.ignoredEvents;
    }
  };
  // A Snakemake process announces itself through the plugin after it started: follow it from then on.
  const adopted = new Map<number, number>();
  snakemake.onChange((wf) => {
    const tries = adopted.get(wf.pid) ?? 0;
    if (tries < 0 || tries >= 3) return;
    const followed = [...table.records()].some((r) => r.key.pid === wf.pid && r.exit === undefined);
    // -1: followed for good; otherwise count the tries (the process may be gone already).
    adopted.set(wf.pid, followed || source.adopt(wf.pid) ? -1 : tries + 1);
  });
  workflow.onEvent(() => runs.tick());
  try {
    await source.startHostWide({ onEvent: apply });
  } catch (err) {
    await source.stop().catch(() => undefined);
    await workflow.stop();
    await telemetry.closeLocal().catch(() => undefined);
    await telemetry.shipper?.close();
    throw err;
  }
  const ticker = setInterval(() => runs.tick(), 500);
  ticker.unref();

  const state = new RunStateFile(dir, { kind: "agent", writer: currentWriter(), host: hostname() });
  const beat = () =>
    state.update({
      status: "running",
      heartbeatUnixNano: String(nowNs()),
      processesHeld: table.size,
      processesRecorded: recorded,
      drops: drops.toJSON(),
    });
  beat();
  const sweep = setInterval(() => {
    evictor.sweep();
    rate.sample(events);
    beat();
  }, o.sweepMs ?? 5_000);
  sweep.unref();

  let health: HealthServer | undefined;
  if (o.health !== false) {
    try {
      health = await startHealthServer({
        address: o.health ?? DEFAULT_HEALTH_ADDRESS,
        ...(prometheus ? { metrics: prometheus } : {}),
        report: () => {
          const sh = telemetry.shipper?.stats;
          const degraded: string[] = [];
          if (sh?.failing) degraded.push(`export failing (${sh.lastError ?? "no answer"})`);
          // Processes gone before their keys were read happen on any busy host: counted and shown, not degrading.
          const lost = drops.total - drops.get("env_unreadable");
          if (lost > 0) degraded.push(drops.describe() ?? "events lost");
          return {
            status: degraded.length > 0 ? "degraded" : "ok",
            ...(degraded.length > 0 ? { degraded } : {}),
            uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
            dir,
            events,
            eventsPerSecond: rate.perSecond,
            processesHeld: table.size,
            processesRecorded: recorded,
            processesForgotten: evictor.evicted,
            drops: drops.toJSON(),
            kernelMaps: { countersInUse: source.countersInMap, limits: k.limits },
            clockAdjustmentSeconds: source.clockAdjustmentNs / 1e9,
            rssBytes: process.memoryUsage.rss(),
            heapUsedBytes: process.memoryUsage().heapUsed,
            ...(sh
              ? {
                  export: {
                    endpoints: telemetry.shipper?.endpoints,
                    failing: sh.failing,
                    sent: sh.sent,
                    pendingBytes: sh.pendingBytes,
                    queueLimitBytes: maxQueueBytes,
                    dropped: { traces: exportDrops.traces.toJSON(), metrics: exportDrops.metrics.toJSON() },
                  },
                }
              : {}),
          };
        },
      });
    } catch (err) {
      if (o.healthRequired) {
        clearInterval(sweep);
        clearInterval(ticker);
        finished = true;
        await source.stop().catch(() => undefined);
        await workflow.stop();
        await telemetry.closeLocal().catch(() => undefined);
        await telemetry.shipper?.close();
        state.update({ status: "complete", startFailed: (err as Error).message });
        throw err;
      }
      // The default address is taken (another agent?): the agent goes on without it, and says so.
      o.onWarning?.(
        `${(err as Error).message.replace(/; pick another.*$/, "")}; /healthz and /metrics are not served (--health <host:port> picks another address)`,
      );
    }
  }
  o.onReady?.({
    dir,
    detail: k.detail,
    ...(health ? { health: health.url } : {}),
    ...(workflow.url !== undefined ? { url: workflow.url } : {}),
  });
  try {
    await until;
  } finally {
    clearInterval(ticker);
  }
  health?.stopping();
  clearInterval(sweep);
  await source.stop();
  await workflow.stop();
  runs.finishAll();
  finished = true;
  const seen = recorder.finish(
    [...table.records()].filter((r) => !runs.owns(r.id)),
    nowNs(),
  );
  const summary = { processes: seen.processes, lostEvents: seen.lostEvents + table.ignoredEvents };
  metrics.lostEvents(summary.lostEvents);
  const exportProblems = await telemetry.closeLocal();
  await health?.close();
  const dropsLine = drops.describe();
  const final = {
    status: "complete",
    heartbeatUnixNano: String(nowNs()),
    processesRecorded: recorded,
    drops: drops.toJSON(),
    exportProblems,
  };
  state.update(final);
  return {
    dir,
    processes: summary.processes,
    lostEvents: summary.lostEvents,
    exportProblems,
    drops: drops.toJSON(),
    ...(dropsLine ? { dropsLine: `pipespan agent: ${dropsLine}` } : {}),
    ...(telemetry.shipper ? { export: runExport({ shipper: telemetry.shipper, runDir: dir, state, final }) } : {}),
    workflowRuns: runs.finished,
    workflowEvents: workflow.counts(),
  };
}

/** Events per second over the last minute (sampled at every sweep). */
class EventRate {
  readonly #samples: { t: number; n: number }[] = [];

  sample(n: number): void {
    const t = Date.now();
    this.#samples.push({ t, n });
    while (this.#samples.length > 2 && t - (this.#samples[0]?.t ?? t) > 60_000) this.#samples.shift();
  }

  get perSecond(): number {
    const a = this.#samples[0];
    const b = this.#samples.at(-1);
    if (!a || !b || b.t <= a.t) return 0;
    return Math.round(((b.n - a.n) / (b.t - a.t)) * 1000 * 10) / 10;
  }
}
