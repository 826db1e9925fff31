// pipespan's own figures as OTel metrics (conventions/model/reliability.yaml): events handled, drops by reason,
// kernel map fill, the export queue, and — for the host agent — its RSS, the processes it holds and the clock
// anchor. Observable instruments: read when the metrics are collected (files, OTLP, /metrics alike).
import type { Meter, ObservableResult } from "@opentelemetry/api";
import {
  ATTR_PIPESPAN_DROP_REASON,
  ATTR_PIPESPAN_EXPORT_SIGNAL,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_PIPESPAN_SOURCE_MAP,
  METRIC_PIPESPAN_AGENT_CLOCK_ADJUSTMENT,
  METRIC_PIPESPAN_AGENT_MEMORY_RSS,
  METRIC_PIPESPAN_AGENT_PROCESSES,
  METRIC_PIPESPAN_EXPORT_DROPPED,
  METRIC_PIPESPAN_EXPORT_QUEUE_LIMIT,
  METRIC_PIPESPAN_EXPORT_QUEUE_USAGE,
  METRIC_PIPESPAN_EXPORT_SENT,
  METRIC_PIPESPAN_SOURCE_DROPPED,
  METRIC_PIPESPAN_SOURCE_EVENTS,
  METRIC_PIPESPAN_SOURCE_MAP_LIMIT,
  METRIC_PIPESPAN_SOURCE_MAP_USAGE,
  PIPESPAN_DROP_REASON_VALUE_SPAN_QUEUE_FULL,
  PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS,
  PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES,
  PIPESPAN_SOURCE_MAP_VALUE_COUNTERS,
  PIPESPAN_SOURCE_MAP_VALUE_THREADS,
  PIPESPAN_SOURCE_MAP_VALUE_TRACKED,
} from "@pipespan/semconv";
import type { Shipper } from "../export/shipper.js";
import type { DropCounts, DropReason } from "../run/drops.js";
import type { KernelMapLimits } from "../source/kernel/kernel-source.js";
import type { SourceName } from "../source/types.js";

export interface SelfMetricsOptions {
  readonly meter: Meter;
  readonly source: SourceName;
  readonly drops: DropCounts;
  /** Events delivered by the source so far. */
  readonly events: () => number;
  readonly shipper?: Shipper;
  /** Export items dropped, by signal and reason (the shipper reports them). */
  readonly exportDropsBySignal?: Record<"traces" | "metrics", DropCounts>;
  /** Spans the SDK's batch queue dropped because it was full (exported as reason span_queue_full). */
  readonly spanQueueDropped?: () => number;
  readonly queueLimitBytes?: number;
  /** Kernel map figures (eBPF source). */
  readonly maps?: () => { limits?: KernelMapLimits; counters: number; tracked?: number } | undefined;
  /** The host agent's own figures. */
  readonly agent?: { processes: () => number; clockAdjustmentNs: () => number };
}

const SOURCE_REASONS: Record<SourceName, readonly DropReason[]> = {
  ebpf: [
    "ring_buffer_full",
    "counters_map_full",
    "tracked_map_full",
    "thread_map_full",
    "argv_unreadable",
    "block_latency_map_full",
    "decode_error",
    "env_unreadable",
    "unknown_process",
  ],
  procfs: ["process_vanished", "root_exited_early", "unknown_process"],
};

