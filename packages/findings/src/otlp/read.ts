// Reading OTLP/JSON files: a .jsonl with one Export*ServiceRequest per line (what pipespan and the OTel Collector's
// file exporter write), a run folder containing one, or a single (possibly pretty-printed) OTLP/JSON document.
// Inputs are untrusted: lines are bounded in size, every line is validated, and a problem is one clear error that
// names file:line and says what is wrong (malformed JSON, a truncated last line, a non-OTLP shape, ...).

import { open, readdir, readFile, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { FINDINGS_TRACES_FILE, METRICS_FILE, TRACES_FILE } from "@pipespan/semconv";
import type { z } from "zod";
import type { ProcessColumns } from "../model/process-columns.js";
import { OtlpJsonError } from "./errors.js";
import { isValidTraceRequest } from "./fast-check.js";
import { LeanTraceReader } from "./lean.js";
import type { Attributes, NormalizedMetrics, NormalizedSpan, NormalizedTraces, SourceLocation } from "./model.js";
import { normalizeMetricsRequest, normalizeTraceRequest, ResourceRegistry } from "./normalize.js";
import { readRanges } from "./parallel.js";
import {
  describeZodError,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  type ExportTraceServiceRequestJson,
} from "./schema.js";

/** Default bound on one line (and on a whole single-document file). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Bytes read at a time (a line may span several reads). */
const CHUNK = 4 * 1024 * 1024;
/** Files at least this large are read by reader threads (when the consumer is a SpanSink). */
const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

export interface ReadOtlpJsonOptions {
  /** "throw" (default): the first problem throws an OtlpJsonError. "collect": skip bad lines, list them in `problems`. */
  onProblem?: "throw" | "collect";
  /** Bound on one line or one whole-document file, in bytes (default 64 MiB). */
  maxLineBytes?: number;
  /** Companion files of a run folder to leave out, by file name (e.g. earlier finding spans). */
  skipFiles?: readonly string[];
  /**
   * Traces only: read every line the exact way (JSON.parse, then the fast check or zod) instead of the lean
   * reader. Both give the same spans and the same errors; the lean reader is several times faster.
   */
  exact?: boolean;
}

export interface ReadOtlpJsonTracesOptions extends ReadOtlpJsonOptions {
  /**
   * Streaming: each request's spans are handed here as they are read and NOT kept (the result's `spans` is then
   * empty), so a large file costs memory for what the consumer keeps only.
   */
  onSpans?: (spans: NormalizedSpan[]) => void;
  /**
   * Streaming into a model builder (instead of onSpans): spans go to `sink.add`, and a large file is read by
   * reader threads that hand process spans over as columns (`sink.addRow`), without a span object per process.
   */
  sink?: SpanSink;
  /**
   * Reader threads for a large file read into a sink (default: one per core, at most 4; 0 reads in this thread
   * only). Files under 32 MiB are always read in this thread.
   */
  threads?: number;
  /** Files from this size on are read by the reader threads (default 32 MiB; for tests). */
  parallelMinBytes?: number;
  /** Bytes per range a reader thread reads at a time (default: 1–16 MiB by the file's size; for tests). */
  parallelRangeBytes?: number;
}

/** Where streamed spans go: whole spans, or rows of process-span columns (with the batch's resources). */
export interface SpanSink {
  add(span: NormalizedSpan): void;
  addRow(columns: ProcessColumns, row: number, resources: readonly Attributes[]): void;
}

/** An entry of a file's lines: a line to read, or lines a reader thread already read (apply hands them on). */
type LineEntry = LineItem | { lean: true; lines: number; apply: () => void };

type Signal = "traces" | "metrics";
const SIGNAL_INFO = {
  traces: { key: "resourceSpans", request: "ExportTraceServiceRequest", file: TRACES_FILE },
  metrics: { key: "resourceMetrics", request: "ExportMetricsServiceRequest", file: METRICS_FILE },
} as const;
const OTHER_KEYS: Record<string, string> = {
  resourceSpans: "traces",
  resourceMetrics: "metrics",
  resourceLogs: "logs",
  resource_spans: "traces (with proto field names instead of OTLP/JSON's lowerCamelCase)",
};

/** Reads spans from a traces.jsonl, a folder containing one, or a single OTLP/JSON document. */
export async function readOtlpJsonTraces(
  pathOrDir: string,
  options: ReadOtlpJsonTracesOptions = {},
): Promise<NormalizedTraces> {
  const registry = new ResourceRegistry();
  const spans: NormalizedSpan[] = [];
  const sink = options.onSpans;
  const spanSink = options.sink;
  const take = (batch: NormalizedSpan[]) => {
    if (spanSink) for (const s of batch) spanSink.add(s);
    else if (sink) sink(batch);
    else for (const s of batch) spans.push(s);
  };
  const onRequest = (json: unknown, where: SourceLocation) => {
    // The fast check accepts only what the schema accepts; anything else goes through zod (rarer forms, errors).
    const parsed = isValidTraceRequest(json)
      ? (json as ExportTraceServiceRequestJson)
      : validate(ExportTraceServiceRequest, json, "traces", where);
    take(normalizeTraceRequest(parsed, registry, where));
  };
  // The lean reader takes the lines it is sure of straight from the bytes; it leaves the others to onRequest.
  const lean = options.exact ? undefined : new LeanTraceReader();
  const onBytes = lean
    ? (buf: Buffer, start: number, end: number, where: SourceLocation) => {
        const batch = lean.read(buf, start, end, registry, where);
        if (batch === undefined) return false;
        take(batch);
        return true;
      }
    : undefined;
  const threads = options.threads ?? Math.min(4, availableParallelism());
  const minBytes = options.parallelMinBytes ?? PARALLEL_MIN_BYTES;
  const parallel =
    spanSink && lean && threads > 0
      ? async (file: string): Promise<AsyncIterable<LineEntry> | undefined> => {
          const size = (await stat(file)).size;
          return size >= minBytes ? threadEntries(file, size, threads, options, registry, spanSink) : undefined;
        }
      : undefined;
  const { file, problems } = await readRequests(pathOrDir, "traces", options, onRequest, onBytes, parallel);
  const files = [file];
  // A run folder may also hold spans written by helpers of the run (`pipespan task`): traces-<name>.jsonl.
  const skip = new Set(options.skipFiles ?? []);
  for (const extra of await companionFiles(pathOrDir, file)) {
    if (skip.has(basename(extra))) continue;
    const more = await readRequests(extra, "traces", options, onRequest, onBytes, parallel);
    files.push(more.file);
    problems.push(...more.problems);
  }
  return { spans, resources: registry.resources, files, problems };
}

/** Reads metric data points from a metrics.jsonl, a folder containing one, or a single OTLP/JSON document. */
export async function readOtlpJsonMetrics(
  pathOrDir: string,
  options: ReadOtlpJsonOptions = {},
): Promise<NormalizedMetrics> {
  const registry = new ResourceRegistry();
  const points: NormalizedMetrics["points"] = [];
  const { file, problems } = await readRequests(pathOrDir, "metrics", options, (json, where) => {
    const parsed = validate(ExportMetricsServiceRequest, json, "metrics", where);
    for (const p of normalizeMetricsRequest(parsed, registry, where)) points.push(p);
  });
  return { points, resources: registry.resources, files: [file], problems };
}

/**
 * Normalizes one already-parsed OTLP/JSON ExportTraceServiceRequest (e.g. from a backend's API). Throws an
 * OtlpJsonError (file "<input>" unless `where` says otherwise) when it is not one.
 */
export function parseOtlpJsonTraces(
  json: unknown,
  where: SourceLocation = { file: "<input>", line: 1 },
): NormalizedSpan[] {
  return normalizeTraceRequest(
    isValidTraceRequest(json)
      ? (json as ExportTraceServiceRequestJson)
      : validate(ExportTraceServiceRequest, json, "traces", where),
    new ResourceRegistry(),
    where,
  );
}

function validate<S extends z.ZodType>(schema: S, json: unknown, signal: Signal, where: SourceLocation): z.infer<S> {
  const info = SIGNAL_INFO[signal];
  const what = `not an OTLP/JSON ${info.request}`;
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new OtlpJsonError(
      "not-otlp",
      where.file,
      where.line,
      `${what}: expected a JSON object, got ${typeName(json)}`,
    );
  }
  if (!(info.key in json)) {
    const found = Object.keys(json).find((k) => k in OTHER_KEYS);
    const reason = found
      ? `${what}: this is OTLP ${OTHER_KEYS[found]} (${found}), expected ${info.key}`
      : `${what}: no ${info.key} (keys: ${Object.keys(json).slice(0, 5).join(", ") || "none"})`;
    throw new OtlpJsonError("not-otlp", where.file, where.line, reason);
  }
  let result: ReturnType<S["safeParse"]>;
  try {
    result = schema.safeParse(json) as ReturnType<S["safeParse"]>;
  } catch (err) {
    // e.g. a stack overflow on absurdly deep kvlist nesting
    throw new OtlpJsonError("not-otlp", where.file, where.line, `${what}: ${(err as Error).message}`);
  }
  if (!result.success) {
    throw new OtlpJsonError("not-otlp", where.file, where.line, `${what}: ${describeZodError(result.error)}`);
  }
  return result.data as z.infer<S>;
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

async function resolveFile(pathOrDir: string, signal: Signal): Promise<string> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(pathOrDir);
  } catch (err) {
    throw new OtlpJsonError("io", pathOrDir, undefined, ioReason(err));
  }
  if (!st.isDirectory()) return pathOrDir;
  const file = join(pathOrDir, SIGNAL_INFO[signal].file);
  try {
    await stat(file);
  } catch {
    // A run cut short before its first span was written may hold only rebuilt spans (traces-recovered.jsonl).
    const companion =
      signal === "traces"
        ? (await companionFiles(pathOrDir, "")).find((f) => basename(f) !== FINDINGS_TRACES_FILE)
        : undefined;
    if (companion !== undefined) return companion;
    throw new OtlpJsonError("io", pathOrDir, undefined, `no ${SIGNAL_INFO[signal].file} in this directory`);
  }
  return file;
}

