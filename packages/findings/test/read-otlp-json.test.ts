import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { ATTR_PROCESS_PID, ATTR_SERVICE_NAME } from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import { OtlpJsonError, parseOtlpJsonTraces, readOtlpJsonMetrics, readOtlpJsonTraces } from "../src/index.js";

const TRACE = "5b8efff798038103d269b633813fc60c";
const ROOT = "eee19b7ec3c1b174";
const CHILD = "eee19b7ec3c1b173";

function span(spanId: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    traceId: TRACE,
    spanId,
    name,
    kind: 1,
    startTimeUnixNano: "1700000000000000001",
    endTimeUnixNano: "1700000003000000002",
    ...extra,
  };
}
function request(spans: unknown[], resourceAttrs: unknown[] = []) {
  return {
    resourceSpans: [{ resource: { attributes: resourceAttrs }, scopeSpans: [{ scope: { name: "s" }, spans }] }],
  };
}
const line = (o: unknown) => `${JSON.stringify(o)}\n`;
const GOOD = line(request([span(ROOT, "root")], [{ key: ATTR_SERVICE_NAME, value: { stringValue: "svc" } }]));
const GOOD2 = line(request([span(CHILD, "child", { parentSpanId: ROOT })]));

function file(content: string, name = "traces.jsonl"): string {
  const dir = mkdtempSync(join(os.tmpdir(), "pipespan-read-"));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function readError(path: string, options = {}): Promise<OtlpJsonError> {
  try {
    await readOtlpJsonTraces(path, options);
  } catch (err) {
    expect(err).toBeInstanceOf(OtlpJsonError);
    return err as OtlpJsonError;
  }
  throw new Error("expected an OtlpJsonError");
}

describe("readOtlpJsonTraces", () => {
  it("reads a jsonl file, a run folder, and skips blank lines", async () => {
    const path = file(`${GOOD}\n   \n${GOOD2}`);
    for (const input of [path, join(path, "..")]) {
      const { spans, resources, files } = await readOtlpJsonTraces(input);
      expect(files).toEqual([path]);
      expect(spans.map((s) => [s.name, s.parentSpanId, s.source?.line])).toEqual([
        ["root", undefined, 1],
        ["child", ROOT, 4],
      ]);
      expect(spans[0]!.startNs).toBe(1_700_000_000_000_000_001n);
      expect(spans[0]!.durationNs).toBe(3_000_000_001);
      expect(resources.map((r) => r.attributes)).toEqual([{ [ATTR_SERVICE_NAME]: "svc" }, {}]);
    }
  });

  it("reads a single pretty-printed OTLP/JSON document", async () => {
    const doc = request([span(ROOT, "root"), span(CHILD, "child")]);
    for (const text of [JSON.stringify(doc, null, 2), JSON.stringify(doc, null, 2).replace("{\n  ", "{ ")]) {
      const { spans } = await readOtlpJsonTraces(file(text, "export.json"));
      expect(spans.map((s) => s.name)).toEqual(["root", "child"]);
    }
  });

  it("names file:line for a malformed line", async () => {
    const path = file(`${GOOD}{"resourceSpans": [\n${GOOD2}`);
    const err = await readError(path);
    expect(err.kind).toBe("malformed-json");
    expect(err.line).toBe(2);
    expect(err.message).toMatch(new RegExp(`^${path}:2: malformed JSON: `));
  });

  it("reports a truncated last line as such and keeps every complete line, even when problems throw", async () => {
    const path = file(GOOD + GOOD2 + GOOD2.slice(0, 57));
    // A writer killed mid-line is expected (a SIGKILL, the OOM killer): never fatal, always said.
    for (const onProblem of ["throw", "collect"] as const) {
      const { spans, problems } = await readOtlpJsonTraces(path, { onProblem });
      expect(spans).toHaveLength(2);
      expect(problems.map((p) => [p.kind, p.line])).toEqual([["truncated", 3]]);
      expect(problems[0]?.message).toMatch(
        new RegExp(
          `^${path}:3: truncated last line \\(57 bytes, no newline at end of file; .*\\) — the writer was probably interrupted \\(2 complete line\\(s\\) before it\\)$`,
        ),
      );
    }
  });

  it("accepts a complete last line without a trailing newline", async () => {
    const { spans } = await readOtlpJsonTraces(file(GOOD + GOOD2.trimEnd()));
    expect(spans).toHaveLength(2);
  });

  it("says an empty file is empty", async () => {
    for (const content of ["", "\n \n"]) {
      const path = file(content);
      const err = await readError(path);
      expect(err.kind).toBe("empty");
      expect(err.message).toBe(`${path}: empty file: no OTLP/JSON traces in it`);
    }
  });

  it("rejects JSON that is not OTLP, with the path of the first problem", async () => {
    const cases: [string, string][] = [
      [line({ foo: 1 }), "not an OTLP/JSON ExportTraceServiceRequest: no resourceSpans (keys: foo)"],
      [line([1, 2]), "not an OTLP/JSON ExportTraceServiceRequest: expected a JSON object, got an array"],
      [
        line({ resourceMetrics: [] }),
        "not an OTLP/JSON ExportTraceServiceRequest: this is OTLP metrics (resourceMetrics), expected resourceSpans",
      ],
      [
        line(request([span("00", "bad")])),
        "not an OTLP/JSON ExportTraceServiceRequest: resourceSpans[0].scopeSpans[0].spans[0].spanId: expected 16 hex digits (OTLP/JSON ids are hex)",
      ],
      [
        line(request([{ ...span(ROOT, "x"), startTimeUnixNano: "yesterday" }])),
        "not an OTLP/JSON ExportTraceServiceRequest: resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: ",
      ],
      [
        line(request([span(ROOT, "x", { attributes: [{ key: "k", value: { intValue: "1.5" } }] })])),
        "not an OTLP/JSON ExportTraceServiceRequest: resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: ",
      ],
      [
        line(request([span(ROOT, "x", { kind: 9 })])),
        "not an OTLP/JSON ExportTraceServiceRequest: resourceSpans[0].scopeSpans[0].spans[0].kind: ",
      ],
    ];
    for (const [content, reason] of cases) {
      const path = file(GOOD + content);
      const err = await readError(path);
      expect(err.kind, reason).toBe("not-otlp");
      expect(err.message.startsWith(`${path}:2: ${reason}`), `${err.message}\n  vs ${reason}`).toBe(true);
    }
  });

  it("says what is missing for a folder or a path that does not exist", async () => {
    const dir = mkdtempSync(join(os.tmpdir(), "pipespan-read-"));
    expect((await readError(dir)).message).toBe(`${dir}: no traces.jsonl in this directory`);
    expect((await readError(join(dir, "nope.jsonl"))).message).toBe(
      `${join(dir, "nope.jsonl")}: no such file or directory`,
    );
  });

  it("bounds line length", async () => {
    const path = file(GOOD + line(request([span(CHILD, "y".repeat(5000))])) + GOOD2);
    const err = await readError(path, { maxLineBytes: 4096 });
    expect(err.kind).toBe("too-long");
    expect(err.message).toBe(`${path}:2: line longer than 4096 bytes; skipped`);
    const { spans } = await readOtlpJsonTraces(path, { maxLineBytes: 4096, onProblem: "collect" });
    expect(spans.map((s) => s.name)).toEqual(["root", "child"]);
  });

  it("reports a broken pretty-printed document once", async () => {
    const path = file('{\n  "resourceSpans": [\n    {"resource": \n');
    const err = await readError(path);
    expect(err.kind).toBe("malformed-json");
    expect(err.message).toMatch(new RegExp(`^${path}: malformed JSON document: `));
  });
});

describe("attribute decoding", () => {
  it("decodes every AnyValue form, int64 exactly", () => {
    const attributes = [
      { key: ATTR_PROCESS_PID, value: { intValue: "4242" } },
      { key: "x.num", value: { intValue: 7 } },
      { key: "x.big", value: { intValue: "9007199254740993" } },
      { key: "x.neg", value: { intValue: "-3" } },
      { key: "x.d", value: { doubleValue: 0.25 } },
      { key: "x.nan", value: { doubleValue: "NaN" } },
      { key: "x.b", value: { boolValue: true } },
      { key: "x.s", value: { stringValue: "" } },
      { key: "x.arr", value: { arrayValue: { values: [{ stringValue: "a" }, { intValue: "1" }] } } },
      { key: "x.kv", value: { kvlistValue: { values: [{ key: "inner", value: { boolValue: false } }] } } },
      { key: "x.bytes", value: { bytesValue: Buffer.from([1, 2, 255]).toString("base64") } },
      { key: "x.empty", value: {} },
    ];
    const [s] = parseOtlpJsonTraces(
      request([span(ROOT.toUpperCase(), "n", { kind: "SPAN_KIND_CLIENT", attributes, status: { code: 1 } })]),
    );
    expect(s!.spanId).toBe(ROOT);
    expect(s!.kind).toBe("client");
    expect(s!.status).toEqual({ code: "ok" });
    expect(s!.attributes).toEqual({
      [ATTR_PROCESS_PID]: 4242,
      "x.num": 7,
      "x.big": 9_007_199_254_740_993n,
      "x.neg": -3,
      "x.d": 0.25,
      "x.nan": Number.NaN,
      "x.b": true,
      "x.s": "",
      "x.arr": ["a", 1],
      "x.kv": { inner: false },
      "x.bytes": new Uint8Array([1, 2, 255]),
      "x.empty": null,
    });
  });
});

describe("readOtlpJsonMetrics", () => {
  it("reads sums, gauges and histograms", async () => {
    const req = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: ATTR_SERVICE_NAME, value: { stringValue: "svc" } }] },
          scopeMetrics: [
            {
              scope: { name: "m" },
              metrics: [
                {
                  name: "a.sum",
                  unit: "s",
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [{ timeUnixNano: "1700000000000000000", asDouble: 1.5, attributes: [] }],
                  },
                },
                { name: "a.gauge", gauge: { dataPoints: [{ timeUnixNano: "1", asInt: "12" }] } },
                {
                  name: "a.hist",
                  histogram: {
                    aggregationTemporality: 1,
                    dataPoints: [
                      {
                        timeUnixNano: "1",
                        count: "3",
                        sum: 6,
                        min: 1,
                        max: 3,
                        bucketCounts: ["1", 2],
                        explicitBounds: [2],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const { points } = await readOtlpJsonMetrics(join(file(line(req), "metrics.jsonl"), ".."));
    expect(points.map((p) => [p.name, p.type, p.value, p.temporality])).toEqual([
      ["a.sum", "sum", 1.5, "cumulative"],
      ["a.gauge", "gauge", 12, undefined],
      ["a.hist", "histogram", { count: 3, sum: 6, min: 1, max: 3, bucketCounts: [1, 2], explicitBounds: [2] }, "delta"],
    ]);
    expect(points[0]!.timeNs).toBe(1_700_000_000_000_000_000n);
    expect(points[0]!.resource[ATTR_SERVICE_NAME]).toBe("svc");
  });

  it("rejects a traces file given as metrics", async () => {
    const path = file(GOOD, "metrics.jsonl");
    await expect(readOtlpJsonMetrics(path)).rejects.toThrow(
      `${path}:1: not an OTLP/JSON ExportMetricsServiceRequest: this is OTLP traces (resourceSpans), expected resourceMetrics`,
    );
  });
});
