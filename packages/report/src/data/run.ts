// The header of a report: which run, where, how long, on what instance, at what cost.
import { type AnalysisReport, type LoadedRun, loadCatalog, storageBytes } from "@pipespan/findings";
import { n3, nInt, r3 } from "./round.js";
import type { ReportInstance, ReportRun } from "./types.js";

/** The catalog entry of an instance type, as the page needs it (caps and price), when the type is known. */
export function instanceOf(type: string | undefined): ReportInstance | undefined {
  if (type === undefined) return undefined;
  const t = loadCatalog().get(type);
  if (!t) return undefined;
  return {
    type: t.type,
    vcpu: t.vcpu,
    memoryBytes: t.memoryBytes,
    ...(t.ebsBaselineBps !== undefined ? { ebsBaselineBps: t.ebsBaselineBps } : {}),
    ...(t.networkBaselineBps !== undefined ? { networkBaselineBps: t.networkBaselineBps } : {}),
    pricePerHourUsd: t.pricePerHourUsd,
  };
}

export function runData(
  loaded: LoadedRun,
  analysis: AnalysisReport | undefined,
  instance: ReportInstance | undefined,
): ReportRun {
  const m = loaded.model;
  const tasks = m.tasks.filter((t) => !t.wholeRun);
  const exit = (loaded.runJson as Record<string, unknown> | undefined)?.["exitCode"];
  const cost = analysis?.cost.baseline?.costPerRunUsd;
  return {
    ...(m.runId !== undefined ? { runId: m.runId } : {}),
    ...(m.pipelineName !== undefined ? { pipelineName: m.pipelineName } : {}),
    traceId: m.traceId,
    ...(m.source !== undefined ? { source: m.source } : {}),
    startIso: new Date(Number(m.startNs / 1_000_000n)).toISOString(),
    wallS: r3(m.wallS),
    tasks: tasks.length,
    processes: m.processes.length,
    ...(typeof exit === "number" && Number.isInteger(exit) ? { exitCode: exit } : {}),
    failedTasks: tasks.filter((t) => t.failed).length,
    ...(instance ? { instance } : {}),
    ...(analysis?.run.instanceTypeFrom !== undefined ? { instanceFrom: analysis.run.instanceTypeFrom } : {}),
    cpuS: n3(m.m.cpuS),
    ioWaitS: n3(m.m.ioWaitS),
    runqueueS: n3(m.m.runqueueS),
    storageBytes: nInt(storageBytes(m.m)?.bytes),
    peakRssBytes: nInt(m.m.peakRssBytes),
    ...(cost !== undefined ? { costUsd: cost } : {}),
  };
}
