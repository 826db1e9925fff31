// Run a real command under ProcfsSource the way the orchestrator will: spawn, start(pid), wait for the exit
// Node reports, stop().

import { spawn } from "node:child_process";
import { ENV_PIPESPAN_TASK_NAME } from "@pipespan/semconv";
import { ProcfsSource, type ProcfsSourceOptions, type ProcfsSourceStats } from "../../src/source/procfs/index.js";
import { type ProcessId, processId, type SourceEvent } from "../../src/source/types.js";
import { byProcess, Collector, type ProcessView } from "./events.js";

export interface Traced {
  events: SourceEvent[];
  procs: Map<ProcessId, ProcessView>;
  rootId: ProcessId;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  stats: ProcfsSourceStats;
  warnings: string[];
  /** Wall clock (same clock as the source's default) just before spawn and just after Node saw the exit. */
  spawnedAtMs: number;
  exitedAtMs: number;
}

export const wallMs = () => performance.timeOrigin + performance.now();

export async function traced(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; source?: Partial<ProcfsSourceOptions>; keepStdinOpen?: boolean } = {},
): Promise<Traced> {
  const warnings: string[] = [];
  const src = new ProcfsSource({
    envKeys: [ENV_PIPESPAN_TASK_NAME],
    onWarning: (m) => warnings.push(m),
    ...opts.source,
  });
  const sink = new Collector();
  const spawnedAtMs = wallMs();
  const child = spawn(cmd, args, {
    env: opts.env ?? process.env,
    stdio: [opts.keepStdinOpen ? "pipe" : "ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
  if (child.pid === undefined) throw new Error(`spawn ${cmd} failed`);
  await src.start(child.pid, sink);
  const rootKey = sink.events.find((e) => e.type === "start")?.key;
  const exitCode = await closed;
  const exitedAtMs = wallMs();
  child.stdin?.end();
  await src.stop();
  if (rootKey === undefined) throw new Error("the root process was not observed");
  return {
    events: sink.events,
    procs: byProcess(sink.events),
    rootId: processId(rootKey),
    stdout,
    stderr,
    exitCode,
    stats: src.stats(),
    warnings,
    spawnedAtMs,
    exitedAtMs,
  };
}

export function cpuNs(v: ProcessView): number {
  const c = v.exit?.counters;
  return (c?.cpuUserNs ?? 0) + (c?.cpuSystemNs ?? 0);
}
