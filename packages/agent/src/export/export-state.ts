// export-state.json: how far each local OTLP/JSON file has been delivered, per signal and endpoint. The remote
// export reads the files from there (see shipper.ts), so what a backend did not take stays on disk and is sent
// when it answers again — by the same process, by `pipespan export`, or by the next `pipespan run` in the folder.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXPORT_STATE_FILE } from "@pipespan/semconv";

export interface FileCursor {
  /** inode of the file the offset belongs to (a file rewritten under the same name starts over). */
  ino: number;
  /** Bytes delivered: everything before this offset is at the backend. */
  offset: number;
  /** Items (spans or data points) of the line at `offset` already delivered (a line goes in several requests). */
  partial: number;
  /** Items delivered from this file so far. */
  items: number;
}

interface StateJson {
  version: 1;
  /** "<signal>@<endpoint>" → file name → cursor. */
  targets: Record<string, Record<string, FileCursor>>;
}

export class ExportState {
  readonly path: string;
  #state: StateJson;
  #failed = false;

  constructor(dir: string) {
    this.path = join(dir, EXPORT_STATE_FILE);
    this.#state = load(this.path);
  }

  cursor(target: string, file: string): FileCursor | undefined {
    return this.#state.targets[target]?.[file];
  }

  set(target: string, file: string, c: FileCursor): void {
    const t = this.#state.targets[target] ?? {};
    t[file] = c;
    this.#state.targets[target] = t;
  }

  forget(file: string): void {
    for (const t of Object.values(this.#state.targets)) delete t[file];
  }

  /** Forgets everything delivered to `target` (`pipespan export --all`). */
  reset(target: string): void {
    delete this.#state.targets[target];
  }

  /** Writes the state atomically; a failure is returned once (the export goes on; it may repeat items later). */
  save(): string | undefined {
    try {
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(this.#state)}\n`);
      renameSync(tmp, this.path);
      return undefined;
    } catch (err) {
      if (this.#failed) return undefined;
      this.#failed = true;
      return `could not record export progress in ${this.path} (${(err as Error).message}); items may be sent twice`;
    }
  }
}

function load(path: string): StateJson {
  try {
    const raw = JSON.parse(readFileSync(path, "utf8")) as Partial<StateJson>;
    if (raw.version !== 1 || typeof raw.targets !== "object" || raw.targets === null) throw new Error("unknown form");
    const targets: StateJson["targets"] = {};
    for (const [target, files] of Object.entries(raw.targets)) {
      if (typeof files !== "object" || files === null) continue;
      const out: Record<string, FileCursor> = {};
      for (const [name, c] of Object.entries(files as Record<string, Partial<FileCursor>>)) {
        if (!c || !isCount(c.ino) || !isCount(c.offset) || !isCount(c.partial ?? 0) || !isCount(c.items ?? 0)) continue;
        out[name] = { ino: c.ino, offset: c.offset, partial: c.partial ?? 0, items: c.items ?? 0 };
      }
      targets[target] = out;
    }
    return { version: 1, targets };
  } catch {
    // Missing or unreadable: nothing delivered yet (at worst, items are sent twice).
    return { version: 1, targets: {} };
  }
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
