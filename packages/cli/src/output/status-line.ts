import type { RunStatus } from "@pipespan/agent";
import { formatSeconds, truncateVisible } from "./format.js";

// Terminal control sequences (VT100/xterm; every terminal emulator in use understands them).
const ESC = "\u001b";
const SAVE = `${ESC}7`;
const RESTORE = `${ESC}8`;
const CLEAR_LINE = `${ESC}[2K`;
const UP = `${ESC}[1A`;
const region = (top: number, bottom: number) => `${ESC}[${top};${bottom}r`;
const RESET_REGION = `${ESC}[r`;
const moveTo = (row: number) => `${ESC}[${row};1H`;

/**
 * A live status line on a terminal (elapsed, running tasks), on stderr. Off a terminal it does nothing, so logs
 * and pipes stay clean.
 *
 * The traced command writes to the same terminal whenever it likes, so the status line must never share a row
 * with its output. When the terminal's size is known the status line lives on the bottom row, outside a scroll
 * region that holds everything else (as apt and other progress tools do): the command's output scrolls above it
 * and never runs into it. When the size is not known it is redrawn in place on the current row and cleared before
 * pipespan itself writes.
 */
export class StatusLine {
  readonly #stream: NodeJS.WriteStream;
  /** Rows of the terminal when the bottom row is reserved, else 0. */
  #reservedRows = 0;
  #shown = false;
  #last: RunStatus | undefined;
  readonly #onResize = () => this.#resized();
  readonly #onExit = () => this.clear();

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  get enabled(): boolean {
    return this.#stream.isTTY === true;
  }

  /** True when the status line is kept on the bottom row (the terminal's size is known). */
  get pinned(): boolean {
    return this.#reservedRows > 0;
  }

  update(s: RunStatus): void {
    if (!this.enabled) return;
    this.#last = s;
    const cols = this.#stream.columns || 100;
    const tasks = s.runningTasks.length > 0 ? s.runningTasks.join(", ") : "-";
    const text = truncateVisible(
      `pipespan ▸ ${formatSeconds(s.elapsedMs / 1000)} · running: ${tasks} · ${s.processes} processes`,
      cols - 1,
    );
    const rows = this.#stream.rows || 0;
    if (!this.#shown) this.#setUp(rows);
    if (this.#reservedRows > 0) {
      // One write: a write of the command's that lands between our sequences could otherwise be moved.
      this.#stream.write(`${SAVE}${moveTo(this.#reservedRows)}${CLEAR_LINE}${text}${RESTORE}`);
    } else {
      this.#stream.write(`\r${CLEAR_LINE}${text}`);
    }
    this.#shown = true;
  }

  /** Writes pipespan's own text (a warning line) so that it does not collide with the status line. */
  write(text: string): void {
    if (this.#shown && this.#reservedRows === 0) this.clear();
    this.#stream.write(text);
  }

  /** Removes the status line (and gives the terminal its whole height back). Call before printing. */
  clear(): void {
    if (!this.#shown) return;
    if (this.#reservedRows > 0) {
      this.#stream.write(`${SAVE}${RESET_REGION}${RESTORE}${SAVE}${moveTo(this.#reservedRows)}${CLEAR_LINE}${RESTORE}`);
    } else {
      this.#stream.write(`\r${CLEAR_LINE}`);
    }
    this.#shown = false;
    this.#reservedRows = 0;
    this.#stream.off("resize", this.#onResize);
    process.off("exit", this.#onExit);
  }

  #setUp(rows: number): void {
    if (rows < 3) return; // unknown size (or too small to share): the in-place line
    // A new line first, so that when the cursor is on the bottom row its line scrolls up instead of being covered;
    // then the scroll region (which homes the cursor), and the cursor back where it was, inside the region.
    this.#stream.write(`\n${SAVE}${region(1, rows - 1)}${RESTORE}${UP}`);
    this.#reservedRows = rows;
    this.#stream.on("resize", this.#onResize);
    // Never leave a terminal with a shrunken scroll region behind, however pipespan ends.
    process.on("exit", this.#onExit);
  }

  #resized(): void {
    if (!this.#shown) return;
    this.clear();
    if (this.#last) this.update(this.#last);
  }
}
