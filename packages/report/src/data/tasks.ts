// Tasks and their processes as columns, with where each task's wall time went.
import { type Measures, type ProcessNode, type RunModel, splitOf, storageBytes } from "@pipespan/findings";
import { n3, nInt, r3 } from "./round.js";
import type { ReportBuckets, ReportProcesses, ReportTasks } from "./types.js";

/**
 * A task's thread states per time bucket, as a run model carries them when the source recorded per-task timelines
 * (the task span's pipespan.timeline.* arrays): thread seconds per bucket of `intervalS`.
 */
interface TimelineLike {
  readonly intervalS: number;
  readonly buckets: number;
  readonly cpu: ArrayLike<number>;
  readonly ioWait: ArrayLike<number>;
  readonly runqueue?: ArrayLike<number>;
}

/** Numbers of bucket columns the whole document may hold (three per column), so a 10k-task run stays small. */
const COLUMN_BUDGET = 50_000;

/**
 * A timeline as at most `maxColumns` columns of wall-time shares (CPU, I/O wait, run queue): adjacent buckets are
 * merged, and each column is split like a task's whole wall time (splitOf: own seconds up to one thread busy,
 * proportional beyond).
 */
export function bucketColumns(tl: TimelineLike, wallS: number, maxColumns: number): ReportBuckets | null {
  const n = Math.min(tl.buckets, tl.cpu.length, tl.ioWait.length);
  if (!(tl.intervalS > 0) || n === 0 || wallS <= 0) return null;
  const per = Math.ceil(n / Math.max(1, maxColumns));
  const width = per * tl.intervalS;
  const out: ReportBuckets = { interval: width, cpu: [], io: [], rq: [] };
  const r2 = (v: number) => Math.round(v * 100) / 100;
  for (let c = 0; c * per < n; c++) {
    let cpu = 0;
    let io = 0;
    let rq = 0;
    for (let k = c * per; k < Math.min(n, (c + 1) * per); k++) {
      cpu += Number(tl.cpu[k]) || 0;
      io += Number(tl.ioWait[k]) || 0;
      rq += Number(tl.runqueue?.[k]) || 0;
    }
    const w = Math.max(1e-9, Math.min(width, wallS - c * width));
    const s = splitOf(cpu, io, rq, 0, w);
    out.cpu.push(r2(s.cpu));
    out.io.push(r2(s.ioWait));
    out.rq.push(r2(s.runqueue));
  }
  return out;
}

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
  const maxColumns = Math.max(4, Math.min(24, Math.floor(COLUMN_BUDGET / Math.max(1, model.tasks.length))));
  const buckets: (ReportBuckets | null)[] = [];
  for (const t of model.tasks) {
    const m = t.m;
    const tl = (t as { timeline?: TimelineLike }).timeline;
    buckets.push(tl ? bucketColumns(tl, t.wallS, maxColumns) : null);
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
  if (buckets.some((b) => b !== null)) tasks.buckets = buckets;
  return { tasks, processes };
}

/** The `max` longest processes, in start order. */
function longest(ps: readonly ProcessNode[], max: number): ProcessNode[] {
  const chosen = ps.length <= max ? [...ps] : [...ps].sort((a, b) => b.wallS - a.wallS).slice(0, max);
  return chosen.sort((a, b) => a.startS - b.startS);
}
