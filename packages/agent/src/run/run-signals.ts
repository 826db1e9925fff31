// Signals received by `pipespan run`, from its first line to its last. The command runs in a session and process
// group of its own (so that pipespan can stop all of it, and a watchdog can when pipespan itself is killed); the
// terminal's Ctrl-C therefore reaches pipespan only, and pipespan passes it on to the whole group, as the terminal
// would have. Every wait answers a signal at once:
//   - before the command exists, SIGINT/SIGTERM abort the start (nothing runs);
//   - while it runs, the first SIGINT/SIGTERM goes to the group; a second one, or the kill-after period (10 s by
//     default) without the run ending, becomes SIGKILL of the group, and pipespan says so;
//   - after it ended, a signal cuts short what pipespan still waits for (the source's last records).
import { groupAlive, type KnownProcess, signalGroup, signalProcesses, stillRunning } from "./process-group.js";

const CANCELLING: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
const FORWARDED: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
export const DEFAULT_KILL_AFTER_MS = 10_000;

/** Thrown when a signal arrives before the command started: nothing ran. */
export class StartAborted extends Error {
  override readonly name = "StartAborted";
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal} before the command started; nothing ran`);
  }
}

export interface RunSignalsOptions {
  /** Catch and pass on signals at all (default true). */
  readonly enabled?: boolean;
  /** After the first SIGINT/SIGTERM, how long the run gets to stop before SIGKILL (ms). */
  readonly killAfterMs?: number;
  /** Where pipespan's one-line messages go. */
  readonly onLine?: (line: string) => void;
  /** Processes the source follows (to reach those that left the process group). */
  readonly known?: () => readonly KnownProcess[];
}

export class RunSignals {
  readonly #o: RunSignalsOptions;
  #knownFn: (() => readonly KnownProcess[]) | undefined;
  readonly #killAfterMs: number;
  #pgid: number | undefined;
  #first: NodeJS.Signals | undefined;
  #killed = false;
  #killTimer: NodeJS.Timeout | undefined;
  #startAbort: ((err: StartAborted) => void) | undefined;
  readonly #startAborted: Promise<never>;
  readonly #waiters = new Set<() => void>();
  readonly #handler = (sig: NodeJS.Signals) => this.#on(sig);

  constructor(o: RunSignalsOptions = {}) {
    this.#o = o;
    this.#knownFn = o.known;
    this.#killAfterMs = o.killAfterMs ?? DEFAULT_KILL_AFTER_MS;
    this.#startAborted = new Promise<never>((_, reject) => {
      this.#startAbort = reject;
    });
    // Nobody may be awaiting it: never an unhandled rejection.
    this.#startAborted.catch(() => undefined);
    if (o.enabled !== false) for (const s of FORWARDED) process.on(s, this.#handler);
  }

  /** The first SIGINT/SIGTERM received, if any: the run was cancelled. */
  get cancelledBy(): NodeJS.Signals | undefined {
    return this.#first;
  }

  get killed(): boolean {
    return this.#killed;
  }

  /** Resolves like `p`, or rejects with StartAborted as soon as SIGINT/SIGTERM arrives before the command runs. */
  duringStart<T>(p: Promise<T>): Promise<T> {
    if (this.#first) return Promise.reject(new StartAborted(this.#first));
    return Promise.race([p, this.#startAborted]);
  }

  /** Resolves when `p` does, or when a signal arrives (whichever is first); true when `p` finished. */
  async interruptible(p: Promise<unknown>): Promise<boolean> {
    let wake: () => void = () => undefined;
    const signalled = new Promise<false>((resolve) => {
      wake = () => resolve(false);
    });
    this.#waiters.add(wake);
    try {
      return await Promise.race([p.then(() => true as const), signalled]);
    } finally {
      this.#waiters.delete(wake);
    }
  }

  /** From now on signals go to the process group `pgid` (the root command's pid). */
  attach(pgid: number): void {
    this.#pgid = pgid;
    if (this.#first) {
      // A signal that came while the command was being started: it is cancelled before it runs.
      signalGroup(pgid, this.#first);
      this.#armKill(`${this.#first} arrived while the run was starting`);
    }
  }

  /**
   * After the root command ended: stops what it left running (its group, and followed processes outside it).
   * Not cancelled: SIGTERM now, SIGKILL after the kill-after period. Cancelled: the period already runs. Resolves
   * once nothing is left, bounded by the period (plus the time SIGKILL takes).
   */
  async stopLeftovers(): Promise<number> {
    const pgid = this.#pgid;
    if (pgid === undefined) return 0;
    const known = this.#known();
    const left = () => (groupAlive(pgid) ? 1 : 0) + stillRunning(known).length;
    if (left() === 0) return 0;
    const count = stillRunning(known).length;
    if (!this.#first && !this.#killed) {
      this.#line(
        `the command ended but left ${count > 0 ? `${count} process(es)` : "processes"} running; sending SIGTERM ` +
          `(SIGKILL in ${seconds(this.#killAfterMs)})`,
      );
      signalGroup(pgid, "SIGTERM");
      signalProcesses(known, "SIGTERM");
      this.#armKill("its leftovers did not stop");
    }
    const deadline = Date.now() + this.#killAfterMs + 2_000;
    while (left() > 0 && Date.now() < deadline) await this.interruptible(sleep(50));
    return count;
  }

  dispose(): void {
    if (this.#killTimer) clearTimeout(this.#killTimer);
    this.#killTimer = undefined;
    if (this.#o.enabled !== false) for (const s of FORWARDED) process.off(s, this.#handler);
  }

  /** The processes the source follows (to reach those that left the process group). */
  setKnown(known: () => readonly KnownProcess[]): void {
    this.#knownFn = known;
  }

  #known(): readonly KnownProcess[] {
    try {
      return this.#knownFn?.() ?? [];
    } catch {
      return [];
    }
  }

  #on(sig: NodeJS.Signals): void {
    for (const wake of this.#waiters) wake();
    const pgid = this.#pgid;
    const cancelling = CANCELLING.includes(sig);
    if (pgid === undefined) {
      if (cancelling && !this.#first) {
        this.#first = sig;
        this.#startAbort?.(new StartAborted(sig));
      }
      return;
    }
    if (!cancelling) {
      signalGroup(pgid, sig);
      signalProcesses(this.#known(), sig);
      return;
    }
    if (!this.#first) {
      this.#first = sig;
      signalGroup(pgid, sig);
      signalProcesses(this.#known(), sig);
      this.#line(
        `${sig}: passed to the run (process group ${pgid}); it has ${seconds(this.#killAfterMs)} to stop, ` +
          `then SIGKILL (press Ctrl-C again to kill it now)`,
      );
      this.#armKill(`the run did not stop within ${seconds(this.#killAfterMs)} of ${sig}`);
      return;
    }
    this.#kill(`second ${sig}`);
  }

  #armKill(why: string): void {
    if (this.#killTimer || this.#killed) return;
    this.#killTimer = setTimeout(() => this.#kill(why), this.#killAfterMs);
    this.#killTimer.unref();
  }

  #kill(why: string): void {
    const pgid = this.#pgid;
    if (pgid === undefined || this.#killed) return;
    if (this.#killTimer) clearTimeout(this.#killTimer);
    this.#killTimer = undefined;
    const known = this.#known();
    if (!groupAlive(pgid) && stillRunning(known).length === 0) return;
    this.#killed = true;
    signalGroup(pgid, "SIGKILL");
    signalProcesses(known, "SIGKILL");
    this.#line(`${why}: sent SIGKILL to process group ${pgid}`);
  }

  #line(text: string): void {
    try {
      this.#o.onLine?.(`pipespan: ${text}`);
    } catch {
      /* reporting must not fail the run */
    }
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
