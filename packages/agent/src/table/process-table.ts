import type { ProcessId, SourceEvent } from "../source/types.js";
import { processId } from "../source/types.js";
import type { ProcessRecord } from "./process-record.js";

/** Exec chains longer than this keep their first images only (a process that execs in a loop stays bounded). */
const MAX_IMAGES = 16;

/** What applying one event changed, for the layers above (attribution, spans, metrics). */
export type TableChange =
  | { readonly type: "started"; readonly record: ProcessRecord }
  | { readonly type: "exec"; readonly record: ProcessRecord }
  | { readonly type: "updated"; readonly record: ProcessRecord; readonly timeNs?: number }
  | { readonly type: "exited"; readonly record: ProcessRecord }
  | { readonly type: "lost"; readonly count: number; readonly reason: string };

/**
 * The processes of a run, keyed by pid + start time. Applies source events in order and tolerates sources that
 * repeat or reorder themselves slightly (a counters event for an unknown process is ignored and counted).
 */
export class ProcessTable {
  readonly #transient: (argv: readonly string[]) => boolean;
  readonly #records = new Map<ProcessId, ProcessRecord>();
  readonly #children = new Map<ProcessId, ProcessRecord[]>();
  #ignored = 0;

  /** `transientImage`: argv of images that are not the program's own (replaced by the next exec). */
  constructor(opts: { transientImage?: (argv: readonly string[]) => boolean } = {}) {
    this.#transient = opts.transientImage ?? (() => false);
  }

  get size(): number {
    return this.#records.size;
  }

  /** Events that named a process the table never saw start (a source bug or a race); exported as lost. */
  get ignoredEvents(): number {
    return this.#ignored;
  }

  get(id: ProcessId): ProcessRecord | undefined {
    return this.#records.get(id);
  }

  records(): IterableIterator<ProcessRecord> {
    return this.#records.values();
  }

  /** Children of a process that the table knows, in start order. */
  childrenOf(id: ProcessId): readonly ProcessRecord[] {
    return this.#children.get(id) ?? [];
  }

  running(): ProcessRecord[] {
    return [...this.#records.values()].filter((r) => r.exit === undefined);
  }

  apply(event: SourceEvent): TableChange | undefined {
    if (event.type === "lost") return { type: "lost", count: event.count, reason: event.reason };
    if (event.type === "devices") return undefined; // host-wide, not about a process: for the accounting layer
    const id = processId(event.key);
    const existing = this.#records.get(id);
    switch (event.type) {
      case "start": {
        if (existing) return undefined;
        const parentId = event.parentKey ? processId(event.parentKey) : undefined;
        const record: ProcessRecord = {
          id,
          key: event.key,
          ppid: event.ppid,
          ...(parentId !== undefined && this.#records.has(parentId) ? { parentId } : {}),
          startTimeNs: event.startTimeNs,
          comm: event.comm,
          ...(event.exe !== undefined ? { exe: event.exe } : {}),
          argv: event.argv,
          ...(event.cwd !== undefined ? { cwd: event.cwd } : {}),
          env: event.env,
          images: [
            {
              comm: event.comm,
              ...(event.exe !== undefined ? { exe: event.exe } : {}),
              argv: event.argv,
            },
          ],
          counters: {},
          ...(event.atFork ? { forkImage: true } : {}),
        };
        this.#records.set(id, record);
        if (record.parentId !== undefined) {
          const siblings = this.#children.get(record.parentId);
          if (siblings) siblings.push(record);
          else this.#children.set(record.parentId, [record]);
        }
        return { type: "started", record };
      }
      case "exec": {
        if (!existing || existing.exit) return this.#ignore();
        existing.comm = event.comm;
        // An image that only prepared the process (pipespan's stop-then-exec wrapper) is replaced, not kept; so
        // is the image a fork showed before its first exec when its parent is not in the table (nothing to tell
        // it apart from a program of its own there).
        const first = existing.images[0];
        const orphanFork = existing.forkImage === true && existing.parentId === undefined;
        if (existing.images.length === 1 && first && (this.#transient(first.argv) || orphanFork)) existing.images.pop();
        existing.forkImage = false;
        if (existing.images.length < MAX_IMAGES) {
          existing.images.push({
            comm: event.comm,
            ...(event.exe !== undefined ? { exe: event.exe } : {}),
            argv: event.argv,
          });
        }
        if (event.exe !== undefined) existing.exe = event.exe;
        existing.argv = event.argv;
        if (event.cwd !== undefined) existing.cwd = event.cwd;
        // A task's env keys are set by whoever exec'd it: keep the newest non-empty set.
        if (Object.keys(event.env).length > 0) existing.env = event.env;
        return { type: "exec", record: existing };
      }
      case "counters": {
        if (!existing || existing.exit) return this.#ignore();
        existing.counters = { ...existing.counters, ...event.counters };
        return { type: "updated", record: existing, timeNs: event.timeNs };
      }
      case "exit": {
        if (!existing || existing.exit) return this.#ignore();
        existing.counters = { ...existing.counters, ...event.counters };
        existing.exit = {
          timeNs: Math.max(event.timeNs, existing.startTimeNs),
          ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}),
          ...(event.signal !== undefined ? { signal: event.signal } : {}),
          ...(event.oomKilled !== undefined ? { oomKilled: event.oomKilled } : {}),
          observed: event.observedExit,
        };
        return { type: "exited", record: existing };
      }
    }
  }

  /**
   * Drops an ended process whose span is out and whose children are all gone from the table (the host agent runs
   * for weeks: its memory follows the live processes, not the host's history). Returns false, and keeps it, when
   * it still runs or still has children here.
   */
  forget(id: ProcessId): boolean {
    const r = this.#records.get(id);
    if (!r || r.exit === undefined || (this.#children.get(id)?.length ?? 0) > 0) return false;
    this.#records.delete(id);
    this.#children.delete(id);
    if (r.parentId !== undefined) {
      const siblings = this.#children.get(r.parentId);
      if (siblings) {
        const i = siblings.indexOf(r);
        if (i >= 0) siblings.splice(i, 1);
        if (siblings.length === 0) this.#children.delete(r.parentId);
      }
    }
    return true;
  }

  #ignore(): undefined {
    this.#ignored++;
    return undefined;
  }
}
