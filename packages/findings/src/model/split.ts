// How a task's wall time divides into computing, waiting on I/O, waiting for a CPU, and everything else.
//
// The eBPF source measures per process, summed over its threads: on-CPU time, off-CPU time in uninterruptible
// sleep (D state, which is mostly block I/O) and run-queue delay. Their sum is the task's "active" thread time:
// threads doing work or held up by the disk or the scheduler. Interruptible sleep (S state) is left out on
// purpose: idle helper threads (a JVM's or Node's pools), shells waiting for children and processes waiting on
// a pipe all sleep in S state for the whole run, and counting that would dilute every share.
//
// Wall split: when the active time is at most the wall time (up to one thread busy on average) each part is its
// own seconds, and the rest of the wall is "other" (sleeping, network or pipe waits, unmeasured). When it is more
// (parallel work) the wall time is divided in proportion to the parts and "other" is 0. This is the model the
// cost projection uses, Amdahl-style: if the I/O part got twice as fast, its part of the wall time would halve.
import type { ProcessNode } from "./types.js";

export interface TimeSplit {
  wallS: number;
  /** Thread seconds on a CPU, in D state, and runnable-but-waiting, summed over the processes. */
  cpuS: number;
  ioWaitS: number;
  runqueueS: number;
  /** Interruptible sleep (evidence only). */
  sleepS: number;
  /** cpuS + ioWaitS + runqueueS. */
  activeS: number;
  /** activeS / wallS: threads active on average. */
  concurrency: number;
  /** The wall time split; the four parts add up to wallS. */
  wall: { cpuS: number; ioWaitS: number; runqueueS: number; otherS: number };
  /** Shares of the wall time (the wall parts / wallS; 0 when wallS is 0). */
  cpu: number;
  ioWait: number;
  runqueue: number;
  other: number;
}

/**
 * The time split of a set of processes over `wallS`, or undefined when off-CPU time was not measured for them
 * (procfs): without it, on-CPU time alone cannot say what the rest of the wall time was.
 */
export function timeSplit(processes: readonly ProcessNode[], wallS: number): TimeSplit | undefined {
  let cpu = 0;
  let io = 0;
  let rq = 0;
  let sleep = 0;
  let measured = 0;
  for (const p of processes) {
    const m = p.m;
    if (m.ioWaitS === undefined) continue;
    measured++;
    cpu += m.cpuS ?? 0;
    io += m.ioWaitS;
    rq += m.runqueueS ?? 0;
    sleep += m.sleepS ?? 0;
  }
  if (measured === 0) return undefined;
  return splitOf(cpu, io, rq, sleep, wallS);
}

export function splitOf(cpu: number, io: number, rq: number, sleep: number, wallS: number): TimeSplit {
  const active = cpu + io + rq;
  const scale = active > wallS && active > 0 ? wallS / active : 1;
  const wall = { cpuS: cpu * scale, ioWaitS: io * scale, runqueueS: rq * scale, otherS: 0 };
  wall.otherS = Math.max(0, wallS - wall.cpuS - wall.ioWaitS - wall.runqueueS);
  const share = (v: number) => (wallS > 0 ? v / wallS : 0);
  return {
    wallS,
    cpuS: cpu,
    ioWaitS: io,
    runqueueS: rq,
    sleepS: sleep,
    activeS: active,
    concurrency: wallS > 0 ? active / wallS : 0,
    wall,
    cpu: share(wall.cpuS),
    ioWait: share(wall.ioWaitS),
    runqueue: share(wall.runqueueS),
    other: share(wall.otherS),
  };
}

/** True when at least `fraction` of the processes with measurements carry off-CPU I/O-wait time. */
export function hasOffCpuData(processes: readonly ProcessNode[], fraction = 0.9): boolean {
  let withCpu = 0;
  let withIo = 0;
  for (const p of processes) {
    if (p.m.cpuS === undefined && p.m.ioWaitS === undefined) continue;
    withCpu++;
    if (p.m.ioWaitS !== undefined) withIo++;
  }
  return withCpu > 0 && withIo / withCpu >= fraction;
}
