// journal.jsonl: the identity of spans that are open, so that they can be rebuilt if the writer is killed before
// they end. Task spans are journaled as they start (their attributes are set then), at the end of the tick they
// started in; any other span that is still open once the current tick is over (a process span started early
// because a child ended first; the run span, whose identity run.json holds too). Process spans that start and end
// at once (most of them) are never journaled. What a tick journals is one append (an exec storm starts a task per
// process: one write per task would cost more than the task). A span that ends is in traces.jsonl: the journal is
// only read when run.json says the run never finished (see recover.ts).
import { join } from "node:path";
import type { Attributes, Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { ATTR_CICD_PIPELINE_TASK_RUN_ID, ATTR_PROCESS_PID, JOURNAL_FILE, nsFromHrTime } from "@pipespan/semconv";
import { JsonlAppender } from "../export/jsonl-appender.js";

/** One line of journal.jsonl. */
export interface JournalEntry {
  readonly kind: "task" | "open";
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** Span kind as the API numbers it (0 INTERNAL .. 4 CONSUMER). */
  readonly spanKind: number;
  readonly startTimeUnixNano: string;
  readonly attributes: Record<string, string | number | boolean>;
}

/** At most this many open spans are remembered between heartbeats (a bound, not a limit in practice). */
const MAX_OPEN = 65_536;

export class SpanJournal implements SpanProcessor {
  readonly path: string;
  readonly #appender: JsonlAppender;
  readonly #open = new Map<string, { span: Span; since: number }>();
  readonly #journaled = new Set<string>();
  /** Task spans started in this tick, journaled at its end. */
  #tasks: Span[] = [];
  /** Lines waiting for the end of the tick (one append). */
  #lines: string[] = [];
  #tick: NodeJS.Immediate | undefined;
  #failure: string | undefined;
  #failedOnce = false;

  constructor(dir: string) {
    this.path = join(dir, JOURNAL_FILE);
    this.#appender = new JsonlAppender(this.path);
  }

  /** The first write failure, once (then undefined). */
  takeFailure(): string | undefined {
    const f = this.#failure;
    this.#failure = undefined;
    return f;
  }

  onStart(span: Span, _ctx: Context): void {
    const a = span.attributes;
    if (a[ATTR_CICD_PIPELINE_TASK_RUN_ID] !== undefined && a[ATTR_PROCESS_PID] === undefined) this.#tasks.push(span);
    else if (this.#open.size < MAX_OPEN) this.#open.set(span.spanContext().spanId, { span, since: Date.now() });
    // Whatever is still open when this tick is over stays open a while: journal it then, with the tick's tasks.
    this.#tick ??= setImmediate(() => {
      this.#tick = undefined;
      this.#journalTasks();
      this.journalOpen(0);
    });
  }

  #journalTasks(): void {
    const tasks = this.#tasks;
    this.#tasks = [];
    for (const span of tasks) this.#add("task", span);
  }

  onEnd(span: ReadableSpan): void {
    const id = span.spanContext().spanId;
    this.#open.delete(id);
    this.#journaled.delete(id);
  }

  /** Journals the spans open for at least `minAgeMs` and not journaled yet (called at each heartbeat). */
  journalOpen(minAgeMs: number): void {
    this.#journalTasks();
    const now = Date.now();
    for (const [id, o] of this.#open) {
      if (now - o.since < minAgeMs || this.#journaled.has(id)) continue;
      this.#journaled.add(id);
      this.#add("open", o.span);
    }
    this.#flush();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    if (this.#tick) clearImmediate(this.#tick);
    this.#tick = undefined;
    this.#tasks = [];
    this.#lines = [];
    this.#open.clear();
    this.#journaled.clear();
    return Promise.resolve();
  }

  #add(kind: JournalEntry["kind"], span: Span): void {
    const sc = span.spanContext();
    const parent = span.parentSpanContext?.spanId;
    const entry: JournalEntry = {
      kind,
      traceId: sc.traceId,
      spanId: sc.spanId,
      ...(parent ? { parentSpanId: parent } : {}),
      name: span.name,
      spanKind: span.kind,
      startTimeUnixNano: nsFromHrTime(span.startTime).toString(),
      attributes: primitives(span.attributes),
    };
    this.#lines.push(JSON.stringify(entry));
  }

  /** Appends the lines gathered (whole lines: the appender writes them in one write). */
  #flush(): void {
    if (this.#lines.length === 0) return;
    const text = this.#lines.join("\n");
    this.#lines = [];
    try {
      this.#appender.append(Buffer.from(text));
    } catch (err) {
      if (!this.#failedOnce) {
        this.#failedOnce = true;
        this.#failure = `could not write ${this.path}: ${(err as Error).message}`;
      }
    }
  }
}

function primitives(a: Attributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(a)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
}
