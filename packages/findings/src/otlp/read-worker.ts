// A reader thread (started by parallel.ts): reads the ranges of one traces file it is sent with the lean reader and
// posts each range's result back: process spans as columns, other spans whole, lines the lean reader left alone as
// their bytes. It never decides anything about a line it cannot read: the main thread does, exactly as always.
import { closeSync, openSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { columnBuffers, ProcessColumnsWriter } from "../model/process-columns.js";
import { LeanTraceReader } from "./lean.js";
import { rangeLines } from "./line-range.js";
import type { Attributes, NormalizedResource } from "./model.js";
import { ResourceRegistry } from "./normalize.js";
import type { LeanLines, RangeItem, RangeRequest, RangeResult } from "./parallel.js";

/** A registry that also notes every resource the lean reader interns (per line, in order). */
class NotingRegistry extends ResourceRegistry {
  readonly noted: NormalizedResource[] = [];
  override intern(attributes: Attributes, schemaUrl: string | undefined): NormalizedResource {
    const r = super.intern(attributes, schemaUrl);
    this.noted.push(r);
    return r;
  }
}

const { file, maxLineBytes } = workerData as { file: string; maxLineBytes: number };
const port = parentPort;
if (port === null) throw new Error("read-worker.js runs as a worker thread");
const lean = new LeanTraceReader();
const registry = new NotingRegistry();
/** Interned resource attributes → their resource (the spans carry the attributes only). */
const byAttributes = new Map<Attributes, NormalizedResource>();
let fd: number | undefined;

function readRange(req: RangeRequest): RangeResult {
  fd ??= openSync(file, "r");
  const items: RangeItem[] = [];
  let lines = 0;
  let batch: LeanLines | undefined;
  let writer = new ProcessColumnsWriter();
  let indexOf = new Map<NormalizedResource, number>();
  let order: number[] = [];
  const transfer: ArrayBuffer[] = [];
  const flush = () => {
    if (batch === undefined) return;
    batch.rows = writer.take();
    batch.order = Uint8Array.from(order);
    transfer.push(...columnBuffers(batch.rows), batch.order.buffer as ArrayBuffer);
    items.push(batch);
    batch = undefined;
    writer = new ProcessColumnsWriter();
    indexOf = new Map();
    order = [];
  };
  for (const l of rangeLines(fd, req.from, req.to, maxLineBytes)) {
    lines = l.index + 1;
    if (!l.tooLong) {
      registry.noted.length = 0;
      const spans = lean.read(l.buf, l.start, l.end, registry, { file, line: l.index });
      if (spans !== undefined) {
        batch ??= {
          kind: "lean",
          first: l.index,
          lines: 0,
          resources: [],
          rows: undefined as never,
          spans: [],
          spanResource: [],
          order: undefined as never,
        };
        const b = batch;
        b.lines++;
        for (const r of registry.noted) {
          byAttributes.set(r.attributes, r);
          if (!indexOf.has(r)) {
            indexOf.set(r, b.resources.length);
            b.resources.push(r);
          }
        }
        for (const s of spans) {
          const res = indexOf.get(byAttributes.get(s.resource) as NormalizedResource) as number;
          if (writer.push(s, res)) order.push(0);
          else {
            s.resource = undefined as never; // set again from spanResource on arrival
            b.spans.push(s);
            b.spanResource.push(res);
            order.push(1);
          }
        }
        continue;
      }
    }
    flush();
    items.push({
      kind: "line",
      index: l.index,
      bytes: l.tooLong ? new Uint8Array(0) : Uint8Array.prototype.slice.call(l.buf, l.start, l.end),
      terminated: l.terminated,
      ...(l.tooLong ? { tooLong: true } : {}),
    });
  }
  flush();
  port?.postMessage({ range: req.range, lines, items } satisfies RangeResult, transfer);
  return { range: req.range, lines, items };
}

port.on("message", (req: RangeRequest) => {
  try {
    readRange(req);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const error =
      code === "ENOENT"
        ? "no such file or directory"
        : code === "EACCES"
          ? "permission denied"
          : ((err as Error).message ?? String(err));
    port.postMessage({ range: req.range, error } satisfies RangeResult);
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  }
});
