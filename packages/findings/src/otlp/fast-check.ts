// A fast path for validating OTLP/JSON trace requests: plain checks that accept a subset of what the zod schema
// in schema.ts accepts (never more). The reader tries this first and falls back to zod when it says no — zod then
// either accepts (a rarer form, e.g. enum names instead of numbers) or produces the precise error message.
// zod's recursive AnyValue schema costs ~50 µs per span; this costs ~1 µs, which is what makes a 1M-span run
// readable in seconds.

const HEX32 = /^[0-9a-fA-F]{32}$/;
const HEX16 = /^[0-9a-fA-F]{16}$/;
const UINT64 = /^\d{1,20}$/;
const INT64 = /^-?\d{1,19}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_DEPTH = 64;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const nullish = (v: unknown) => v === undefined || v === null;
const optStr = (v: unknown) => nullish(v) || typeof v === "string";
// zod's .int() accepts safe integers only; so do we.
const uint64 = (v: unknown) =>
  typeof v === "string" ? UINT64.test(v) : typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const int64 = (v: unknown) =>
  typeof v === "string" ? INT64.test(v) : typeof v === "number" && Number.isSafeInteger(v);
const double = (v: unknown) => typeof v === "number" || v === "NaN" || v === "Infinity" || v === "-Infinity";
const enumInt = (v: unknown, max: number) =>
  nullish(v) || (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max);

/** True when `json` is certainly a valid ExportTraceServiceRequest as schema.ts defines it. */
export function isValidTraceRequest(json: unknown): boolean {
  if (!isObj(json) || !Array.isArray(json.resourceSpans)) return false;
  for (const rs of json.resourceSpans) {
    if (!isObj(rs) || !optStr(rs.schemaUrl)) return false;
    const res = rs.resource;
    if (!nullish(res)) {
      if (!isObj(res) || !attributes(res.attributes)) return false;
      const d = res.droppedAttributesCount;
      if (!nullish(d) && !(typeof d === "number" && Number.isSafeInteger(d))) return false;
    }
    for (const list of [rs.scopeSpans, rs.instrumentationLibrarySpans]) {
      if (nullish(list)) continue;
      if (!Array.isArray(list)) return false;
      for (const ss of list) if (!scopeSpans(ss)) return false;
    }
  }
  return true;
}

function scopeSpans(ss: unknown): boolean {
  if (!isObj(ss) || !optStr(ss.schemaUrl)) return false;
  const scope = ss.scope;
  if (!nullish(scope)) {
    if (!isObj(scope) || !optStr(scope.name) || !optStr(scope.version) || !attributes(scope.attributes)) return false;
  }
  const spans = ss.spans;
  if (nullish(spans)) return true;
  if (!Array.isArray(spans)) return false;
  for (const s of spans) if (!span(s)) return false;
  return true;
}

function span(s: unknown): boolean {
  if (!isObj(s)) return false;
  if (typeof s.traceId !== "string" || !HEX32.test(s.traceId)) return false;
  if (typeof s.spanId !== "string" || !HEX16.test(s.spanId)) return false;
  const p = s.parentSpanId;
  if (!nullish(p) && !(typeof p === "string" && (p === "" || HEX16.test(p)))) return false;
  if (!optStr(s.traceState) || typeof s.name !== "string") return false;
  if (!enumInt(s.kind, 5)) return false;
  if (!uint64(s.startTimeUnixNano) || !uint64(s.endTimeUnixNano)) return false;
  if (!attributes(s.attributes)) return false;
  if (!nullish(s.events)) {
    if (!Array.isArray(s.events)) return false;
    for (const e of s.events) {
      if (!isObj(e) || !uint64(e.timeUnixNano) || typeof e.name !== "string" || !attributes(e.attributes)) return false;
    }
  }
  if (!nullish(s.links)) {
    if (!Array.isArray(s.links)) return false;
    for (const l of s.links) {
      if (!isObj(l) || typeof l.traceId !== "string" || !HEX32.test(l.traceId)) return false;
      if (typeof l.spanId !== "string" || !HEX16.test(l.spanId)) return false;
      if (!optStr(l.traceState) || !attributes(l.attributes)) return false;
    }
  }
  const st = s.status;
  if (!nullish(st) && !(isObj(st) && optStr(st.message) && enumInt(st.code, 2))) return false;
  return true;
}

function attributes(a: unknown, depth = 0): boolean {
  if (nullish(a)) return true;
  if (!Array.isArray(a)) return false;
  for (const kv of a) if (!keyValue(kv, depth)) return false;
  return true;
}

function keyValue(kv: unknown, depth: number): boolean {
  if (!isObj(kv) || typeof kv.key !== "string") return false;
  return nullish(kv.value) || anyValue(kv.value, depth + 1);
}

/** Every member is optional (absent), never null, as in the zod schema. */
function anyValue(v: unknown, depth: number): boolean {
  if (!isObj(v) || depth > MAX_DEPTH) return false;
  if ("stringValue" in v && typeof v.stringValue !== "string") return false;
  if ("boolValue" in v && typeof v.boolValue !== "boolean") return false;
  if ("intValue" in v && !int64(v.intValue)) return false;
  if ("doubleValue" in v && !double(v.doubleValue)) return false;
  if ("bytesValue" in v && !(typeof v.bytesValue === "string" && BASE64.test(v.bytesValue))) return false;
  if ("arrayValue" in v) {
    const av = v.arrayValue;
    if (!isObj(av)) return false;
    if ("values" in av) {
      if (!Array.isArray(av.values)) return false;
      for (const x of av.values) if (!anyValue(x, depth + 1)) return false;
    }
  }
  if ("kvlistValue" in v) {
    const kl = v.kvlistValue;
    if (!isObj(kl)) return false;
    if ("values" in kl) {
      if (!Array.isArray(kl.values)) return false;
      for (const x of kl.values) if (!keyValue(x, depth + 1)) return false;
    }
  }
  return true;
}
