import type { NumericCounter, OwnEnv, ProcessCounters, ProcessId, ProcessKey } from "../source/types.js";

/** How a process ended, as far as the source could tell. */
export interface ProcessExit {
  readonly timeNs: number;
  readonly exitCode?: number;
  readonly signal?: number;
  readonly oomKilled?: boolean;
  /** True when the final counters were taken at exit; false when they are the last sample. */
  readonly observed: boolean;
}

/** One program a process ran (at first sight or after an exec). */
export interface ProcessImage {
  readonly comm: string;
  readonly exe?: string;
  readonly argv: readonly string[];
}

/** Everything the agent knows about one process (one thread group). */
export interface ProcessRecord {
  readonly id: ProcessId;
  readonly key: ProcessKey;
  readonly ppid: number;
  /** The parent's id when the parent is part of the traced tree. */
  readonly parentId?: ProcessId;
  readonly startTimeNs: number;
  comm: string;
  exe?: string;
  argv: readonly string[];
  cwd?: string;
  /** Our env keys as seen at the first exec (or at first sight). */
  env: OwnEnv;
  /**
   * The images the process ran, oldest first (its first sight, then each exec): a fresh fork first shows its
   * parent's image, so the image a task is named after is the first one that differs from the parent's.
   */
  readonly images: ProcessImage[];
  /** The first image was seen at the fork (the parent's, or unreliable): the first exec replaces it. */
  forkImage?: boolean;
  counters: ProcessCounters;
  exit?: ProcessExit;
  /**
   * What children dropped from the table (ended, accounted for) counted for, including their own reaped
   * descendants: the parent's own-versus-inclusive figures still need it (see OwnCounters.fold).
   */
  forgottenChildren?: ForgottenChildren;
}

/** The inclusive figures of a process's children that are no longer in the table, summed. */
export interface ForgottenChildren {
  /** I/O counters that sources report including reaped children. */
  readonly io: Partial<Record<NumericCounter, number>>;
  /** CPU of the children and their reaped descendants. */
  cpuNs: number;
}
