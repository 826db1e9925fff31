import type { RunStatus } from "@pipespan/agent";
import { formatSeconds } from "./format.js";

/**
 * A live status line on a terminal (elapsed, running tasks), redrawn in place on stderr. Off a terminal it
 * does nothing, so logs and pipes stay clean.
 */
export class StatusLine {
  readonly #stream: NodeJS.WriteStream;
  #shown = false;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  get enabled(): boolean {
    return this.#stream.isTTY === true;
  }

  update(s: RunStatus): void {
    if (!this.enabled) return;
    const tasks = s.runningTasks.length > 0 ? s.runningTasks.join(", ") : "-";
    let text = `pipespan ▸ ${formatSeconds(s.elapsedMs / 1000)} · running: ${tasks} · ${s.processes} processes`;
    const cols = this.#stream.columns ?? 100;
    if (text.length > cols - 1) text = `${text.slice(0, cols - 2)}…`;
    this.#stream.write(`\r\u001b[2K${text}`);
    this.#shown = true;
  }

  clear(): void {
    if (this.#shown) this.#stream.write("\r\u001b[2K");
    this.#shown = false;
  }
}
