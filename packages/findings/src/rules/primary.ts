// The primary verdict rules: cpu-bound, io-bound, network-bound, memory-bound, cpu-starved, waiting, mixed.
// Every task above the minimum wall time gets exactly one of them (model/verdict.ts decides which); each rule
// reports the tasks whose verdict it is and is "clear" for the others. The evidence carries the held shares, the
// parallelism and the counterfactual runtimes ("with storage unlimited, about 40 s instead of 2 m 00 s").
import {
  ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME,
  ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME,
  ATTR_PIPESPAN_TIMELINE_CPU_TIME,
} from "@pipespan/semconv";
import { z } from "zod";
import { duration, pct, round } from "../format.js";
import { CAUSES, type Cause, type TaskLimits } from "../model/limits.js";
import type { TaskNode } from "../model/types.js";
import { CAUSE_LABEL, describeCauses, type Primary, type PrimaryVerdict } from "../model/verdict.js";
import { defineRule, type Evidence, type RuleContext, type Severity, taskSubject, type Verdict } from "./types.js";
import { byCriticalShare, clear, finding } from "./verdicts.js";

const WARNING_CAUSES: ReadonlySet<Cause> = new Set(["io", "memory", "network", "runqueue"]);

const evidenceMemo = new WeakMap<TaskLimits, Evidence>();

/** The evidence every primary verdict carries (one object per task, shared by the rules that report on it). */
export function limitsEvidence(l: TaskLimits, p: Primary): Evidence {
  const known = evidenceMemo.get(l);
  if (known) return known;
  const e = buildEvidence(l, p);
  evidenceMemo.set(l, e);
  return e;
}

function buildEvidence(l: TaskLimits, p: Primary): Evidence {
  const e: Evidence = {
    verdict: p.verdict,
    wall_s: round(l.wallS),
    basis: l.basis,
    decided_by: p.rule,
  };
  for (const c of CAUSES) e[`share_${c}`] = round(l.shares[c]);
  const m = l.task.m;
  e.cpu_thread_s = round(m.cpuS ?? 0);
  e.io_wait_thread_s = round(m.ioWaitS ?? 0);
  e.blocked_thread_s = m.blockedS !== undefined ? round(m.blockedS) : null;
  e.runqueue_thread_s = round(m.runqueueS ?? 0);
  e.sleep_thread_s = m.sleepS !== undefined ? round(m.sleepS) : null;
  e.lanes = round(l.parallelism.lanes, 2);
  e.lanes_demonstrated = round(l.parallelism.demonstrated, 2);
  e.lanes_from = l.parallelism.from;
  e.host_cpus = l.parallelism.hostCpus ?? null;
  const cf = l.counterfactual;
  e.est_s_storage_unlimited = round(cf.storageUnlimited, 1);
  e.est_s_cpu_unlimited = round(cf.cpuUnlimited, 1);
  e.est_s_cpu_2x_faster = round(cf.cpu2xFaster, 1);
  e.est_s_network_unlimited = round(cf.networkUnlimited, 1);
  e.est_s_no_runqueue = round(cf.noRunqueue, 1);
  e.est_s_no_lock_waits = round(cf.noLockWaits, 1);
  e.page_in_share_of_storage = round(l.memory.faultShare);
  p.causes.slice(0, 2).forEach((c, i) => {
    e[`cause${i + 1}`] = c.cause;
    e[`cause${i + 1}_share`] = round(c.share);
  });
  if (l.notes.length > 0) e.notes = l.notes.join("; ");
  return e;
}

/** "about 40 s instead of 2 m 00 s" */
function about(est: number, wall: number): string {
  return `about ${duration(est)} instead of ${duration(wall)}`;
}

