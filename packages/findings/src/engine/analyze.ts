// The findings engine: run model → rules → cost model → one report (findings, "not enough data", recommendations).
import { ATTR_HOST_TYPE } from "@pipespan/semconv";
import { type Catalog, type InstanceType, loadCatalog, requireInstanceType } from "../catalog/catalog.js";
import { type AnalysisConfig, defaultConfig, type ModelOptions } from "../config/config.js";
import type { BindingLimit, Projection } from "../cost/project.js";
import { analyzeCost, projector } from "../cost/recommend.js";
import { duration, gib, round, usd } from "../format.js";
import { type CriticalPath, criticalPath, type PathSegment } from "../model/critical-path.js";
import { activeWithin, type TaskLimits, taskLimits } from "../model/limits.js";
import { findPlateaus } from "../model/plateau.js";
import { buildProfile, DEFAULT_BINS } from "../model/profile.js";
import { splitOf, type TimeSplit } from "../model/split.js";
import type { RunModel, TaskNode } from "../model/types.js";
import { type Primary, primaryVerdict } from "../model/verdict.js";
import { RULES } from "../rules/index.js";
import { type MeasuredContext, type RuleContext, SEVERITY_ORDER, type Verdict } from "../rules/types.js";
import { finding, insufficient } from "../rules/verdicts.js";
import type { AnalysisReport, Finding, InsufficientData } from "./report.js";

export interface AnalyzeOptions {
  /** The instance catalog (default: the packaged one). */
  catalog?: Catalog;
  /** Thresholds and cost options (default: the built-in defaults). */
  config?: AnalysisConfig;
  /** The instance type the run used; wins over host.type. Unknown types throw FindingsError("unknown-instance"). */
  instanceType?: string;
  /** Time bins of the instance profile (default 2048). */
  bins?: number;
}

