import type { SpanContext } from "@opentelemetry/api";

/** How a task was identified (pipespan.task.attribution). */
export type TaskAttribution = "env" | "root_child";

/** A task of the run, as attribution decided it. */
export interface TaskInfo {
  /** Unique within the run; used as cicd.pipeline.task.run.id. */
  readonly runId: string;
  readonly name: string;
  readonly attribution: TaskAttribution;
  readonly attempt?: number;
  /** Working directory of the process that defined the task. */
  readonly workDir?: string;
  /**
   * Set when the task span was created elsewhere (the SDK or `pipespan task` put its own span in TRACEPARENT):
   * the agent parents its process spans to it and does not emit a task span of its own.
   */
  readonly remoteParent?: SpanContext;
}
