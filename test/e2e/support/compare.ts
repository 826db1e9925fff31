// Helpers shared by the e2e tests: the known truth is the OTLP/JSON pipespan wrote locally for the same run;
// what the backends return is compared with it.
import type { AttributeValue, NormalizedSpan } from "@pipespan/findings";
import { ATTR_CICD_PIPELINE_TASK_NAME, ATTR_PIPESPAN_FINDING_RULE, ATTR_PROCESS_PID } from "@pipespan/semconv";

/** The run span: the root of the trace. */
export function rootOf<T extends { parentSpanId?: string }>(spans: readonly T[]): T {
  const roots = spans.filter((s) => !s.parentSpanId);
  if (roots.length !== 1) throw new Error(`expected one root span, found ${roots.length}`);
  return roots[0]!;
}

type Attrs = Record<string, unknown>;

/** A task span: has a task name, is not a process or finding span. */
export function isTaskSpan(attrs: Attrs): boolean {
  return (
    attrs[ATTR_CICD_PIPELINE_TASK_NAME] !== undefined &&
    attrs[ATTR_PROCESS_PID] === undefined &&
    attrs[ATTR_PIPESPAN_FINDING_RULE] === undefined
  );
}

/** A process span: has a pid and is not a finding span (a finding about a process names its pid too). */
export function isProcessSpan(attrs: Attrs): boolean {
  return attrs[ATTR_PROCESS_PID] !== undefined && attrs[ATTR_PIPESPAN_FINDING_RULE] === undefined;
}

export function isFindingSpan(attrs: Attrs): boolean {
  return attrs[ATTR_PIPESPAN_FINDING_RULE] !== undefined;
}

/**
 * Whether a Jaeger tag value carries the same information as an OTLP attribute value. Jaeger keeps OTLP ints as
 * int64 and doubles as float64 (so 2.0 may come back as 2); arrays and maps come back as JSON strings.
 */
export function sameValue(local: AttributeValue, remote: string | number | boolean | undefined): boolean {
  if (remote === undefined) return false;
  if (typeof local === "bigint") return String(local) === String(remote);
  if (typeof local === "number")
    return typeof remote === "number" && Math.abs(local - remote) <= 1e-9 * Math.max(1, Math.abs(local));
  if (typeof local === "string" || typeof local === "boolean") return local === remote;
  if (Array.isArray(local) || (local !== null && typeof local === "object" && !(local instanceof Uint8Array))) {
    try {
      return JSON.stringify(JSON.parse(String(remote))) === JSON.stringify(local);
    } catch {
      return false;
    }
  }
  return true; // bytes / null: not used by pipespan
}

/** Task spans of a locally written run, grouped by task name. */
export function tasksByName(spans: readonly NormalizedSpan[]): Map<string, NormalizedSpan[]> {
  const out = new Map<string, NormalizedSpan[]>();
  for (const s of spans) {
    if (!isTaskSpan(s.attributes)) continue;
    const name = String(s.attributes[ATTR_CICD_PIPELINE_TASK_NAME]);
    out.set(name, [...(out.get(name) ?? []), s]);
  }
  return out;
}

export function numberAttr(s: NormalizedSpan, key: string): number | undefined {
  const v = s.attributes[key];
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined;
}