/** Analyses one run. Pure apart from loading the packaged catalog on first use. */
export function analyzeRun(run: RunModel, options: AnalyzeOptions = {}): AnalysisReport {
  const catalog = options.catalog ?? loadCatalog();
  const config = options.config ?? defaultConfig();
  const { instance, from, missing } = pickInstance(run, catalog, options.instanceType);
  const tolerance = Number(config.rules["critical-path"].toleranceSeconds ?? 0.5);
  const critical = criticalPath(run, tolerance);
  const ctx = context(run, critical, instance, from, missing, options.bins ?? DEFAULT_BINS, config.model, catalog);

  const verdicts: Verdict[] = [];
  for (const rule of RULES) {
    const settings = config.rules[rule.id];
    if (!settings.enabled) continue;
    verdicts.push(...rule.evaluate(ctx, settings as never));
  }
  const cost = analyzeCost(ctx, catalog, config.cost);
  if (cost.baseline) {
    const b = cost.baseline;
    verdicts.push(
      finding(
        "instance-cost",
        {},
        "info",
        b.estimated
          ? `this run would cost about ${usd(b.costPerRunUsd)} on ${b.instanceType} (est. ${duration(b.runtimeSeconds)} at $${b.pricePerHourUsd}/h on demand, projected from the measured host)`
          : `this run cost ${usd(b.costPerRunUsd)} on ${b.instanceType} (${duration(b.runtimeSeconds)} at $${b.pricePerHourUsd}/h on demand)`,
        {
          instance_type: b.instanceType,
          price_per_hour_usd: b.pricePerHourUsd,
          runtime_s: round(b.runtimeSeconds),
          runtime_estimated: b.estimated,
          cost_per_run_usd: b.costPerRunUsd,
          binding_limit: cost.current?.bindingLimit ?? null,
          ...(cost.hostNote !== undefined ? { host_note: cost.hostNote } : {}),
        },
        cost.recommendations.length > 0
          ? `Cheaper or faster types exist for this run: ${cost.recommendations[0]?.instanceType} first (see the recommendations).`
          : "Keep it unless the findings point elsewhere.",
        run.wallS,
      ),
    );
  }
  for (const r of cost.recommendations) {
    verdicts.push(
      finding(
        "instance-recommendation",
        {},
        r.costChange <= -0.2 || r.speedup >= 1.25 ? "warning" : "info",
        r.summary,
        {
          instance_type: r.instanceType,
          est_runtime_s: round(r.estRuntimeSeconds, 1),
          est_cost_per_run_usd: r.estCostPerRunUsd,
          speedup: round(r.speedup),
          cost_change: round(r.costChange),
          break_even_speedup: round(r.breakEvenSpeedup),
          binding_limit: r.bindingLimit,
          baseline_instance_type: r.baseline.instanceType,
          baseline_cost_per_run_usd: r.baseline.costPerRunUsd,
          baseline_runtime_s: round(r.baseline.runtimeSeconds, 1),
        },
        `Try ${r.instanceType} for this pipeline; it pays off as long as it is at least ${round(r.breakEvenSpeedup, 2)}× as fast as ${r.baseline.instanceType}.`,
        run.wallS,
      ),
    );
  }
  for (const o of cost.storageOptions) {
    verdicts.push(
      finding(
        "storage-option",
        {},
        o.speedup >= 1.25 ? "warning" : "info",
        o.summary,
        {
          kind: o.kind,
          option: o.label,
          device: cost.storage?.device ?? null,
          est_runtime_s: round(o.estRuntimeSeconds, 1),
          speedup: round(o.speedup),
          throughput_mib_s: o.throughputMiBps ?? null,
          iops: o.iops ?? null,
          instance_type: o.instanceType ?? null,
          extra_usd_per_month: o.extraUsdPerMonth !== undefined ? round(o.extraUsdPerMonth, 2) : null,
          est_cost_per_run_usd: o.estCostPerRunUsd ?? null,
          note: o.note,
        },
        o.kind === "instance-store"
          ? `Move the scratch data at the plateau to ${o.instanceType}'s local NVMe (it is lost when the instance stops).`
          : `Provision ${cost.storage?.device ?? "the volume"} as ${o.label} (Elastic Volumes change it in place).`,
        run.wallS,
      ),
    );
  }
  if (cost.refused) {
    verdicts.push(
      insufficient(
        "instance-recommendation",
        {},
        `no instance recommendation: ${cost.refused.reason}`,
        cost.refused.missing,
        run.wallS,
      ),
    );
  }

  const findings = verdicts.filter((v) => v.verdict === "finding").map(toFinding);
  const order = new Map<string, number>(RULES.map((r, i) => [r.id, i]));
  findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (order.get(a.rule) ?? 99) - (order.get(b.rule) ?? 99) ||
      a.atSeconds - b.atSeconds,
  );
  const evaluated: AnalysisReport["evaluated"] = {};
  for (const v of verdicts) {
    let e = evaluated[v.rule];
    if (!e) {
      e = { finding: 0, clear: 0, insufficientData: 0 };
      evaluated[v.rule] = e;
    }
    if (v.verdict === "finding") e.finding++;
    else if (v.verdict === "clear") e.clear++;
    else e.insufficientData++;
  }
  return {
    run: {
      traceId: run.traceId,
      ...(run.runSpanId !== undefined ? { runSpanId: run.runSpanId } : {}),
      ...(run.runId !== undefined ? { runId: run.runId } : {}),
      ...(run.pipelineName !== undefined ? { pipelineName: run.pipelineName } : {}),
      ...(run.source !== undefined ? { source: run.source } : {}),
      startTimeUnixNano: String(run.startNs),
      wallSeconds: run.wallS,
      tasks: run.tasks.filter((t) => !t.wholeRun).length,
      processes: run.processes.length,
      ...(instance ? { instanceType: instance.type, instanceTypeFrom: from } : {}),
      measuredHost: {
        ...(ctx.measured.cpus !== undefined ? { cpus: ctx.measured.cpus } : {}),
        ...(ctx.measured.memoryBytes !== undefined ? { memoryBytes: ctx.measured.memoryBytes } : {}),
        from: ctx.measured.from,
        ...(ctx.measured.type ? { instanceType: ctx.measured.type.type } : {}),
      },
      ...(ctx.measured.note !== undefined ? { hostNote: ctx.measured.note } : {}),
      ...(run.dataProblems.length > 0 ? { dataProblems: run.dataProblems } : {}),
    },
    findings,
    insufficientData: groupInsufficient(verdicts),
    evaluated,
    criticalPath: critical.segments.slice(0, 200).map((s) => {
      const pace = ctx.pace(s);
      const alongside = s.task ? [s.task, ...s.alongside].filter((t) => t !== pace && !t.wholeRun) : [];
      const verdict = pace ? ctx.primary(pace)?.verdict : undefined;
      return {
        ...(pace && !pace.wholeRun ? { task: pace.name } : {}),
        ...(alongside.length > 0 ? { alongside: alongside.slice(0, 10).map((t) => t.name) } : {}),
        ...(verdict !== undefined ? { verdict } : {}),
        startSeconds: round(s.startS, 3),
        seconds: round(s.seconds, 3),
        share: round(run.wallS > 0 ? s.seconds / run.wallS : 0),
      };
    }),
    cost,
    recommendations: cost.recommendations,
    verdicts,
  };
}

