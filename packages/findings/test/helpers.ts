// Builds run models from synthetic runs through the real OTLP/JSON path (render → parse → model).
import { measured } from "../../../test/findings/support/founding-story.ts";
import {
  renderRun,
  type SynthProcess,
  type SynthRun,
  type SynthTask,
} from "../../../test/findings/support/synthetic.ts";
import { type B, timelineAttrs } from "../../../test/findings/support/timeline.ts";
import {
  type AnalysisReport,
  type AnalyzeOptions,
  analyzeRun,
  buildRunModel,
  type NormalizedSpan,
  parseOtlpJsonTraces,
  type RunModel,
  type Verdict,
} from "../src/index.js";

export type { SynthProcess, SynthRun, SynthTask };
export { measured };

export function spansOf(run: SynthRun): NormalizedSpan[] {
  const out = renderRun(run);
  return out.text
    .split("\n")
    .filter(Boolean)
    .flatMap((l) => parseOtlpJsonTraces(JSON.parse(l)));
}

export function modelOf(run: SynthRun): RunModel {
  return buildRunModel(spansOf(run));
}

export function run(over: Partial<SynthRun> & { tasks: SynthTask[] }): SynthRun {
  return {
    pipelineName: "p",
    runId: "r1",
    source: "ebpf",
    startNs: 1_700_000_000_000_000_000n,
    wallS: Math.max(1, ...over.tasks.map((t) => t.end)),
    ...over,
  };
}

/** A task with one process covering it. */
export function task(
  name: string,
  start: number,
  end: number,
  m: Parameters<typeof measured>[0],
  extra: Partial<SynthTask> = {},
): SynthTask {
  return {
    name,
    start,
    end,
    processes: [{ name: `${name.toLowerCase()}-proc`, start, end, attrs: measured(m) }],
    ...extra,
  };
}

export function analyze(r: SynthRun, o: AnalyzeOptions = {}): AnalysisReport {
  return analyzeRun(modelOf(r), o);
}

/** Verdicts of one rule (optionally for one task). */
export function verdicts(report: AnalysisReport, rule: string, taskName?: string): Verdict[] {
  return report.verdicts.filter((v) => v.rule === rule && (taskName === undefined || v.subject.task === taskName));
}

export function only(report: AnalysisReport, rule: string, taskName?: string): Verdict {
  const v = verdicts(report, rule, taskName);
  if (v.length !== 1)
    throw new Error(`expected one ${rule} verdict${taskName ? ` for ${taskName}` : ""}, got ${v.length}`);
  return v[0] as Verdict;
}

export type { B };

/**
 * A task with one process whose totals are the sums of the buckets, and the buckets as the task's timeline
 * (interval `interval`, starting at `start`).
 */
export function timelineTask(
  name: string,
  start: number,
  buckets: readonly B[],
  o: {
    interval?: number;
    processes?: SynthProcess[];
    attrs?: Record<string, number | string | boolean>;
    extra?: Parameters<typeof measured>[0];
  } = {},
): SynthTask {
  const interval = o.interval ?? 1;
  const end = start + buckets.length * interval;
  const sum = (f: (b: B) => number | undefined) => buckets.reduce((s, b) => s + (f(b) ?? 0), 0);
  const totals = measured({
    cpu: sum((b) => b.cpu),
    io: sum((b) => b.io),
    blocked: sum((b) => b.blocked),
    rq: sum((b) => b.rq),
    sleep: sum((b) => b.sleep),
    blockRead: sum((b) => b.storage),
    rx: sum((b) => b.net),
    ...o.extra,
  });
  return {
    name,
    start,
    end,
    attrs: { ...timelineAttrs(interval, buckets), ...o.attrs },
    processes: o.processes ?? [{ name: `${name.toLowerCase()}-proc`, start, end, attrs: totals }],
  };
}
