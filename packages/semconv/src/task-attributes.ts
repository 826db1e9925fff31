// The attributes that name a task on its span, and those that say how a process ended: one definition for every
// writer of task spans (the SDK inside a pipeline, the agent from kernel events), so the two never drift.
import { pathToFileURL } from "node:url";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL,
  ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PROCESS_EXIT_CODE,
} from "./generated/names.js";
import { signalName, signalNumber } from "./signals.js";

/** What names a task run on its span. */
export interface TaskIdentity {
  readonly name: string;
  readonly taskRunId: string;
  /** The task's working directory (resolved against the current directory): cicd.pipeline.task.run.url.full. */
  readonly workDir: string;
  readonly attempt?: number | undefined;
  readonly runId?: string | undefined;
  readonly pipelineName?: string | undefined;
}

/** A file:// URI of a working directory: the honest cicd.pipeline.task.run.url.full of a local task. */
export function workDirUrl(workDir: string): string {
  // The tasks of a run mostly share their directory (and the agent names one per task): the last one is kept.
  if (workDir !== lastDir) {
    lastUrl = pathToFileURL(workDir).href;
    lastDir = workDir;
  }
  return lastUrl;
}
let lastDir: string | undefined;
let lastUrl = "";

/** The identity attributes of a task span (optional fields only when known). */
export function taskSpanAttributes(t: TaskIdentity): Record<string, string | number> {
  const attrs: Record<string, string | number> = {
    [ATTR_CICD_PIPELINE_TASK_NAME]: t.name,
    [ATTR_CICD_PIPELINE_TASK_RUN_ID]: t.taskRunId,
    [ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL]: workDirUrl(t.workDir),
  };
  if (t.attempt !== undefined) attrs[ATTR_PIPESPAN_TASK_ATTEMPT] = t.attempt;
  if (t.runId !== undefined) attrs[ATTR_CICD_PIPELINE_RUN_ID] = t.runId;
  if (t.pipelineName !== undefined) attrs[ATTR_CICD_PIPELINE_NAME] = t.pipelineName;
  return attrs;
}

/**
 * How a process ended, as attributes: process.exit.code when there is one, and the signal's number and name when a
 * signal killed it (given by number or by name).
 */
export function exitAttributes(exit: {
  readonly exitCode?: number | undefined;
  readonly signal?: number | string | null | undefined;
}): Record<string, string | number> {
  const attrs: Record<string, string | number> = {};
  if (exit.exitCode !== undefined) attrs[ATTR_PROCESS_EXIT_CODE] = exit.exitCode;
  if (exit.signal !== undefined && exit.signal !== null) {
    const number = typeof exit.signal === "number" ? exit.signal : signalNumber(exit.signal);
    if (number !== undefined) attrs[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL] = number;
    attrs[ATTR_PIPESPAN_PROCESS_EXIT_SIGNAL_NAME] =
      typeof exit.signal === "number" ? signalName(exit.signal) : exit.signal;
  }
  return attrs;
}
