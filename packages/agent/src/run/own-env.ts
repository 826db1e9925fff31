import { ENV_PROTOCOL_KEYS } from "@pipespan/semconv";

/** The only environment keys pipespan ever reads from a process (see conventions/env-protocol.yaml). */
export const OWN_ENV_KEYS: readonly string[] = ENV_PROTOCOL_KEYS;