function ioReason(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  return (err as Error).message ?? String(err);
}

/** traces-*.jsonl beside the main file, when a run folder (not a single file) was given. */
async function companionFiles(pathOrDir: string, mainFile: string): Promise<string[]> {
  if (mainFile === pathOrDir) return [];
  let names: string[];
  try {
    names = await readdir(pathOrDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^traces-[A-Za-z0-9._-]+\.jsonl$/.test(n))
    .sort()
    .map((n) => join(pathOrDir, n))
    .filter((p) => p !== mainFile);
}

async function readRequests(
  pathOrDir: string,
  signal: Signal,
  options: ReadOtlpJsonOptions,
  onRequest: (json: unknown, where: SourceLocation) => void,
  /** Tried first on a line's bytes: true when it took the line (which is then valid, as onRequest would say). */
  onBytes?: (buf: Buffer, start: number, end: number, where: SourceLocation) => boolean,
  /** The file's lines from reader threads, when it is read that way. */
  parallel?: (file: string) => Promise<AsyncIterable<LineEntry> | undefined>,
): Promise<{ file: string; problems: OtlpJsonError[] }> {
  const collect = options.onProblem === "collect";
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const file = await resolveFile(pathOrDir, signal);
  const problems: OtlpJsonError[] = [];
  const report = (problem: OtlpJsonError) => {
    if (!collect) throw problem;
    problems.push(problem);
  };
  const process = (json: unknown, where: SourceLocation) => {
    try {
      onRequest(json, where);
    } catch (err) {
      if (err instanceof OtlpJsonError) report(err);
      else throw err;
    }
  };

  let seenContent = false;
  let goodLines = 0;
  const entries: AsyncIterable<LineEntry> = (await parallel?.(file)) ?? readLines(file, maxLineBytes);
  for await (const entry of entries) {
    if ("lean" in entry) {
      entry.apply();
      seenContent = true;
      goodLines += entry.lines;
      continue;
    }
    const item = entry;
    if (item.tooLong) {
      report(new OtlpJsonError("too-long", file, item.line, `line longer than ${maxLineBytes} bytes; skipped`));
      seenContent = true;
      continue;
    }
    if (!item.leanTried && onBytes?.(item.buf, item.start, item.end, { file, line: item.line })) {
      seenContent = true;
      goodLines += 1;
      continue;
    }
    const text = item.buf.toString("utf8", item.start, item.end);
    if (text.trim() === "") continue;
    const first = !seenContent;
    seenContent = true;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      const detail = (err as Error).message;
      if (!item.terminated) {
        // A writer killed mid-line: every complete line before it counts; this one is said, never fatal.
        problems.push(
          new OtlpJsonError(
            "truncated",
            file,
            item.line,
            `truncated last line (${item.end - item.start} bytes, no newline at end of file; ${detail}) — ` +
              `the writer was probably interrupted (${goodLines} complete line(s) before it)`,
          ),
        );
        continue;
      }
      if (first) {
        // Perhaps not JSON Lines but one document spread over many lines (pretty-printed).
        const doc = await readWholeDocument(file, maxLineBytes);
        if (doc.ok) {
          process(doc.json, { file, line: item.line });
          return { file, problems };
        }
        if (/^\s*[{[]\s*$/.test(text)) {
          // A lone "{" opens a multi-line document: its own parse error (with line and column) is the useful one.
          report(new OtlpJsonError("malformed-json", file, undefined, `malformed JSON document: ${doc.error}`));
          return { file, problems };
        }
      }
      report(new OtlpJsonError("malformed-json", file, item.line, `malformed JSON: ${detail}`));
      continue;
    }
    const before = problems.length;
    process(json, { file, line: item.line });
    if (problems.length === before) goodLines += 1;
  }
  if (!seenContent) report(new OtlpJsonError("empty", file, undefined, `empty file: no OTLP/JSON ${signal} in it`));
  return { file, problems };
}

async function readWholeDocument(
  file: string,
  maxBytes: number,
): Promise<{ ok: true; json: unknown } | { ok: false; error: string }> {
  const st = await stat(file);
  if (st.size > maxBytes) return { ok: false, error: `document larger than ${maxBytes} bytes` };
  try {
    return { ok: true, json: JSON.parse(await readFile(file, "utf8")) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

interface LineItem {
  /** 1-based line number. */
  line: number;
  /** The line is buf[start, end) (without its newline); buf is reused once the next line is asked for. */
  buf: Buffer;
  start: number;
  end: number;
  /** False for a last line without a trailing newline. */
  terminated: boolean;
  /** The line exceeded the bound; it is empty here. */
  tooLong?: boolean;
  /** The lean reader already left this line to the exact path. */
  leanTried?: boolean;
}

/**
 * A file's lines from reader threads: the lines they read become entries that hand their spans to the sink (in
 * read order, resources interned here as the single-thread reader would); the lines they left come as lines.
 */
async function* threadEntries(
  file: string,
  size: number,
  threads: number,
  options: ReadOtlpJsonTracesOptions,
  registry: ResourceRegistry,
  sink: SpanSink,
): AsyncGenerator<LineEntry> {
  let rangeBase = 0; // lines of the ranges before this one
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  for await (const range of readRanges(file, size, threads, maxLineBytes, options.parallelRangeBytes)) {
    for (const item of range.items) {
      if (item.kind === "line") {
        yield {
          line: rangeBase + item.index + 1,
          buf: Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength),
          start: 0,
          end: item.bytes.byteLength,
          terminated: item.terminated,
          ...(item.tooLong ? { tooLong: true } : {}),
          leanTried: true,
        };
        continue;
      }
      const base = rangeBase;
      yield {
        lean: true,
        lines: item.lines,
        apply: () => {
          const resources = item.resources.map((r) => registry.intern(r.attributes, r.schemaUrl).attributes);
          const { rows, spans, spanResource, order } = item;
          let row = 0;
          let k = 0;
          for (let i = 0; i < order.length; i++) {
            if (order[i] === 0) sink.addRow(rows, row++, resources);
            else {
              const s = spans[k] as NormalizedSpan;
              s.resource = resources[spanResource[k] as number] as Attributes;
              s.source = { file, line: base + (s.source as SourceLocation).line + 1 };
              k++;
              sink.add(s);
            }
          }
        },
      };
    }
    rangeBase += range.lines;
  }
}

/**
 * Lines of a file as byte ranges of one reused buffer, read CHUNK bytes at a time: no copy per line, and a
 * line longer than maxLineBytes is reported, not buffered.
 */
async function* readLines(file: string, maxLineBytes: number): AsyncGenerator<LineItem> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (err) {
    throw new OtlpJsonError("io", file, undefined, ioReason(err));
  }
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    let filled = 0; // bytes of buf holding data
    let pos = 0; // start of the current line
    let scan = 0; // where to look for the next newline
    let overflow = false; // the current line is too long: its bytes are being dropped
    let line = 1;
    let eof = false;
    const empty = Buffer.alloc(0);
    for (;;) {
      const nl = scan < filled ? buf.indexOf(0x0a, scan) : -1;
      if (nl !== -1 && nl < filled) {
        if (overflow || nl - pos > maxLineBytes) {
          yield { line, buf: empty, start: 0, end: 0, terminated: true, tooLong: true };
        } else yield { line, buf, start: pos, end: nl, terminated: true };
        line += 1;
        overflow = false;
        pos = nl + 1;
        scan = pos;
        continue;
      }
      if (eof) break;
      scan = filled;
      if (!overflow && filled - pos > maxLineBytes) overflow = true;
      if (overflow) {
        filled = 0;
        pos = 0;
        scan = 0;
      } else if (pos > 0) {
        // Keep the start of the current line at the front of the buffer.
        buf.copyWithin(0, pos, filled);
        filled -= pos;
        scan -= pos;
        pos = 0;
      }
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(filled + CHUNK, Math.min(buf.length * 2, maxLineBytes + CHUNK)));
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, null);
      if (bytesRead === 0) eof = true;
      filled += bytesRead;
    }
    if (overflow || filled - pos > maxLineBytes) {
      yield { line, buf: empty, start: 0, end: 0, terminated: false, tooLong: true };
    } else if (filled > pos) yield { line, buf, start: pos, end: filled, terminated: false };
  } finally {
    await handle.close();
  }
}
