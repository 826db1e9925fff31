// The lean OTLP/JSON reader against the exact one (JSON.parse, the fast check, zod): the same spans, the same
// findings, the same errors. On the fixture runs (synthetic runs with timelines and device series, the founding
// story, a real `pipespan run` of real tools) the lean reader must take every line itself and give results equal
// to the exact reader's; on generated requests (any key order, whitespace, escapes, Unicode, number spellings,
// nulls, unknown members) and on byte-level mutations of them, it must give the exact result or leave the line to
// the exact path — never accept what the exact path rejects.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  analyzeRun,
  loadRun,
  OtlpJsonError,
  parseOtlpJsonTraces,
  readOtlpJsonTraces,
  toJsonReport,
} from "@pipespan/findings";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { LeanTraceReader } from "../../packages/findings/src/otlp/lean.ts";
import { ResourceRegistry } from "../../packages/findings/src/otlp/normalize.ts";
import { runPipespan, scratchDir } from "../support/cli.ts";
import { foundingStory } from "./support/founding-story.ts";
import { writeRunFolder } from "./support/synthetic.ts";
import { deviceEvent, hostResource, repeat, timelineAttrs } from "./support/timeline.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = scratchDir("pipespan-lean-");
  dirs.push(d);
  return d;
}

/** Lines of a traces file the lean reader gave up on (it should take every line of a well-formed run). */
function linesLeftToExact(file: string): number[] {
  const buf = readFileSync(file);
  const lean = new LeanTraceReader();
  const registry = new ResourceRegistry();
  const left: number[] = [];
  let start = 0;
  let line = 1;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end === -1) end = buf.length;
    if (end > start && lean.read(buf, start, end, registry, { file, line }) === undefined) left.push(line);
    start = end + 1;
    line++;
  }
  return left;
}

/** Both readers on one run folder: spans, resources, the run model, the findings and the JSON report. */
async function expectSameResults(runDir: string): Promise<void> {
  expect(linesLeftToExact(join(runDir, "traces.jsonl"))).toEqual([]);
  const lean = await readOtlpJsonTraces(runDir);
  const exact = await readOtlpJsonTraces(runDir, { exact: true });
  expect(lean.spans.length).toBeGreaterThan(0);
  expect(lean.spans).toEqual(exact.spans);
  expect(lean.resources).toEqual(exact.resources);
  expect(lean.files).toEqual(exact.files);
  const a = await loadRun(runDir);
  const b = await loadRun(runDir, { exact: true });
  expect(a.model).toEqual(b.model);
  expect(a.warnings).toEqual(b.warnings);
  const ra = analyzeRun(a.model);
  const rb = analyzeRun(b.model);
  expect(ra.findings.length).toBeGreaterThan(0);
  expect(ra).toEqual(rb);
  expect(JSON.stringify(toJsonReport(ra))).toBe(JSON.stringify(toJsonReport(rb)));
}

