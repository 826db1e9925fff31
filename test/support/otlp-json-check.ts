// Checks that a value is a valid OTLP/JSON ExportTraceServiceRequest / ExportMetricsServiceRequest against the
// OTLP .proto definitions (test/support/otlp-proto), then round-trips it through protobuf binary (encode → decode) so tests can compare
// what a protobuf receiver would see with what was written.
//
// OTLP/JSON (OTLP spec, "JSON Protobuf Encoding") is the proto3 JSON mapping with three differences we enforce:
// traceId/spanId/parentSpanId are hex (not base64), enums are integers (not names), keys are lowerCamelCase.
// 64-bit integers may be JSON numbers or decimal strings (proto3 JSON accepts both).

import { join } from "node:path";
import Long from "long";
import protobuf from "protobufjs";
import { METRICS_SERVICE_PROTO, OTLP_PROTOS_ROOT, TRACE_SERVICE_PROTO } from "./otlp-protos.js";

// Make sure int64 fields decode to Long (exact), never to lossy JS numbers.
protobuf.util.Long = Long as unknown as typeof protobuf.util.Long;
protobuf.configure();

const HEX_ID_LENGTH: Record<string, number> = { traceId: 32, spanId: 16, parentSpanId: 16 };
const INT64 = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const INT32 = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32"]);

let cachedRoot: protobuf.Root | undefined;
export function otlpRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith("/") ? target : join(OTLP_PROTOS_ROOT, target));
  root.loadSync([TRACE_SERVICE_PROTO, METRICS_SERVICE_PROTO], { keepCase: false });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

export type OtlpKind = "traces" | "metrics";
const REQUEST_TYPE: Record<OtlpKind, string> = {
  traces: "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest",
  metrics: "opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest",
};

/** Throws a path-qualified error at the first place `json` is not valid OTLP/JSON for the request type. */
export function assertOtlpJson(json: unknown, kind: OtlpKind): void {
  checkMessage(otlpRoot().lookupType(REQUEST_TYPE[kind]), json, "$");
}

function checkMessage(type: protobuf.Type, value: unknown, path: string): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "expected an object");
  const oneofsSeen = new Map<string, string>();
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = `${path}.${key}`;
    const field = type.fields[key];
    if (!field) fail(at, `unknown field for ${type.name}`);
    if (v === null || v === undefined) continue; // proto3 JSON: null means default
    if (field.partOf) {
      const other = oneofsSeen.get(field.partOf.name);
      if (other) fail(at, `oneof ${field.partOf.name} already set by ${other}`);
      oneofsSeen.set(field.partOf.name, key);
    }
    if (field.repeated) {
      if (!Array.isArray(v)) fail(at, "expected an array");
      for (const [i, item] of v.entries()) checkField(field, item, `${at}[${i}]`);
    } else {
      checkField(field, v, at);
    }
  }
}

function checkField(field: protobuf.Field, v: unknown, at: string): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    checkMessage(resolved, v, at);
    return;
  }
  if (resolved instanceof protobuf.Enum) {
    if (typeof v !== "number" || !Number.isInteger(v))
      fail(at, `enum ${resolved.name} must be an integer in OTLP/JSON`);
    if (!Object.values(resolved.values).includes(v)) fail(at, `${v} is not a value of ${resolved.name}`);
    return;
  }
  checkScalar(field.type, field.name, v, at);
}

function checkScalar(type: string, name: string, v: unknown, at: string): void {
  if (type === "bytes") {
    if (typeof v !== "string") fail(at, "bytes must be a string");
    const hexLen = HEX_ID_LENGTH[name];
    if (hexLen !== undefined) {
      if (!(v === "" && name === "parentSpanId") && !new RegExp(`^[0-9a-f]{${hexLen}}$`).test(v)) {
        fail(at, `${name} must be ${hexLen} lowercase hex digits in OTLP/JSON`);
      }
    } else if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
      fail(at, "bytes must be base64");
    }
    return;
  }
  if (type === "string") {
    if (typeof v !== "string") fail(at, "expected a string");
    return;
  }
  if (type === "bool") {
    if (typeof v !== "boolean") fail(at, "expected a boolean");
    return;
  }
  if (type === "double" || type === "float") {
    if (typeof v !== "number" && !["NaN", "Infinity", "-Infinity"].includes(v as string)) fail(at, "expected a number");
    return;
  }
  if (INT64.has(type)) {
    const ok = (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^-?\d+$/.test(v));
    if (!ok) fail(at, `${type} must be an integer number or a decimal string`);
    if (type.startsWith("u") || type === "fixed64") {
      if (BigInt(v as number | string) < 0n) fail(at, `${type} must not be negative`);
    }
    return;
  }
  if (INT32.has(type)) {
    if (typeof v !== "number" || !Number.isInteger(v)) fail(at, `${type} must be an integer`);
    return;
  }
  fail(at, `unhandled scalar type ${type}`);
}

function fail(path: string, msg: string): never {
  throw new Error(`not valid OTLP/JSON at ${path}: ${msg}`);
}

/** Hex ids → bytes: the proto3-JSON-compatible object protobufjs understands. */
function toProtoObject(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key];
    if (!field || v === null || v === undefined) continue;
    const convert = (item: unknown): unknown => {
      if (field.resolvedType instanceof protobuf.Type) {
        return toProtoObject(field.resolvedType, item as Record<string, unknown>);
      }
      if (field.type === "bytes" && HEX_ID_LENGTH[key] !== undefined) return Buffer.from(item as string, "hex");
      return item;
    };
    out[key] = field.repeated ? (v as unknown[]).map(convert) : convert(v);
  }
  return out;
}

export interface RoundTrip {
  /** The binary protobuf encoding of the request. */
  bytes: Uint8Array;
  /** The request decoded back: longs as strings, enums as numbers, bytes as Buffers, oneof names set. */
  decoded: Record<string, unknown>;
}

/**
 * assertOtlpJson, then fromObject → verify() must be null → encode → decode. Throws on any problem.
 */
export function otlpJsonRoundTrip(json: unknown, kind: OtlpKind): RoundTrip {
  assertOtlpJson(json, kind);
  const type = otlpRoot().lookupType(REQUEST_TYPE[kind]);
  const message = type.fromObject(toProtoObject(type, json as Record<string, unknown>));
  const problem = type.verify(message);
  if (problem !== null) throw new Error(`protobuf verify failed: ${problem}`);
  const bytes = type.encode(message).finish();
  const decoded = type.toObject(type.decode(bytes), { longs: String, enums: Number, oneofs: true, defaults: false });
  return { bytes, decoded };
}
