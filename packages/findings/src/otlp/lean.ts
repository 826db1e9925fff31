// The lean OTLP/JSON trace reader: one line's bytes → NormalizedSpans in a single pass, without building the JSON
// object tree first. It gives exactly what JSON.parse + validation + normalizeTraceRequest give for the inputs it
// takes, and it takes only inputs it is sure of: anything else (a syntax error, a wrong type, enum names instead
// of numbers, escapes in keys, legacy instrumentationLibrarySpans, deep nesting, ...) makes it give up on the
// line, which then goes the exact way (JSON.parse, the fast check, zod) and gets the exact result or the exact
// one-line error. Giving up costs one JSON.parse of the line, never a different answer.
//
// JSON.parse builds ~25 objects per span (each attribute is {key, value: {intValue}}) that normalizing then turns
// into other objects; reading the bytes once and building only the normalized span is what makes a 1M-span run
// readable in seconds.
import type {
  Attributes,
  AttributeValue,
  NormalizedSpan,
  SourceLocation,
  SpanKindName,
  StatusCodeName,
} from "./model.js";
import { type ResourceRegistry, setAttribute } from "./normalize.js";

const SPAN_KINDS: SpanKindName[] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const STATUS_CODES: StatusCodeName[] = ["unset", "ok", "error"];
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const INT64 = /^-?\d{1,19}$/;
/** Up to 2^53 every integer is a double, and so is every product of the digit loop (v * 10 + d). */
const TWO_53 = 2 ** 53;
/** Powers of ten that are exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Deeper arrays and kvlists are left to the exact path. */
const MAX_DEPTH = 24;

// Bytes.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;

/** The member names the reader knows, as small integers (#key gives -1 for any other name). */
const KEY_NAMES = [
  "arrayValue",
  "attributes",
  "boolValue",
  "bytesValue",
  "code",
  "doubleValue",
  "droppedAttributesCount",
  "endTimeUnixNano",
  "events",
  "instrumentationLibrarySpans",
  "intValue",
  "key",
  "kind",
  "kvlistValue",
  "links",
  "message",
  "name",
  "parentSpanId",
  "resource",
  "resourceSpans",
  "schemaUrl",
  "scope",
  "scopeSpans",
  "spanId",
  "spans",
  "startTimeUnixNano",
  "status",
  "stringValue",
  "timeUnixNano",
  "traceId",
  "traceState",
  "value",
  "values",
  "version",
] as const;
const K = Object.fromEntries(KEY_NAMES.map((n, i) => [n, i])) as { readonly [N in (typeof KEY_NAMES)[number]]: number };
/** Names that come up most (per attribute, then per span) are tried first; the order decides nothing else. */
const FREQUENT = ["key", "value", "intValue", "doubleValue", "stringValue", "spanId", "startTimeUnixNano"];
/** Known names by their first byte. */
const KEYS_BY_FIRST_BYTE: ({ bytes: Uint8Array; code: number }[] | undefined)[] = [];
const rank = (n: string) => (FREQUENT.includes(n) ? FREQUENT.indexOf(n) : FREQUENT.length);
for (const [code, n] of [...KEY_NAMES.entries()].sort((a, b) => rank(a[1]) - rank(b[1]))) {
  const list = KEYS_BY_FIRST_BYTE[n.charCodeAt(0)] ?? [];
  list.push({ bytes: Buffer.from(n, "latin1"), code });
  KEYS_BY_FIRST_BYTE[n.charCodeAt(0)] = list;
}
/** Interned strings: a direct-mapped cache (a miss replaces the entry), so memory stays bounded. */
const INTERN_SLOTS = 4096;
/** Longer strings are not interned. */
const MAX_INTERNED = 64;

/** Thrown (never escapes this module) when the line is not one the lean reader is sure of. */
const GIVE_UP: unique symbol = Symbol("give up");

/** Node's Buffer slicing methods without toString's argument handling (present on every Buffer; not typed). */
type Bytes = Buffer & {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
};
const NO_BYTES = Buffer.alloc(0) as Bytes;

interface KeyEntry {
  readonly bytes: Uint8Array;
  readonly text: string;
}

