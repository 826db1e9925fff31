// The remote export: ships the local OTLP/JSON files to the backend. Spans and metrics are always written to
// the run's (or the agent's) files first; the shipper reads complete lines from where the backend's delivery
// stopped (export-state.json), turns each back into SDK objects and sends them with the upstream OTLP gRPC
// exporters. A backend that is down or does not answer loses nothing: the lines wait on disk and go as soon as
// it answers again (backing off up to 30 s between attempts), and whoever opens the folder next — the same
// process, `pipespan export`, the next run — carries on from the recorded offsets.
//
// Spans the process itself just wrote (the run's or the agent's own pipeline) are handed over as well, with where
// their line lies in the file (offer()): when the shipper reaches that line it sends the spans it holds instead of
// parsing the line back, and the cursor moves exactly as if it had read it. The file stays the record: what was
// never offered, or not taken (a full hand) or let go (a failing backend), is read from the file as before.
//
// Bounded: one request in flight, at most `maxItemsPerRequest` spans per request (fewer when the line is large:
// a request stays under MAX_REQUEST_JSON_BYTES of the line's JSON, which bounds its protobuf size below the
// receivers' usual 4 MiB message limit), one line in memory at a time
// (plus up to `maxHeldSpans` spans handed over and not yet sent).
// With `maxQueueBytes` (the host agent) the folder is an on-disk queue of that size: past it the oldest segment
// is deleted, and what of it the backend had not received is counted as dropped (export_queue_full).
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { ExportResult } from "@opentelemetry/core";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import {
  METRIC_FILES_PATTERN,
  PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS,
  PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES,
  TRACE_FILES_PATTERN,
} from "@pipespan/semconv";
import type { ExporterLike } from "./counting-exporter.js";
import { type ExportSignal, exportErrorCause } from "./export-failure.js";
import { ExportState, type FileCursor } from "./export-state.js";
import {
  countMetricPoints,
  decodeMetricsRequest,
  decodeTraceRequest,
  OtlpJsonDecodeError,
} from "./otlp-json-decode.js";
import type { WrittenLine } from "./otlp-json-file.js";

/** Local files of a signal: traces.jsonl, traces-<anything>.jsonl (segments, task spans, findings, ...). */
export function signalFiles(dir: string, signal: ExportSignal): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = signal === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES ? TRACE_FILES_PATTERN : METRIC_FILES_PATTERN;
  return names.filter((n) => re.test(n)).sort(fileOrder);
}
/** The main file first, then the others by name (segments are zero-padded, so by age). */
function fileOrder(a: string, b: string): number {
  const main = (n: string) => (/^(traces|metrics)\.jsonl$/.test(n) ? 0 : 1);
  return main(a) - main(b) || a.localeCompare(b);
}

/** gRPC codes after which sending the same data again cannot succeed. */
const PERMANENT_CODES = new Set([3 /* INVALID_ARGUMENT */, 11 /* OUT_OF_RANGE */]);
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const CHUNK = 1024 * 1024;
/**
 * The share of a line's OTLP/JSON that goes in one request. The protobuf encoding of the same spans is smaller
 * than their JSON (binary ids and numbers, field numbers for names), so the request stays under this too.
 */
const MAX_REQUEST_JSON_BYTES = 3 * 1024 * 1024;

export interface ShippedSignal<T> {
  /** host:port, as shown to the user. */
  readonly endpoint: string;
  /** Makes a fresh exporter (a new connection): after a failure the shipper starts over with a new one, so a
   * backend that comes back is reached at once rather than after gRPC's reconnect backoff. */
  readonly create: () => ExporterLike<T>;
}

export interface ShipperOptions {
  readonly dir: string;
  readonly traces?: ShippedSignal<ReadableSpan[]>;
  readonly metrics?: ShippedSignal<ResourceMetrics>;
  /** Spans per request at most (default 4096, the batch span processor's batch: one request per line). */
  readonly maxItemsPerRequest?: number;
  /**
   * Spans handed over by offer() held at most (default 16 384, about 20 MB of process spans; 0: never held, every
   * line is read back).
   */
  readonly maxHeldSpans?: number;
  /** How often new lines are looked for while running (ms, default 500). */
  readonly pollMs?: number;
  /** Longest pause between attempts while the backend fails (ms, default 30 000). */
  readonly maxBackoffMs?: number;
  /** Bound of the folder as an on-disk queue (bytes); unbounded when absent (a run's folder is its record). */
  readonly maxQueueBytes?: number;
  /** Only files whose name passes (default: all of the signal's files). */
  readonly include?: (name: string) => boolean;
  /** One-line messages: the first failure, the recovery, drops. */
  readonly onLine?: (line: string) => void;
  readonly onSent?: (signal: ExportSignal, items: number) => void;
  readonly onFailure?: (signal: ExportSignal) => void;
  readonly onDropped?: (
    signal: ExportSignal,
    reason: "export_queue_full" | "export_rejected" | "decode_error",
    items: number,
  ) => void;
}

