// The run's watchdog: a tiny /bin/sh process, in a session of its own, that holds the read end of a pipe from
// pipespan. pipespan tells it the run's process group, and "done" when it has stopped the run itself. If pipespan
// dies first — SIGKILL, the OOM killer, a crash — the pipe reaches end-of-file with no "done", and the watchdog
// kills the run: its process group, then every process that still carries the run's PIPESPAN_RUN_ID (those that
// left the group, as daemons do), and says so on stderr. The line: a pipeline does not outlive the pipespan that
// runs it; a process that both leaves the group and drops the run's environment is the only one that can.
import { type ChildProcess, spawn } from "node:child_process";
import type { Writable } from "node:stream";

/** $1 = owner pid (pipespan), $2 = run id; stdin: "group <pgid>", later "done". */
export const WATCHDOG_SCRIPT = [
  "trap '' INT HUP QUIT",
  "pg=",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
  'while IFS= read -r line; do case "$line" in "group "*) pg=${line#group } ;; done) exit 0 ;; esac; done',
  '[ -n "$pg" ] || exit 0',
  '/bin/kill -KILL -- "-$pg" 2>/dev/null || kill -KILL "$pg" 2>/dev/null',
  "n=0",
  "while [ $n -lt 10 ]; do",
  '  pids=$(grep -lzxF "PIPESPAN_RUN_ID=$2" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3)',
  '  [ -n "$pids" ] || break',
  "  kill -KILL $pids 2>/dev/null",
  "  n=$((n + 1))",
  "  sleep 0.1",
  "done",
  'echo "pipespan: pipespan (pid $1) ended without stopping run $2; its watchdog killed the run (process group $pg)" >&2',
].join("\n");

export interface Watchdog {
  /** The watchdog's pid (it runs in a session of its own). */
  readonly pid: number | undefined;
  /** The run's process group: kill it if pipespan dies from now on. */
  guard(pgid: number): void;
  /** pipespan stopped the run itself: the watchdog exits without killing anything. */
  release(): void;
}

/** Starts the watchdog of run `runId`. Never throws: without a watchdog the run still works, unguarded. */
export function startWatchdog(runId: string, onWarning?: (line: string) => void): Watchdog {
  let child: ChildProcess | undefined;
  try {
    child = spawn("/bin/sh", ["-c", WATCHDOG_SCRIPT, "pipespan-watchdog", String(process.pid), runId], {
      detached: true,
      stdio: ["pipe", "ignore", "inherit"],
    });
    child.on("error", (err) => onWarning?.(`the run's watchdog could not start (${err.message})`));
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    // The watchdog may be gone (killed by someone): writing to it must never throw or crash pipespan.
    child.stdin?.on("error", () => undefined);
  } catch (err) {
    onWarning?.(`the run's watchdog could not start (${(err as Error).message})`);
  }
  const stdin: Writable | null | undefined = child?.stdin;
  return {
    pid: child?.pid,
    guard(pgid) {
      stdin?.write(`group ${pgid}\n`);
    },
    release() {
      stdin?.end("done\n");
    },
  };
}
