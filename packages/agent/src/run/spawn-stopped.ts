import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { parseStat } from "../source/procfs/parse.js";

/** The script of the stop-then-exec wrapper: an image of pipespan's, never the user's. */
export const STOP_WRAPPER_SCRIPT = 'kill -STOP $$ && exec "$0" "$@"';

/** True for the wrapper's argv (its image is replaced by the user's command at the first exec). */
export function isStopWrapper(argv: readonly string[]): boolean {
  return argv[1] === "-c" && argv[2] === STOP_WRAPPER_SCRIPT;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StoppedChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the child has exited, however early that was (the wait is attached at spawn). */
  readonly exited: Promise<ChildExit>;
  /** True when the child was seen stopped (false: it exited or vanished first). */
  readonly stopped: boolean;
}

export interface SpawnStoppedOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly stdio: StdioOptions;
  readonly cwd?: string;
  /** Start the command in a new session and process group led by it (default true). */
  readonly ownGroup?: boolean;
  /** Called right after the fork, before waiting for the stop (tests use it to kill the child early). */
  readonly onSpawned?: (pid: number) => void;
}

/**
 * Starts `command args…` stopped, so the event source can begin following it before it runs a single
 * instruction of its own: a tiny /bin/sh stops itself with SIGSTOP, then (after SIGCONT) execs the command.
 * Without this, children the command forks in its first milliseconds could escape the process tree.
 *
 * The exit wait is attached at spawn, so a child that dies before it stops (or before the caller looks) is never
 * missed: `exited` settles either way.
 */
export async function spawnStopped(
  command: string,
  args: readonly string[],
  opts: SpawnStoppedOptions,
): Promise<StoppedChild> {
  const child = spawn("/bin/sh", ["-c", STOP_WRAPPER_SCRIPT, command, ...args], {
    env: opts.env,
    stdio: opts.stdio,
    detached: opts.ownGroup ?? true,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw err;
  }
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  opts.onSpawned?.(pid);
  // Wait until the kernel reports it stopped ('T'); bounded, it takes well under a millisecond normally.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && !gone) {
    const state = await procState(pid);
    if (state === "T" || state === "t") return { child, pid, exited, stopped: true };
    if (state === undefined || state === "Z" || state === "X") break;
    await sleep(1);
  }
  return { child, pid, exited, stopped: false };
}

async function procState(pid: number): Promise<string | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, "utf8"))?.state;
  } catch {
    return undefined;
  }
}