export interface RuntimeEstimate {
  instanceType: string;
  seconds: number;
  bindingLimit: BindingLimit;
  bySeconds: Projection["bySeconds"];
}

/**
 * The run's estimated wall time on each of `types`, projected from the measured host with the same limits model
 * as the findings and recommendations (no filtering: for "what would this run take on X?").
 */
export function estimateRuntimes(
  run: RunModel,
  types: readonly string[],
  options: AnalyzeOptions = {},
): RuntimeEstimate[] {
  const catalog = options.catalog ?? loadCatalog();
  const config = options.config ?? defaultConfig();
  const { instance, from, missing } = pickInstance(run, catalog, options.instanceType);
  const critical = criticalPath(run, Number(config.rules["critical-path"].toleranceSeconds ?? 0.5));
  const ctx = context(run, critical, instance, from, missing, options.bins ?? DEFAULT_BINS, config.model, catalog);
  const { est, scale } = projector(ctx, config.cost);
  return types.map((t) => {
    const { p, seconds } = est(requireInstanceType(catalog, t));
    const k = scale;
    return {
      instanceType: t,
      seconds,
      bindingLimit: p.bindingLimit,
      bySeconds: {
        cpu: p.bySeconds.cpu * k,
        ebs: p.bySeconds.ebs * k,
        storage: p.bySeconds.storage * k,
        network: p.bySeconds.network * k,
        other: p.bySeconds.other * k,
      },
    };
  });
}

function pickInstance(
  run: RunModel,
  catalog: Catalog,
  explicit: string | undefined,
): { instance?: InstanceType; from?: "--instance" | "resource"; missing?: string } {
  if (explicit !== undefined) return { instance: requireInstanceType(catalog, explicit), from: "--instance" };
  if (run.hostType === undefined) return { missing: `no ${ATTR_HOST_TYPE} on the spans' resource` };
  const found = catalog.get(run.hostType);
  if (!found) return { missing: `${ATTR_HOST_TYPE} ${run.hostType} is not in the catalog` };
  return { instance: found, from: "resource" };
}

function context(
  run: RunModel,
  critical: CriticalPath,
  instance: InstanceType | undefined,
  instanceFrom: "--instance" | "resource" | undefined,
  missing: string | undefined,
  bins: number,
  options: ModelOptions,
  catalog: Catalog,
): RuleContext {
  const profile = buildProfile(run.processes, 0, run.wallS, bins);
  const measured = measuredHost(run, catalog, instance, instanceFrom);
  const splits = new Map<TaskNode, TimeSplit | undefined>();
  const limitsMemo = new Map<TaskNode, TaskLimits | undefined>();
  const primaryMemo = new Map<TaskNode, Primary | undefined>();
  const limitsOptions = {
    ...(measured.cpus !== undefined ? { hostCpus: measured.cpus } : {}),
    networkActiveBps: options.networkActiveBps,
    networkActiveShareOfPeak: options.networkActiveShareOfPeak,
  };
  const limits = (t: TaskNode) => {
    if (!limitsMemo.has(t)) limitsMemo.set(t, taskLimits(t, limitsOptions));
    return limitsMemo.get(t);
  };
  const primary = (t: TaskNode) => {
    if (!primaryMemo.has(t)) {
      const l = limits(t);
      primaryMemo.set(t, l ? primaryVerdict(l, options) : undefined);
    }
    return primaryMemo.get(t);
  };
  const pace = (seg: PathSegment): TaskNode | undefined => {
    if (!seg.task) return undefined;
    if (seg.alongside.length === 0) return seg.task;
    // The member that was least asleep in the segment set its pace; the others waited on it (pipes, joins).
    let best: TaskNode = seg.task;
    let bestActive = -1;
    for (const t of [seg.task, ...seg.alongside]) {
      const l = limits(t);
      let active: number;
      if (l) active = activeWithin(l, seg.startS, seg.endS);
      else {
        const overlap = Math.max(0, Math.min(t.endS, seg.endS) - Math.max(t.startS, seg.startS));
        active = t.wallS > 0 ? ((t.m.cpuS ?? 0) * overlap) / t.wallS : 0;
      }
      if (active > bestActive + 1e-9) {
        best = t;
        bestActive = active;
      }
    }
    return best;
  };
  const onPath = new Map<TaskNode, number>();
  for (const seg of critical.segments) {
    const t = pace(seg);
    if (t) onPath.set(t, (onPath.get(t) ?? 0) + seg.seconds);
  }
  const judged = run.tasks.filter((t) => t.wallS >= options.minWallSeconds);
  // Plateaus need the tasks' storage-held time only where the run span has no timeline of its own.
  const plateaus =
    run.devices.length === 0
      ? []
      : findPlateaus(
          run,
          run.timeline ? [] : judged.map(limits).filter((l): l is TaskLimits => l !== undefined),
          options,
        );
  return {
    run,
    profile,
    critical,
    ...(instance ? { instance } : {}),
    ...(missing !== undefined ? { instanceMissing: missing } : {}),
    measured,
    options,
    plateaus,
    tooShort: run.wallS < options.minRunSeconds,
    judged: () => judged,
    limits,
    primary,
    pace,
    split(t) {
      if (splits.has(t)) return splits.get(t);
      const m = t.m;
      const s =
        m.ioWaitS === undefined ? undefined : splitOf(m.cpuS ?? 0, m.ioWaitS, m.runqueueS ?? 0, m.sleepS ?? 0, t.wallS);
      splits.set(t, s);
      return s;
    },
    criticalSeconds: (t) => onPath.get(t) ?? 0,
  };
}

