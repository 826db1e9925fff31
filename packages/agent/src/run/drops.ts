// What was lost, by reason (pipespan.drop.reason in conventions/model/reliability.yaml). Sources report lost
// events with a reason; the process table counts events for processes it never saw; the export counts what a
// backend will never get. Every reason is counted here, exported as a metric and printed when not zero.
import {
  PIPESPAN_DROP_REASON_VALUE_ARGV_UNREADABLE,
  PIPESPAN_DROP_REASON_VALUE_BLOCK_LATENCY_MAP_FULL,
  PIPESPAN_DROP_REASON_VALUE_COUNTERS_MAP_FULL,
  PIPESPAN_DROP_REASON_VALUE_DECODE_ERROR,
  PIPESPAN_DROP_REASON_VALUE_ENV_UNREADABLE,
  PIPESPAN_DROP_REASON_VALUE_EXPORT_QUEUE_FULL,
  PIPESPAN_DROP_REASON_VALUE_EXPORT_REJECTED,
  PIPESPAN_DROP_REASON_VALUE_OTHER,
  PIPESPAN_DROP_REASON_VALUE_PROCESS_VANISHED,
  PIPESPAN_DROP_REASON_VALUE_RING_BUFFER_FULL,
  PIPESPAN_DROP_REASON_VALUE_ROOT_EXITED_EARLY,
  PIPESPAN_DROP_REASON_VALUE_SPAN_QUEUE_FULL,
  PIPESPAN_DROP_REASON_VALUE_THREAD_MAP_FULL,
  PIPESPAN_DROP_REASON_VALUE_TRACKED_MAP_FULL,
  PIPESPAN_DROP_REASON_VALUE_UNKNOWN_PROCESS,
} from "@pipespan/semconv";

export const DROP_REASONS = [
  PIPESPAN_DROP_REASON_VALUE_RING_BUFFER_FULL,
  PIPESPAN_DROP_REASON_VALUE_COUNTERS_MAP_FULL,
  PIPESPAN_DROP_REASON_VALUE_TRACKED_MAP_FULL,
  PIPESPAN_DROP_REASON_VALUE_THREAD_MAP_FULL,
  PIPESPAN_DROP_REASON_VALUE_ARGV_UNREADABLE,
  PIPESPAN_DROP_REASON_VALUE_BLOCK_LATENCY_MAP_FULL,
  PIPESPAN_DROP_REASON_VALUE_DECODE_ERROR,
  PIPESPAN_DROP_REASON_VALUE_ENV_UNREADABLE,
  PIPESPAN_DROP_REASON_VALUE_PROCESS_VANISHED,
  PIPESPAN_DROP_REASON_VALUE_ROOT_EXITED_EARLY,
  PIPESPAN_DROP_REASON_VALUE_UNKNOWN_PROCESS,
  PIPESPAN_DROP_REASON_VALUE_EXPORT_QUEUE_FULL,
  PIPESPAN_DROP_REASON_VALUE_EXPORT_REJECTED,
  PIPESPAN_DROP_REASON_VALUE_SPAN_QUEUE_FULL,
  PIPESPAN_DROP_REASON_VALUE_OTHER,
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** What each reason means for the reader of a summary line. */
const PLAIN: Record<DropReason, string> = {
  ring_buffer_full: "kernel ring buffer full",
  counters_map_full: "kernel counters map full",
  tracked_map_full: "kernel tracked-process set full",
  thread_map_full: "kernel thread map full",
  argv_unreadable: "argv unreadable in the kernel",
  block_latency_map_full: "kernel block-latency map full",
  decode_error: "undecodable records",
  env_unreadable: "processes gone before their task keys were read",
  process_vanished: "processes gone before they were read",
  root_exited_early: "root exited before observation",
  unknown_process: "events for processes never seen",
  export_queue_full: "export queue over its bound",
  export_rejected: "refused by the backend",
  span_queue_full: "batch span queue full",
  other: "other",
};

/** Free-form reasons some sources give (older strings included) → the registry's values. */
const ALIASES: Record<string, DropReason> = {
  "kernel ring buffer full": PIPESPAN_DROP_REASON_VALUE_RING_BUFFER_FULL,
  "vanished-before-read": PIPESPAN_DROP_REASON_VALUE_PROCESS_VANISHED,
  "root process exited before observation started": PIPESPAN_DROP_REASON_VALUE_ROOT_EXITED_EARLY,
};

export function dropReason(text: string): DropReason {
  if ((DROP_REASONS as readonly string[]).includes(text)) return text as DropReason;
  return (Object.hasOwn(ALIASES, text) ? ALIASES[text] : undefined) ?? PIPESPAN_DROP_REASON_VALUE_OTHER;
}

/** Which reasons say the map sizes are too small for the host (the fix is a bigger map). */
const MAP_REASONS: Partial<Record<DropReason, string>> = {
  ring_buffer_full: "--ring-buffer",
  counters_map_full: "--max-processes",
  tracked_map_full: "--max-processes",
  thread_map_full: "--max-threads",
};

export class DropCounts {
  readonly #by = new Map<DropReason, number>();

  add(reason: string, count: number): void {
    if (!(count > 0)) return;
    const r = dropReason(reason);
    this.#by.set(r, (this.#by.get(r) ?? 0) + count);
  }

  get(reason: DropReason): number {
    return this.#by.get(reason) ?? 0;
  }

  get total(): number {
    let n = 0;
    for (const v of this.#by.values()) n += v;
    return n;
  }

  entries(): [DropReason, number][] {
    return [...this.#by.entries()].filter(([, n]) => n > 0);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.entries());
  }

  /** "12 events lost: 10 kernel ring buffer full, 2 processes gone before they were read (raise --ring-buffer)". */
  describe(what = "events"): string | undefined {
    const e = this.entries();
    if (e.length === 0) return undefined;
    const parts = e.map(([r, n]) => `${n} ${PLAIN[r]}`);
    const flags = [...new Set(e.map(([r]) => MAP_REASONS[r]).filter((f): f is string => f !== undefined))];
    return `${this.total} ${what} lost: ${parts.join(", ")}${flags.length > 0 ? ` (raise ${flags.join(", ")})` : ""}`;
  }
}
