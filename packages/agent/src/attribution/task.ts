import type { Attributes, SpanContext } from "@opentelemetry/api";

/** How a task was identified (pipespan.task.attribution). */
export type TaskAttribution = "env" | "nextflow" | "snakemake" | "root_child";

/**
 * What a workflow manager says about a task. Its events can arrive after the task's processes ended (Nextflow's
 * weblog sends `process_completed` when it polled the task), so the recorder asks when the task span starts and
 * again when it ends.
 */
export interface WorkflowTaskDetails {
  /** Attributes for the task span (manager, tag, requested resources, the manager's ids and status). */
  attributes(): Attributes;
  /** The manager's verdict: true when it reported the task failed, false when it reported success, else undefined. */
  failed(): boolean | undefined;
  /** Why the manager says it failed, for the span status (never a command line). */
  failureMessage?(): string | undefined;
}

/** A task of the run, as attribution decided it. */
export interface TaskInfo {
  /** Unique within the run; used as cicd.pipeline.task.run.id. */
  readonly runId: string;
  /** cicd.pipeline.task.name: the step (for a workflow manager, the Nextflow process or the Snakemake rule). */
  readonly name: string;
  /** The span's name when it differs from the task name: `STAR_ALIGN (WT_REP1)`, `count (sample=a)`. */
  readonly spanName?: string;
  readonly attribution: TaskAttribution;
  readonly attempt?: number;
  /** Working directory of the process that defined the task (a Nextflow task: its work dir). */
  readonly workDir?: string;
  /**
   * Set when the task span was created elsewhere (the SDK or `pipespan task` put its own span in TRACEPARENT):
   * the agent parents its process spans to it and does not emit a task span of its own.
   */
  readonly remoteParent?: SpanContext;
  /** Set by a workflow-manager source. */
  readonly workflow?: WorkflowTaskDetails;
}
