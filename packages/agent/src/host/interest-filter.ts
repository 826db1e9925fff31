import { ENV_PIPESPAN_RUN_DIR, ENV_PIPESPAN_TASK_NAME, ENV_TRACEPARENT } from "@pipespan/semconv";
import { contextFromEnv } from "../attribution/traceparent.js";
import {
  type OwnEnv,
  type ProcessExecEvent,
  type ProcessId,
  type ProcessStartEvent,
  processId,
  type SourceEvent,
} from "../source/types.js";

/**
 * A process a task span elsewhere claims: it carries a task name and a valid TRACEPARENT — and is not part of a
 * `pipespan run` (PIPESPAN_RUN_DIR), which records its processes itself: the agent would record them twice.
 */
function claimed(env: OwnEnv): boolean {
  return (
    env[ENV_PIPESPAN_TASK_NAME] !== undefined &&
    env[ENV_PIPESPAN_RUN_DIR] === undefined &&
    contextFromEnv(env[ENV_TRACEPARENT]) !== undefined
  );
}

/**
 * Host-wide, the kernel reports every process of the host; the agent keeps only those that belong to a task
 * whose span exists elsewhere (the SDK, `pipespan task`): they carry PIPESPAN_TASK_NAME and TRACEPARENT in
 * their environment, and so do their descendants. A process that execs into such an environment joins then.
 */
export class InterestFilter {
  readonly #ids = new Set<ProcessId>();
  /** Pid → id of the processes followed, for children the source reports without their parent's start time. */
  readonly #byPid = new Map<number, ProcessId>();
  readonly #alsoAccept: (e: ProcessStartEvent | ProcessExecEvent) => boolean;

  /** `alsoAccept`: other processes to follow, with their descendants (workflow managers and their tasks). */
  constructor(o: { alsoAccept?: (e: ProcessStartEvent | ProcessExecEvent) => boolean } = {}) {
    this.#alsoAccept = o.alsoAccept ?? (() => false);
  }

  get size(): number {
    return this.#ids.size;
  }

  #add(id: ProcessId, pid: number): void {
    this.#ids.add(id);
    this.#byPid.set(pid, id);
  }

  #remove(id: ProcessId, pid: number): void {
    this.#ids.delete(id);
    if (this.#byPid.get(pid) === id) this.#byPid.delete(pid);
  }

  /** The events to pass on for this source event (none, the event, or a start made from an exec). */
  accept(e: SourceEvent): SourceEvent[] {
    switch (e.type) {
      case "lost":
        return [e];
      case "devices":
        return [];
      case "start": {
        if (this.#ids.has(processId(e.key))) return [];
        // A child of a process that was running before the source followed the host comes without its parent's
        // start time: its pid then names it.
        const parentId =
          e.parentKey !== undefined ? processId(e.parentKey) : e.ppid > 1 ? this.#byPid.get(e.ppid) : undefined;
        const parentIn = parentId !== undefined && this.#ids.has(parentId);
        if (!parentIn && !claimed(e.env) && !this.#alsoAccept(e)) return [];
        this.#add(processId(e.key), e.key.pid);
        if (!parentIn) return [{ ...e, parentKey: undefined } as SourceEvent];
        if (e.parentKey !== undefined) return [e];
        const [pid, ticks] = (parentId as string).split("@");
        return [{ ...e, parentKey: { pid: Number(pid), startTicks: Number(ticks) } }];
      }
      case "exec": {
        const id = processId(e.key);
        if (this.#ids.has(id)) return [e];
        if (!claimed(e.env) && !this.#alsoAccept(e)) return [];
        this.#add(id, e.key.pid);
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
        this.#remove(id, e.key.pid);
        return [e];
      }
    }
  }
}
