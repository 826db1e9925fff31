// The W3C traceparent value (https://www.w3.org/TR/trace-context/#traceparent-header), parsed and formatted once
// for every package: the SDK reads it from its own environment, the agent from other processes' environments, and
// `pipespan run` hands it to its command. Input comes from another process: bounded, strict, and never a throw.

/** Longest TRACEPARENT accepted. Version 00 is exactly 55 characters; later versions may append fields. */
export const MAX_TRACEPARENT_LENGTH = 512;

/** Longest TRACESTATE accepted (W3C asks carriers to keep at least 512 characters; 32 members at most). */
export const MAX_TRACESTATE_LENGTH = 4096;

/** A parsed traceparent: the ids and flags, or why the value was rejected (one line). */
export type TraceparentParse =
  | { ok: true; traceId: string; spanId: string; traceFlags: number }
  | { ok: false; reason: string };

const HEX2 = /^[0-9a-f]{2}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const ALL_ZEROS = /^0+$/;
const VERSION_00_LENGTH = 55; // "00-" + 32 + "-" + 16 + "-" + 2
const SAMPLED = 0x01;

/** A value shown in an error line: JSON-quoted (control characters escaped), cut after `max` characters. */
export function previewValue(value: string, max = 64): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}

/**
 * Parses a traceparent strictly: lower-case hex only, non-zero ids, version ff forbidden, version 00 exactly 55
 * characters, later versions accepted when their first four fields are well-formed (as the spec asks of
 * version-00 parsers). Surrounding blanks are allowed, as the header grammar allows them.
 */
export function parseTraceparent(raw: string): TraceparentParse {
  if (raw.length > MAX_TRACEPARENT_LENGTH) {
    return { ok: false, reason: `longer than ${MAX_TRACEPARENT_LENGTH} characters (${raw.length})` };
  }
  const value = raw.replace(/^[ \t]+|[ \t]+$/g, "");
  const version = value.slice(0, 2);
  if (!HEX2.test(version)) {
    return { ok: false, reason: `version ${previewValue(version)} is not two lower-case hex digits` };
  }
  if (version === "ff") return { ok: false, reason: "version ff is invalid" };
  if (version === "00" && value.length !== VERSION_00_LENGTH) {
    return { ok: false, reason: `version 00 must be ${VERSION_00_LENGTH} characters, got ${value.length}` };
  }
  const shape = `not of the form version-traceid-parentid-flags: ${previewValue(value)}`;
  if (value.length < VERSION_00_LENGTH || (value.length > VERSION_00_LENGTH && value[VERSION_00_LENGTH] !== "-")) {
    return { ok: false, reason: shape };
  }
  if (value[2] !== "-" || value[35] !== "-" || value[52] !== "-") return { ok: false, reason: shape };
  const traceId = value.slice(3, 35);
  const spanId = value.slice(36, 52);
  const flags = value.slice(53, 55);
  if (!HEX32.test(traceId)) return { ok: false, reason: "trace-id is not 32 lower-case hex digits" };
  if (ALL_ZEROS.test(traceId)) return { ok: false, reason: "trace-id is all zeros" };
  if (!HEX16.test(spanId)) return { ok: false, reason: "parent-id is not 16 lower-case hex digits" };
  if (ALL_ZEROS.test(spanId)) return { ok: false, reason: "parent-id is all zeros" };
  if (!HEX2.test(flags)) return { ok: false, reason: "trace-flags is not two lower-case hex digits" };
  return { ok: true, traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/** Formats ids and flags as a version-00 traceparent (only the sampled flag is carried, as W3C defines it). */
export function formatTraceparent(sc: { traceId: string; spanId: string; traceFlags: number }): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & SAMPLED) === SAMPLED ? "01" : "00"}`;
}
