// The accounting layer on its own: what each ended process counts for, and the task and run sums built from them.
// Fed through a real ProcessTable with the events a source would send.
import { describe, expect, it } from "vitest";
import { RunAccounting } from "../../src/accounting/run-accounting.js";
import type { TaskInfo } from "../../src/attribution/task.js";
import type { ProcessCounters, ProcessKey } from "../../src/source/types.js";
import { processId } from "../../src/source/types.js";
import { cpuNs } from "../../src/spans/measure-attributes.js";
import type { ProcessRecord } from "../../src/table/process-record.js";
import { ProcessTable } from "../../src/table/process-table.js";

const S = 1e9;
const key = (pid: number): ProcessKey => ({ pid, startTicks: pid * 10 });

class Run {
  readonly table = new ProcessTable();
  readonly accounting: RunAccounting;

  constructor(ioIncludesReapedChildren: boolean) {
    this.accounting = new RunAccounting({
      childrenOf: (id) => this.table.childrenOf(id),
      ioIncludesReapedChildren,
    });
  }

  start(pid: number, parent: number | undefined, atS: number): void {
    this.table.apply({
      type: "start",
      key: key(pid),
      ppid: parent ?? 1,
      ...(parent !== undefined ? { parentKey: key(parent) } : {}),
      startTimeNs: atS * S,
      comm: `p${pid}`,
      argv: [`p${pid}`],
      env: {},
    });
    this.accounting.processStarted();
  }

  exit(pid: number, atS: number, counters: ProcessCounters, exitCode = 0): ProcessRecord {
    this.table.apply({ type: "exit", key: key(pid), timeNs: atS * S, exitCode, observedExit: true, counters });
    const r = this.table.get(processId(key(pid)));
    if (!r) throw new Error(`no record for ${pid}`);
    return r;
  }
}

const task = (name: string): TaskInfo => ({ name, runId: `${name}-1`, attribution: "env" });