export interface ShipperStats {
  sent: Record<ExportSignal, number>;
  /** Of the spans sent, those handed over by offer() (sent without reading their line back). */
  handedOver: number;
  failures: Record<ExportSignal, number>;
  dropped: Record<ExportSignal, number>;
  /** Bytes of the signal's files not delivered yet, as of the last pass. */
  pendingBytes: Record<ExportSignal, number>;
  /** The backend is failing right now (the last attempt failed). */
  failing: boolean;
  lastError?: string;
}

export interface DrainResult {
  /** Everything in the files was delivered. */
  readonly complete: boolean;
  /** The drain was cut short by the caller (a signal): nothing more was waited for. */
  readonly interrupted: boolean;
  readonly pendingBytes: number;
  /** Items of the files still to deliver (counted when the drain gave up). */
  readonly pendingItems: Record<ExportSignal, number>;
}

/** Spans handed over with their line's place in a file. */
interface HeldLine {
  readonly ino: number;
  readonly start: number;
  readonly end: number;
  readonly spans: ReadableSpan[];
}

type SendOutcome = { ok: true } | { ok: false; permanent: boolean; error: unknown };

class Channel<T> {
  #exporter: ExporterLike<T> | undefined;
  constructor(readonly s: ShippedSignal<T>) {}
  send(items: T): Promise<SendOutcome> {
    this.#exporter ??= this.s.create();
    const exporter = this.#exporter;
    return new Promise<SendOutcome>((resolve) => {
      let done = false;
      const finish = (r: SendOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(guard);
        resolve(r);
      };
      // The exporter has its own deadline; this only guards against a callback that never comes.
      const guard = setTimeout(() => finish({ ok: false, permanent: false, error: new Error("no answer") }), 120_000);
      guard.unref();
      try {
        exporter.export(items, (result: ExportResult) => {
          if (result.code === 0) finish({ ok: true });
          else {
            const code = (result.error as { code?: unknown } | undefined)?.code;
            finish({
              ok: false,
              permanent: typeof code === "number" && PERMANENT_CODES.has(code),
              error: result.error,
            });
          }
        });
      } catch (error) {
        finish({ ok: false, permanent: false, error });
      }
    });
  }
  /** Drops the connection (after a failure: the next attempt dials afresh). */
  reset(): void {
    const e = this.#exporter;
    this.#exporter = undefined;
    void e?.shutdown().catch(() => undefined);
  }
  async close(): Promise<void> {
    const e = this.#exporter;
    this.#exporter = undefined;
    const t = timer(2_000);
    await Promise.race([e?.shutdown().catch(() => undefined), t.done]);
    t.cancel();
  }
}

export class Shipper {
  readonly #o: ShipperOptions;
  readonly #state: ExportState;
  readonly #traces?: Channel<ReadableSpan[]>;
  readonly #metrics?: Channel<ResourceMetrics>;
  readonly #max: number;
  readonly stats: ShipperStats = {
    sent: { traces: 0, metrics: 0 },
    handedOver: 0,
    failures: { traces: 0, metrics: 0 },
    dropped: { traces: 0, metrics: 0 },
    pendingBytes: { traces: 0, metrics: 0 },
    failing: false,
  };
  #busy: Promise<boolean> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #backoffMs = 0;
  #retryAt = 0;
  #stopped = false;
  #outageSent = 0;
  #warnedDecode = false;
  #warnedState = false;
  #draining = false;
  /** Bytes after the last complete line of each file (a line being written, or half of one from a crash). */
  readonly #fragment = new Map<string, number>();
  /** Span lines handed over by offer(), per trace file, oldest first. */
  readonly #held = new Map<string, HeldLine[]>();
  #heldSpans = 0;
  readonly #maxHeld: number;
  #running = false;
  #kickPending = false;

