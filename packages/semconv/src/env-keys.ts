import {
  ENV_NXF_TASK_WORKDIR,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_ID,
  ENV_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
} from "./generated/names.js";

/**
 * The environment-protocol keys a process carries to name its run and task, in the order they are documented:
 * what the SDK sets for a child, and the only keys pipespan ever reads from /proc/<pid>/environ.
 * (PIPESPAN_RUN_DIR is for pipespan's own helpers; only the host agent reads it, to leave a run's processes to it.)
 */
export const ENV_PROTOCOL_KEYS = [
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
  ENV_PIPESPAN_RUN_ID,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_PIPESPAN_TASK_ATTEMPT,
] as const;

/**
 * Keys that workflow managers set for their tasks and that pipespan's attribution reads by name (see
 * conventions/env-protocol.yaml, foreign_variables): an explicit allow-list, never the rest of an environment.
 */
export const WORKFLOW_ENV_KEYS = [ENV_NXF_TASK_WORKDIR] as const;
