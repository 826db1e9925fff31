// Per matched task: the wall-time change and where it went.
//
// Where it went: each task's wall time is split into CPU, I/O wait, run-queue wait and the rest with the findings
// package's time split (thread seconds, scaled to the wall time when the task ran threads in parallel). The
// change of the wall time is the sum of the changes of those four parts, and the part that moved most in the
// direction of the change is its cause. Thread-second changes are shown as measured.
import { format, splitOf, type TaskNode, type TimeSplit } from "@pipespan/findings";
import { r3 } from "../data/round.js";
import type { TaskPair } from "./match.js";

export type Part = "cpu" | "io" | "rq" | "other";
export const PART_WORDS: Record<Part, string> = {
  cpu: "CPU time",
  io: "I/O wait",
  rq: "run-queue wait",
  other: "other waiting (sleep, network, pipes)",
};

/** A change is a change when it is larger than 0.25 s and 10% of the smaller of the two times. */
export function significant(d: number, a: number, b: number): boolean {
  return Math.abs(d) > Math.max(0.25, 0.1 * Math.min(a, b));
}

export interface PairFacts {
  pair: TaskPair;
  name: string;
  aSplit?: TimeSplit;
  bSplit?: TimeSplit;
  dWall: number;
  /** Changes of the wall parts (sum dWall) when both runs measured off-CPU time. */
  dParts?: Record<Part, number>;
  cause: Part | "none" | "unknown";
}

export function splitOfTask(t: TaskNode): TimeSplit | undefined {
  const m = t.m;
  return m.ioWaitS === undefined
    ? undefined
    : splitOf(m.cpuS ?? 0, m.ioWaitS, m.runqueueS ?? 0, m.sleepS ?? 0, t.wallS);
}

export function pairFacts(pair: TaskPair): PairFacts {
  const { a, b } = pair;
  const name = pair.which !== undefined ? `${a.name} (${pair.which})` : a.name;
  const dWall = b.wallS - a.wallS;
  const aSplit = splitOfTask(a);
  const bSplit = splitOfTask(b);
  if (!aSplit || !bSplit) {
    // Without off-CPU time only the CPU change is known.
    const dCpu = (b.m.cpuS ?? 0) - (a.m.cpuS ?? 0);
    const cause = !significant(dWall, a.wallS, b.wallS)
      ? "none"
      : a.m.cpuS !== undefined &&
          b.m.cpuS !== undefined &&
          Math.sign(dCpu) === Math.sign(dWall) &&
          Math.abs(dCpu) >= 0.5 * Math.abs(dWall)
        ? "cpu"
        : "unknown";
    return { pair, name, ...(aSplit ? { aSplit } : {}), ...(bSplit ? { bSplit } : {}), dWall, cause };
  }
  const dParts: Record<Part, number> = {
    cpu: bSplit.wall.cpuS - aSplit.wall.cpuS,
    io: bSplit.wall.ioWaitS - aSplit.wall.ioWaitS,
    rq: bSplit.wall.runqueueS - aSplit.wall.runqueueS,
    other: bSplit.wall.otherS - aSplit.wall.otherS,
  };
  let cause: PairFacts["cause"] = "none";
  if (significant(dWall, a.wallS, b.wallS)) {
    let best = 0;
    for (const p of ["cpu", "io", "rq", "other"] as const) {
      const v = dParts[p] * Math.sign(dWall);
      if (v > best) {
        best = v;
        cause = p;
      }
    }
  }
  return { pair, name, aSplit, bSplit, dWall, dParts, cause };
}

export const sub = (x: number | undefined, y: number | undefined) =>
  x === undefined || y === undefined ? null : r3(y - x);

export function whereWords(f: PairFacts): string {
  if (!f.dParts) {
    const dCpu = sub(f.pair.a.m.cpuS, f.pair.b.m.cpuS);
    return dCpu === null ? "not measured" : `CPU ${signed(dCpu)} (off-CPU time not measured)`;
  }
  const parts = (["io", "cpu", "rq", "other"] as const)
    .filter((p) => Math.abs(f.dParts?.[p] ?? 0) >= Math.max(0.05, 0.1 * Math.abs(f.dWall)))
    .sort((x, y) => Math.abs(f.dParts?.[y] ?? 0) - Math.abs(f.dParts?.[x] ?? 0))
    .map((p) => `${p === "other" ? "other" : PART_WORDS[p]} ${signed(f.dParts?.[p] ?? 0)}`);
  return parts.length > 0 ? parts.join(", ") : "no part changed";
}

/** "+4.1 s", "−250 ms", "±0 ms". */
export function signed(s: number): string {
  if (Math.abs(s) < 0.0005) return "±0 ms";
  return `${s > 0 ? "+" : "−"}${format.duration(Math.abs(s))}`;
}