  constructor(o: ShipperOptions) {
    this.#o = o;
    this.#state = new ExportState(o.dir);
    if (o.traces) this.#traces = new Channel(o.traces);
    if (o.metrics) this.#metrics = new Channel(o.metrics);
    this.#max = Math.max(1, o.maxItemsPerRequest ?? 4096);
    this.#maxHeld = Math.max(0, o.maxHeldSpans ?? 16_384);
  }

  /**
   * A line of spans this process has just appended to one of the folder's trace files (an OtlpJsonFileSpanExporter's
   * onWritten): the spans are kept so that the line need not be parsed back, and a pass is started soon. Nothing
   * is kept while the backend fails or beyond `maxHeldSpans` (those lines are read back from the file).
   */
  offer(line: WrittenLine<ReadableSpan[]>): void {
    if (!this.#traces || this.#maxHeld === 0 || this.#stopped || this.stats.failing) return;
    if (this.#o.include && !this.#o.include(line.name)) return;
    // A full hand takes no more: the held lines are the oldest unsent ones, next in line to go; this one will be
    // read back from the file when its turn comes.
    if (line.items.length === 0 || this.#heldSpans + line.items.length > this.#maxHeld) return;
    let list = this.#held.get(line.name);
    if (!list) {
      list = [];
      this.#held.set(line.name, list);
    }
    list.push({ ino: line.ino, start: line.start, end: line.end, spans: line.items });
    this.#heldSpans += line.items.length;
    this.#kick();
  }

  /** Spans held from offer() and not sent yet. */
  get heldSpans(): number {
    return this.#heldSpans;
  }

  /**
   * The held line of `name` that starts at `start` and is wholly in the file (`size` bytes), if that is what is
   * held; held lines before it are let go (their place has been passed).
   */
  #takeHeld(name: string, ino: number, start: number, size: number): HeldLine | undefined {
    const list = this.#held.get(name);
    if (!list) return undefined;
    while (list.length > 0) {
      const h = list[0] as HeldLine;
      if (h.ino === ino && h.start > start) return undefined;
      if (h.ino === ino && h.start === start && h.end > size) return undefined;
      list.shift();
      this.#heldSpans -= h.spans.length;
      if (h.ino === ino && h.start === start) {
        if (list.length === 0) this.#held.delete(name);
        return h;
      }
    }
    this.#held.delete(name);
    return undefined;
  }

  /** Whether the next held line of `name` starts at `start`. */
  #heldAt(name: string, ino: number, start: number): boolean {
    const h = this.#held.get(name)?.[0];
    return h !== undefined && h.ino === ino && h.start === start;
  }

  /** A file that is gone (deleted as the queue's oldest segment): what was held of it is let go. */
  #forgetHeld(name: string): void {
    for (const h of this.#held.get(name) ?? []) this.#heldSpans -= h.spans.length;
    this.#held.delete(name);
  }

  #dropHeld(): void {
    this.#held.clear();
    this.#heldSpans = 0;
  }

