import type { Attributes, Counter, Gauge, Histogram, Meter } from "@opentelemetry/api";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_CPU_MODE,
  ATTR_DISK_IO_DIRECTION,
  ATTR_NETWORK_IO_DIRECTION,
  ATTR_PIPESPAN_EXPORT_SIGNAL,
  ATTR_PIPESPAN_OFFCPU_CAUSE,
  ATTR_PIPESPAN_RUN_SOURCE,
  ATTR_SYSTEM_PAGING_FAULT_TYPE,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS,
  CPU_MODE_VALUE_SYSTEM,
  CPU_MODE_VALUE_USER,
  DISK_IO_DIRECTION_VALUE_READ,
  DISK_IO_DIRECTION_VALUE_WRITE,
  METRIC_PIPESPAN_EXPORT_FAILURES,
  METRIC_PIPESPAN_MEMORY_PEAK_RSS,
  METRIC_PIPESPAN_OFFCPU_TIME,
  METRIC_PIPESPAN_RUNQUEUE_DELAY,
  METRIC_PIPESPAN_SOURCE_LOST_EVENTS,
  METRIC_PIPESPAN_TASK_DURATION,
  METRIC_PROCESS_CPU_TIME,
  METRIC_PROCESS_DISK_IO,
  METRIC_PROCESS_NETWORK_IO,
  METRIC_PROCESS_PAGING_FAULTS,
  NETWORK_IO_DIRECTION_VALUE_RECEIVE,
  NETWORK_IO_DIRECTION_VALUE_TRANSMIT,
  PIPESPAN_OFFCPU_CAUSE_VALUE_BLOCKED,
  PIPESPAN_OFFCPU_CAUSE_VALUE_IO_WAIT,
  PIPESPAN_OFFCPU_CAUSE_VALUE_SLEEP,
  SYSTEM_PAGING_FAULT_TYPE_VALUE_MAJOR,
  SYSTEM_PAGING_FAULT_TYPE_VALUE_MINOR,
} from "@pipespan/semconv";
import type { SourceName } from "../source/types.js";
import type { Totals } from "../spans/measure-attributes.js";
import type { TaskSummary } from "../spans/run-recorder.js";

/** Task names whose processEnded attribute sets are kept (a run has a few task names; the host agent many). */
const MAX_CACHED_NAMES = 256;

/** The key of an extra attribute set of processEnded (one attribute, or none). */
function setKey(extra: Attributes): string {
  for (const k in extra) return `${k}=${String(extra[k])}`;
  return "";
}

/** Name used as cicd.pipeline.task.name on metrics for work the root command did itself. */
export const ROOT_TASK_LABEL = "(root)";

export interface RunMetricsOptions {
  readonly meter: Meter;
  readonly pipelineName: string;
  readonly runId: string;
  /** Put cicd.pipeline.run.id on metrics (opt-in: it multiplies series). */
  readonly runIdOnMetrics?: boolean;
  readonly source: SourceName;
}

/**
 * The run's metric instruments. Attributes are keyed by task name, never by pid (cardinality); values are
 * added when a process ends, so a series sums its task's processes.
 */
export class RunMetrics {
  readonly #o: RunMetricsOptions;
  readonly #cpu: Counter;
  readonly #disk: Counter;
  readonly #net: Counter;
  readonly #faults: Counter;
  readonly #offcpu: Counter;
  readonly #runq: Counter;
  readonly #rss: Gauge;
  readonly #duration: Histogram;
  readonly #lost: Counter;
  readonly #exportFailures: Counter;