/** Registers the instruments; they are read at every collection. */
export function registerSelfMetrics(o: SelfMetricsOptions): void {
  const m = o.meter;
  const src = { [ATTR_PIPESPAN_RUN_SOURCE]: o.source };
  m.createObservableCounter(METRIC_PIPESPAN_SOURCE_EVENTS, {
    unit: "{event}",
    description: "Events the source delivered",
  }).addCallback((r) => r.observe(safe(o.events), src));
  m.createObservableCounter(METRIC_PIPESPAN_SOURCE_DROPPED, {
    unit: "{event}",
    description: "Events or measurements the source lost, by reason",
  }).addCallback((r) => {
    // Every reason the source can have, zeros included: "nothing lost" is a fact worth exporting.
    const reasons = new Set<DropReason>([...SOURCE_REASONS[o.source], ...o.drops.entries().map(([reason]) => reason)]);
    for (const reason of reasons) r.observe(o.drops.get(reason), { ...src, [ATTR_PIPESPAN_DROP_REASON]: reason });
  });
  if (o.maps) {
    const maps = o.maps;
    m.createObservableGauge(METRIC_PIPESPAN_SOURCE_MAP_USAGE, {
      unit: "{entry}",
      description: "Entries in use in a kernel map",
    }).addCallback((r) => {
      const f = safeObj(maps);
      if (!f) return;
      r.observe(f.counters, { [ATTR_PIPESPAN_SOURCE_MAP]: PIPESPAN_SOURCE_MAP_VALUE_COUNTERS });
      if (f.tracked !== undefined)
        r.observe(f.tracked, { [ATTR_PIPESPAN_SOURCE_MAP]: PIPESPAN_SOURCE_MAP_VALUE_TRACKED });
    });
    m.createObservableGauge(METRIC_PIPESPAN_SOURCE_MAP_LIMIT, {
      unit: "{entry}",
      description: "Capacity of a kernel map",
    }).addCallback((r) => {
      const l = safeObj(maps)?.limits;
      if (!l) return;
      r.observe(l.processes, { [ATTR_PIPESPAN_SOURCE_MAP]: PIPESPAN_SOURCE_MAP_VALUE_COUNTERS });
      r.observe(l.processes, { [ATTR_PIPESPAN_SOURCE_MAP]: PIPESPAN_SOURCE_MAP_VALUE_TRACKED });
      r.observe(l.threads, { [ATTR_PIPESPAN_SOURCE_MAP]: PIPESPAN_SOURCE_MAP_VALUE_THREADS });
    });
  }
  const shipper = o.shipper;
  if (shipper) {
    const perSignal = (r: ObservableResult, f: (s: "traces" | "metrics") => number) => {
      for (const s of [PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES, PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS] as const) {
        r.observe(f(s), { [ATTR_PIPESPAN_EXPORT_SIGNAL]: s });
      }
    };
    m.createObservableGauge(METRIC_PIPESPAN_EXPORT_QUEUE_USAGE, {
      unit: "By",
      description: "Local OTLP/JSON not yet delivered to the backend",
    }).addCallback((r) => perSignal(r, (s) => shipper.stats.pendingBytes[s]));
    m.createObservableCounter(METRIC_PIPESPAN_EXPORT_SENT, {
      unit: "{item}",
      description: "Items delivered to the backend",
    }).addCallback((r) => perSignal(r, (s) => shipper.stats.sent[s]));
    const bySignal = o.exportDropsBySignal;
    if (bySignal) {
      m.createObservableCounter(METRIC_PIPESPAN_EXPORT_DROPPED, {
        unit: "{item}",
        description: "Items that will never reach the backend",
      }).addCallback((r) => {
        for (const s of [PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES, PIPESPAN_EXPORT_SIGNAL_VALUE_METRICS] as const) {
          for (const [reason, n] of bySignal[s].entries()) {
            r.observe(n, { [ATTR_PIPESPAN_EXPORT_SIGNAL]: s, [ATTR_PIPESPAN_DROP_REASON]: reason });
          }
        }
        if (o.spanQueueDropped) spanQueueObservation(r, o.spanQueueDropped);
      });
    }
    if (o.queueLimitBytes !== undefined) {
      const limit = o.queueLimitBytes;
      m.createObservableGauge(METRIC_PIPESPAN_EXPORT_QUEUE_LIMIT, {
        unit: "By",
        description: "Bound of the on-disk export queue",
      }).addCallback((r) => r.observe(limit));
    }
  }
  if (o.spanQueueDropped && !(shipper && o.exportDropsBySignal)) {
    const dropped = o.spanQueueDropped;
    m.createObservableCounter(METRIC_PIPESPAN_EXPORT_DROPPED, {
      unit: "{item}",
      description: "Items that will never reach the backend",
    }).addCallback((r) => spanQueueObservation(r, dropped));
  }
  const agent = o.agent;
  if (agent) {
    m.createObservableGauge(METRIC_PIPESPAN_AGENT_MEMORY_RSS, {
      unit: "By",
      description: "Resident set size of the pipespan process",
    }).addCallback((r) => r.observe(process.memoryUsage.rss()));
    m.createObservableGauge(METRIC_PIPESPAN_AGENT_PROCESSES, {
      unit: "{process}",
      description: "Processes the agent holds in memory",
    }).addCallback((r) => r.observe(safe(agent.processes)));
    m.createObservableGauge(METRIC_PIPESPAN_AGENT_CLOCK_ADJUSTMENT, {
      unit: "s",
      description: "Change of the clock offset at the latest re-anchoring",
    }).addCallback((r) => r.observe(safe(agent.clockAdjustmentNs) / 1e9));
  }
}

function safe(f: () => number): number {
  try {
    const v = f();
    return Number.isFinite(v) ? v : 0;
  } catch {
    return 0;
  }
}

function safeObj<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Spans the batch queue dropped, zero included: "nothing dropped" is a fact worth exporting. */
function spanQueueObservation(r: ObservableResult, dropped: () => number): void {
  r.observe(safe(dropped), {
    [ATTR_PIPESPAN_EXPORT_SIGNAL]: PIPESPAN_EXPORT_SIGNAL_VALUE_TRACES,
    [ATTR_PIPESPAN_DROP_REASON]: PIPESPAN_DROP_REASON_VALUE_SPAN_QUEUE_FULL,
  });
}
