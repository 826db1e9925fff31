// The lines of one byte range of a file, for a reader thread: a range owns every line that starts inside it (the
// last one may run past its end), so ranges that tile a file give each line to exactly one of them. Lines come as
// byte ranges of one reused buffer, read synchronously (a reader thread has nothing else to do meanwhile).
import { readSync } from "node:fs";

export interface RangeLine {
  /** 0-based index of the line among the range's lines. */
  index: number;
  buf: Buffer;
  start: number;
  end: number;
  /** False for a last line without a trailing newline. */
  terminated: boolean;
  /** The line exceeded the bound; it is empty here. */
  tooLong?: boolean;
}

const READ = 4 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** A read buffer kept from range to range (one per thread: buffers made and dropped per range stay in RSS). */
let kept: Buffer | undefined;

/** Lines starting in [from, to) of the open file `fd`; a line longer than maxLineBytes is reported, not kept. */
export function* rangeLines(fd: number, from: number, to: number, maxLineBytes: number): Generator<RangeLine> {
  let buf = kept ?? Buffer.allocUnsafe(READ);
  kept = undefined; // a generator left unfinished gives it up
  // From the byte before `from`: a line starts at `from` exactly when that byte is a newline.
  let base = from > 0 ? from - 1 : 0; // file offset of buf[0]
  let skipping = from > 0; // still inside a line that started before the range
  let filled = 0;
  let pos = 0; // start of the current line in buf
  let scan = 0;
  let overflow = false;
  let index = 0;
  let eof = false;
  for (;;) {
    const nl = scan < filled ? buf.indexOf(0x0a, scan) : -1;
    if (nl !== -1 && nl < filled) {
      if (skipping) skipping = false;
      else {
        if (overflow || nl - pos > maxLineBytes) {
          yield { index, buf: EMPTY, start: 0, end: 0, terminated: true, tooLong: true };
        } else yield { index, buf, start: pos, end: nl, terminated: true };
        index += 1;
        overflow = false;
      }
      pos = nl + 1;
      scan = pos;
      if (base + pos >= to) {
        // The next line belongs to the next range.
        if (buf.length === READ) kept = buf;
        return;
      }
      continue;
    }
    if (eof) break;
    scan = filled;
    if (!skipping && !overflow && filled - pos > maxLineBytes) overflow = true;
    if (skipping || overflow) {
      // Bytes of a line that is not kept: drop them.
      base += filled;
      filled = 0;
      pos = 0;
      scan = 0;
    } else if (pos > 0) {
      buf.copyWithin(0, pos, filled);
      base += pos;
      filled -= pos;
      scan -= pos;
      pos = 0;
    }
    if (filled === buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(filled + READ, Math.min(buf.length * 2, maxLineBytes + READ)));
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const n = readSync(fd, buf, filled, buf.length - filled, base + filled);
    if (n === 0) eof = true;
    filled += n;
  }
  if (buf.length === READ) kept = buf;
  if (skipping) return;
  if (overflow || filled - pos > maxLineBytes) {
    yield { index, buf: EMPTY, start: 0, end: 0, terminated: false, tooLong: true };
  } else if (filled > pos) yield { index, buf, start: pos, end: filled, terminated: false };
}
