// run.json: the run's identity and state, on disk from the first moment. It is written when the run starts
// (status "running", with the trace id and the run span's id, and who writes it), rewritten every heartbeat (the
// tasks running, how many processes) and at the end (status "complete" with the totals). Every write replaces the
// file atomically (a temporary file renamed over it), so a reader never sees half of one.
//
// If the writer is killed, run.json stays "running" with its last heartbeat: the run and task spans can then be
// rebuilt from the run folder (see recover.ts), and `pipespan analyze` says the run is incomplete.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { RUN_JSON_FILE } from "@pipespan/semconv";
import { UserError } from "./errors.js";
import { EXIT_CANTCREAT, ioReason } from "./out-dir.js";
import { startTicksOf } from "./process-group.js";

export type RunStatus = "running" | "complete" | "incomplete";

/** Who writes the run folder: enough to tell later whether that process still lives. */
export interface WriterIdentity {
  readonly pid: number;
  /** /proc/<pid>/stat start time, clock ticks since boot. */
  readonly startTicks: number;
  /** /proc/sys/kernel/random/boot_id: a pid means nothing across a reboot. */
  readonly bootId: string;
  readonly host: string;
}

export function currentWriter(): WriterIdentity {
  return {
    pid: process.pid,
    startTicks: startTicksOf(process.pid) ?? 0,
    bootId: bootId(),
    host: hostname(),
  };
}

function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

/** A heartbeat older than this, from another host or boot, means the writer is gone. */
export const STALE_HEARTBEAT_MS = 30_000;

/**
 * Whether the writer of a run folder is still alive: on this host and boot, by its pid and start time; elsewhere,
 * by the age of its last heartbeat.
 */
export function writerAlive(w: Partial<WriterIdentity> | undefined, heartbeatNs: number | undefined): boolean {
  if (w?.pid !== undefined && w.startTicks !== undefined && w.host === hostname() && w.bootId === bootId()) {
    return startTicksOf(w.pid) === w.startTicks;
  }
  if (heartbeatNs === undefined) return false;
  return Date.now() * 1e6 - heartbeatNs < STALE_HEARTBEAT_MS * 1e6;
}

/** Writes run.json atomically; the fields given at construction are kept in every write. */
export class RunStateFile {
  readonly path: string;
  readonly #base: Record<string, unknown>;
  #failed = false;

  constructor(dir: string, base: Record<string, unknown>) {
    this.path = join(dir, RUN_JSON_FILE);
    this.#base = base;
  }

  /** The first write: a folder where it fails is unusable (exit 73). */
  start(fields: Record<string, unknown>): void {
    try {
      this.#write(fields);
    } catch (err) {
      throw new UserError(`cannot write ${this.path}: ${ioReason(err)}`, EXIT_CANTCREAT);
    }
  }

  /** Later writes: a failure is reported once (by the return value) and never stops the run. */
  update(fields: Record<string, unknown>): string | undefined {
    try {
      this.#write(fields);
      return undefined;
    } catch (err) {
      if (this.#failed) return undefined;
      this.#failed = true;
      return `could not update ${this.path}: ${ioReason(err)}`;
    }
  }

  #write(fields: Record<string, unknown>): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ ...this.#base, ...fields }, null, 2)}\n`, { mode: 0o644 });
    renameSync(tmp, this.path);
  }
}
