// Helpers to collect and check a source's event stream against the Source contract.

import { expect } from "vitest";
import {
  type ProcessExecEvent,
  type ProcessExitEvent,
  type ProcessId,
  type ProcessStartEvent,
  processId,
  type SourceEvent,
  type SourceSink,
} from "../../src/source/types.js";

export class Collector implements SourceSink {
  readonly events: SourceEvent[] = [];
  onEvent(event: SourceEvent): void {
    this.events.push(event);
  }
  take(): SourceEvent[] {
    return this.events.splice(0);
  }
}

export interface ProcessView {
  start: ProcessStartEvent;
  execs: ProcessExecEvent[];
  exit?: ProcessExitEvent;
  countersEvents: number;
}

/** Per-process view; asserts the ordering rules of the contract along the way. */
export function byProcess(events: readonly SourceEvent[]): Map<ProcessId, ProcessView> {
  const out = new Map<ProcessId, ProcessView>();
  for (const e of events) {
    if (e.type === "lost") continue;
    const id = processId(e.key);
    const v = out.get(id);
    if (e.type === "start") {
      expect(v, `second start for ${id}`).toBeUndefined();
      if (e.parentKey !== undefined) {
        expect(out.has(processId(e.parentKey)), `parent of ${id} reported first`).toBe(true);
      }
      out.set(id, { start: e, execs: [], countersEvents: 0 });
      continue;
    }
    expect(v, `${e.type} before start for ${id}`).toBeDefined();
    expect(v!.exit, `${e.type} after exit for ${id}`).toBeUndefined();
    if (e.type === "exec") v!.execs.push(e);
    else if (e.type === "counters") v!.countersEvents += 1;
    else v!.exit = e;
  }
  return out;
}
