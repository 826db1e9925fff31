// Signalling the run's processes: its process group (the root command leads its own session and group) plus any
// process the source followed that left the group. A pid is signalled only while it is still the process the
// source saw (same start time), so a reused pid is never hit.
import { readFileSync } from "node:fs";
import { parseStat } from "../source/procfs/parse.js";

/** A process as the source knows it: pid plus start time in clock ticks (/proc/<pid>/stat field 22). */
export interface KnownProcess {
  readonly pid: number;
  readonly startTicks: number;
}

/** Start time (ticks since boot) of a live pid, or undefined when it is gone (or a zombie). */
export function startTicksOf(pid: number, procRoot = "/proc"): number | undefined {
  try {
    const st = parseStat(readFileSync(`${procRoot}/${pid}/stat`, "utf8"));
    if (!st || st.state === "Z" || st.state === "X") return undefined;
    return st.starttime;
  } catch {
    return undefined;
  }
}

export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

/** True while any member of the group exists (zombies included: they are gone once reaped). */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/** The known processes that are still the same live processes. */
export function stillRunning(procs: readonly KnownProcess[]): KnownProcess[] {
  return procs.filter((p) => startTicksOf(p.pid) === p.startTicks);
}

export function signalProcesses(procs: readonly KnownProcess[], sig: NodeJS.Signals): number {
  let n = 0;
  for (const p of stillRunning(procs)) {
    try {
      process.kill(p.pid, sig);
      n++;
    } catch {
      /* gone meanwhile */
    }
  }
  return n;
}