/**
 * The host the spans were measured on. Its size comes from the resource (pipespan.host.*); its type from host.type
 * or --instance when that type's vCPUs and memory agree with the measured size. A type that disagrees is kept for
 * pricing, with one line saying so, and every estimate projects from the measured host.
 */
export function measuredHost(
  run: RunModel,
  catalog: Catalog,
  instance: InstanceType | undefined,
  instanceFrom: "--instance" | "resource" | undefined,
): MeasuredContext {
  const resourceType = run.hostType !== undefined ? catalog.get(run.hostType) : undefined;
  const cpus = run.host.cpus;
  const mem = run.host.memoryBytes;
  const fits = (t: InstanceType) =>
    (cpus === undefined || cpus === t.vcpu) &&
    (mem === undefined || (mem >= 0.85 * t.memoryBytes && mem <= 1.02 * t.memoryBytes));
  const candidate = instance ?? resourceType;
  if (cpus === undefined && mem === undefined) {
    // Nothing measured about the host: the instance type (when known) is all there is.
    return candidate
      ? {
          cpus: candidate.vcpu,
          memoryBytes: candidate.memoryBytes,
          from: `instance ${candidate.type}`,
          type: candidate,
        }
      : { from: "unknown" };
  }
  const base = {
    ...(cpus !== undefined ? { cpus } : {}),
    ...(mem !== undefined ? { memoryBytes: mem } : {}),
    from: "resource",
  };
  if (!candidate) return base;
  if (fits(candidate)) return { ...base, type: candidate };
  const size = (c: number | undefined, m: number | undefined) =>
    [c !== undefined ? `${c} CPU${c === 1 ? "" : "s"}` : "", m !== undefined ? gib(m) : ""]
      .filter(Boolean)
      .join(" and ");
  const given = instanceFrom === "--instance" ? `--instance ${candidate.type}` : `${ATTR_HOST_TYPE} ${candidate.type}`;
  const note =
    `${given} has ${size(candidate.vcpu, candidate.memoryBytes)}, but the spans were measured on a host with ` +
    `${size(cpus, mem)}: estimates project from the measured host`;
  // A resource host.type that fits the measured host is still the measured type.
  return { ...base, ...(resourceType && fits(resourceType) ? { type: resourceType } : {}), note };
}

function toFinding(v: Verdict): Finding {
  return {
    rule: v.rule,
    severity: v.severity ?? "info",
    ...(v.subject.task !== undefined ? { task: v.subject.task } : {}),
    ...(v.subject.taskRunId !== undefined ? { taskRunId: v.subject.taskRunId } : {}),
    ...(v.subject.process ? { process: v.subject.process } : {}),
    summary: v.summary,
    evidence: v.evidence,
    advice: v.advice ?? "",
    atSeconds: v.atS,
  };
}

/** One entry per rule and missing data, listing the tasks it concerns (at most 10 names). */
function groupInsufficient(verdicts: readonly Verdict[]): InsufficientData[] {
  const groups = new Map<string, InsufficientData>();
  for (const v of verdicts) {
    if (v.verdict !== "insufficient-data") continue;
    const key = `${v.rule}\u0000${(v.missing ?? []).join(",")}`;
    let g = groups.get(key);
    if (!g) {
      g = { rule: v.rule, reason: v.summary, missing: v.missing ?? [], tasks: [], count: 0 };
      groups.set(key, g);
    }
    g.count++;
    if (v.subject.task !== undefined && g.tasks.length < 10) g.tasks.push(v.subject.task);
  }
  return [...groups.values()];
}