  /** A pass soon (after the one in flight, if any), for lines just handed over. */
  #kick(): void {
    if (!this.#running || this.#stopped || this.#kickPending || Date.now() < this.#retryAt) return;
    this.#kickPending = true;
    const go = () => {
      this.#kickPending = false;
      if (!this.#stopped) void this.pass();
    };
    if (this.#busy) void this.#busy.then(go, go);
    else setImmediate(go);
  }

  /** Where each signal goes (for messages). */
  get endpoints(): string[] {
    return [...new Set([this.#o.traces?.endpoint, this.#o.metrics?.endpoint].filter((e): e is string => !!e))];
  }

  /** Forget what was delivered: send everything again (`pipespan export --all`). */
  resendAll(): void {
    if (this.#o.traces) this.#state.reset(target(PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES, this.#o.traces.endpoint));
    if (this.#o.metrics) this.#state.reset(target(PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS, this.#o.metrics.endpoint));
  }

  /** Ships new lines every `pollMs` until stop(). */
  start(): void {
    this.#running = true;
    const tick = () => {
      if (this.#stopped) return;
      void this.pass().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.pollMs ?? 500);
      });
    };
    this.#timer = setTimeout(tick, this.#o.pollMs ?? 500);
  }

  /** Stops the periodic passes (an in-flight request finishes on its own). */
  stop(): void {
    this.#stopped = true;
    this.#dropHeld();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all([this.#traces?.close(), this.#metrics?.close()]);
  }

  /** One pass over the files (unless one runs, or the backoff says wait); true when nothing is left to send. */
  pass(force = false): Promise<boolean> {
    // A pass in flight may have listed the files before the newest lines (or files) were written: a forced pass
    // (a drain) runs afresh once it is done.
    if (this.#busy) return force ? this.#busy.then(() => this.pass(true)) : this.#busy;
    if (!force && Date.now() < this.#retryAt) return Promise.resolve(false);
    this.#busy = this.#pass().finally(() => {
      this.#busy = undefined;
    });
    return this.#busy;
  }

  /**
   * Ships everything now, retrying while the backend fails, until all is delivered, `interrupted` settles, or
   * nothing could be delivered for `stallMs` (default 10 s).
   */
  async drain(o: { interrupted?: Promise<unknown>; stallMs?: number } = {}): Promise<DrainResult> {
    let interrupted = false;
    void o.interrupted?.then(() => {
      interrupted = true;
    });
    const stallMs = o.stallMs ?? 5_000;
    this.#draining = true;
    try {
      return await this.#drainLoop(o.interrupted, () => interrupted, stallMs, Date.now(), this.#sentTotal());
    } finally {
      this.#draining = false;
    }
  }

  async #drainLoop(
    signal: Promise<unknown> | undefined,
    interrupted: () => boolean,
    stallMs: number,
    lastProgressAt: number,
    sentAtStart: number,
  ): Promise<DrainResult> {
    let lastProgress = lastProgressAt;
    let sentBefore = sentAtStart;
    const o = { interrupted: signal };
    for (;;) {
      // A request in flight when the stall time runs out is not waited for (it may hang until its deadline).
      const budget = Math.max(0, stallMs - (Date.now() - lastProgress));
      const outOfTime = timer(budget);
      const done = await race(
        Promise.race([this.pass(true), outOfTime.done.then(() => "stalled" as const)]),
        o.interrupted,
      );
      outOfTime.cancel();
      if (done === true) return this.#result(true, false);
      if (interrupted()) return this.#result(false, true);
      const sent = this.#sentTotal();
      const progressed = sent > sentBefore;
      if (progressed) {
        sentBefore = sent;
        lastProgress = Date.now();
      }
      const left = stallMs - (Date.now() - lastProgress);
      if (left <= 0) return this.#result(false, false);
      if (this.stats.failing) {
        const wait = timer(Math.min(left, Math.max(250, this.#retryAt - Date.now())));
        await race(wait.done, o.interrupted);
        wait.cancel();
        if (interrupted()) return this.#result(false, true);
      } else if (!progressed) {
        // Lines still being written: look again shortly rather than spin.
        const wait = timer(100);
        await race(wait.done, o.interrupted);
        wait.cancel();
        if (interrupted()) return this.#result(false, true);
      }
    }
  }

  #sentTotal(): number {
    return this.stats.sent.traces + this.stats.sent.metrics;
  }

  #result(complete: boolean, interrupted: boolean): DrainResult {
    const pendingItems = { traces: 0, metrics: 0 };
    if (!complete) {
      for (const sig of [PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES, PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS] as const) {
        const s = sig === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES ? this.#o.traces : this.#o.metrics;
        if (s) pendingItems[sig] = this.#countPending(sig, s.endpoint);
      }
    }
    return {
      complete,
      interrupted,
      pendingBytes: this.stats.pendingBytes.traces + this.stats.pendingBytes.metrics,
      pendingItems,
    };
  }

  async #pass(): Promise<boolean> {
    this.#retain();
    let clean = true;
    for (const [signal, ch] of [
      [PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES, this.#traces],
      [PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS, this.#metrics],
    ] as const) {
      if (!ch) continue;
      let pending = 0;
      let failed = false;
      for (const name of signalFiles(this.#o.dir, signal)) {
        if (this.#o.include && !this.#o.include(name)) continue;
        if (!failed) {
          const ok = await this.#shipFile(signal, ch as Channel<unknown>, name);
          if (!ok) failed = true;
        }
        pending += this.#pendingOf(signal, ch.s.endpoint, name);
      }
      this.stats.pendingBytes[signal] = pending;
      if (failed || pending > 0) clean = false;
    }
    const warn = this.#state.save();
    if (warn && !this.#warnedState) {
      this.#warnedState = true;
      this.#line(warn);
    }
    return clean;
  }

  #pendingOf(signal: ExportSignal, endpoint: string, name: string): number {
    try {
      const st = statSync(join(this.#o.dir, name));
      const c = this.#state.cursor(target(signal, endpoint), name);
      const fragment = this.#fragment.get(`${signal}:${name}`) ?? 0;
      if (!c || c.ino !== st.ino || c.offset > st.size) return Math.max(0, st.size - fragment);
      return Math.max(0, st.size - c.offset - fragment);
    } catch {
      return 0;
    }
  }

  /** Sends the complete lines of one file from its cursor on; false when the backend failed. */
  async #shipFile(signal: ExportSignal, ch: Channel<unknown>, name: string): Promise<boolean> {
    const path = join(this.#o.dir, name);
    const tgt = target(signal, ch.s.endpoint);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch {
      this.#state.forget(name);
      this.#forgetHeld(name);
      return true;
    }
    let cur: FileCursor = this.#state.cursor(tgt, name) ?? { ino: st.ino, offset: 0, partial: 0, items: 0 };
    if (cur.ino !== st.ino || cur.offset > st.size) cur = { ino: st.ino, offset: 0, partial: 0, items: 0 };
    this.#fragment.delete(`${signal}:${name}`);
    const traces = signal === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES;
    // Lines whose spans are held go without touching the file (no read, no parse: no wait on the event loop
    // either); the others are read from it, up to the next held line.
    let fh: Awaited<ReturnType<typeof open>> | undefined;
    try {
      while (cur.offset < st.size) {
        const held = traces ? this.#takeHeld(name, st.ino, cur.offset, st.size) : undefined;
        if (held) {
          const sent = await this.#sendLine(signal, ch, tgt, name, cur, held.spans, held.end - cur.offset, true);
          if (!sent) return false;
          cur = { ...sent, offset: held.end, partial: 0 };
          this.#state.set(tgt, name, cur);
          continue;
        }
        fh ??= await open(path, "r");
        let atHeld = false;
        for await (const line of linesFrom(fh, cur.offset, st.size)) {
          const text = line.text();
          if (text === undefined) {
            // Longer than any line pipespan writes: not ours to send.
            this.#dropped(signal, "decode_error", 0, `${name}: a line of ${line.bytes} bytes is too long to send`);
          } else {
            let items: unknown[] | undefined;
            try {
              items = this.#decode(signal, text);
            } catch (err) {
              const why = err instanceof OtlpJsonDecodeError || err instanceof SyntaxError ? err.message : String(err);
              this.#dropped(signal, "decode_error", 0, `${name}: a line that is not OTLP/JSON was skipped (${why})`);
            }
            if (items) {
              const sent = await this.#sendLine(signal, ch, tgt, name, cur, items, line.bytes, false);
              if (!sent) return false;
              cur = sent;
            }
          }
          cur = { ...cur, offset: line.end, partial: 0 };
          this.#state.set(tgt, name, cur);
          if (traces && this.#heldAt(name, st.ino, line.end)) {
            atHeld = true;
            break;
          }
        }
        if (!atHeld) {
          // What is left past the last complete line is part of one (being written, or half of one from a crash).
          if (cur.offset < st.size) this.#fragment.set(`${signal}:${name}`, st.size - cur.offset);
          break;
        }
      }
      return true;
    } finally {
      await fh?.close();
    }
  }

  /**
   * Sends the items of one line from `cur.partial` on: spans in requests of up to maxItemsPerRequest (fewer for a
   * large line), metrics one resourceMetrics per request. The cursor after them, or undefined when the backend
   * failed (the cursor then records how far it got).
   */
  async #sendLine(
    signal: ExportSignal,
    ch: Channel<unknown>,
    tgt: string,
    name: string,
    from: FileCursor,
    items: unknown[],
    lineBytes: number,
    held: boolean,
  ): Promise<FileCursor | undefined> {
    const traces = signal === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES;
    const step = traces
      ? Math.max(1, Math.min(this.#max, Math.floor((items.length * MAX_REQUEST_JSON_BYTES) / Math.max(1, lineBytes))))
      : 1;
    let cur = from;
    for (let i = cur.partial; i < items.length; ) {
      const chunk = items.slice(i, i + step);
      const n = traces ? chunk.length : countMetricPoints(chunk as ResourceMetrics[]);
      const r = await ch.send(traces ? chunk : (chunk[0] as never));
      if (!r.ok && !r.permanent) {
        this.#state.set(tgt, name, { ...cur, partial: i });
        this.#failed(signal, ch, r.error);
        return undefined;
      }
      if (r.ok) {
        this.#succeeded(signal, n);
        if (held) this.stats.handedOver += n;
      } else
        this.#dropped(
          signal,
          "export_rejected",
          n,
          `${ch.s.endpoint} refused ${n} item(s) as invalid (${exportErrorCause(r.error)})`,
        );
      i += chunk.length;
      cur = { ...cur, partial: i, items: cur.items + (r.ok ? n : 0) };
      this.#state.set(tgt, name, cur);
    }
    return cur;
  }

  /** Spans of a trace line; for metrics, one entry per resourceMetrics (each is one request). */
  #decode(signal: ExportSignal, text: string): unknown[] {
    const json: unknown = JSON.parse(text);
    if (signal === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES) return decodeTraceRequest(json);
    return decodeMetricsRequest(json);
  }

  #succeeded(signal: ExportSignal, n: number): void {
    this.stats.sent[signal] += n;
    this.#o.onSent?.(signal, n);
    if (this.stats.failing) {
      this.stats.failing = false;
      this.#outageSent = 0;
      this.#line(`exporting to ${this.endpoints.join(", ")} again; what waited on disk is being sent`);
    }
    this.#outageSent += n;
    this.#backoffMs = 0;
    this.#retryAt = 0;
  }

  #failed(signal: ExportSignal, ch: Channel<unknown>, error: unknown): void {
    this.stats.failures[signal] += 1;
    // While it fails, what waits is read back from the files when it answers again: nothing is held meanwhile.
    this.#dropHeld();
    this.#o.onFailure?.(signal);
    ch.reset();
    this.#backoffMs = Math.min(this.#o.maxBackoffMs ?? 30_000, this.#backoffMs === 0 ? 1_000 : this.#backoffMs * 2);
    this.#retryAt = Date.now() + this.#backoffMs;
    const cause = exportErrorCause(error);
    this.stats.lastError = cause;
    if (!this.stats.failing) {
      this.stats.failing = true;
      // While draining at the end, the caller says what was not sent (this line would promise a later send).
      if (!this.#draining)
        this.#line(
          `could not export ${signal} to ${ch.s.endpoint} (${cause}); they stay in ${this.#o.dir} and are sent when it answers`,
        );
    }
  }

  #dropped(
    signal: ExportSignal,
    reason: "export_queue_full" | "export_rejected" | "decode_error",
    n: number,
    line: string,
  ): void {
    this.stats.dropped[signal] += n;
    this.#o.onDropped?.(signal, reason, n);
    if (reason === "decode_error") {
      if (this.#warnedDecode) return;
      this.#warnedDecode = true;
    }
    this.#line(line);
  }

  #line(text: string): void {
    // Once stopped, a request that fails late has nothing more to say: the caller has said what was not sent.
    if (this.#stopped && !this.#draining) return;
    try {
      this.#o.onLine?.(`pipespan: ${text}`);
    } catch {
      /* reporting must not stop the export */
    }
  }

  /** Items not yet delivered, counted by reading the lines past the cursors (only when a drain gives up). */
  #countPending(signal: ExportSignal, endpoint: string): number {
    let n = 0;
    for (const name of signalFiles(this.#o.dir, signal)) {
      if (this.#o.include && !this.#o.include(name)) continue;
      n += countItemsSync(join(this.#o.dir, name), signal, this.#state.cursor(target(signal, endpoint), name));
    }
    return n;
  }

  /** The on-disk queue bound: deletes the oldest segments beyond it, counting what they held undelivered. */
  #retain(): void {
    const bound = this.#o.maxQueueBytes;
    if (bound === undefined) return;
    const all: { name: string; signal: ExportSignal; size: number }[] = [];
    for (const signal of [PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES, PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS] as const) {
      const names = signalFiles(this.#o.dir, signal);
      // The newest file of a signal is being written: never deleted.
      for (const name of names.slice(0, -1)) {
        try {
          all.push({ name, signal, size: statSync(join(this.#o.dir, name)).size });
        } catch {
          /* gone */
        }
      }
    }
    let total = 0;
    for (const signal of [PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES, PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS] as const) {
      for (const name of signalFiles(this.#o.dir, signal)) {
        try {
          total += statSync(join(this.#o.dir, name)).size;
        } catch {
          /* gone */
        }
      }
    }
    all.sort((a, b) => segmentSeq(a.name) - segmentSeq(b.name) || a.name.localeCompare(b.name));
    for (const f of all) {
      if (total <= bound) break;
      const sig = f.signal === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES ? this.#o.traces : this.#o.metrics;
      const path = join(this.#o.dir, f.name);
      const undelivered = sig
        ? countItemsSync(path, f.signal, this.#state.cursor(target(f.signal, sig.endpoint), f.name))
        : 0;
      rmSync(path, { force: true });
      this.#state.forget(f.name);
      this.#forgetHeld(f.name);
      total -= f.size;
      if (undelivered > 0) {
        this.#dropped(
          f.signal,
          "export_queue_full",
          undelivered,
          `the export queue in ${this.#o.dir} is over its bound (${mib(bound)}): deleted ${f.name} with ${undelivered} ${f.signal === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES ? "span(s)" : "data point(s)"} the backend never received`,
        );
      }
    }
  }
}

function target(signal: ExportSignal, endpoint: string): string {
  return `${signal}@${endpoint}`;
}

function segmentSeq(name: string): number {
  const m = /-(\d+)\.jsonl$/.exec(name);
  return m ? Number(m[1]) : 0;
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

/** A sleep that can be cancelled (so that a finished wait leaves no timer holding the process). */
function timer(ms: number): { done: Promise<void>; cancel: () => void } {
  let t: NodeJS.Timeout | undefined;
  const done = new Promise<void>((r) => {
    t = setTimeout(r, ms);
  });
  return { done, cancel: () => clearTimeout(t) };
}

/** Resolves with p's value, or undefined as soon as `other` settles. */
function race<T>(p: Promise<T>, other: Promise<unknown> | undefined): Promise<T | undefined> {
  if (!other) return p;
  return Promise.race([p, other.then(() => undefined)]);
}

interface Line {
  /** The line without its newline, decoded; undefined when it was longer than MAX_LINE_BYTES. */
  text(): string | undefined;
  bytes: number;
  /** Offset just past the line's newline. */
  end: number;
}

/** Complete lines (ending in a newline) between `from` and `to`; a last line without one is not yet complete. */
async function* linesFrom(fh: Awaited<ReturnType<typeof open>>, from: number, to: number): AsyncGenerator<Line> {
  let pos = from;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  while (pos < to) {
    // A fresh buffer per read: the lines keep views of it (no copy), and a line nobody decodes costs nothing more.
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, to - pos));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl === -1 || nl >= bytesRead) {
        if (!tooLong) {
          if (partBytes + (bytesRead - start) > MAX_LINE_BYTES) {
            tooLong = true;
            parts = [];
          } else parts.push(buf.subarray(start, bytesRead));
        }
        partBytes += bytesRead - start;
        break;
      }
      if (!tooLong) parts.push(buf.subarray(start, nl));
      partBytes += nl - start;
      const end = pos + nl + 1;
      const lineParts = tooLong || partBytes > MAX_LINE_BYTES ? undefined : parts;
      yield {
        text: () =>
          lineParts === undefined
            ? undefined
            : lineParts.length === 1
              ? (lineParts[0] as Buffer).toString("utf8")
              : Buffer.concat(lineParts).toString("utf8"),
        bytes: partBytes,
        end,
      };
      parts = [];
      partBytes = 0;
      tooLong = false;
      start = nl + 1;
    }
    pos += bytesRead;
  }
}

/** Spans or data points in the lines of a file past a cursor (a bounded, synchronous count for reports). */
function countItemsSync(path: string, signal: ExportSignal, cursor: FileCursor | undefined): number {
  let text: string;
  let ino: number;
  try {
    const st = statSync(path);
    if (st.size > 512 * 1024 * 1024) return 0;
    ino = st.ino;
    text = readFileSync(path, "utf8");
  } catch {
    return 0;
  }
  const from = cursor && cursor.ino === ino ? cursor.offset : 0;
  const skip = cursor && cursor.ino === ino ? cursor.partial : 0;
  let n = 0;
  let first = true;
  for (const line of Buffer.from(text, "utf8").subarray(from).toString("utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const json = JSON.parse(line) as unknown;
      const count =
        signal === PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES
          ? decodeTraceRequest(json).length
          : countMetricPoints(decodeMetricsRequest(json));
      n += first ? Math.max(0, count - skip) : count;
    } catch {
      /* not countable */
    }
    first = false;
  }
  return n;
}
