// The host agent's recorder for processes outside any workflow run: only processes of tasks named elsewhere
// (TRACEPARENT + PIPESPAN_TASK_NAME) get spans, under those tasks' spans; there is no run span of its own. Its
// memory follows the live processes: ended ones are forgotten once their spans are out (see host/evictor.ts).
import { context, type Tracer } from "@opentelemetry/api";
import { RunAccounting } from "../accounting/run-accounting.js";
import type { Attributor } from "../attribution/attributor.js";
import type { TaskInfo } from "../attribution/task.js";
import type { ProcessRecord } from "../table/process-record.js";
import type { TableChange } from "../table/process-table.js";
import type { Totals } from "./measure-attributes.js";
import { SpanTree } from "./span-tree.js";

export interface HostRecorderOptions {
  readonly tracer: Tracer;
  readonly attributor: Attributor;
  readonly lookup: (id: string) => ProcessRecord | undefined;
  readonly childrenOf: (id: string) => readonly ProcessRecord[];
  readonly records: () => Iterable<ProcessRecord>;
  readonly redact: (argv: readonly string[]) => string;
  readonly onProcessEnd?: (record: ProcessRecord, task: TaskInfo | undefined, totals: Totals) => void;
}

export class HostRecorder {
  readonly #accounting: RunAccounting;
  readonly #tree: SpanTree;

  constructor(o: HostRecorderOptions) {
    this.#accounting = new RunAccounting({ childrenOf: o.childrenOf });
    this.#tree = new SpanTree({
      tracer: o.tracer,
      attributor: o.attributor,
      accounting: this.#accounting,
      lookup: o.lookup,
      records: o.records,
      parent: context.active(),
      pipelineName: "(agent)",
      runId: "",
      redact: o.redact,
      recordUntasked: false,
      ...(o.onProcessEnd ? { onProcessEnd: o.onProcessEnd } : {}),
    });
  }

  handle(change: TableChange): void {
    this.#tree.handle(change);
  }

  /** True once the process's span has ended (it may then be forgotten). */
  hasEnded(id: string): boolean {
    return this.#tree.hasEnded(id);
  }

  forget(id: string): void {
    this.#tree.forget(id);
  }

  forgetTasksExcept(live: ReadonlySet<TaskInfo>): void {
    this.#tree.forgetTasksExcept(live);
  }

  /** Ends what is still open (the agent stops); returns the processes seen and the events lost. */
  finish(records: Iterable<ProcessRecord>, endNs: number): { processes: number; lostEvents: number } {
    this.#tree.endAll(records, endNs);
    this.#tree.endTasks();
    return { processes: this.#accounting.processes, lostEvents: this.#accounting.lostEvents };
  }
}