  constructor(o: RunMetricsOptions) {
    this.#o = o;
    const m = o.meter;
    this.#cpu = m.createCounter(METRIC_PROCESS_CPU_TIME, { unit: "s", description: "CPU time of a task's processes" });
    this.#disk = m.createCounter(METRIC_PROCESS_DISK_IO, { unit: "By", description: "Storage bytes caused" });
    this.#net = m.createCounter(METRIC_PROCESS_NETWORK_IO, { unit: "By", description: "Socket bytes" });
    this.#faults = m.createCounter(METRIC_PROCESS_PAGING_FAULTS, { unit: "{fault}", description: "Page faults" });
    this.#offcpu = m.createCounter(METRIC_PIPESPAN_OFFCPU_TIME, { unit: "s", description: "Off-CPU time by cause" });
    this.#runq = m.createCounter(METRIC_PIPESPAN_RUNQUEUE_DELAY, { unit: "s", description: "Run-queue delay" });
    this.#rss = m.createGauge(METRIC_PIPESPAN_MEMORY_PEAK_RSS, { unit: "By", description: "Peak RSS of a task" });
    this.#duration = m.createHistogram(METRIC_PIPESPAN_TASK_DURATION, { unit: "s", description: "Task wall time" });
    this.#lost = m.createCounter(METRIC_PIPESPAN_SOURCE_LOST_EVENTS, {
      unit: "{event}",
      description: "Events the source could not deliver",
    });
    this.#exportFailures = m.createCounter(METRIC_PIPESPAN_EXPORT_FAILURES, {
      unit: "{failure}",
      description: "Failed export attempts",
    });
  }

  /** Per task name, the attribute sets of processEnded (a series per name: made once, not per process). */
  readonly #sets = new Map<string, Map<string, Attributes>>();

  /** `base(taskName)` plus `extra`, made once per task name and key. */
  #set(taskName: string, key: string, extra: Attributes): Attributes {
    let byKey = this.#sets.get(taskName);
    if (!byKey) {
      // Bounded like the series themselves: past this many names the sets are made afresh each time.
      if (this.#sets.size >= MAX_CACHED_NAMES) return { ...this.#base(taskName), ...extra };
      byKey = new Map();
      this.#sets.set(taskName, byKey);
    }
    let a = byKey.get(key);
    if (!a) {
      a = { ...this.#base(taskName), ...extra };
      byKey.set(key, a);
    }
    return a;
  }

  #base(taskName: string): Attributes {
    const a: Attributes = {
      [ATTR_CICD_PIPELINE_NAME]: this.#o.pipelineName,
      [ATTR_CICD_PIPELINE_TASK_NAME]: taskName,
    };
    if (this.#o.runIdOnMetrics) a[ATTR_CICD_PIPELINE_RUN_ID] = this.#o.runId;
    return a;
  }

  /** Adds one ended process's totals to its task's series. */
  processEnded(taskName: string | undefined, t: Totals): void {
    const name = taskName ?? ROOT_TASK_LABEL;
    const c = t.counters;
    const add = (counter: Counter, v: number | undefined, extra: Attributes) => {
      if (v !== undefined && v > 0) counter.add(v, this.#set(name, setKey(extra), extra));
    };
    add(this.#cpu, c.cpuUserNs !== undefined ? c.cpuUserNs / 1e9 : undefined, { [ATTR_CPU_MODE]: CPU_MODE_VALUE_USER });
    add(this.#cpu, c.cpuSystemNs !== undefined ? c.cpuSystemNs / 1e9 : undefined, {
      [ATTR_CPU_MODE]: CPU_MODE_VALUE_SYSTEM,
    });
    // A source without a user/system split reports the total: no cpu.mode then.
    add(this.#cpu, c.cpuTotalNs !== undefined ? c.cpuTotalNs / 1e9 : undefined, {});
    // CPU of descendants the source never saw: its user/system split is unknown, so no cpu.mode.
    add(this.#cpu, t.unattributedCpuNs !== undefined ? t.unattributedCpuNs / 1e9 : undefined, {});
    add(this.#disk, c.diskReadBytes, { [ATTR_DISK_IO_DIRECTION]: DISK_IO_DIRECTION_VALUE_READ });
    add(this.#disk, c.diskWriteBytes, { [ATTR_DISK_IO_DIRECTION]: DISK_IO_DIRECTION_VALUE_WRITE });
    add(this.#net, c.netTxBytes, { [ATTR_NETWORK_IO_DIRECTION]: NETWORK_IO_DIRECTION_VALUE_TRANSMIT });
    add(this.#net, c.netRxBytes, { [ATTR_NETWORK_IO_DIRECTION]: NETWORK_IO_DIRECTION_VALUE_RECEIVE });
    add(this.#faults, c.majorFaults, { [ATTR_SYSTEM_PAGING_FAULT_TYPE]: SYSTEM_PAGING_FAULT_TYPE_VALUE_MAJOR });
    add(this.#faults, c.minorFaults, { [ATTR_SYSTEM_PAGING_FAULT_TYPE]: SYSTEM_PAGING_FAULT_TYPE_VALUE_MINOR });
    add(this.#offcpu, c.offCpuIoWaitNs !== undefined ? c.offCpuIoWaitNs / 1e9 : undefined, {
      [ATTR_PIPESPAN_OFFCPU_CAUSE]: PIPESPAN_OFFCPU_CAUSE_VALUE_IO_WAIT,
    });
    add(this.#offcpu, c.offCpuBlockedNs !== undefined ? c.offCpuBlockedNs / 1e9 : undefined, {
      [ATTR_PIPESPAN_OFFCPU_CAUSE]: PIPESPAN_OFFCPU_CAUSE_VALUE_BLOCKED,
    });
    add(this.#offcpu, c.offCpuSleepNs !== undefined ? c.offCpuSleepNs / 1e9 : undefined, {
      [ATTR_PIPESPAN_OFFCPU_CAUSE]: PIPESPAN_OFFCPU_CAUSE_VALUE_SLEEP,
    });
    add(this.#runq, c.runqueueDelayNs !== undefined ? c.runqueueDelayNs / 1e9 : undefined, {});
  }

  taskEnded(task: TaskSummary): void {
    const base = this.#base(task.name);
    this.#duration.record(Math.max(0, task.endNs - task.startNs) / 1e9, {
      ...base,
      [ATTR_CICD_PIPELINE_TASK_RUN_RESULT]: task.failed
        ? CICD_PIPELINE_TASK_RUN_RESULT_VALUE_FAILURE
        : CICD_PIPELINE_TASK_RUN_RESULT_VALUE_SUCCESS,
    });
    if (task.totals.counters.peakRssBytes !== undefined) this.#rss.record(task.totals.counters.peakRssBytes, base);
  }

  lostEvents(count: number): void {
    // Always recorded, so a 0 is visible too: "nothing lost" is a fact worth exporting.
    this.#lost.add(count, { [ATTR_PIPESPAN_RUN_SOURCE]: this.#o.source });
  }

  exportFailures(signal: "traces" | "metrics", count: number): void {
    if (count > 0) this.#exportFailures.add(count, { [ATTR_PIPESPAN_EXPORT_SIGNAL]: signal });
  }
}