function summaryOf(t: TaskNode, l: TaskLimits, p: Primary): string {
  const s = l.shares;
  const cf = l.counterfactual;
  const wall = l.wallS;
  const lanes = l.parallelism.lanes;
  const laneWord = `${round(lanes, 1)} usable CPU${lanes === 1 ? "" : "s"}`;
  switch (p.verdict) {
    case "io-bound":
      return (
        `${t.name}: storage I/O held it ${pct(s.io)} of its ${duration(wall)} (CPU ${pct(s.cpu)} on ${laneWord}); ` +
        `with storage unlimited, ${about(cf.storageUnlimited, wall)}`
      );
    case "cpu-bound": {
      const more =
        l.parallelism.demonstrated > lanes + 0.05
          ? `with ${round(l.parallelism.demonstrated, 1)} CPUs (the threads it ran), ${about(cf.cpuUnlimited, wall)}`
          : `more CPUs would not help (it ran ${round(l.parallelism.demonstrated, 1)} thread(s) at once); with CPUs 2× as fast, ${about(cf.cpu2xFaster, wall)}`;
      return `${t.name}: CPU held it ${pct(s.cpu + s.runqueue)} of its ${duration(wall)} on ${laneWord}; ${more}`;
    }
    case "cpu-starved":
      return (
        `${t.name}: waited for a CPU ${pct(s.runqueue)} of its ${duration(wall)} (on a CPU ${pct(s.cpu)}): other ` +
        `work took the CPUs; without run-queue wait, ${about(cf.noRunqueue, wall)}`
      );
    case "network-bound":
      return (
        `${t.name}: network held it ${pct(s.network)} of its ${duration(wall)} (asleep while sockets moved data); ` +
        `with the network unlimited, ${about(cf.networkUnlimited, wall)}`
      );
    case "memory-bound":
      return l.memory.oomKilled > 0
        ? `${t.name}: the OOM killer stopped ${l.memory.oomKilled} of its process(es)`
        : `${t.name}: reading back evicted pages held it ${pct(s.memory)} of its ${duration(wall)}; with memory to keep them, ${about(cf.memoryUnlimited, wall)}`;
    case "waiting": {
      const lock = s.lock >= s.wait + s.other;
      return lock
        ? `${t.name}: blocked on kernel locks (D state outside I/O) ${pct(s.lock)} of its ${duration(wall)}; without lock waits, ${about(cf.noLockWaits, wall)}`
        : `${t.name}: asleep ${pct(s.wait + s.other)} of its ${duration(wall)} (sleep, pipes, children, other tasks); no resource of this host held it`;
    }
    case "mixed":
      return `${t.name}: no single limit — ${describeCauses(p.causes)} of its ${duration(wall)}; ${mixedEstimates(l, p)}`;
  }
}

function mixedEstimates(l: TaskLimits, p: Primary): string {
  const cf = l.counterfactual;
  const parts: string[] = [];
  for (const { cause } of p.causes) {
    if (cause === "io") parts.push(`with storage unlimited ${duration(cf.storageUnlimited)}`);
    else if (cause === "cpu") parts.push(`with unlimited CPUs ${duration(cf.cpuUnlimited)}`);
    else if (cause === "runqueue") parts.push(`without run-queue wait ${duration(cf.noRunqueue)}`);
    else if (cause === "network") parts.push(`with the network unlimited ${duration(cf.networkUnlimited)}`);
    else if (cause === "memory") parts.push(`without page-ins ${duration(cf.memoryUnlimited)}`);
    else if (cause === "lock") parts.push(`without lock waits ${duration(cf.noLockWaits)}`);
  }
  return parts.length > 0 ? `estimates: ${parts.join(", ")}` : "no resource change alone shortens it much";
}