describe("RunAccounting", () => {
  it("sums every process into its task and the run, exactly (a source whose counters are each process's own)", () => {
    const run = new Run(false);
    const a = task("a");
    const b = task("b");
    run.start(100, undefined, 0);
    run.start(101, 100, 1);
    run.start(102, 101, 2);
    run.start(103, 100, 3);
    const c1 = { cpuUserNs: 1.5 * S, cpuSystemNs: 0.25 * S, diskWriteBytes: 4096, peakRssBytes: 10_000 };
    const c2 = { cpuUserNs: 2 * S, cpuSystemNs: 0.5 * S, diskWriteBytes: 8192, peakRssBytes: 30_000 };
    const c3 = { cpuUserNs: 0.75 * S, cpuSystemNs: 0, diskReadBytes: 1_000_000, peakRssBytes: 20_000 };
    const t2 = run.accounting.processEnded(run.exit(102, 5, c2), a, 5 * S, false);
    const t1 = run.accounting.processEnded(run.exit(101, 6, c1), a, 6 * S, false);
    const t3 = run.accounting.processEnded(run.exit(103, 7, c3, 2), b, 7 * S, true);
    // A process counts for exactly what the source said it did.
    expect(t1.counters).toEqual(c1);
    expect(t2.counters).toEqual(c2);
    expect(t1.unattributedCpuNs).toBeUndefined();

    const ta = run.accounting.task(a);
    expect(ta).toMatchObject({ startNs: 1 * S, endNs: 6 * S, processes: 2, failed: false });
    expect(ta?.totals.counters).toEqual({
      cpuUserNs: 3.5 * S,
      cpuSystemNs: 0.75 * S,
      diskWriteBytes: 12_288,
      peakRssBytes: 30_000, // the largest, not a sum
    });
    expect(run.accounting.task(b)).toMatchObject({ startNs: 3 * S, endNs: 7 * S, processes: 1, failed: true });

    const root = run.accounting.processEnded(run.exit(100, 8, { cpuUserNs: 0.1 * S }), undefined, 8 * S, false);
    const sum = [t1, t2, t3, root].reduce((s, t) => s + (cpuNs(t) ?? 0), 0);
    expect(cpuNs(run.accounting.runTotals)).toBe(sum);
    expect(run.accounting.runTotals.counters.diskWriteBytes).toBe(12_288);
    expect(run.accounting.processes).toBe(4);
  });

  it("subtracts reaped children from a parent whose I/O includes them, and counts the CPU of unseen children", () => {
    // procfs: a parent's I/O accounting includes its reaped children's; cutime+cstime counts every reaped child.
    const run = new Run(true);
    const t = task("t");
    run.start(200, undefined, 0);
    run.start(201, 200, 1);
    run.start(202, 201, 1.5);
    const grandchild = run.exit(202, 2, { diskWriteBytes: 1000, cpuUserNs: 1 * S, childrenCpuNs: 0 });
    const child = run.exit(201, 3, {
      diskWriteBytes: 1000 + 500, // its own 500 and the grandchild's 1000
      cpuUserNs: 2 * S,
      childrenCpuNs: 1 * S + 4 * S, // the grandchild seen (1 s) and children never seen (4 s)
    });
    const g = run.accounting.processEnded(grandchild, t, 2 * S, false);
    const c = run.accounting.processEnded(child, t, 3 * S, false);
    expect(g.counters.diskWriteBytes).toBe(1000);
    expect(c.counters.diskWriteBytes).toBe(500);
    expect(c.unattributedCpuNs).toBe(4 * S);
    // The parent of both: its inclusive I/O holds the whole subtree, its own share is what is left.
    const parent = run.exit(200, 4, { diskWriteBytes: 1500 + 250, cpuUserNs: 0.5 * S, childrenCpuNs: 7 * S });
    const p = run.accounting.processEnded(parent, undefined, 4 * S, false);
    expect(p.counters.diskWriteBytes).toBe(250);
    // 7 s reaped: the child's subtree accounts for 2 + max(5, 1) = 7 s.
    expect(p.unattributedCpuNs).toBe(0);
    const totals = run.accounting.runTotals;
    expect(totals.counters.diskWriteBytes).toBe(1750);
    expect(cpuNs(totals)).toBe(1 * S + 2 * S + 4 * S + 0.5 * S);
    expect(cpuNs(run.accounting.task(t)?.totals ?? { counters: {} })).toBe(7 * S);
  });

  it("opens a task at its earliest process, counts lost events, and drops a closed task's tally", () => {
    const run = new Run(false);
    const t = task("t");
    run.start(300, undefined, 10);
    run.start(301, 300, 11);
    run.accounting.openTask(t, 10.5 * S);
    run.accounting.processEnded(run.exit(301, 12, { cpuUserNs: S }), t, 12 * S, false);
    expect(run.accounting.task(t)).toMatchObject({ startNs: 10.5 * S, endNs: 12 * S });
    run.accounting.lost(3);
    run.accounting.lost(2);
    expect(run.accounting.lostEvents).toBe(5);
    expect(run.accounting.taskCount).toBe(1);
    run.accounting.forgetTasksExcept(new Set([t]));
    expect(run.accounting.taskCount).toBe(1);
    run.accounting.closeTask(t);
    expect(run.accounting.task(t)).toBeUndefined();
    // The run's sums keep what the closed task's process counted for.
    expect(cpuNs(run.accounting.runTotals)).toBe(S);
  });

  it("gives a parent the same own figures when its ended children left the table first (folded into it)", () => {
    // Two identical runs; in the second the children are dropped from the table as they end, as under an exec storm.
    const figures = (drop: boolean) => {
      const run = new Run(true);
      run.start(400, undefined, 0);
      run.start(401, 400, 1);
      run.start(402, 401, 1.2);
      const gc = run.exit(402, 1.5, { diskWriteBytes: 300, cpuUserNs: 0.5 * S, childrenCpuNs: 0 });
      run.accounting.processEnded(gc, undefined, 1.5 * S, false);
      if (drop && run.table.forget(gc.id)) {
        const parent = run.table.get(processId(key(401)));
        if (parent) run.accounting.own.fold(gc, parent);
      }
      const c = run.exit(401, 2, { diskWriteBytes: 300 + 200, cpuUserNs: 1 * S, childrenCpuNs: 0.5 * S + 3 * S });
      const child = run.accounting.processEnded(c, undefined, 2 * S, false);
      if (drop && run.table.forget(c.id)) {
        const parent = run.table.get(processId(key(400)));
        if (parent) run.accounting.own.fold(c, parent);
      }
      run.start(403, 400, 2.5); // a later child, still in the table
      const later = run.exit(403, 3, { diskWriteBytes: 50, cpuUserNs: 0.25 * S, childrenCpuNs: 0 });
      run.accounting.processEnded(later, undefined, 3 * S, false);
      const p = run.exit(400, 4, {
        diskWriteBytes: 500 + 50 + 1000,
        cpuUserNs: 2 * S,
        childrenCpuNs: 4.5 * S + 0.25 * S + 1 * S,
      });
      const parent = run.accounting.processEnded(p, undefined, 4 * S, false);
      return { child, parent, run: run.accounting.runTotals, tableSize: run.table.size };
    };
    const kept = figures(false);
    const dropped = figures(true);
    expect(dropped.tableSize).toBe(kept.tableSize - 2);
    expect(dropped.child).toEqual(kept.child);
    expect(dropped.parent).toEqual(kept.parent);
    expect(dropped.parent.counters.diskWriteBytes).toBe(1000);
    expect(dropped.parent.unattributedCpuNs).toBe(1 * S);
    expect(dropped.run).toEqual(kept.run);
  });
});
