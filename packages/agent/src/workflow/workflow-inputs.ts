// Everything a traced run (or the host agent) learns from workflow managers, in one place: the weblog and
// Snakemake-event stores, the attribution sources that read them, the optional HTTP receiver, and (under
// `pipespan run`) the event files the Snakemake plugin appends to in the run folder.
import { join } from "node:path";
import { NextflowSource } from "../attribution/nextflow-source.js";
import { SnakemakeSource } from "../attribution/snakemake-source.js";
import type { AttributionSource } from "../attribution/source.js";
import { EventFiles } from "./event-files.js";
import { WeblogStore } from "./nextflow/weblog-store.js";
import { type ReceiverStats, WorkflowReceiver } from "./receiver.js";
import { parseSnakemakeEvent } from "./snakemake/events.js";
import { SnakemakeStore } from "./snakemake/store.js";

export interface WorkflowInputsOptions {
  /** Serve the HTTP receiver on this address. */
  readonly listen?: { readonly host: string; readonly port: number };
  /** The run folder whose `workflow/` event files are read (`pipespan run`). */
  readonly runDir?: string;
  readonly onWarning?: (line: string) => void;
}

/** The folder of a run where helpers (the Snakemake plugin) append workflow events. */
export function workflowEventsDir(runDir: string): string {
  return join(runDir, "workflow");
}

export class WorkflowInputs {
  readonly weblog = new WeblogStore();
  readonly snakemake = new SnakemakeStore();
  readonly nextflowSource: NextflowSource;
  readonly snakemakeSource: SnakemakeSource;
  readonly #o: WorkflowInputsOptions;
  readonly #files: EventFiles | undefined;
  #receiver: WorkflowReceiver | undefined;
  #url: string | undefined;

  constructor(o: WorkflowInputsOptions = {}) {
    this.#o = o;
    this.nextflowSource = new NextflowSource({ weblog: this.weblog });
    this.snakemakeSource = new SnakemakeSource({ store: this.snakemake });
    if (o.runDir !== undefined) {
      this.#files = new EventFiles({
        dir: workflowEventsDir(o.runDir),
        match: /^snakemake-\d+\.jsonl$/,
        onLine: (value) => {
          const r = parseSnakemakeEvent(value);
          if (!r.ok) return r.reason;
          this.snakemake.apply(r.event);
          return undefined;
        },
        ...(o.onWarning ? { onWarning: o.onWarning } : {}),
      });
    }
  }

  get sources(): readonly AttributionSource[] {
    return [this.nextflowSource, this.snakemakeSource];
  }

  /** The receiver's base URL once it listens. */
  get url(): string | undefined {
    return this.#url;
  }

  /** Calls `listener` whenever an event arrived (over HTTP or from a file). */
  onEvent(listener: () => void): void {
    this.weblog.onChange(listener);
    this.snakemake.onChange(listener);
  }

  async start(): Promise<void> {
    if (!this.#o.listen) return;
    const receiver = new WorkflowReceiver({
      host: this.#o.listen.host,
      port: this.#o.listen.port,
      weblog: this.weblog,
      snakemake: this.snakemake,
      ...(this.#o.onWarning ? { onWarning: this.#o.onWarning } : {}),
    });
    this.#url = (await receiver.start()).url;
    this.#receiver = receiver;
  }

  /** Reads what the event files gained since the last call. */
  poll(): void {
    this.#files?.poll();
  }

  async stop(): Promise<void> {
    this.poll();
    this.#files?.close();
    await this.#receiver?.stop();
  }

  receiverStats(): ReceiverStats | undefined {
    return this.#receiver?.stats();
  }

  /** Events received and refused, for the run's summary. */
  counts(): { received: number; refused: number } {
    const r = this.#receiver?.stats();
    return {
      received: this.weblog.events + this.snakemake.events,
      refused: (r?.refused ?? 0) + (this.#files?.refused ?? 0),
    };
  }
}
