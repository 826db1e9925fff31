// Tasks and their processes as columns, with where each task's wall time went.
import { type Measures, type ProcessNode, type RunModel, splitOf, storageBytes } from "@pipespan/findings";
import { n3, nInt, r3 } from "./round.js";
import type { ReportProcesses, ReportTasks } from "./types.js";

/** Shares of the wall time: CPU, I/O wait, run queue, other (sum 1), and whether off-CPU time was measured. */
export function wallShares(m: Measures, wallS: number): { split: [number, number, number, number]; measured: boolean } {
  const round = (v: number) => Math.round(v * 1000) / 1000;
  if (m.ioWaitS !== undefined && wallS > 0) {
    const s = splitOf(m.cpuS ?? 0, m.ioWaitS, m.runqueueS ?? 0, m.sleepS ?? 0, wallS);
    return { split: [round(s.cpu), round(s.ioWait), round(s.runqueue), round(s.other)], measured: true };
  }
  // CPU time alone (procfs): the CPU share is known, the rest is not split.
  const cpu = m.cpuS !== undefined && wallS > 0 ? Math.min(1, m.cpuS / wallS) : 0;
  return { split: [round(cpu), 0, 0, round(1 - cpu)], measured: false };
}

/** Read and written storage bytes from the same source storageBytes() picks (block layer or I/O accounting). */
function readWrite(m: Measures): [number | null, number | null] {
  const s = storageBytes(m);
  if (!s) return [null, null];
  return s.from === "block"
    ? [nInt(m.blockReadBytes ?? 0), nInt(m.blockWriteBytes ?? 0)]
    : [nInt(m.diskReadBytes ?? 0), nInt(m.diskWriteBytes ?? 0)];
}

export function tasksData(model: RunModel, maxProcs: number): { tasks: ReportTasks; processes: ReportProcesses } {
  const tasks: ReportTasks = {
    name: [],
    attempt: [],
    start: [],
    end: [],
    cpu: [],
    io: [],
    rq: [],
    sleep: [],
    split: [],
    measuredSplit: [],
    readBytes: [],
    writeBytes: [],
    netBytes: [],
    peakRss: [],
    procs: [],
    failed: [],
    procFrom: [],
    procListed: [],
  };
  const processes: ReportProcesses = {
    name: [],
    pid: [],
    start: [],
    end: [],
    cpu: [],
    io: [],
    peakRss: [],
    exitCode: [],
    failed: [],
  };
  for (const t of model.tasks) {
    const m = t.m;
    tasks.name.push(t.name);
    tasks.attempt.push(t.attempt ?? null);
    tasks.start.push(r3(t.startS));
    tasks.end.push(r3(t.endS));
    tasks.cpu.push(n3(m.cpuS));
    tasks.io.push(n3(m.ioWaitS));
    tasks.rq.push(n3(m.runqueueS));
    tasks.sleep.push(n3(m.sleepS));
    const { split, measured } = wallShares(m, t.wallS);
    tasks.split.push(split);
    tasks.measuredSplit.push(measured);
    const [read, write] = readWrite(m);
    tasks.readBytes.push(read);
    tasks.writeBytes.push(write);
    tasks.netBytes.push(
      m.netTxBytes === undefined && m.netRxBytes === undefined ? null : nInt((m.netTxBytes ?? 0) + (m.netRxBytes ?? 0)),
    );
    tasks.peakRss.push(nInt(m.peakRssBytes));
    tasks.procs.push(t.processes.length);
    tasks.failed.push(t.failed);
    tasks.procFrom.push(processes.name.length);
    const listed = longest(t.processes, maxProcs);
    tasks.procListed.push(listed.length);
    for (const p of listed) {
      processes.name.push(p.name);
      processes.pid.push(p.pid ?? null);
      processes.start.push(r3(p.startS));
      processes.end.push(r3(p.endS));
      processes.cpu.push(n3(p.m.cpuS));
      processes.io.push(n3(p.m.ioWaitS));
      processes.peakRss.push(nInt(p.m.peakRssBytes));
      processes.exitCode.push(p.exitCode ?? null);
      processes.failed.push(p.failed);
    }
  }
  return { tasks, processes };
}

/** The `max` longest processes, in start order. */
function longest(ps: readonly ProcessNode[], max: number): ProcessNode[] {
  const chosen = ps.length <= max ? [...ps] : [...ps].sort((a, b) => b.wallS - a.wallS).slice(0, max);
  return chosen.sort((a, b) => a.startS - b.startS);
}
