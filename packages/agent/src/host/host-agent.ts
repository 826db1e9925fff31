// `pipespan agent`: the long-running host process. It follows every process of the host with the kernel
// source and records:
// - the processes of tasks whose span was made elsewhere — pipelines instrumented with the SDK or
//   `pipespan task`, run without `pipespan run` — under those task spans;
// - Nextflow and Snakemake runs, each as a trace of its own (run → task → process): Nextflow tasks from their
//   work dirs (also on a grid or cloud node that runs tasks it did not start), enriched by the weblog the
//   agent receives; Snakemake jobs from the pipespan logger plugin's events, which it receives too.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ENV_NXF_TASK_WORKDIR } from "@pipespan/semconv";
import { Attributor } from "../attribution/attributor.js";
import { isNextflowLauncher } from "../attribution/nextflow-source.js";
import { RunMetrics } from "../metrics/run-metrics.js";
import { UserError } from "../run/errors.js";
import { READ_ENV_KEYS } from "../run/own-env.js";
import { createTelemetry } from "../run/telemetry.js";
import { openKernelProbe } from "../source/kernel/availability.js";
import { KernelSource } from "../source/kernel/kernel-source.js";
import type { ProcessExecEvent, ProcessStartEvent } from "../source/types.js";
import { RunRecorder } from "../spans/run-recorder.js";
import { nowNs } from "../spans/time.js";
import { ProcessTable } from "../table/process-table.js";
import { parseWorkDir, workDirInArgv } from "../workflow/nextflow/work-dir.js";
import { WorkflowInputs } from "../workflow/workflow-inputs.js";
import { InterestFilter } from "./interest-filter.js";
import { WorkflowRuns } from "./workflow-runs.js";

export interface HostAgentOptions {
  readonly outDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly redact: (argv: readonly string[]) => string;
  readonly serviceName?: string;
  /** Receive workflow-manager events (Nextflow weblog, the Snakemake plugin) on this address; none when absent. */
  readonly listen?: { readonly host: string; readonly port: number };
  readonly onWarning?: (line: string) => void;
  /** Called once the agent follows the host. */
  readonly onReady?: (info: { dir: string; detail: string; url?: string }) => void;
}

export interface HostAgentResult {
  readonly dir: string;
  readonly processes: number;
  readonly lostEvents: number;
  readonly exportProblems: readonly string[];
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
  const k = await openKernelProbe();
  if (!k.ok) throw new UserError(`pipespan agent needs the kernel source, which cannot run here: ${k.reason}`);
  const env = o.env ?? process.env;
  const workflow = new WorkflowInputs({
    ...(o.listen ? { listen: o.listen } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  try {
    await workflow.start();
  } catch (e) {
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
  const dir = resolve(o.outDir, `agent-${stamp}`);
  await mkdir(dir, { recursive: true });
  const telemetry = await createTelemetry({
    runDir: dir,
    env,
    ...(o.serviceName !== undefined ? { serviceName: o.serviceName } : {}),
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
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
  const metrics = new RunMetrics({
    meter: telemetry.meterProvider.getMeter("pipespan"),
    pipelineName: "(agent)",
    runId: "",
    source: "ebpf",
  });
  const recorder = new RunRecorder({
    tracer,
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
    onProcessEnd: (_r, task, totals) => metrics.processEnded(task?.name, totals),
    onRunEnd: (summary) => {
      for (const t of summary.tasks) metrics.taskEnded(t);
    },
  });
  const source = new KernelSource({
    native: k.native,
    probe: k.probe,
    envKeys: READ_ENV_KEYS,
    ...(o.onWarning ? { onWarning: o.onWarning } : {}),
  });
  const snakemake = workflow.snakemake;
  const filter = new InterestFilter({
    alsoAccept: (e) =>
      (isNextflowLauncher(e.argv) && e.argv.includes("run")) ||
      snakemake.workflowOf(e.key.pid, e.key.startTicks) !== undefined ||
      nextflowTaskEvidence(e),
  });
  const apply = (e: Parameters<InterestFilter["accept"]>[0]) => {
    for (const passed of filter.accept(e)) {
      const change = table.apply(passed);
      if (change && !runs.handle(change)) recorder.handle(change);
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
  await source.startHostWide({ onEvent: apply });
  const ticker = setInterval(() => runs.tick(), 500);
  o.onReady?.({ dir, detail: k.detail, ...(workflow.url !== undefined ? { url: workflow.url } : {}) });
  try {
    await until;
  } finally {
    clearInterval(ticker);
  }
  await source.stop();
  await workflow.stop();
  runs.finishAll();
  const summary = recorder.finish(
    { exitCode: 0, endTimeNs: nowNs(), lostEvents: table.ignoredEvents },
    [...table.records()].filter((r) => !runs.owns(r.id)),
  );
  metrics.lostEvents(summary.lostEvents);
  const exportProblems = await telemetry.shutdown((sig, n) => metrics.exportFailures(sig, n));
  return {
    dir,
    processes: table.size,
    lostEvents: summary.lostEvents,
    exportProblems,
    workflowRuns: runs.finished,
    workflowEvents: workflow.counts(),
  };
}
