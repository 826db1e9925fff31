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

/**
 * Starts `command args…` stopped, so the event source can begin following it before it runs a single
 * instruction of its own: a tiny /bin/sh stops itself with SIGSTOP, then (after SIGCONT) execs the command.
 * Without this, children the command forks in its first milliseconds could escape the process tree.
 */
export async function spawnStopped(
  command: string,
  args: readonly string[],
  opts: { env: NodeJS.ProcessEnv; stdio: StdioOptions; cwd?: string },
): Promise<ChildProcess> {
  const child = spawn("/bin/sh", ["-c", STOP_WRAPPER_SCRIPT, command, ...args], {
    env: opts.env,
    stdio: opts.stdio,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw err;
  }
  // Wait until the kernel reports it stopped ('T'); bounded, it takes well under a millisecond normally.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const state = await procState(pid);
    if (state === "T" || state === "t") return child;
    if (state === undefined || state === "Z" || child.exitCode !== null) break;
    await sleep(1);
  }
  return child;
}

async function procState(pid: number): Promise<string | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, "utf8"))?.state;
  } catch {
    return undefined;
  }
}