describe("lean reader: the same results as the exact reader on the fixture runs", () => {
  it("the founding story", async () => {
    const d = dir();
    writeRunFolder(d, foundingStory());
    await expectSameResults(d);
  });

  it("a run with per-bucket timelines, device series, a measured host and a failed process", async () => {
    const d = dir();
    const story = foundingStory();
    const buckets = [...repeat(20, { cpu: 1.5, io: 0.4, rq: 0.01, sleep: 0.1, active: 2 }), ...repeat(20, { io: 2 })];
    writeRunFolder(d, {
      ...story,
      batch: 7,
      resource: hostResource(16, 64 * 1024 ** 3),
      runAttrs: timelineAttrs(1, buckets),
      runEvents: [
        deviceEvent({ name: "nvme0n1", interval: 1, readBytes: [1e6, 2e6, 0], writeBytes: [0, 5e5, 1], busy: [0.5] }),
      ],
      tasks: story.tasks.map((t, i) =>
        i === 0
          ? {
              ...t,
              attrs: { ...t.attrs, ...timelineAttrs(0.5, buckets) },
              processes: t.processes.map((p, j) => (j === 0 ? { ...p, failed: true } : p)),
            }
          : t,
      ),
    });
    await expectSameResults(d);
  });

  it("a real `pipespan run` of real tools (what the agent's exporter writes)", async () => {
    const out = dir();
    const r = await runPipespan(
      [
        ...["run", "--run-id", "lean", "--out", out, "-q", "--no-findings", "--no-report", "--"],
        ...["sh", "-c", "head -c 20000000 /dev/urandom | gzip -1 > /dev/null; sleep 0.2; echo 'ü€ \"q\"' > /dev/null"],
      ],
      { timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    await expectSameResults(join(out, "lean"));
  });
});

// ---- generated requests ---------------------------------------------------------------------------------------

/** A JSON value; RAW members are written as given (number spellings JSON.stringify never makes). */
type Doc = null | boolean | number | string | Doc[] | { [k: string]: Doc };
const RAW = Symbol("raw");
const raw = (text: string) => ({ [RAW]: text }) as unknown as Doc;

interface Style {
  space: string;
  escape: boolean;
  reverse: boolean;
}

/** A JSON text with chosen spacing, member order and spelling of string values (\u escapes). */
function render(v: Doc, s: Style): string {
  if (v !== null && typeof v === "object" && RAW in v) return (v as unknown as { [RAW]: string })[RAW];
  if (typeof v === "string") return str(v, s);
  if (Array.isArray(v)) return `[${s.space}${v.map((x) => render(x, s)).join(`,${s.space}`)}${s.space}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (s.reverse) entries.reverse();
    return `{${s.space}${entries.map(([k, x]) => `${JSON.stringify(k)}${s.space}:${s.space}${render(x, s)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** JSON.stringify's spelling, or with every other character as a \u escape (still the same string). */
function str(v: string, s: Style): string {
  if (!s.escape) return JSON.stringify(v);
  let out = '"';
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    out += i % 2 === 0 ? `\\u${c.toString(16).padStart(4, "0")}` : JSON.stringify(v[i]).slice(1, -1);
  }
  return `${out}"`;
}

const hexId = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${n}}$`));
const text = fc.oneof(
  fc.constantFrom("", "tool", "TASK_1", "ü€😀", 'q"uo\\te', "line\nbreak", "\u0001", "\u2028", "__proto__"),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 6 }),
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 0.1, 1e21, 1e-7, 5e-324, 2 ** 53, 2 ** 53 + 2, 0.30000000000000004, 0.5510204081632654),
);
const numberText = fc.constantFrom(
  "1.0",
  "1e3",
  "-0",
  "-0.0",
  "0.5510204081632654",
  "1E+2",
  "123456789012345678",
  "9007199254740993",
  "0.1000000000000000055511151231257827",
  "1.7976931348623157e309",
  "1.00000000000000011102230246251565404236316680908203125",
  "1.000000000000000111022302462515654042363166809082031250000001",
  "18014398509481993",
  "2.2250738585072011e-308",
  "0.1e1",
);
const anyValue: fc.Arbitrary<Doc> = fc.letrec<{ v: Doc }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    {
      weight: 30,
      arbitrary: fc.oneof(
        fc.record({ stringValue: text }),
        fc.record({ boolValue: fc.boolean() }),
        fc.record({
          intValue: fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String)),
        }),
        fc.record({ intValue: fc.constantFrom("-0", "007", "9007199254740993", "-9007199254740993", 2 ** 53 - 1) }),
        fc.record({ doubleValue: fc.oneof(number, fc.constantFrom("NaN", "Infinity", "-Infinity")) }),
        fc.record({ doubleValue: numberText.map(raw) }),
        fc.record({ bytesValue: fc.constantFrom("AAE=", "", "/+8=") }),
        fc.record({ arrayValue: fc.record({ values: fc.array(tie("v"), { maxLength: 3 }) }, { requiredKeys: [] }) }),
        fc.record({
          kvlistValue: fc.record(
            { values: fc.array(fc.record({ key: text, value: tie("v") }), { maxLength: 3 }) },
            { requiredKeys: [] },
          ),
        }),
        fc.record({ stringValue: text, intValue: fc.integer() }), // two members: the first in order wins
        fc.record({ doubleValue: fc.double({ noNaN: true, noDefaultInfinity: true }), boolValue: fc.boolean() }),
        fc.constant({}),
        fc.constant(null),
        fc.record({ unknownMember: fc.jsonValue() }),
        // repeated members: JSON keeps the last
        fc.constantFrom(
          raw('{"stringValue":"a","stringValue":"b"}'),
          raw('{"intValue":1,"stringValue":"a","intValue":2}'),
          raw('{"boolValue":true,"stringValue":"x","boolValue":"not a bool"}'),
        ),
      ),
    },
    {
      // invalid: the whole line is rejected
      weight: 1,
      arbitrary: fc.oneof(
        fc.record({ stringValue: fc.constant(null) }),
        fc.record({ intValue: fc.constantFrom("1.5", "", 2 ** 53 + 2, "99999999999999999999") }),
        fc.record({ bytesValue: fc.constant("not base64!") }),
        fc.record({ doubleValue: fc.constantFrom("nan", null) }),
      ),
    },
  ),
})).v;
const attributes = fc.oneof(
  fc.array(fc.record({ key: text, value: anyValue }, { requiredKeys: ["key"] }), { maxLength: 5 }),
  fc.constant(null),
);
const uint64 = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String), weight: 10 },
  { arbitrary: fc.integer({ min: 0 }), weight: 5 },
  { arbitrary: fc.constantFrom("00012", "0"), weight: 2 },
  { arbitrary: fc.constantFrom("", "-1", "1.5", 1.5, "123456789012345678901"), weight: 1 },
);
const span = fc.record(
  {
    traceId: hexId(32),
    spanId: hexId(16),
    parentSpanId: fc.oneof(hexId(16), fc.constant(""), fc.constant(null)),
    traceState: fc.oneof(text, fc.constant(null)),
    name: text,
    kind: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 5 }), weight: 10 },
      { arbitrary: fc.constantFrom(-1, 6, "SPAN_KIND_SERVER", null), weight: 1 },
    ),
    startTimeUnixNano: uint64,
    endTimeUnixNano: uint64,
    attributes,
    events: fc.oneof(
      fc.array(fc.record({ timeUnixNano: uint64, name: text, attributes }, { requiredKeys: ["name"] }), {
        maxLength: 2,
      }),
      fc.constant(null),
    ),
    links: fc.array(fc.record({ traceId: hexId(32), spanId: hexId(16), attributes }), { maxLength: 2 }),
    status: fc.oneof(
      {
        weight: 10,
        arbitrary: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: text }, { requiredKeys: [] }),
      },
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.record({ code: fc.constantFrom(3, "STATUS_CODE_ERROR", null) }) },
    ),
    droppedAttributesCount: fc.nat(),
    flags: fc.nat(),
  },
  { requiredKeys: ["traceId", "spanId", "name", "startTimeUnixNano", "endTimeUnixNano"] },
);
const request = fc.record({
  resourceSpans: fc.array(
    fc.record(
      {
        resource: fc.oneof(
          fc.record(
            { attributes, droppedAttributesCount: fc.oneof(fc.nat(), fc.constant(null)) },
            { requiredKeys: [] },
          ),
          fc.constant(null),
        ),
        scopeSpans: fc.array(
          fc.record(
            {
              scope: fc.oneof(fc.record({ name: text, version: text }, { requiredKeys: [] }), fc.constant(null)),
              spans: fc.array(span, { minLength: 1, maxLength: 4 }),
              schemaUrl: text,
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        schemaUrl: fc.oneof(text, fc.constant(null)),
        instrumentationLibrarySpans: fc.constantFrom(null, []),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 2 },
  ),
});
const style = fc.record({
  space: fc.constantFrom("", " ", "\t", "\r\n "),
  escape: fc.constantFrom(false, false, false, true),
  reverse: fc.boolean(),
});

type Outcome = { ok: true; spans: unknown } | { ok: false; error: string };
const WHERE = { file: "t.jsonl", line: 1 };

/** What the exact path makes of one line: its spans, or its one-line error. */
function exact(line: string): Outcome {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, error: "malformed JSON" };
  }
  try {
    return { ok: true, spans: parseOtlpJsonTraces(json, WHERE) };
  } catch (err) {
    if (!(err instanceof OtlpJsonError)) throw err;
    return { ok: false, error: err.message };
  }
}

const reader = new LeanTraceReader();
let taken = 0;
let takenSpans = 0;
function lean(line: string): unknown {
  const buf = Buffer.from(line);
  const spans = reader.read(buf, 0, buf.length, new ResourceRegistry(), WHERE);
  if (spans !== undefined) {
    taken++;
    takenSpans += spans.length;
  }
  return spans;
}

let exactSpans = 0;
function expectExactOrLeftAlone(line: string): void {
  const mine = lean(line);
  const theirs = exact(line);
  if (theirs.ok) exactSpans += (theirs.spans as unknown[]).length;
  if (mine === undefined) return;
  expect(theirs.ok, `the lean reader took a line the exact path rejects: ${line}`).toBe(true);
  expect(mine).toEqual((theirs as { spans: unknown }).spans);
}

describe("lean reader: generated requests", () => {
  it("gives the exact path's spans or leaves the line to it (4 000 cases)", () => {
    taken = 0;
    takenSpans = 0;
    exactSpans = 0;
    fc.assert(
      fc.property(request, style, (req, s) => expectExactOrLeftAlone(render(req as unknown as Doc, s))),
      { numRuns: 4000, seed: 14 },
    );
    // Most generated requests are valid: the lean reader must take many of them (and their spans) itself.
    expect(taken).toBeGreaterThan(1000);
    expect(takenSpans).toBeGreaterThan(0.5 * exactSpans);
    expect(takenSpans).toBeGreaterThan(500);
  });

  it("never takes a line the exact path rejects: byte-level mutations of valid lines (8 000 cases)", () => {
    const mutation = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      op: fc.constantFrom("delete", "insert", "replace"),
      byte: fc.constantFrom(...'{}[]",:0123456789-.eE \\nulltruefalse'.split(""), "\u00ff", "\t", "\u0001", "\n"),
    });
    fc.assert(
      fc.property(request, style, mutation, (req, s, m) => {
        const valid = render(req as unknown as Doc, s);
        const at = Math.floor(m.at * valid.length);
        const cut = m.op === "insert" ? at : at + 1;
        expectExactOrLeftAlone(valid.slice(0, at) + (m.op === "delete" ? "" : m.byte) + valid.slice(cut));
      }),
      { numRuns: 8000, seed: 15 },
    );
  });

  it("leaves rarer valid forms to the exact path, which takes them", () => {
    const base = {
      traceId: "5b8efff798038103d269b633813fc60c",
      spanId: "eee19b7ec3c1b174",
      name: "s",
      startTimeUnixNano: "1",
      endTimeUnixNano: "2",
    };
    const lines = [
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...base, kind: "SPAN_KIND_SERVER" }] }] }] }),
      JSON.stringify({ resourceSpans: [{ instrumentationLibrarySpans: [{ spans: [base] }] }] }),
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [base] }] }] }).replace('"spans"', '"sp\\u0061ns"'),
    ];
    for (const line of lines) {
      expect(lean(line), line).toBeUndefined();
      expect(exact(line).ok, line).toBe(true);
    }
  });
});