interface PendingResource {
  attributes: Attributes;
  schemaUrl: string | null | undefined;
  /** Index in `out` of this resource's first span, and one past its last. */
  from: number;
  to: number;
}

export class LeanTraceReader {
  #b: Bytes = NO_BYTES;
  #i = 0;
  #end = 0;
  /** Last string scanned: plain ASCII without escapes (or not). */
  #simple = true;
  /** Interned short strings (attribute keys, names, trace ids, short values). */
  readonly #interned: (KeyEntry | undefined)[] = new Array(INTERN_SLOTS).fill(undefined);
  /** The entry #internBytes gave last (undefined when the string was not interned). */
  #lastInterned: KeyEntry | undefined;
  /** Attribute keys of the last span list, by place. */
  readonly #lastKeys: (KeyEntry | undefined)[] = [];
  /** The KeyValue #plainEntry read last. */
  #entryKey = "";
  #entryValue: AttributeValue = null;

  /**
   * The spans of one line (an ExportTraceServiceRequest), or undefined when the lean reader leaves the line to
   * the exact path. Resources are interned in `registry` only when the whole line was read.
   */
  read(
    buf: Buffer,
    start: number,
    end: number,
    registry: ResourceRegistry,
    where: SourceLocation | undefined,
  ): NormalizedSpan[] | undefined {
    this.#b = buf as Bytes;
    this.#i = start;
    this.#end = end;
    const out: NormalizedSpan[] = [];
    const resources: PendingResource[] = [];
    try {
      this.#request(out, resources, where);
    } catch (err) {
      if (err === GIVE_UP) return undefined;
      if (err instanceof RangeError) return undefined; // e.g. a stack overflow: the exact path says what it is
      throw err;
    } finally {
      this.#b = NO_BYTES;
    }
    for (const r of resources) {
      const res = registry.intern(r.attributes, r.schemaUrl ?? undefined).attributes;
      for (let k = r.from; k < r.to; k++) (out[k] as NormalizedSpan).resource = res;
    }
    return out;
  }

  // ---- the OTLP structure ----------------------------------------------------------------------------------

