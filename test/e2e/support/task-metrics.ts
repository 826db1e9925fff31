// The span-derived task metrics of collector-config/{gateway,local}.yaml as the Collector's prometheus exporter
// serves them. Their OTel names are set by the configs' transform/task_metric_names (the Collector makes them, not
// pipespan, so they are not in @pipespan/semconv); Prometheus spells `a.b.c` with unit s as `a_b_c_seconds`.
import { ATTR_CICD_PIPELINE_TASK_NAME } from "@pipespan/semconv";
import type { Sample } from "./prometheus.js";

/** OTel name → Prometheus name (dots and other non-alphanumerics become `_`), plus the unit suffix. */
export function promName(otelName: string, unitSuffix = ""): string {
  return otelName.replace(/[^a-zA-Z0-9_:]/g, "_") + unitSuffix;
}

/** Attribute name → Prometheus label name. */
export function promLabel(attribute: string): string {
  return attribute.replace(/[^a-zA-Z0-9_]/g, "_");
}

export const TASK_LABEL = promLabel(ATTR_CICD_PIPELINE_TASK_NAME);

/** Histograms (seconds) per task: wall time, CPU time, I/O-wait time. */
export const TASK_DURATION = promName("pipespan.collector.task.duration", "_seconds");
export const TASK_CPU_TIME = promName("pipespan.collector.task.cpu_time", "_seconds");
export const TASK_IO_WAIT_TIME = promName("pipespan.collector.task.io_wait_time", "_seconds");
/** Counter of finished task spans. */
export const TASK_RUNS = promName("pipespan.collector.task.runs", "_total");

export interface HistogramSeries {
  count: number;
  sum: number;
  /** Cumulative bucket counts by upper bound ("+Inf" last). */
  buckets: { le: number; count: number }[];
}

/** The histogram `name` for one task (summed over other labels such as status code). */
export function taskHistogram(samples: readonly Sample[], name: string, task: string): HistogramSeries | undefined {
  const mine = samples.filter((s) => s.labels[TASK_LABEL] === task);
  const count = mine.filter((s) => s.name === `${name}_count`);
  if (count.length === 0) return undefined;
  const byLe = new Map<number, number>();
  for (const s of mine.filter((x) => x.name === `${name}_bucket`)) {
    const le = s.labels["le"] === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels["le"]);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return {
    count: count.reduce((a, s) => a + s.value, 0),
    sum: mine.filter((s) => s.name === `${name}_sum`).reduce((a, s) => a + s.value, 0),
    buckets: [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, c]) => ({ le, count: c })),
  };
}
