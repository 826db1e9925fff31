import type { z } from "zod";
import type { InstanceType } from "../catalog/catalog.js";
import type { ModelOptions } from "../config/config.js";
import type { CriticalPath, PathSegment } from "../model/critical-path.js";
import type { TaskLimits } from "../model/limits.js";
import type { StoragePlateau } from "../model/plateau.js";
import type { Profile } from "../model/profile.js";
import type { TimeSplit } from "../model/split.js";
import type { RunModel, TaskNode } from "../model/types.js";
import type { Primary } from "../model/verdict.js";

/** Rule ids are part of pipespan's interface (JSON output, finding spans, config keys): never rename one. */
export const RULE_IDS = [
  "io-bound",
  "cpu-bound",
  "network-bound",
  "memory-bound",
  "cpu-starved",
  "waiting",
  "mixed",
  "storage-plateau",
  "cpu-underused",
  "memory-overprovisioned",
  "memory-pressure",
  "disk-at-cap",
  "network-at-cap",
  "runqueue-contention",
  "straggler",
  "critical-path",
] as const;
export type RuleId = (typeof RULE_IDS)[number];
/** Findings of the cost model (not configurable rules, but the same Finding shape). */
export type CostFindingId = "instance-cost" | "instance-recommendation" | "storage-option";
/** Findings of the cost model, listed under cost rather than with the rules' findings. */
export const COST_FINDING_IDS: readonly CostFindingId[] = [
  "instance-cost",
  "instance-recommendation",
  "storage-option",
];
export type FindingId = RuleId | CostFindingId;

export type Severity = "info" | "warning" | "critical";
export const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** The numbers that decided a verdict. Keys are snake_case; units are in the key (…_s, …_bytes, …_mbps). */
export type Evidence = Record<string, number | string | boolean | null>;

export interface Subject {
  /** Task name (cicd.pipeline.task.name). */
  task?: string;
  taskRunId?: string;
  /** TaskNode.key, to find the task again. */
  taskKey?: string;
  process?: { pid?: number; name: string };
}

export interface Verdict {
  rule: FindingId;
  /** finding: the rule fired; clear: evaluated and did not fire; insufficient-data: could not evaluate. */
  verdict: "finding" | "clear" | "insufficient-data";
  subject: Subject;
  /** Findings only. */
  severity?: Severity;
  /** The one-line verdict, or why the rule did not fire, or what data is missing. */
  summary: string;
  evidence: Evidence;
  advice?: string;
  /** insufficient-data: the attributes (or inputs such as the instance type) that were missing. */
  missing?: string[];
  /** Seconds from the run's start the verdict is about (where a finding span is placed). */
  atS: number;
}

/** What every rule sees. Everything here is derived from spans; nothing from agent internals. */
export interface RuleContext {
  readonly run: RunModel;
  readonly profile: Profile;
  readonly critical: CriticalPath;
  /** The instance the run used, when known (host.type or --instance) and in the catalog. */
  readonly instance?: InstanceType;
  /** Why `instance` is missing, for "not enough data" messages. */
  readonly instanceMissing?: string;
  /** The host the spans were measured on: its CPUs and memory, and its type when the catalog knows it. */
  readonly measured: MeasuredContext;
  /** The limits model and primary-verdict options (config `model:`). */
  readonly options: ModelOptions;
  /** Storage plateaus found in the run's device series, longest first. */
  readonly plateaus: readonly StoragePlateau[];
  /** True when the run is shorter than options.minRunSeconds: no run-level warnings, no cost figures. */
  readonly tooShort: boolean;
  /** Tasks long enough to judge (options.minWallSeconds). */
  judged(): TaskNode[];
  /** The limits model of a task (memoized), undefined without off-CPU data. */
  limits(task: TaskNode): TaskLimits | undefined;
  /** The task's primary verdict (memoized), undefined without a limits model. */
  primary(task: TaskNode): Primary | undefined;
  /** The task that set the pace of a critical-path segment (the path task or one that ran alongside it). */
  pace(segment: PathSegment): TaskNode | undefined;
  /** Time split of a task's processes (memoized), undefined without off-CPU data. */
  split(task: TaskNode): TimeSplit | undefined;
  /** Seconds the task holds on the run's critical path (as the pace setter of its segments). */
  criticalSeconds(task: TaskNode): number;
}

export interface MeasuredContext {
  /** Logical CPUs of the measured host (resource, else its instance type), when known. */
  readonly cpus?: number;
  readonly memoryBytes?: number;
  /** Where the figures came from ("resource", "host.type r6i.large", …). */
  readonly from: string;
  /** The catalog type of the measured host, when known and consistent with the measured size. */
  readonly type?: InstanceType;
  /** One line when the instance type given (--instance or host.type) disagrees with the measured host. */
  readonly note?: string;
}

export interface RuleDefinition<S extends z.ZodObject = z.ZodObject> {
  readonly id: RuleId;
  /** One line: what the rule detects. */
  readonly description: string;
  /** The attributes (or other inputs) the rule needs, for the README and "not enough data" messages. */
  readonly needs: string;
  /** Thresholds with defaults; overridable from YAML (`rules.<id>.<name>`). */
  readonly thresholds: S;
  /** Pure: the same context and thresholds give the same verdicts. */
  evaluate(ctx: RuleContext, thresholds: z.infer<S>): Verdict[];
}

/** Keeps the threshold type of each rule while storing them in one list. */
export function defineRule<S extends z.ZodObject>(rule: RuleDefinition<S>): RuleDefinition<S> {
  return rule;
}

export function taskSubject(t: TaskNode): Subject {
  if (t.wholeRun) return { taskKey: t.key };
  return { task: t.name, taskKey: t.key, ...(t.taskRunId !== undefined ? { taskRunId: t.taskRunId } : {}) };
}
