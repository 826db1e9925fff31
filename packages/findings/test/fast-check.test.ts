// The fast validation path must never accept what the zod schema rejects (it may reject more: zod then decides).
import { describe, expect, it } from "vitest";
import { isValidTraceRequest } from "../src/otlp/fast-check.js";
import { ExportTraceServiceRequest } from "../src/otlp/schema.js";

const span = (extra: Record<string, unknown> = {}) => ({
  traceId: "5b8efff798038103d269b633813fc60c",
  spanId: "eee19b7ec3c1b174",
  name: "s",
  kind: 1,
  startTimeUnixNano: "1700000000000000001",
  endTimeUnixNano: "1700000003000000002",
  attributes: [
    { key: "a", value: { stringValue: "x" } },
    { key: "b", value: { intValue: "12" } },
    { key: "c", value: { doubleValue: 1.5 } },
    { key: "d", value: { arrayValue: { values: [{ boolValue: true }] } } },
    { key: "e", value: { kvlistValue: { values: [{ key: "k", value: { bytesValue: "AAE=" } }] } } },
  ],
  ...extra,
});
const req = (s: unknown, extra: Record<string, unknown> = {}) => ({
  resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "x" }, spans: [s] }], ...extra }],
});

const VALID = [
  req(span()),
  req(span({ parentSpanId: "" })),
  req(span({ parentSpanId: "eee19b7ec3c1b173", status: { code: 2, message: "boom" } })),
  req(span({ events: [{ timeUnixNano: 5, name: "e", attributes: [] }], links: [] })),
  { resourceSpans: [] },
  { resourceSpans: [{ instrumentationLibrarySpans: [{ spans: [span()] }] }] },
];

const INVALID = [
  req(span({ traceId: "xyz" })),
  req(span({ spanId: "EEE19B7EC3C1B17" })),
  req(span({ startTimeUnixNano: "-1" })),
  req(span({ startTimeUnixNano: 1.7e18 })), // not a safe integer
  req(span({ kind: 9 })),
  req(span({ name: 3 })),
  req(span({ attributes: [{ key: "a", value: { stringValue: 3 } }] })),
  req(span({ attributes: [{ key: "a", value: { intValue: "1.5" } }] })),
  req(span({ attributes: [{ key: "a", value: { stringValue: null } }] })),
  req(span({ attributes: [{ key: "a", value: { bytesValue: "not base64!" } }] })),
  req(span({ attributes: [{ value: { stringValue: "no key" } }] })),
  req(span({ status: { code: 7 } })),
  req(span({ events: [{ name: "e" }] })),
  req(span({ links: [{ traceId: "5b8efff798038103d269b633813fc60c" }] })),
  req(span(), { schemaUrl: 5 }),
  { resourceSpans: {} },
  { resourceSpans: [[]] },
  [],
  null,
];

describe("fast OTLP/JSON check", () => {
  it("accepts the usual valid requests (as zod does)", () => {
    for (const r of VALID) {
      expect(ExportTraceServiceRequest.safeParse(r).success).toBe(true);
      expect(isValidTraceRequest(r), JSON.stringify(r)).toBe(true);
    }
  });
  it("rejects what zod rejects", () => {
    for (const r of INVALID) {
      expect(ExportTraceServiceRequest.safeParse(r).success, JSON.stringify(r)).toBe(false);
      expect(isValidTraceRequest(r), JSON.stringify(r)).toBe(false);
    }
  });
  it("leaves rarer valid forms to zod (enum names instead of numbers)", () => {
    const r = req(span({ kind: "SPAN_KIND_SERVER" }));
    expect(ExportTraceServiceRequest.safeParse(r).success).toBe(true);
    expect(isValidTraceRequest(r)).toBe(false);
  });
});
