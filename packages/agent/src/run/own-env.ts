import {
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_RUN_ID,
  ENV_PIPESPAN_TASK_ATTEMPT,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
} from "@pipespan/semconv";

/** The only environment keys pipespan ever reads from a process (see conventions/env-protocol.yaml). */
export const OWN_ENV_KEYS: readonly string[] = [
  ENV_TRACEPARENT,
  ENV_TRACESTATE,
  ENV_PIPESPAN_RUN_ID,
  ENV_PIPESPAN_PIPELINE_NAME,
  ENV_PIPESPAN_TASK_NAME,
  ENV_PIPESPAN_TASK_RUN_ID,
  ENV_PIPESPAN_TASK_ATTEMPT,
];
