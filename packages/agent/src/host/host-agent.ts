// `pipespan agent`: the long-running host process. It follows every process of the host with the kernel
// source and records, as process spans, those that belong to a task whose span was made elsewhere — pipelines
// instrumented with the SDK or `pipespan task`, run without `pipespan run` — under those task spans.
//
// Made to run for weeks: memory follows the live processes (ended ones are forgotten once their spans are out),
// its folder is a bounded on-disk export queue (numbered segments; the oldest go past --max-queue, counted), the
// kernel clock is re-anchored to the wall clock every minute, every drop is counted by reason, and /healthz plus
// its own metrics are served on loopback and exported with the rest.
import { hostname } from "node:os";
import { resolve } from "node:path";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { ENV_PIPESPAN_RUN_DIR } from "@pipespan/semconv";
import { Attributor } from "../attribution/attributor.js";
import { RunMetrics } from "../metrics/run-metrics.js";
import { DropCounts } from "../run/drops.js";
import { UserError } from "../run/errors.js";
import { makeRunDir } from "../run/out-dir.js";
import { OWN_ENV_KEYS } from "../run/own-env.js";
import { type RunExport, runExport } from "../run/run-export.js";
import { currentWriter, RunStateFile } from "../run/run-state.js";
import { createTelemetry } from "../run/telemetry.js";
import { type KernelMapSizes, openKernelProbe } from "../source/kernel/availability.js";
import { KernelSource } from "../source/kernel/kernel-source.js";
import { RunRecorder } from "../spans/run-recorder.js";
import { nowNs } from "../spans/time.js";
import { ProcessTable } from "../table/process-table.js";
import { Evictor } from "./evictor.js";
import { DEFAULT_HEALTH_ADDRESS, type HealthServer, type ListenAddress, startHealthServer } from "./health-server.js";
import { InterestFilter } from "./interest-filter.js";
import { registerSelfMetrics } from "./self-metrics.js";

export const DEFAULT_MAX_QUEUE_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

export interface HostAgentOptions {
  readonly outDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly redact: (argv: readonly string[]) => string;
  readonly serviceName?: string;
  readonly onWarning?: (line: string) => void;
  /** Called once the agent follows the host. */
  readonly onReady?: (info: { dir: string; detail: string; health?: string }) => void;
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
}

/** Runs until `until` resolves (a signal, a timer), then flushes everything and resolves. */
export async function runHostAgent(o: HostAgentOptions, until: Promise<unknown>): Promise<HostAgentResult> {
  const k = await openKernelProbe(undefined, o.mapSizes);
  if (!k.ok) throw new UserError(`pipespan agent needs the kernel source, which cannot run here: ${k.reason}`);
  const env = o.env ?? process.env;
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  let dir: string;
  try {
    dir = makeRunDir(resolve(o.outDir), `agent-${stamp}`);
  } catch (err) {
    k.probe.close();
    throw err;
  }
  const maxQueueBytes = o.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
  const segmentBytes = Math.max(
    64 * 1024,
    Math.min(o.segmentBytes ?? DEFAULT_SEGMENT_BYTES, Math.floor(maxQueueBytes / 4)),
  );
  const prometheus = o.health === false ? undefined : new PrometheusExporter({ preventServerStart: true });
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
  const table = new ProcessTable();
  const attributor = new Attributor({
    rootId: () => undefined,
    lookup: (id) => table.get(id),
    childrenOf: (id) => table.childrenOf(id),
    isOwnSpan: () => false,
    fallback: false,
  });
  const meter = telemetry.meterProvider.getMeter("pipespan");
  metrics = new RunMetrics({ meter, pipelineName: "(agent)", runId: "", source: "ebpf" });
  const recorder = new RunRecorder({
    tracer: telemetry.tracerProvider.getTracer("pipespan"),
    attributor,
    lookup: (id) => table.get(id),
    childrenOf: (id) => table.childrenOf(id),
    records: () => table.records(),
    pipelineName: "(agent)",
    runId: "",
    source: "ebpf",
    commandLine: "",
    redact: o.redact,
    startTimeNs: nowNs(),
    emitRunSpan: false,
    onProcessEnd: (_r, task, totals) => metrics?.processEnded(task?.name, totals),
  });
  const source = new KernelSource({
    native: k.native,
    probe: k.probe,
    // PIPESPAN_RUN_DIR too: processes of a `pipespan run` are that run's to record (see InterestFilter).
    envKeys: [...OWN_ENV_KEYS, ENV_PIPESPAN_RUN_DIR],
    mapLimits: k.limits,
    ...(o.reanchorMs !== undefined ? { reanchorMs: o.reanchorMs } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  const evictor = new Evictor(table, recorder, attributor);
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
    maps: () => ({ counters: source.countersInMap, limits: k.limits }),
    agent: { processes: () => table.size, clockAdjustmentNs: () => source.clockAdjustmentNs },
  });

  const filter = new InterestFilter();
  let finished = false;
  try {
    await source.startHostWide({
      onEvent: (e) => {
        if (finished) return;
        events++;
        if (e.type === "lost") drops.add(e.reason, e.count);
        for (const passed of filter.accept(e)) {
          const change = table.apply(passed);
          if (change?.type === "exited") recorded++;
          if (change) recorder.handle(change);
        }
        if (table.ignoredEvents > ignoredSeen) {
          drops.add("unknown_process", table.ignoredEvents - ignoredSeen);
          ignoredSeen = table.ignoredEvents;
        }
      },
    });
  } catch (err) {
    await source.stop().catch(() => undefined);
    await telemetry.closeLocal().catch(() => undefined);
    await telemetry.shipper?.close();
    throw err;
  }

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
          if (drops.total > 0) degraded.push(drops.describe() ?? "events lost");
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
        finished = true;
        await source.stop().catch(() => undefined);
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
  o.onReady?.({ dir, detail: k.detail, ...(health ? { health: health.url } : {}) });
  await until;
  health?.stopping();
  clearInterval(sweep);
  await source.stop();
  finished = true;
  const summary = recorder.finish(
    { exitCode: 0, endTimeNs: nowNs(), lostEvents: table.ignoredEvents },
    table.records(),
  );
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
