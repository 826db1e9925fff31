// `pipespan agent`: the long-running host process. It follows every process of the host with the kernel
// source and records, as process spans, those that belong to a task whose span was made elsewhere — pipelines
// instrumented with the SDK or `pipespan task`, run without `pipespan run` — under those task spans.
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { Attributor } from "../attribution/attributor.js";
import { RunMetrics } from "../metrics/run-metrics.js";
import { UserError } from "../run/errors.js";
import { READ_ENV_KEYS } from "../run/own-env.js";
import { createTelemetry } from "../run/telemetry.js";
import { openKernelProbe } from "../source/kernel/availability.js";
import { KernelSource } from "../source/kernel/kernel-source.js";
import { RunRecorder } from "../spans/run-recorder.js";
import { nowNs } from "../spans/time.js";
import { ProcessTable } from "../table/process-table.js";
import { InterestFilter } from "./interest-filter.js";

export interface HostAgentOptions {
  readonly outDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly redact: (argv: readonly string[]) => string;
  readonly serviceName?: string;
  readonly onWarning?: (line: string) => void;
  /** Called once the agent follows the host. */
  readonly onReady?: (info: { dir: string; detail: string }) => void;
}

export interface HostAgentResult {
  readonly dir: string;
  readonly processes: number;
  readonly lostEvents: number;
  readonly exportProblems: readonly string[];
}

/** Runs until `until` resolves (a signal, a timer), then flushes everything and resolves. */
export async function runHostAgent(o: HostAgentOptions, until: Promise<unknown>): Promise<HostAgentResult> {
  const k = await openKernelProbe();
  if (!k.ok) throw new UserError(`pipespan agent needs the kernel source, which cannot run here: ${k.reason}`);
  const env = o.env ?? process.env;
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const dir = resolve(o.outDir, `agent-${stamp}`);
  await mkdir(dir, { recursive: true });
  const telemetry = await createTelemetry({
    runDir: dir,
    env,
    ...(o.serviceName !== undefined ? { serviceName: o.serviceName } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  const table = new ProcessTable();
  const attributor = new Attributor({
    rootId: () => undefined,
    lookup: (id) => table.get(id),
    childrenOf: (id) => table.childrenOf(id),
    isOwnSpan: () => false,
    fallback: false,
  });
  const metrics = new RunMetrics({
    meter: telemetry.meterProvider.getMeter("pipespan"),
    pipelineName: "(agent)",
    runId: "",
    source: "ebpf",
  });
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
    onProcessEnd: (_r, task, totals) => metrics.processEnded(task?.name, totals),
  });
  const source = new KernelSource({
    native: k.native,
    probe: k.probe,
    envKeys: READ_ENV_KEYS,
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  const filter = new InterestFilter();
  await source.startHostWide({
    onEvent: (e) => {
      for (const passed of filter.accept(e)) {
        const change = table.apply(passed);
        if (change) recorder.handle(change);
      }
    },
  });
  o.onReady?.({ dir, detail: k.detail });
  await until;
  await source.stop();
  const summary = recorder.finish(
    { exitCode: 0, endTimeNs: nowNs(), lostEvents: table.ignoredEvents },
    table.records(),
  );
  metrics.lostEvents(summary.lostEvents);
  const exportProblems = await telemetry.shutdown((sig, n) => metrics.exportFailures(sig, n));
  return { dir, processes: summary.processes, lostEvents: summary.lostEvents, exportProblems };
}
