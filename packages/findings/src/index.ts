// @pipespan/findings: turns a run's spans into findings (rules), cost per run and instance recommendations.
// Reads spans only (OTLP/JSON files, backend exports, in-memory SDK spans); never agent internals.

export {
  type Catalog,
  DEFAULT_CATALOG_PATH,
  type InstanceType,
  loadCatalog,
  parseCatalog,
  requireInstanceType,
} from "./catalog/catalog.js";
export { CsvError, parseCsv } from "./catalog/csv.js";
export { loadVolumes, parseVolumes, type VolumeType } from "./catalog/volumes.js";
export {
  type AnalysisConfig,
  type CostOptions,
  CostOptionsSchema,
  defaultConfig,
  loadConfig,
  type ModelOptions,
  ModelOptionsSchema,
  parseConfig,
  type RuleSettings,
} from "./config/config.js";
export {
  type BindingLimit,
  type HostSpec,
  type Projection,
  type ProjectionContext,
  project,
  type SegmentFacts,
  segmentFacts,
  type TargetSpec,
} from "./cost/project.js";
export {
  analyzeCost,
  type Baseline,
  type CostAnalysis,
  type Recommendation,
  type StorageOption,
  type StorageSummary,
} from "./cost/recommend.js";
export {
  type AnalyzeOptions,
  analyzeRun,
  estimateRuntimes,
  measuredHost,
  type RuntimeEstimate,
} from "./engine/analyze.js";
export { type LoadedRun, type LoadRunOptions, loadRun, type RunJson } from "./engine/load.js";
export { type AnalysisReport, type Finding, type InsufficientData, toJsonReport } from "./engine/report.js";
export { FindingsError, type FindingsErrorKind } from "./errors.js";
export * as format from "./format.js";
export { type BuildRunModelOptions, buildRunModel, RunModelBuilder, WHOLE_RUN_KEY } from "./model/build.js";
export { type CriticalPath, criticalPath, type PathSegment } from "./model/critical-path.js";
export {
  type Bucket,
  CAUSES,
  type Cause,
  type Held,
  type LimitsOptions,
  projectTask,
  type Scenario,
  type TaskLimits,
  taskLimits,
  waterFill,
} from "./model/limits.js";
export { addMeasures, readMeasures, storageBytes } from "./model/measures.js";
export { classifyPlateau, findPlateaus, type PlateauLimit, type StoragePlateau } from "./model/plateau.js";
export type { ProcessColumns } from "./model/process-columns.js";
export { buildProfile, integralOf, type Profile, peakOf, secondsAtOrAbove } from "./model/profile.js";
export { hasOffCpuData, splitOf, type TimeSplit, timeSplit } from "./model/split.js";
export { readDevices, readHost, readTimeline } from "./model/timeline.js";
export type {
  Coverage,
  DeviceSeries,
  MeasuredHost,
  Measures,
  ProcessNode,
  RunModel,
  TaskNode,
  Timeline,
} from "./model/types.js";
export {
  CAUSE_LABEL,
  PRIMARY_VERDICTS,
  type Primary,
  type PrimaryVerdict,
  primaryVerdict,
  type VerdictOptions,
} from "./model/verdict.js";
export * from "./otlp/index.js";
export { normalizeReadableSpans, type ReadableSpanLike } from "./otlp/readable.js";
export { RULES } from "./rules/index.js";
export {
  COST_FINDING_IDS,
  type CostFindingId,
  type Evidence,
  type FindingId,
  type MeasuredContext,
  RULE_IDS,
  type RuleContext,
  type RuleDefinition,
  type RuleId,
  type Severity,
  type Subject,
  type Verdict,
} from "./rules/types.js";
export { type FindingSpanSpec, findingSpans } from "./spans/finding-spans.js";
