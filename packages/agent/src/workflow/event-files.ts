// Reads JSON-lines event files as they grow: under `pipespan run`, the Snakemake logger plugin appends its
// events to <run dir>/workflow/snakemake-<pid>.jsonl. Each complete line is handed over once; a line still
// being written waits for its newline; a bad line is counted and reported once, and the rest goes on.
import { closeSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";

export interface EventFilesOptions {
  readonly dir: string;
  /** Only files whose name matches are read. */
  readonly match: RegExp;
  /** One decoded line; return a reason to refuse it (counted and reported once). */
  readonly onLine: (value: unknown, file: string) => string | undefined;
  readonly onWarning?: (line: string) => void;
}

const MAX_LINE = 1024 * 1024;
const CHUNK = 256 * 1024;

interface Tail {
  fd: number;
  offset: number;
  partial: string;
  skipping: boolean;
  /** Keeps a character cut between two reads whole. */
  decoder: StringDecoder;
}

export class EventFiles {
  readonly #o: EventFilesOptions;
  readonly #tails = new Map<string, Tail>();
  #accepted = 0;
  #refused = 0;
  #warned = false;

  constructor(o: EventFilesOptions) {
    this.#o = o;
  }

  get accepted(): number {
    return this.#accepted;
  }

  get refused(): number {
    return this.#refused;
  }

  /** Reads what was appended since the last call; returns how many lines were handed over. */
  poll(): number {
    let names: string[];
    try {
      names = readdirSync(this.#o.dir).filter((n) => this.#o.match.test(n));
    } catch {
      return 0;
    }
    let n = 0;
    for (const name of names) n += this.#read(name);
    return n;
  }

  close(): void {
    for (const t of this.#tails.values()) {
      try {
        closeSync(t.fd);
      } catch {
        /* already closed */
      }
    }
    this.#tails.clear();
  }

  #read(name: string): number {
    let t = this.#tails.get(name);
    if (!t) {
      try {
        t = {
          fd: openSync(join(this.#o.dir, name), "r"),
          offset: 0,
          partial: "",
          skipping: false,
          decoder: new StringDecoder("utf8"),
        };
      } catch {
        return 0;
      }
      this.#tails.set(name, t);
    }
    let size: number;
    try {
      size = fstatSync(t.fd).size;
    } catch {
      return 0;
    }
    let n = 0;
    const buf = Buffer.alloc(CHUNK);
    while (t.offset < size) {
      const got = readSync(t.fd, buf, 0, Math.min(CHUNK, size - t.offset), t.offset);
      if (got <= 0) break;
      t.offset += got;
      const text = t.partial + t.decoder.write(buf.subarray(0, got));
      const lines = text.split("\n");
      t.partial = lines.pop() ?? "";
      if (t.partial.length > MAX_LINE) {
        // A line this long is not one of ours: drop it up to its newline.
        t.partial = "";
        t.skipping = true;
        this.#refuse(name, "a line longer than 1 MiB");
      }
      for (const line of lines) {
        if (t.skipping) {
          t.skipping = false;
          continue;
        }
        if (line.trim() === "") continue;
        n += this.#handle(name, line);
      }
    }
    return n;
  }

  #handle(name: string, line: string): number {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.#refuse(name, "a line that is not JSON");
      return 0;
    }
    const reason = this.#o.onLine(value, name);
    if (reason !== undefined) {
      this.#refuse(name, reason);
      return 0;
    }
    this.#accepted++;
    return 1;
  }

  #refuse(name: string, reason: string): void {
    this.#refused++;
    if (this.#warned) return;
    this.#warned = true;
    this.#o.onWarning?.(
      `workflow events: ${join(this.#o.dir, name)}: skipped ${reason} (further bad lines are counted)`,
    );
  }
}
