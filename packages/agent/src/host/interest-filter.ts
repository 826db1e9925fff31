import { ENV_PIPESPAN_RUN_DIR, ENV_PIPESPAN_TASK_NAME, ENV_TRACEPARENT } from "@pipespan/semconv";
import { parseTraceparent } from "../attribution/traceparent.js";
import { type OwnEnv, type ProcessId, processId, type SourceEvent } from "../source/types.js";

/**
 * A process a task span elsewhere claims: it carries a task name and a valid TRACEPARENT — and is not part of a
 * `pipespan run` (PIPESPAN_RUN_DIR), which records its processes itself: the agent would record them twice.
 */
function claimed(env: OwnEnv): boolean {
  return (
    env[ENV_PIPESPAN_TASK_NAME] !== undefined &&
    env[ENV_PIPESPAN_RUN_DIR] === undefined &&
    parseTraceparent(env[ENV_TRACEPARENT]) !== undefined
  );
}

/**
 * Host-wide, the kernel reports every process of the host; the agent keeps only those that belong to a task
 * whose span exists elsewhere (the SDK, `pipespan task`): they carry PIPESPAN_TASK_NAME and TRACEPARENT in
 * their environment, and so do their descendants. A process that execs into such an environment joins then.
 */
export class InterestFilter {
  readonly #ids = new Set<ProcessId>();

  get size(): number {
    return this.#ids.size;
  }

  /** The events to pass on for this source event (none, the event, or a start made from an exec). */
  accept(e: SourceEvent): SourceEvent[] {
    switch (e.type) {
      case "lost":
        return [e];
      case "start": {
        const parentIn = e.parentKey !== undefined && this.#ids.has(processId(e.parentKey));
        if (!parentIn && !claimed(e.env)) return [];
        this.#ids.add(processId(e.key));
        return [parentIn ? e : ({ ...e, parentKey: undefined } as SourceEvent)];
      }
      case "exec": {
        const id = processId(e.key);
        if (this.#ids.has(id)) return [e];
        if (!claimed(e.env)) return [];
        this.#ids.add(id);
        return [
          {
            type: "start",
            key: e.key,
            ppid: e.ppid ?? 0,
            startTimeNs: e.timeNs,
            comm: e.comm,
            ...(e.exe !== undefined ? { exe: e.exe } : {}),
            argv: e.argv,
            ...(e.cwd !== undefined ? { cwd: e.cwd } : {}),
            env: e.env,
          },
        ];
      }
      case "counters":
        return this.#ids.has(processId(e.key)) ? [e] : [];
      case "exit": {
        const id = processId(e.key);
        if (!this.#ids.has(id)) return [];
        this.#ids.delete(id);
        return [e];
      }
    }
  }
}