function adviceOf(l: TaskLimits, p: Primary): string {
  switch (p.verdict) {
    case "io-bound":
      return (
        "Storage sets this task's pace: more storage throughput or IOPS (the volume's provisioned limits, the " +
        "instance's EBS bandwidth) or instance-store NVMe for scratch data help, as do fewer and larger requests " +
        "or a working set that fits the page cache; more or faster CPUs will not."
      );
    case "cpu-bound":
      return l.parallelism.demonstrated > l.parallelism.lanes + 0.05
        ? `CPU sets this task's pace and it ran more threads than this host has CPUs: up to ${Math.ceil(l.parallelism.demonstrated)} CPUs would help; faster CPUs help too; faster storage will not.`
        : "CPU sets this task's pace with all the threads it runs busy: faster CPUs help, and more CPUs only if it is told to use more threads; faster storage will not.";
    case "cpu-starved":
      return "Other work took the CPUs this task wanted: run fewer tasks at once on this host, give it more CPUs, or lower the other tasks' thread counts.";
    case "network-bound":
      return "The network sets this task's pace: a type with more network bandwidth (the *n types), less data to move (compression, in-region data) or more parallel transfers help.";
    case "memory-bound":
      return l.memory.oomKilled > 0
        ? "Give the task more memory (request or instance), or reduce what it holds at once (smaller batches, fewer threads, streaming input)."
        : "Pages were evicted and read back: more memory (or a smaller working set) helps more than faster storage.";
    case "waiting":
      return l.shares.lock >= l.shares.wait + l.shares.other
        ? `Kernel lock contention (${ATTR_PIPESPAN_OFFCPU_BLOCKED_TIME}), not storage: fewer threads or processes working on the same files or directories, or separate output files, help; faster storage will not.`
        : "No resource of this host held it: it waited on timers, pipes, child processes or other tasks. Look at what it waits for (the tasks alongside it on the critical path).";
    case "mixed":
      return (
        `No single resource dominates (${p.causes.map((c) => CAUSE_LABEL[c.cause]).join(" and ")}): improving one ` +
        "alone gives at most the estimate shown; improve both, or the one that is cheaper to change."
      );
  }
}

function severityOf(ctx: RuleContext, t: TaskNode, p: Primary): Severity {
  let base: Severity = "info";
  if (p.verdict === "io-bound" || p.verdict === "network-bound" || p.verdict === "memory-bound") base = "warning";
  if (p.verdict === "cpu-starved") base = "warning";
  if (p.verdict === "mixed" && p.causes.some((c) => WARNING_CAUSES.has(c.cause))) base = "warning";
  if (p.verdict === "memory-bound" && ctx.limits(t)?.memory.oomKilled) return "critical"; // an OOM kill always matters
  return byCriticalShare(ctx, t, base);
}

const DESCRIPTIONS: Record<PrimaryVerdict, string> = {
  "cpu-bound": "The CPU held the task: its usable CPUs were busy (with unlimited or faster CPUs it would be shorter).",
  "io-bound": "Storage I/O (io_schedule) held the task while its CPUs sat idle.",
  "network-bound": "The task slept while its sockets moved data: the network held it.",
  "memory-bound": "The OOM killer stopped the task, or reading back evicted pages held it.",
  "cpu-starved": "The task's threads were runnable but other work had the CPUs (run-queue wait held it).",
  waiting:
    "The task slept on timers, pipes, children or other tasks, or waited on kernel locks: no resource of the host held it.",
  mixed: "No single cause dominated the task's wall time: the two leading causes and their shares.",
};

/** A primary-verdict rule: findings for the tasks whose primary verdict is `id`, clear for the others. */
export function primaryRule(id: Exclude<PrimaryVerdict, "cpu-bound" | "io-bound">) {
  return defineRule({
    id,
    description: DESCRIPTIONS[id],
    needs: `${ATTR_PIPESPAN_OFFCPU_IO_WAIT_TIME} and the other off-CPU times (eBPF source); ${ATTR_PIPESPAN_TIMELINE_CPU_TIME} and the other timelines sharpen it`,
    thresholds: z.object({}),
    evaluate(ctx) {
      return primaryVerdicts(ctx, id);
    },
  });
}

/** The verdicts of one primary rule over every task that has a limits model. */
export function primaryVerdicts(ctx: RuleContext, id: PrimaryVerdict): Verdict[] {
  const out: Verdict[] = [];
  for (const t of ctx.judged()) {
    const l = ctx.limits(t);
    const p = ctx.primary(t);
    if (!l || !p) continue;
    const evidence = limitsEvidence(l, p);
    if (p.verdict === id) {
      out.push(
        finding(id, taskSubject(t), severityOf(ctx, t, p), summaryOf(t, l, p), evidence, adviceOf(l, p), t.endS),
      );
    } else {
      out.push(clear(id, taskSubject(t), `primary verdict: ${p.verdict}`, evidence, t.endS));
    }
  }
  return out;
}

export { DESCRIPTIONS as PRIMARY_DESCRIPTIONS };
