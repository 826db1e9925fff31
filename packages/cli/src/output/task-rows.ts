import type { TaskSummary, Totals } from "@pipespan/agent";
import { addTotals } from "@pipespan/agent";

/** Summary rows: tasks of the same name fold into one row (a scatter of 200 chunks is one line, ×200). */
export interface TaskRow {
  readonly name: string;
  readonly runs: number;
  readonly startNs: number;
  readonly endNs: number;
  readonly processes: number;
  readonly failed: number;
  readonly totals: Totals;
}

export function taskRows(tasks: readonly TaskSummary[]): TaskRow[] {
  const rows = new Map<string, { -readonly [K in keyof TaskRow]: TaskRow[K] }>();
  for (const t of tasks) {
    const r = rows.get(t.name);
    if (!r) {
      const totals: Totals = { counters: {} };
      addTotals(totals, t.totals);
      rows.set(t.name, {
        name: t.name,
        runs: t.runs ?? 1,
        startNs: t.startNs,
        endNs: t.endNs,
        processes: t.processes,
        failed: t.failedRuns ?? (t.failed ? 1 : 0),
        totals,
      });
      continue;
    }
    r.runs += t.runs ?? 1;
    r.startNs = Math.min(r.startNs, t.startNs);
    r.endNs = Math.max(r.endNs, t.endNs);
    r.processes += t.processes;
    r.failed += t.failedRuns ?? (t.failed ? 1 : 0);
    addTotals(r.totals, t.totals);
  }
  return [...rows.values()];
}
