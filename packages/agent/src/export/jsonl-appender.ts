// Appends whole lines to a file, synchronously, so that a line is either complete on disk or absent.
import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from "node:fs";

const NEWLINE = 0x0a;

/**
 * Appends one record per line to `path`. Each append opens the file with O_APPEND, writes the record and a newline,
 * and closes it again: nothing is buffered in memory, so a crash or a SIGKILL right after `append` returns loses
 * nothing, and a file removed or moved between appends is noticed (ENOENT) instead of written into a dead inode.
 *
 * A failed write (ENOSPC, EIO, EDQUOT) can leave part of a record behind. The appender truncates the file back to
 * its size before the write, so every line stays a complete record; if even that fails, the next successful append
 * starts with a newline so the fragment stays on a line of its own and later records still parse.
 */
/** Where an appended record landed: [start, end) holds the record and its newline. */
export interface AppendedLine {
  readonly ino: number;
  readonly start: number;
  readonly end: number;
}

export class JsonlAppender {
  private fragmentPending = false;

  constructor(readonly path: string) {}

  /** Appends `record` plus a newline; says where it landed. Throws on any I/O error (with the path in the message). */
  append(record: Uint8Array): AppendedLine {
    let fd: number;
    try {
      fd = openSync(this.path, "a", 0o644);
    } catch (err) {
      throw ioError(`could not open ${this.path} for appending`, err);
    }
    try {
      const st = fstatSync(fd);
      const sizeBefore = st.size;
      const prefix = this.fragmentPending ? 1 : 0;
      const line = new Uint8Array(prefix + record.byteLength + 1);
      if (prefix) line[0] = NEWLINE;
      line.set(record, prefix);
      line[line.length - 1] = NEWLINE;
      try {
        writeFully(fd, line);
      } catch (err) {
        try {
          ftruncateSync(fd, sizeBefore);
        } catch {
          this.fragmentPending = true;
        }
        throw ioError(`could not append to ${this.path}`, err);
      }
      this.fragmentPending = false;
      return { ino: st.ino, start: sizeBefore + prefix, end: sizeBefore + line.byteLength };
    } finally {
      try {
        closeSync(fd);
      } catch {
        // close(2) after a successful write cannot lose data already written to the page cache.
      }
    }
  }
}

function writeFully(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.byteLength) {
    // writeSync may write less than asked (signals, quota); loop until all is out or it throws.
    const written = writeSync(fd, data, offset, data.byteLength - offset);
    if (written <= 0) throw new Error("write(2) made no progress");
    offset += written;
  }
}

function ioError(what: string, err: unknown): Error {
  const detail = err instanceof Error ? err.message : String(err);
  const out = new Error(`${what}: ${detail}`, { cause: err });
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") (out as Error & { code?: string }).code = code;
  return out;
}
