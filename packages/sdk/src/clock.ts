import type { HrTime } from "@opentelemetry/api";
import { hrTimeFromNs, nowNs } from "@pipespan/semconv";

/**
 * The one clock the SDK stamps its spans with (@pipespan/semconv's monotonic clock, as the agent's). Left to
 * itself, the OTel SDK anchors each span to Date.now() at its start, whose millisecond steps can put a parent's
 * end a fraction of a millisecond before its child's; explicit times from one clock keep parents around children.
 */
export function spanTime(): HrTime {
  return hrTimeFromNs(nowNs());
}
