import type { TraceRunResult } from "@pipespan/agent";
import { cpuNs } from "@pipespan/agent";
import { formatBytes, formatSeconds, renderTable } from "./format.js";
import type { Style } from "./style.js";
import { type TaskRow, taskRows } from "./task-rows.js";

/** The short summary `pipespan run` prints when the command ends: one row per task, then the total. */
export function renderSummary(r: TraceRunResult, style: Style, cwd = process.cwd()): string {
  const s = r.summary;
  const wall = (s.endNs - s.startNs) / 1e9;
  const rows = taskRows(s.tasks).map((t) => [
    `${t.failed > 0 ? style.red(`${label(t)} ✗`) : label(t)}`,
    formatSeconds((t.endNs - t.startNs) / 1e9),
    formatSeconds(secs(cpuNs(t.totals))),
    formatBytes(t.totals.counters.diskReadBytes),
    formatBytes(t.totals.counters.diskWriteBytes),
    String(t.processes),
  ]);
  rows.push([
    style.bold("total"),
    formatSeconds(wall),
    formatSeconds(secs(cpuNs(s.totals))),
    formatBytes(s.totals.counters.diskReadBytes),
    formatBytes(s.totals.counters.diskWriteBytes),
    String(s.processes),
  ]);
  const out: string[] = [];
  const verdict = r.exitCode === 0 ? style.green(`exit ${r.exitCode}`) : style.red(`exit ${r.exitCode}`);
  out.push(style.bold(`pipespan: run ${r.runId} · source ${r.source} · ${formatSeconds(wall)} · ${verdict}`));
  out.push(...renderTable(["TASK", "WALL", "CPU", "DISK READ", "DISK WRITE", "PROCS"], rows).map((l) => `  ${l}`));
  if (r.dropsLine) out.push(style.red(r.dropsLine));
  else if (s.lostEvents > 0) out.push(style.red(`pipespan: ${s.lostEvents} events lost by the ${r.source} source`));
  for (const p of r.exportProblems) out.push(style.red(p));
  const rel = r.runDir.startsWith(`${cwd}/`) ? r.runDir.slice(cwd.length + 1) : r.runDir;
  out.push(`pipespan: trace ${s.traceId} · OTLP/JSON in ${rel}/ (traces.jsonl, metrics.jsonl, run.json)`);
  return `${out.join("\n")}\n`;
}

function label(t: TaskRow): string {
  return t.runs > 1 ? `${t.name} ×${t.runs}` : t.name;
}

function secs(ns: number | undefined): number | undefined {
  return ns === undefined ? undefined : ns / 1e9;
}
