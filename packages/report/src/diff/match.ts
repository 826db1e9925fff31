// Which task of run A is which task of run B: by name (a workflow manager's name carries the tag, as in
// Nextflow's "STAR_ALIGN (WT_REP1)"), then by attempt when both runs know the attempts (a retried task is matched
// attempt for attempt), else by order of start among the tasks of the same name (a scatter of identical names).
import type { TaskNode } from "@pipespan/findings";

export interface TaskPair {
  a: TaskNode;
  b: TaskNode;
  /** Which of several same-named tasks this is ("attempt 2", "#3"); absent when the name is unique in both. */
  which?: string;
}

export interface TaskMatch {
  pairs: TaskPair[];
  onlyA: TaskNode[];
  onlyB: TaskNode[];
}

/** Name and tag, whitespace-normalized: the identity of a task across runs. */
export function taskIdentity(name: string): string {
  return name.trim().replace(/\s+/g, " ");
}

function groups(tasks: readonly TaskNode[]): Map<string, TaskNode[]> {
  const out = new Map<string, TaskNode[]>();
  for (const t of tasks) {
    if (t.wholeRun) continue;
    const k = taskIdentity(t.name);
    let g = out.get(k);
    if (!g) {
      g = [];
      out.set(k, g);
    }
    g.push(t);
  }
  for (const g of out.values()) g.sort((x, y) => x.startS - y.startS);
  return out;
}

export function matchTasks(a: readonly TaskNode[], b: readonly TaskNode[]): TaskMatch {
  const ga = groups(a);
  const gb = groups(b);
  const pairs: TaskPair[] = [];
  const onlyA: TaskNode[] = [];
  const onlyB: TaskNode[] = [];
  for (const [key, as] of ga) {
    const bs = gb.get(key) ?? [];
    gb.delete(key);
    const byAttempt = [...as, ...bs].every((t) => t.attempt !== undefined);
    if (byAttempt) {
      const left = new Map<number, TaskNode[]>();
      for (const t of bs) left.set(t.attempt as number, [...(left.get(t.attempt as number) ?? []), t]);
      for (const t of as) {
        const same = left.get(t.attempt as number);
        const m = same?.shift();
        if (m) {
          const which = as.length > 1 || bs.length > 1 ? `attempt ${t.attempt}` : undefined;
          pairs.push({ a: t, b: m, ...(which !== undefined ? { which } : {}) });
        } else onlyA.push(t);
      }
      for (const rest of left.values()) onlyB.push(...rest);
      continue;
    }
    const n = Math.min(as.length, bs.length);
    for (let i = 0; i < n; i++) {
      const which = as.length > 1 || bs.length > 1 ? `#${i + 1}` : undefined;
      pairs.push({ a: as[i] as TaskNode, b: bs[i] as TaskNode, ...(which !== undefined ? { which } : {}) });
    }
    onlyA.push(...as.slice(n));
    onlyB.push(...bs.slice(n));
  }
  for (const bs of gb.values()) onlyB.push(...bs);
  return { pairs, onlyA, onlyB };
}
