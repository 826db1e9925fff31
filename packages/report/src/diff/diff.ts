// Two runs of the same pipeline side by side: the runs (instance, wall time, cost), per matched task the
// wall-time change and where it went (see facts.ts), and a verdict in words (see words.ts).
import type { AnalysisReport, LoadedRun } from "@pipespan/findings";
import { r3 } from "../data/round.js";
import { instanceOf, runData } from "../data/run.js";
import type { ReportDiff, ReportDiffTask, ReportRun } from "../data/types.js";
import { type PairFacts, pairFacts, sub, whereWords } from "./facts.js";
import { matchTasks } from "./match.js";
import { instanceWords, runWords, taskSentence } from "./words.js";

export interface DiffSide {
  loaded: LoadedRun;
  analysis: AnalysisReport;
}

export function diffRuns(a: DiffSide, b: DiffSide): ReportDiff {
  const runA = sideRun(a, "A");
  const runB = sideRun(b, "B");
  const match = matchTasks(a.loaded.model.tasks, b.loaded.model.tasks);
  const facts = match.pairs.map(pairFacts);
  facts.sort((x, y) => Math.abs(y.dWall) - Math.abs(x.dWall) || x.pair.a.startS - y.pair.a.startS);
  const tasks: ReportDiffTask[] = facts.map((f) => ({
    name: f.pair.a.name,
    ...(f.pair.which !== undefined ? { which: f.pair.which } : {}),
    aWallS: r3(f.pair.a.wallS),
    bWallS: r3(f.pair.b.wallS),
    dWallS: r3(f.dWall),
    dCpuS: sub(f.pair.a.m.cpuS, f.pair.b.m.cpuS),
    dIoWaitS: sub(f.pair.a.m.ioWaitS, f.pair.b.m.ioWaitS),
    dRunqueueS: sub(f.pair.a.m.runqueueS, f.pair.b.m.runqueueS),
    where: whereWords(f),
    cause: f.cause,
  }));
  return {
    a: runA,
    b: runB,
    verdict: verdict(runA, runB, facts),
    tasks,
    onlyA: match.onlyA.map((t) => t.name),
    onlyB: match.onlyB.map((t) => t.name),
  };
}

function sideRun(s: DiffSide, label: string): ReportRun {
  return { ...runData(s.loaded, s.analysis, instanceOf(s.analysis.run.instanceType)), label };
}

/** The sentences: instances, the run's wall time and cost, then the tasks that explain it. */
function verdict(a: ReportRun, b: ReportRun, facts: readonly PairFacts[]): string[] {
  const out = [instanceWords(a, b), runWords(a, b)];
  const longest = Math.max(a.wallS, b.wallS, 1e-9);
  const said = new Set<PairFacts>();
  // The tasks that changed most...
  for (const f of facts) {
    if (said.size >= 3 || f.cause === "none") break;
    said.add(f);
  }
  // ...and the long tasks that did not change (why a bigger instance did not help).
  const steady = facts
    .filter((f) => f.cause === "none" && Math.max(f.pair.a.wallS, f.pair.b.wallS) >= 0.1 * longest)
    .sort((x, y) => y.pair.a.wallS - x.pair.a.wallS);
  for (const f of steady) {
    if (said.size >= 5) break;
    said.add(f);
  }
  if (said.size === 0 && facts.length > 0) {
    out.push("no task's wall time changed by more than 0.25 s and 10%");
  }
  for (const f of said) out.push(taskSentence(f));
  return out;
}
