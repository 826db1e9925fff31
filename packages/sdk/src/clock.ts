import type { HrTime } from "@opentelemetry/api";
import { hrTime } from "@opentelemetry/core";

/**
 * The one clock the SDK stamps its spans with (performance.timeOrigin + performance.now(): monotonic). Left to
 * itself, the OTel SDK anchors each span to Date.now() at its start, whose millisecond steps can put a parent's
 * end a fraction of a millisecond before its child's; explicit times from one clock keep parents around children.
 */
export function spanTime(): HrTime {
  return hrTime();
}
