// One primary verdict per task, from the limits model: the cause that held most of its wall time, when it
// dominates; "mixed" with the two leading causes when none does.
//
//   dominates: its share ≥ dominantShare, or ≥ leadShare and ≥ leadRatio × the runner-up's share.
//   CPU demand is one family for the test (on a CPU + waiting for one); it is cpu-starved instead of cpu-bound
//   when the run-queue part is at least starvedShare of it. Lock waits and sleep are both "waiting".
//   A process of the task killed by the OOM killer makes the task memory-bound whatever the shares say.
import type { Cause, Held, TaskLimits } from "./limits.js";

export const PRIMARY_VERDICTS = [
  "cpu-bound",
  "io-bound",
  "network-bound",
  "memory-bound",
  "cpu-starved",
  "waiting",
  "mixed",
] as const;
export type PrimaryVerdict = (typeof PRIMARY_VERDICTS)[number];

export interface VerdictOptions {
  dominantShare: number;
  leadShare: number;
  leadRatio: number;
  starvedShare: number;
}

/** Causes as they are named to users. */
export const CAUSE_LABEL: Record<Cause, string> = {
  cpu: "CPU",
  runqueue: "waiting for a CPU",
  io: "storage I/O",
  memory: "page-ins (memory)",
  lock: "lock waits",
  network: "network",
  wait: "sleep/pipes/children",
  other: "unmeasured",
};

type Family = "cpu" | "io" | "memory" | "network" | "waiting";

const FAMILY: Record<Cause, Family> = {
  cpu: "cpu",
  runqueue: "cpu",
  io: "io",
  memory: "memory",
  lock: "waiting",
  network: "network",
  wait: "waiting",
  other: "waiting",
};

export interface Primary {
  verdict: PrimaryVerdict;
  /** The causes ranked by share (largest first). */
  ranked: { cause: Cause; share: number }[];
  /** For mixed: the two leading causes. For the others: the cause (or family lead) that decided it. */
  causes: { cause: Cause; share: number }[];
  /** Share of the deciding family. */
  share: number;
  /** Why (one phrase), for the evidence. */
  rule: string;
}

export function primaryVerdict(l: TaskLimits, o: VerdictOptions): Primary {
  const ranked = (Object.entries(l.shares) as [Cause, number][])
    .map(([cause, share]) => ({ cause, share }))
    .sort((a, b) => b.share - a.share);
  if (l.memory.oomKilled > 0) {
    return {
      verdict: "memory-bound",
      ranked,
      causes: [{ cause: "memory", share: l.shares.memory }],
      share: l.shares.memory,
      rule: `${l.memory.oomKilled} process(es) killed by the OOM killer`,
    };
  }
  const families = new Map<Family, number>();
  for (const { cause, share } of ranked) families.set(FAMILY[cause], (families.get(FAMILY[cause]) ?? 0) + share);
  const fr = [...families.entries()].sort((a, b) => b[1] - a[1]);
  const [topFamily, topShare] = fr[0] as [Family, number];
  const second = fr[1]?.[1] ?? 0;
  // Shares are sums of bucket fractions: compare with a little slack so 60% in ten 6% buckets is 60%.
  const eps = 1e-9;
  const dominates =
    topShare >= o.dominantShare - eps || (topShare >= o.leadShare - eps && topShare >= o.leadRatio * second - eps);
  if (!dominates) {
    const causes = ranked.slice(0, 2);
    return {
      verdict: "mixed",
      ranked,
      causes,
      share: topShare,
      rule:
        `no cause dominates: the leading one holds ${(topShare * 100).toFixed(0)}% ` +
        `(< ${(o.dominantShare * 100).toFixed(0)}%, and not ≥ ${(o.leadShare * 100).toFixed(0)}% with ` +
        `${o.leadRatio}× the next, ${(second * 100).toFixed(0)}%)`,
    };
  }
  const lead = ranked.filter((r) => FAMILY[r.cause] === topFamily);
  const rule =
    topShare >= o.dominantShare - eps
      ? `holds ≥ ${(o.dominantShare * 100).toFixed(0)}% of the wall time`
      : `holds ≥ ${(o.leadShare * 100).toFixed(0)}% and ≥ ${o.leadRatio}× the next cause`;
  const base = { ranked, causes: lead, share: topShare, rule };
  switch (topFamily) {
    case "cpu": {
      const rq = l.shares.runqueue;
      return { ...base, verdict: rq >= o.starvedShare * topShare - eps ? "cpu-starved" : "cpu-bound" };
    }
    case "io":
      return { ...base, verdict: "io-bound" };
    case "memory":
      return { ...base, verdict: "memory-bound" };
    case "network":
      return { ...base, verdict: "network-bound" };
    default:
      return { ...base, verdict: "waiting" };
  }
}

/** "storage I/O 70%, CPU 30%" */
export function describeCauses(causes: readonly { cause: Cause; share: number }[]): string {
  return causes.map((c) => `${CAUSE_LABEL[c.cause]} ${(c.share * 100).toFixed(0)}%`).join(", ");
}

export function heldSum(h: Held): number {
  let s = 0;
  for (const v of Object.values(h)) s += v;
  return s;
}
