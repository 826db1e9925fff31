// Reading one large traces file with reader threads: the file is cut into ranges (each owns the lines that start in
// it), reader threads (read-worker.ts) run the lean reader over their ranges, and this thread gets each range's
// result back in file order: process spans as columns (model/process-columns.ts), other spans whole, and every
// line the lean reader left alone as its raw bytes, which read.ts then handles exactly as it handles any line
// (JSON.parse, validation, the one-line error naming file:line). A line's number is the lines of the ranges before
// it plus its index in its own range, so errors name the same line as the single-thread reader does.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ProcessColumns } from "../model/process-columns.js";
import { OtlpJsonError } from "./errors.js";
import type { NormalizedResource, NormalizedSpan } from "./model.js";

/** What a reader thread is asked to read. */
export interface RangeRequest {
  range: number;
  from: number;
  to: number;
}

/** Consecutive lines the lean reader took. */
export interface LeanLines {
  kind: "lean";
  /** Index (in the range) of the first line, and how many lines. */
  first: number;
  lines: number;
  /** Resources in the order the lines introduced them; spans and rows point at them by index. */
  resources: NormalizedResource[];
  rows: ProcessColumns;
  /** The other spans (their `resource` is set from spanResource on arrival; source.line is the range's index). */
  spans: NormalizedSpan[];
  spanResource: number[];
  /** 0: the next row, 1: the next span, in the order the spans were read. */
  order: Uint8Array;
}

/** A line the lean reader left to the exact path (or one too long to read). */
export interface RawLine {
  kind: "line";
  index: number;
  bytes: Uint8Array;
  terminated: boolean;
  tooLong?: boolean;
}

export type RangeItem = LeanLines | RawLine;

export type RangeResult = { range: number; lines: number; items: RangeItem[] } | { range: number; error: string };

/** The reader thread's script (from the build: under test, the sources import the built one). */
function workerUrl(): URL {
  const here = import.meta.url;
  const url = here.endsWith(".ts")
    ? new URL("../../dist/otlp/read-worker.js", here)
    : new URL("./read-worker.js", import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`the reader thread's script ${fileURLToPath(url)} is missing (run npm run build)`);
  }
  return url;
}

/** Bytes per range: enough ranges to keep every thread busy, small enough to keep little in flight. */
function rangeBytes(size: number, threads: number): number {
  return Math.max(1 << 20, Math.min(16 << 20, Math.ceil(size / (threads * 8))));
}

/**
 * The results of the file's ranges, in file order. At most 2 ranges per thread are read ahead of the consumer, so
 * memory holds a few ranges' columns, not the file. Reader threads end when the consumer stops (or fails).
 */
export async function* readRanges(
  file: string,
  size: number,
  threads: number,
  maxLineBytes: number,
  step = rangeBytes(size, threads),
): AsyncGenerator<{ lines: number; items: RangeItem[] }> {
  const count = Math.max(1, Math.ceil(size / step));
  const url = workerUrl();
  // A young generation that holds a line's spans until they are columns (measured on 1M spans: 8 MB cost the
  // reader threads ~15% more CPU than 48 MB, for the same peak RSS).
  const workers = Array.from(
    { length: Math.min(threads, count) },
    () => new Worker(url, { workerData: { file, maxLineBytes }, resourceLimits: { maxYoungGenerationSizeMb: 48 } }),
  );
  const done = new Map<number, RangeResult>();
  const idle: Worker[] = [...workers];
  let next = 0; // next range to hand out
  let want = 0; // next range to yield
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const assign = () => {
    while (idle.length > 0 && next < count && next < want + 2 * workers.length) {
      const w = idle.pop() as Worker;
      const req: RangeRequest = { range: next, from: next * step, to: Math.min(size, (next + 1) * step) };
      if (next === count - 1) req.to = Number.MAX_SAFE_INTEGER; // the last range reads to the end, however long
      next++;
      w.postMessage(req);
    }
  };
  for (const w of workers) {
    w.on("message", (r: RangeResult) => {
      done.set(r.range, r);
      idle.push(w);
      assign();
      poke();
    });
    w.on("error", (err) => {
      failure ??= err;
      poke();
    });
    w.on("exit", (code) => {
      if (code !== 0) failure ??= new Error(`a reader thread exited with code ${code}`);
      poke();
    });
  }
  try {
    assign();
    while (want < count) {
      const r = done.get(want);
      if (r === undefined) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      done.delete(want);
      want++;
      assign();
      if ("error" in r) throw new OtlpJsonError("io", file, undefined, r.error);
      yield { lines: r.lines, items: r.items };
    }
  } finally {
    for (const w of workers) w.removeAllListeners("exit");
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
