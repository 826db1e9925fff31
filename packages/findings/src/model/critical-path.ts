// The critical path of a run: the chain of tasks that set its wall time. Walking back from the run's end, the
// task that finished last is on it; before that task started, the task that finished last (within a small
// tolerance, since a sampled source knows ends only to within its interval) is what it waited for; and so on.
// Time on the path not covered by a task is "outside tasks" (the root command itself, scheduling gaps).
//
// Tasks that overlap are never chained as if one ran after the other. A task that ran alongside a path task for
// most of a segment (the other end of a pipe `cat | wc`, a parallel job) is listed with that segment: which of
// them set the pace is for the limits model to say (the engine picks the one that was not waiting on the
// others), and the segment's time under another instance is the slowest of them. Tasks that ran alongside only
// briefly are off the path. O(tasks · log tasks) plus the overlap scan.
import type { RunModel, TaskNode } from "./types.js";

export interface PathSegment {
  /** Undefined for time outside any task. */
  task?: TaskNode;
  startS: number;
  endS: number;
  seconds: number;
  /**
   * Tasks off the path that overlapped this segment for at least half of the shorter of the two (pipe stages,
   * parallel jobs): candidates for what set the pace.
   */
  alongside: TaskNode[];
}

export interface CriticalPath {
  /** In time order. */
  segments: PathSegment[];
  /** Seconds of the run's wall time covered by tasks on the path. */
  taskSeconds: number;
  /** Seconds outside any task. */
  outsideSeconds: number;
}

export function criticalPath(run: RunModel, toleranceS = 0.5): CriticalPath {
  const tasks = run.tasks.filter((t) => t.endS > t.startS).sort((a, b) => a.endS - b.endS);
  const ends = tasks.map((t) => t.endS);
  const used = new Set<TaskNode>();
  const backwards: PathSegment[] = [];
  let cursor = run.wallS;
  while (cursor > 0) {
    // The last task ending at or before cursor + tolerance that started before the cursor.
    let i = upperBound(ends, cursor + toleranceS) - 1;
    while (i >= 0 && (used.has(tasks[i] as TaskNode) || (tasks[i] as TaskNode).startS >= cursor)) i--;
    if (i < 0) break;
    const t = tasks[i] as TaskNode;
    used.add(t);
    const end = Math.min(t.endS, cursor);
    if (cursor - end > 0) backwards.push({ startS: end, endS: cursor, seconds: cursor - end, alongside: [] });
    const start = Math.max(0, t.startS);
    backwards.push({ task: t, startS: start, endS: end, seconds: Math.max(0, end - start), alongside: [] });
    cursor = start;
  }
  if (cursor > 0) backwards.push({ startS: 0, endS: cursor, seconds: cursor, alongside: [] });
  const segments = backwards.reverse();
  // Tasks overlapping each segment: by start time, from the earliest start that can still reach the segment
  // (start ≥ segment start − the longest task), so a long run with many short tasks stays near-linear.
  const byStart = tasks.filter((t) => !used.has(t) && !t.wholeRun).sort((a, b) => a.startS - b.startS);
  const starts = byStart.map((t) => t.startS);
  let longest = 0;
  for (const t of byStart) longest = Math.max(longest, t.wallS);
  for (const seg of segments) {
    if (!seg.task || seg.seconds <= 0) continue;
    for (let i = lowerBound(starts, seg.startS - longest); i < byStart.length; i++) {
      const t = byStart[i] as TaskNode;
      if (t.startS >= seg.endS) break;
      const overlap = Math.min(t.endS, seg.endS) - Math.max(t.startS, seg.startS);
      if (overlap > 0 && overlap >= 0.5 * Math.min(seg.seconds, t.wallS)) seg.alongside.push(t);
    }
  }
  let taskSeconds = 0;
  let outsideSeconds = 0;
  for (const s of segments) {
    if (s.task) taskSeconds += s.seconds;
    else outsideSeconds += s.seconds;
  }
  return { segments, taskSeconds, outsideSeconds };
}

/** First index whose value is ≥ x (values ascending). */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x (values ascending). */
function upperBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
