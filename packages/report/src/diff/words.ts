// The verdict of a comparison in words: "run B had 2× the vCPUs and memory; STAR's wall time did not change
// because its I/O wait did not change: it is storage-bound".
import { format, type TimeSplit } from "@pipespan/findings";
import type { ReportRun } from "../data/types.js";
import { PART_WORDS, type PairFacts, signed } from "./facts.js";

function ratio(x: number): string {
  const r = Math.round(x * 100) / 100;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(2).replace(/0$/, "")}×`;
}

/** How run B's instance compares with run A's. */
export function instanceWords(a: ReportRun, b: ReportRun): string {
  const ia = a.instance;
  const ib = b.instance;
  if (!ia || !ib) {
    const which = !ia && !ib ? "the instance types of both runs are" : `the instance type of run ${!ia ? "A" : "B"} is`;
    return `${which} not known (host.type on the spans, or --instance-a / --instance-b)`;
  }
  if (ia.type === ib.type) return `both runs on ${ia.type} (${ia.vcpu} vCPUs, ${format.gib(ia.memoryBytes)})`;
  const cpu = ib.vcpu / ia.vcpu;
  const mem = ib.memoryBytes / ia.memoryBytes;
  const same = (r: number) => Math.abs(r - 1) < 0.005;
  const cpuW = same(cpu) ? "the same vCPUs" : `${ratio(cpu)} the vCPUs`;
  const memW = same(mem) ? "the same memory" : `${ratio(mem)} the memory`;
  const both = !same(cpu) && Math.abs(cpu - mem) < 0.005 ? `${ratio(cpu)} the vCPUs and memory` : `${cpuW} and ${memW}`;
  const ebs =
    ia.ebsBaselineBps !== undefined && ib.ebsBaselineBps !== undefined
      ? same(ib.ebsBaselineBps / ia.ebsBaselineBps)
        ? `, and the same EBS baseline (${format.mbps(ia.ebsBaselineBps)})`
        : `, and ${ratio(ib.ebsBaselineBps / ia.ebsBaselineBps)} the EBS baseline`
      : "";
  return `run B had ${both} of run A (${ib.type}: ${ib.vcpu} vCPUs, ${format.gib(ib.memoryBytes)}; ${ia.type}: ${ia.vcpu} vCPUs, ${format.gib(ia.memoryBytes)})${ebs}`;
}

/** Run B's wall time (and cost) against run A's. */
export function runWords(a: ReportRun, b: ReportRun): string {
  const d = b.wallS - a.wallS;
  const pct = a.wallS > 0 ? ` ${d >= 0 ? "+" : "−"}${format.pct(Math.abs(d) / a.wallS)}` : "";
  const cost =
    a.costUsd !== undefined && b.costUsd !== undefined
      ? `; it cost ${format.usd(b.costUsd)} against ${format.usd(a.costUsd)}`
      : "";
  return `run B took ${format.duration(b.wallS)} against ${format.duration(a.wallS)} for run A (${signed(d)},${pct})${cost}`;
}

/** What bounds a task, from its time split. */
export function boundWords(s: TimeSplit | undefined): string {
  if (!s) return "its off-CPU time was not measured (procfs source)";
  if (s.ioWait >= 0.5) return "it is storage-bound";
  if (s.cpu >= 0.5) return "it is CPU-bound";
  if (s.runqueue >= 0.25) return "it is short of CPUs (waiting in the run queue)";
  if (s.other >= 0.5) return "it mostly waits on something else (sleep, network, pipes, children)";
  return "its time is mixed";
}

const partOf = (s: TimeSplit, p: "cpu" | "io" | "rq" | "other") =>
  p === "cpu" ? s.wall.cpuS : p === "io" ? s.wall.ioWaitS : p === "rq" ? s.wall.runqueueS : s.wall.otherS;

function dominant(s: TimeSplit): "cpu" | "io" | "rq" | "other" {
  let best: "cpu" | "io" | "rq" | "other" = "cpu";
  for (const p of ["io", "rq", "other"] as const) if (partOf(s, p) > partOf(s, best)) best = p;
  return best;
}

export function taskSentence(f: PairFacts): string {
  const a = f.pair.a.wallS;
  const b = f.pair.b.wallS;
  const times = `${format.duration(a)} → ${format.duration(b)}`;
  if (f.cause === "none") {
    const because = f.aSplit ? ` because its ${PART_WORDS[dominant(f.aSplit)]} did not change` : "";
    return `${f.name}'s wall time did not change (${times})${because}: ${boundWords(f.bSplit ?? f.aSplit)}`;
  }
  const grew = f.dWall > 0;
  const verb = grew ? "grew" : "fell";
  const head = `${f.name}'s wall time ${verb} ${format.duration(Math.abs(f.dWall))} (${times})`;
  if (f.cause === "unknown") return `${head}; where it went is not known without off-CPU time (eBPF source)`;
  const partDelta =
    f.cause === "cpu"
      ? (f.pair.b.m.cpuS ?? 0) - (f.pair.a.m.cpuS ?? 0)
      : f.cause === "io"
        ? (f.pair.b.m.ioWaitS ?? 0) - (f.pair.a.m.ioWaitS ?? 0)
        : f.cause === "rq"
          ? (f.pair.b.m.runqueueS ?? 0) - (f.pair.a.m.runqueueS ?? 0)
          : (f.dParts?.other ?? 0);
  const partVerb = partDelta >= 0 ? "grew" : "fell";
  return `${head} because its ${PART_WORDS[f.cause]} ${partVerb} ${format.duration(Math.abs(partDelta))}: in run B ${boundWords(f.bSplit)}`;
}
