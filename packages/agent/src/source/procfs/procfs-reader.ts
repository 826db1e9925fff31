// Bounded, non-throwing access to a procfs tree. Processes vanish between any two syscalls, so every read may
// fail; a failure is a value (undefined), never an exception. Reads are synchronous on purpose: one tick reads a
// few hundred tiny files from an in-memory filesystem, where a sync read costs a few microseconds while a libuv
// thread-pool round trip per file would cost more than the read itself.

import { closeSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";

/** Error codes that only mean "the process is gone or not ours": expected, never reported. */
const EXPECTED_CODES = new Set(["ENOENT", "ESRCH", "EACCES", "EPERM", "ENOTDIR", "EINVAL"]);

export class ProcfsReader {
  readonly root: string;
  /** Scratch buffer shared by all small reads (stat, status, io); grown on demand up to the largest limit. */
  private scratch = Buffer.allocUnsafe(16 * 1024);
  private readonly probe = Buffer.allocUnsafe(1);
  private readonly onUnexpected: (path: string, code: string) => void;

  constructor(root: string, onUnexpected: (path: string, code: string) => void) {
    this.root = root.endsWith("/") ? root.slice(0, -1) : root;
    this.onUnexpected = onUnexpected;
  }

  path(...parts: Array<string | number>): string {
    return `${this.root}/${parts.join("/")}`;
  }

  private fail(path: string, err: unknown): undefined {
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? "UNKNOWN";
    if (!EXPECTED_CODES.has(code)) this.onUnexpected(path, code);
    return undefined;
  }

  /**
   * Read at most `limit` bytes. Returns a view into the shared scratch buffer (valid until the next read) and
   * whether the limit was hit.
   */
  readBytes(path: string, limit: number, singleRead = false): { data: Buffer; truncated: boolean } | undefined {
    if (this.scratch.length < limit) this.scratch = Buffer.allocUnsafe(limit);
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (err) {
      return this.fail(path, err);
    }
    try {
      let total = 0;
      // In general a short read does not mean EOF (cmdline/environ come a page at a time): read until EOF or the
      // limit. single_open seq files (stat, status, io) produce their whole text in one read() when the buffer
      // is large enough, so `singleRead` saves the extra read() that would only return 0 — a syscall per file
      // per tick. If such a file ever came back exactly `limit` long, truncation is still detected below.
      while (total < limit) {
        const n = readSync(fd, this.scratch, total, limit - total, null);
        if (n === 0) break;
        total += n;
        if (singleRead) break;
      }
      let truncated = false;
      if (total === limit) {
        truncated = readSync(fd, this.probe, 0, 1, null) > 0;
      }
      return { data: this.scratch.subarray(0, total), truncated };
    } catch (err) {
      return this.fail(path, err);
    } finally {
      try {
        closeSync(fd);
      } catch {
        // closing a procfs fd cannot meaningfully fail; nothing to do
      }
    }
  }

  /** Read a small text file as UTF-8, bounded by `limit` bytes. */
  readText(path: string, limit = 16 * 1024, singleRead = false): { text: string; truncated: boolean } | undefined {
    const r = this.readBytes(path, limit, singleRead);
    return r === undefined ? undefined : { text: r.data.toString("utf8"), truncated: r.truncated };
  }

  /** Read a file into a fresh Buffer (not the scratch buffer), bounded by `limit` bytes. */
  readCopy(path: string, limit: number): { data: Buffer; truncated: boolean } | undefined {
    const r = this.readBytes(path, limit);
    return r === undefined ? undefined : { data: Buffer.from(r.data), truncated: r.truncated };
  }

  /** Open a file to re-read it with preadText; undefined when it cannot be opened. */
  open(path: string): number | undefined {
    try {
      return openSync(path, "r");
    } catch (err) {
      return this.fail(path, err);
    }
  }

  /**
   * Re-read an open file from offset 0 (one pread: a procfs seq file regenerates its text for a read at offset
   * 0). A /proc/<pid>/* fd stays bound to its process: once that process is reaped the read fails with ESRCH,
   * even if the pid number was reused — undefined here.
   */
  preadText(fd: number, limit: number): { text: string; truncated: boolean } | undefined {
    if (this.scratch.length < limit) this.scratch = Buffer.allocUnsafe(limit);
    try {
      const n = readSync(fd, this.scratch, 0, limit, 0);
      const truncated = n === limit && readSync(fd, this.probe, 0, 1, limit) > 0;
      return { text: this.scratch.toString("utf8", 0, n), truncated };
    } catch (err) {
      return this.fail(`fd ${fd}`, err);
    }
  }

  close(fd: number): void {
    try {
      closeSync(fd);
    } catch {
      // nothing useful to do
    }
  }

  readLink(path: string): string | undefined {
    try {
      return readlinkSync(path);
    } catch (err) {
      return this.fail(path, err);
    }
  }

  /** Numeric entries of a directory (pids in /proc, tids in /proc/<pid>/task). */
  listNumeric(path: string): number[] | undefined {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (err) {
      return this.fail(path, err);
    }
    const out: number[] = [];
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 49 || c > 57 || name.length > 10) continue; // pids start with 1-9
      let ok = true;
      for (let i = 1; i < name.length; i++) {
        const d = name.charCodeAt(i);
        if (d < 48 || d > 57) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(Number(name));
    }
    return out;
  }
}
