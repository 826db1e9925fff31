import { ENV_PROTOCOL_KEYS, WORKFLOW_ENV_KEYS } from "@pipespan/semconv";

/** The only environment keys pipespan ever reads from a process (see conventions/env-protocol.yaml). */
export const OWN_ENV_KEYS: readonly string[] = ENV_PROTOCOL_KEYS;

/**
 * What the sources read from /proc/<pid>/environ: pipespan's own keys plus the explicit allow-list of keys
 * workflow managers set for their tasks (NXF_TASK_WORKDIR); never the rest of an environment.
 */
export const READ_ENV_KEYS: readonly string[] = [...ENV_PROTOCOL_KEYS, ...WORKFLOW_ENV_KEYS];
