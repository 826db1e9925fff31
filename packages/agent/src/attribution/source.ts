import type { Attributes } from "@opentelemetry/api";
import type { ProcessId } from "../source/types.js";
import type { ProcessRecord } from "../table/process-record.js";
import type { TaskInfo } from "./task.js";

/** What an attribution source may look at besides the record itself. */
export interface AttributionContext {
  lookup(id: ProcessId): ProcessRecord | undefined;
  childrenOf(id: ProcessId): readonly ProcessRecord[];
  /** The task another process belongs to, as the attributor decides it now. */
  taskOf(record: ProcessRecord): TaskInfo | undefined;
  /** Wall clock, ns since the Unix epoch (tests move it). */
  nowNs(): number;
}

/**
 * A source's answer for one process:
 * - `task`: the process starts or belongs to this task;
 * - `overhead`: it is the workflow manager's own work (a helper such as an ILP solver), not a task's;
 * - `pending`: the source expects facts that have not arrived yet (a workflow event in flight); ask again later;
 * - undefined: not this source's business.
 * `settled: false` says the answer may still change when more facts arrive.
 */
export type Claim =
  | { readonly kind: "task"; readonly task: TaskInfo; readonly settled: boolean }
  | { readonly kind: "overhead"; readonly settled: boolean }
  | { readonly kind: "pending" }
  | undefined;

/**
 * One workflow manager's attribution: each manager is its own source (Nextflow work dirs + weblog, Snakemake
 * logger-plugin events). The attributor asks its sources after the explicit environment keys and before
 * inheritance from the parent process.
 */
export interface AttributionSource {
  readonly name: string;
  claim(record: ProcessRecord, ctx: AttributionContext): Claim;
  /**
   * True when the process is the workflow manager itself (the Nextflow launcher, a Snakemake process): its
   * children that no source claims are its overhead, not tasks of their own.
   */
  isManager(record: ProcessRecord, parent: ProcessRecord | undefined): boolean;
  /** Attributes for the run span (the manager, its run ids and counts), read when the run ends. */
  runAttributes?(): Attributes;
}