  #request(out: NormalizedSpan[], resources: PendingResource[], where: SourceLocation | undefined): void {
    this.#expectByte(LBRACE);
    let seen = false;
    if (!this.#emptyObject()) {
      do {
        const key = this.#key();
        if (key === K.resourceSpans) {
          if (seen) throw GIVE_UP;
          seen = true;
          this.#expectByte(LBRACKET);
          if (!this.#emptyArray()) {
            do this.#resourceSpans(out, resources, where);
            while (this.#nextElement(RBRACKET));
          }
        } else this.#skipValue(0);
      } while (this.#nextElement(RBRACE));
    }
    if (!seen) throw GIVE_UP;
    this.#ws();
    if (this.#i !== this.#end) throw GIVE_UP; // content after the document
  }

  #resourceSpans(out: NormalizedSpan[], resources: PendingResource[], where: SourceLocation | undefined): void {
    this.#expectByte(LBRACE);
    const from = out.length;
    let attributes: Attributes = {};
    let schemaUrl: string | null | undefined;
    let seenSpans = false;
    if (!this.#emptyObject()) {
      do {
        const key = this.#key();
        if (key === K.resource) {
          attributes = {};
          if (!this.#null()) {
            this.#expectByte(LBRACE);
            if (!this.#emptyObject()) {
              do {
                const k = this.#key();
                if (k === K.attributes) attributes = this.#attributesOrNull(0);
                else if (k === K.droppedAttributesCount) {
                  if (!this.#null() && !Number.isSafeInteger(this.#number())) throw GIVE_UP;
                } else this.#skipValue(0);
              } while (this.#nextElement(RBRACE));
            }
          }
        } else if (key === K.scopeSpans) {
          if (seenSpans) throw GIVE_UP;
          seenSpans = true;
          if (!this.#null()) {
            this.#expectByte(LBRACKET);
            if (!this.#emptyArray()) {
              do this.#scopeSpans(out, where);
              while (this.#nextElement(RBRACKET));
            }
          }
        } else if (key === K.schemaUrl) schemaUrl = this.#nullableString();
        else if (key === K.instrumentationLibrarySpans) {
          // Legacy OTLP: its spans come after scopeSpans whatever the key order; the exact path does that.
          if (!this.#null()) {
            this.#expectByte(LBRACKET);
            if (!this.#emptyArray()) throw GIVE_UP;
          }
        } else this.#skipValue(0);
      } while (this.#nextElement(RBRACE));
    }
    resources.push({ attributes, schemaUrl, from, to: out.length });
  }

  #scopeSpans(out: NormalizedSpan[], where: SourceLocation | undefined): void {
    this.#expectByte(LBRACE);
    const from = out.length;
    let scope: { name: string; version?: string } = { name: "" };
    let seenSpans = false;
    let scopeAfterSpans = false;
    if (!this.#emptyObject()) {
      do {
        const key = this.#key();
        if (key === K.scope) {
          scope = this.#scope();
          if (seenSpans) scopeAfterSpans = true;
        } else if (key === K.spans) {
          if (seenSpans) throw GIVE_UP;
          seenSpans = true;
          if (!this.#null()) {
            this.#expectByte(LBRACKET);
            if (!this.#emptyArray()) {
              do out.push(this.#span(scope, where));
              while (this.#nextElement(RBRACKET));
            }
          }
        } else if (key === K.schemaUrl) this.#nullableString();
        else this.#skipValue(0);
      } while (this.#nextElement(RBRACE));
    }
    if (scopeAfterSpans) for (let k = from; k < out.length; k++) (out[k] as NormalizedSpan).scope = scope;
  }

  #scope(): { name: string; version?: string } {
    let name: string | null | undefined;
    let version: string | null | undefined;
    if (!this.#null()) {
      this.#expectByte(LBRACE);
      if (!this.#emptyObject()) {
        do {
          const k = this.#key();
          if (k === K.name) name = this.#nullableString();
          else if (k === K.version) version = this.#nullableString();
          else if (k === K.attributes) this.#attributesOrNull(0);
          else this.#skipValue(0);
        } while (this.#nextElement(RBRACE));
      }
    }
    const scope: { name: string; version?: string } = { name: name ?? "" };
    if (version) scope.version = version;
    return scope;
  }

  #span(scope: { name: string; version?: string }, where: SourceLocation | undefined): NormalizedSpan {
    this.#expectByte(LBRACE);
    let traceId: string | undefined;
    let spanId: string | undefined;
    let parentSpanId: string | null | undefined;
    let name: string | undefined;
    let kind = 0;
    let startNs: bigint | undefined;
    let endNs: bigint | undefined;
    let attributes: Attributes = {};
    let events: NormalizedSpan["events"] = [];
    let links: NormalizedSpan["links"] = [];
    let status: NormalizedSpan["status"] = { code: "unset" };
    if (!this.#emptyObject()) {
      do {
        const key = this.#key();
        switch (key) {
          case K.traceId:
            traceId = this.#hexId(32, true);
            break;
          case K.spanId:
            spanId = this.#hexId(16, false);
            break;
          case K.parentSpanId:
            parentSpanId = this.#null() ? undefined : this.#parentId();
            break;
          case K.name:
            name = this.#string(true);
            break;
          case K.kind:
            kind = this.#enumInt(5);
            break;
          case K.startTimeUnixNano:
            startNs = this.#uint64();
            break;
          case K.endTimeUnixNano:
            endNs = this.#uint64();
            break;
          case K.attributes:
            attributes = this.#attributesOrNull(0);
            break;
          case K.events:
            events = this.#events();
            break;
          case K.links:
            links = this.#links();
            break;
          case K.status:
            status = this.#status();
            break;
          case K.traceState:
            this.#nullableString();
            break;
          default:
            this.#skipValue(0);
        }
      } while (this.#nextElement(RBRACE));
    }
    if (traceId === undefined || spanId === undefined || name === undefined) throw GIVE_UP;
    if (startNs === undefined || endNs === undefined) throw GIVE_UP;
    // Same property order as normalizeTraceRequest's spans: one object shape for both readers.
    const span: NormalizedSpan = {
      traceId,
      spanId,
      name,
      kind: SPAN_KINDS[kind] as SpanKindName,
      startNs,
      endNs,
      durationNs: endNs > startNs ? Number(endNs - startNs) : 0,
      attributes,
      events,
      links,
      status,
      resource: attributes, // replaced by the interned resource once the line is read
      scope,
    };
    if (parentSpanId) span.parentSpanId = parentSpanId;
    if (where) span.source = where;
    return span;
  }

  #events(): NormalizedSpan["events"] {
    const events: NormalizedSpan["events"] = [];
    if (this.#null()) return events;
    this.#expectByte(LBRACKET);
    if (this.#emptyArray()) return events;
    do {
      this.#expectByte(LBRACE);
      let timeNs: bigint | undefined;
      let name: string | undefined;
      let attributes: Attributes = {};
      if (!this.#emptyObject()) {
        do {
          const k = this.#key();
          if (k === K.timeUnixNano) timeNs = this.#uint64();
          else if (k === K.name) name = this.#string(true);
          else if (k === K.attributes) attributes = this.#attributesOrNull(0);
          else this.#skipValue(0);
        } while (this.#nextElement(RBRACE));
      }
      if (timeNs === undefined || name === undefined) throw GIVE_UP;
      events.push({ name, timeNs, attributes });
    } while (this.#nextElement(RBRACKET));
    return events;
  }

  #links(): NormalizedSpan["links"] {
    const links: NormalizedSpan["links"] = [];
    if (this.#null()) return links;
    this.#expectByte(LBRACKET);
    if (this.#emptyArray()) return links;
    do {
      this.#expectByte(LBRACE);
      let traceId: string | undefined;
      let spanId: string | undefined;
      let attributes: Attributes = {};
      if (!this.#emptyObject()) {
        do {
          const k = this.#key();
          if (k === K.traceId) traceId = this.#hexId(32, false);
          else if (k === K.spanId) spanId = this.#hexId(16, false);
          else if (k === K.traceState) this.#nullableString();
          else if (k === K.attributes) attributes = this.#attributesOrNull(0);
          else this.#skipValue(0);
        } while (this.#nextElement(RBRACE));
      }
      if (traceId === undefined || spanId === undefined) throw GIVE_UP;
      links.push({ traceId, spanId, attributes });
    } while (this.#nextElement(RBRACKET));
    return links;
  }

  #status(): NormalizedSpan["status"] {
    let code = 0;
    let message: string | null | undefined;
    if (!this.#null()) {
      this.#expectByte(LBRACE);
      if (!this.#emptyObject()) {
        do {
          const k = this.#key();
          if (k === K.code) code = this.#enumInt(2);
          else if (k === K.message) message = this.#nullableString();
          else this.#skipValue(0);
        } while (this.#nextElement(RBRACE));
      }
    }
    const status: NormalizedSpan["status"] = { code: STATUS_CODES[code] as StatusCodeName };
    if (message) status.message = message;
    return status;
  }

  /** An attribute list (null: none) as decodeAttributes makes it. */
  #attributesOrNull(depth: number): Attributes {
    const out: Attributes = {};
    if (this.#null()) return out;
    this.#expectByte(LBRACKET);
    if (this.#emptyArray()) return out;
    let n = 0;
    do {
      this.#ws();
      if (this.#plainEntry(depth, n)) {
        const key = this.#entryKey;
        if (key === "__proto__") setAttribute(out, key, this.#entryValue);
        else out[key] = this.#entryValue;
        n++;
        continue;
      }
      this.#expectByte(LBRACE);
      let key: string | undefined;
      let value: AttributeValue = null;
      if (!this.#emptyObject()) {
        do {
          const k = this.#key();
          if (k === K.key) key = depth === 0 ? this.#attributeKey(n) : this.#string(true);
          else if (k === K.value) value = this.#null() ? null : this.#anyValue(depth + 1);
          else this.#skipValue(depth + 1);
        } while (this.#nextElement(RBRACE));
      }
      if (key === undefined) throw GIVE_UP;
      if (key === "__proto__") setAttribute(out, key, value);
      else out[key] = value;
      n++;
    } while (this.#nextElement(RBRACKET));
    return out;
  }

  /**
   * The usual spelling of a KeyValue, `{"key":"…","value":{…}}` with nothing between the tokens: read without the
   * member dispatch (into #entryKey/#entryValue), giving what the general loop gives for the same bytes. Any other
   * spelling: false, with nothing consumed, and the general loop reads it.
   */
  #plainEntry(depth: number, n: number): boolean {
    const b = this.#b;
    const end = this.#end;
    const i = this.#i;
    if (
      i + 8 >= end ||
      b[i] !== LBRACE ||
      b[i + 1] !== QUOTE ||
      b[i + 2] !== 0x6b || // k
      b[i + 3] !== 0x65 || // e
      b[i + 4] !== 0x79 || // y
      b[i + 5] !== QUOTE ||
      b[i + 6] !== COLON ||
      b[i + 7] !== QUOTE
    ) {
      return false;
    }
    this.#i = i + 7;
    const key = depth === 0 ? this.#attributeKey(n) : this.#string(true);
    const j = this.#i;
    if (
      j + 10 >= end ||
      b[j] !== COMMA ||
      b[j + 1] !== QUOTE ||
      b[j + 2] !== 0x76 || // v
      b[j + 3] !== 0x61 || // a
      b[j + 4] !== 0x6c || // l
      b[j + 5] !== 0x75 || // u
      b[j + 6] !== 0x65 || // e
      b[j + 7] !== QUOTE ||
      b[j + 8] !== COLON ||
      b[j + 9] !== LBRACE
    ) {
      this.#i = i;
      return false;
    }
    this.#i = j + 9;
    const value = this.#anyValue(depth + 1);
    if (this.#i >= end || b[this.#i] !== RBRACE) {
      this.#i = i;
      return false;
    }
    this.#i++;
    this.#entryKey = key;
    this.#entryValue = value;
    return true;
  }

  /**
   * The n-th attribute key of a span's list. Spans of one kind list the same keys in the same order, so the key
   * at this place in the previous list is compared first (bytes then a closing quote: the same plain string).
   */
  #attributeKey(n: number): string {
    this.#ws();
    const b = this.#b;
    const at = this.#i + 1;
    const guess = this.#lastKeys[n];
    if (guess !== undefined && b[this.#i] === QUOTE) {
      const to = at + guess.bytes.length;
      if (to < this.#end && b[to] === QUOTE && sameBytes(guess.bytes, b, at, to)) {
        this.#i = to + 1;
        return guess.text;
      }
    }
    const key = this.#string(true);
    if (n < 64) this.#lastKeys[n] = this.#lastInterned;
    return key;
  }

  /** An AnyValue object (not null) as decodeAnyValue decodes it, first present member by its order. */
  #anyValue(depth: number): AttributeValue {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    this.#expectByte(LBRACE);
    if (this.#emptyObject()) return null;
    // Usually exactly one member: return it unless another one follows.
    let value: AttributeValue = null;
    let rank = 99;
    do {
      const k = this.#key();
      let v: AttributeValue;
      let r: number;
      switch (k) {
        case K.stringValue:
          v = this.#string(true);
          r = 0;
          break;
        case K.boolValue:
          v = this.#bool();
          r = 1;
          break;
        case K.intValue:
          v = this.#intValue();
          r = 2;
          break;
        case K.doubleValue:
          v = this.#doubleValue();
          r = 3;
          break;
        case K.arrayValue:
          v = this.#arrayValue(depth);
          r = 4;
          break;
        case K.kvlistValue:
          v = this.#kvlistValue(depth);
          r = 5;
          break;
        case K.bytesValue: {
          const s = this.#string(false);
          if (!BASE64.test(s)) throw GIVE_UP;
          v = new Uint8Array(Buffer.from(s, "base64"));
          r = 6;
          break;
        }
        default:
          this.#skipValue(depth + 1);
          continue;
      }
      // A repeated member: JSON keeps the last one; of different members decodeAnyValue takes the first in order.
      if (r <= rank) {
        value = v;
        rank = r;
      }
    } while (this.#nextElement(RBRACE));
    if (rank === 99) return null;
    return value;
  }

  #arrayValue(depth: number): AttributeValue[] {
    this.#expectByte(LBRACE);
    let values: AttributeValue[] = [];
    if (!this.#emptyObject()) {
      do {
        const k = this.#key();
        if (k === K.values) {
          values = [];
          this.#expectByte(LBRACKET);
          if (!this.#emptyArray()) {
            do {
              if (this.#null()) throw GIVE_UP; // an element must be an AnyValue object
              values.push(this.#anyValue(depth + 1));
            } while (this.#nextElement(RBRACKET));
          }
        } else this.#skipValue(depth + 1);
      } while (this.#nextElement(RBRACE));
    }
    return values;
  }

  #kvlistValue(depth: number): Attributes {
    this.#expectByte(LBRACE);
    let values: Attributes = {};
    if (!this.#emptyObject()) {
      do {
        const k = this.#key();
        if (k === K.values) {
          if (this.#peek() !== LBRACKET) throw GIVE_UP;
          values = this.#attributesOrNull(depth + 1);
        } else this.#skipValue(depth + 1);
      } while (this.#nextElement(RBRACE));
    }
    return values;
  }

  #intValue(): number | bigint {
    if (this.#peek() === QUOTE) {
      const s = this.#string(false);
      if (!INT64.test(s)) throw GIVE_UP;
      if (s.length <= 15) {
        const n = Number(s);
        return n === 0 ? 0 : n; // "-0" is 0 (through BigInt in the exact path)
      }
      const b = BigInt(s);
      return b <= MAX_SAFE && b >= -MAX_SAFE ? Number(b) : b;
    }
    const n = this.#number();
    if (!Number.isSafeInteger(n)) throw GIVE_UP;
    return n;
  }

  #doubleValue(): number {
    if (this.#peek() === QUOTE) {
      const s = this.#string(false);
      if (s === "NaN") return Number.NaN;
      if (s === "Infinity") return Number.POSITIVE_INFINITY;
      if (s === "-Infinity") return Number.NEGATIVE_INFINITY;
      throw GIVE_UP;
    }
    return this.#number();
  }

  #uint64(): bigint {
    this.#ws();
    const b = this.#b;
    if (b[this.#i] === QUOTE) {
      // A decimal string of 1 to 20 digits (what the exact path's pattern takes).
      const from = this.#i + 1;
      let i = from;
      while (i < this.#end && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i++;
      if (i === from || i - from > 20 || i >= this.#end || b[i] !== QUOTE) throw GIVE_UP;
      this.#i = i + 1;
      return BigInt(b.latin1Slice(from, i));
    }
    const n = this.#number();
    if (!Number.isSafeInteger(n) || n < 0) throw GIVE_UP;
    return BigInt(n);
  }

  #enumInt(max: number): number {
    if (this.#null()) return 0;
    const n = this.#number();
    if (!Number.isSafeInteger(n) || n < 0 || n > max) throw GIVE_UP;
    return n;
  }

  /** A hex id of `digits` digits, lowercased. */
  #hexId(digits: number, intern: boolean): string {
    this.#ws();
    const b = this.#b;
    let i = this.#i;
    if (b[i] !== QUOTE) throw GIVE_UP;
    i++;
    const from = i;
    let upper = false;
    const to = from + digits;
    if (to >= this.#end) throw GIVE_UP;
    for (; i < to; i++) {
      const c = b[i] as number;
      if (c >= 0x30 && c <= 0x39) continue;
      if (c >= 0x61 && c <= 0x66) continue;
      if (c >= 0x41 && c <= 0x46) {
        upper = true;
        continue;
      }
      throw GIVE_UP;
    }
    if (b[i] !== QUOTE) throw GIVE_UP;
    this.#i = i + 1;
    const s = intern ? this.#internBytes(from, to) : b.latin1Slice(from, to);
    return upper ? s.toLowerCase() : s;
  }

  /** parentSpanId: 16 hex digits or "" (no parent). */
  #parentId(): string {
    this.#ws();
    if (this.#i + 1 < this.#end && this.#b[this.#i] === QUOTE && this.#b[this.#i + 1] === QUOTE) {
      this.#i += 2;
      return "";
    }
    return this.#hexId(16, false);
  }

  // ---- JSON -------------------------------------------------------------------------------------------------

  #ws(): void {
    const b = this.#b;
    const end = this.#end;
    let i = this.#i;
    while (i < end) {
      const c = b[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.#i = i;
  }

  #peek(): number {
    this.#ws();
    return this.#i < this.#end ? (this.#b[this.#i] as number) : -1;
  }

  #expectByte(c: number): void {
    this.#ws();
    if (this.#i >= this.#end || this.#b[this.#i] !== c) throw GIVE_UP;
    this.#i++;
  }

  /** After `{`: true (and past the `}`) when the object is empty. */
  #emptyObject(): boolean {
    this.#ws();
    if (this.#b[this.#i] === RBRACE && this.#i < this.#end) {
      this.#i++;
      return true;
    }
    return false;
  }

  #emptyArray(): boolean {
    this.#ws();
    if (this.#b[this.#i] === RBRACKET && this.#i < this.#end) {
      this.#i++;
      return true;
    }
    return false;
  }

  /** After a member or element: true at `,` (another follows), false at the closing byte. */
  #nextElement(close: number): boolean {
    this.#ws();
    if (this.#i >= this.#end) throw GIVE_UP;
    const c = this.#b[this.#i];
    this.#i++;
    if (c === COMMA) return true;
    if (c === close) return false;
    throw GIVE_UP;
  }

  /** A member name and its colon, as its K code (-1: a name the reader skips); escapes are left to the exact path. */
  #key(): number {
    this.#ws();
    const b = this.#b;
    const q = this.#i;
    if (b[q] !== QUOTE || q >= this.#end) throw GIVE_UP;
    // Known names straight from the bytes: the name's bytes, then a closing quote (so no escape is involved).
    const candidates = KEYS_BY_FIRST_BYTE[b[q + 1] as number];
    if (candidates !== undefined) {
      for (const c of candidates) {
        const to = q + 1 + c.bytes.length;
        if (to < this.#end && b[to] === QUOTE && sameBytes(c.bytes, b, q + 1, to)) {
          this.#i = to + 1;
          this.#expectByte(COLON);
          return c.code;
        }
      }
    }
    const to = this.#scanString(q + 1);
    if (!this.#simple) throw GIVE_UP; // an escape could spell a known name
    this.#i = to + 1;
    this.#expectByte(COLON);
    return -1;
  }

  /** `null` (consumed: true) or something else (untouched: false). */
  #null(): boolean {
    this.#ws();
    const b = this.#b;
    const i = this.#i;
    if (b[i] === 0x6e && i + 4 <= this.#end && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) {
      this.#i = i + 4;
      return true;
    }
    return false;
  }

  #bool(): boolean {
    this.#ws();
    const b = this.#b;
    const i = this.#i;
    if (b[i] === 0x74 && i + 4 <= this.#end && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
      this.#i = i + 4;
      return true;
    }
    if (
      b[i] === 0x66 &&
      i + 5 <= this.#end &&
      b[i + 1] === 0x61 &&
      b[i + 2] === 0x6c &&
      b[i + 3] === 0x73 &&
      b[i + 4] === 0x65
    ) {
      this.#i = i + 5;
      return false;
    }
    throw GIVE_UP;
  }

  #nullableString(): string | null {
    return this.#null() ? null : this.#string(false);
  }

  /** A JSON string (its value). Short plain ones are interned when `intern` (names that repeat). */
  #string(intern: boolean): string {
    this.#ws();
    const b = this.#b;
    if (b[this.#i] !== QUOTE || this.#i >= this.#end) throw GIVE_UP;
    const from = this.#i + 1;
    const to = this.#scanString(from);
    this.#i = to + 1;
    if (this.#simple)
      return intern && to - from <= MAX_INTERNED ? this.#internBytes(from, to) : b.latin1Slice(from, to);
    // Escapes or UTF-8: decode exactly as JSON.parse of the line's text would.
    this.#lastInterned = undefined;
    const text = b.utf8Slice(from - 1, to + 1);
    try {
      return JSON.parse(text) as string;
    } catch {
      throw GIVE_UP;
    }
  }

  /** From just after an opening quote: the index of the closing quote; sets #simple. */
  #scanString(from: number): number {
    const b = this.#b;
    const end = this.#end;
    let simple = true;
    let i = from;
    for (;;) {
      if (i >= end) throw GIVE_UP;
      const c = b[i] as number;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        simple = false;
        i += 2;
        continue;
      }
      if (c < 0x20) throw GIVE_UP;
      if (c >= 0x80) simple = false;
      i++;
    }
    this.#simple = simple;
    return i;
  }

  /**
   * A JSON number's value (what JSON.parse gives for it). Decimals whose digits make an integer below 2^53 with
   * at most 22 of them after the point are one exact division (correctly rounded, as JSON.parse is); anything
   * else (exponents, longer mantissas) goes through Number().
   */
  #number(): number {
    this.#ws();
    const b = this.#b;
    const end = this.#end;
    const from = this.#i;
    let i = from;
    let neg = false;
    if (b[i] === MINUS) {
      neg = true;
      i++;
    }
    let c = i < end ? (b[i] as number) : -1;
    if (c < 0x30 || c > 0x39) throw GIVE_UP;
    let v = 0;
    let exact = true;
    if (c === 0x30) i++;
    else {
      while (i < end) {
        c = b[i] as number;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
        i++;
      }
      if (v > TWO_53) exact = false;
    }
    let fraction = 0;
    c = i < end ? (b[i] as number) : -1;
    if (c === 0x2e) {
      i++;
      const f = i;
      while (i < end) {
        c = b[i] as number;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
        i++;
      }
      fraction = i - f;
      if (fraction === 0) throw GIVE_UP;
      if (v > TWO_53 || fraction > 22) exact = false;
      c = i < end ? (b[i] as number) : -1;
    }
    if (c === 0x65 || c === 0x45) {
      exact = false;
      i++;
      c = i < end ? (b[i] as number) : -1;
      if (c === 0x2b || c === MINUS) i++;
      const f = i;
      while (i < end && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i++;
      if (i === f) throw GIVE_UP;
    }
    this.#i = i;
    if (exact) {
      const m = fraction === 0 ? v : v / (POW10[fraction] as number);
      return neg ? -m : m; // -0 for "-0", as JSON.parse
    }
    return Number(b.latin1Slice(from, i));
  }

  /** Skips (and checks) any JSON value. */
  #skipValue(depth: number): void {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const c = this.#peek();
    if (c === QUOTE) {
      this.#string(false);
    } else if (c === LBRACE) {
      this.#i++;
      if (this.#emptyObject()) return;
      do {
        this.#ws();
        if (this.#b[this.#i] !== QUOTE) throw GIVE_UP;
        this.#string(false);
        this.#expectByte(COLON);
        this.#skipValue(depth + 1);
      } while (this.#nextElement(RBRACE));
    } else if (c === LBRACKET) {
      this.#i++;
      if (this.#emptyArray()) return;
      do this.#skipValue(depth + 1);
      while (this.#nextElement(RBRACKET));
    } else if (c === 0x74 || c === 0x66) {
      this.#bool();
    } else if (c === 0x6e) {
      if (!this.#null()) throw GIVE_UP;
    } else this.#number();
  }

  /**
   * One string per distinct byte sequence (plain ASCII, from..to), so repeated keys, names and values share one
   * string: a cheap hash picks a slot, the bytes are compared, a miss replaces the slot.
   */
  #internBytes(from: number, to: number): string {
    const b = this.#b;
    const len = to - from;
    if (len === 0) {
      this.#lastInterned = undefined;
      return "";
    }
    const h =
      (len * 0x9e3 +
        (b[from] as number) * 0x1f +
        (b[to - 1] as number) * 0x3b5 +
        (b[from + (len >> 1)] as number) * 0x65 +
        (b[from + (len >> 2)] as number) * 0x7) &
      (INTERN_SLOTS - 1);
    const slot = this.#interned[h];
    if (slot !== undefined && sameBytes(slot.bytes, b, from, to)) {
      this.#lastInterned = slot;
      return slot.text;
    }
    const entry = { bytes: Uint8Array.prototype.slice.call(b, from, to), text: b.latin1Slice(from, to) };
    this.#interned[h] = entry;
    this.#lastInterned = entry;
    return entry.text;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  if (a.length !== to - from) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[from + i]) return false;
  return true;
}
