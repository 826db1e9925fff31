// Finding the processes of a test's pipeline on the real host: by a marker in their command line, or by the
// run id in their environment (what pipespan's watchdog looks for too).
import { readdirSync, readFileSync } from "node:fs";

export interface FoundProcess {
  pid: number;
  cmdline: string;
}

/** Live processes (not zombies) whose command line contains `marker` (pipespan's own command lines left out). */
export function processesWith(marker: string): FoundProcess[] {
  const out: FoundProcess[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      if (!cmdline.includes(marker) || /pipespan(\.js)? (run|task|agent)\b/.test(cmdline)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state === "Z" || state === "X") continue;
      out.push({ pid, cmdline });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Live processes whose environment carries PIPESPAN_RUN_ID=<runId>. */
export function processesOfRun(runId: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, "utf8").split("\0");
      if (!env.includes(`PIPESPAN_RUN_ID=${runId}`)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z" && state !== "X") out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Kills leftovers of a failed test (by pid; never by name). */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
}
