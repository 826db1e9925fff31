// @pipespan/agent: event sources, process table, attribution, span/metric building, export.

export { Attributor, type AttributorOptions, type Decision } from "./attribution/attributor.js";
export { isNextflowLauncher, NextflowSource, type NextflowSourceOptions } from "./attribution/nextflow-source.js";
export {
  isSnakemakeProcess,
  SnakemakeSource,
  type SnakemakeSourceOptions,
  shellCommand,
} from "./attribution/snakemake-source.js";
export type { AttributionContext, AttributionSource, Claim } from "./attribution/source.js";
export type { TaskAttribution, TaskInfo, WorkflowTaskDetails } from "./attribution/task.js";
export { contextFromEnv } from "./attribution/traceparent.js";
export * from "./export/index.js";
export { DEFAULT_HEALTH_ADDRESS, type ListenAddress, parseHealthAddress } from "./host/health-server.js";
export {
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_SEGMENT_BYTES,
  type HostAgentOptions,
  type HostAgentResult,
  runHostAgent,
} from "./host/host-agent.js";
export { ROOT_TASK_LABEL, RunMetrics } from "./metrics/run-metrics.js";
export * from "./redact/index.js";
export * from "./resource/index.js";
export { resolveCommand } from "./run/command-lookup.js";
export { DropCounts, type DropReason, dropReason } from "./run/drops.js";
export { isUserError, UserError } from "./run/errors.js";
export { EXIT_CANTCREAT, makeOutputDir, makeRunDir } from "./run/out-dir.js";
export { OWN_ENV_KEYS, READ_ENV_KEYS } from "./run/own-env.js";
export { type RecoverOutcome, recoverRun } from "./run/recover.js";
export {
  describePending,
  type FinishExportOptions,
  type RunExport,
  type RunExportOutcome,
  runExport,
} from "./run/run-export.js";
export { checkRunId, newRunId } from "./run/run-id.js";
export { DEFAULT_KILL_AFTER_MS } from "./run/run-signals.js";
export { type RunStatus as RunFileStatus, writerAlive } from "./run/run-state.js";
export { createTelemetry, type Telemetry, type TelemetryOptions } from "./run/telemetry.js";
export { type RunStatus, type TraceRunOptions, type TraceRunResult, traceRun } from "./run/trace-run.js";
export {
  DEFAULT_MAP_LIMITS,
  type KernelAvailability,
  type KernelMapLimits,
  type KernelMapSizes,
  KernelSource,
  type KernelSourceOptions,
  openKernelProbe,
} from "./source/kernel/index.js";
export { ProcfsSource, type ProcfsSourceOptions, type ProcfsSourceStats } from "./source/procfs/index.js";
export { type ChooseSourceOptions, type ChosenSource, chooseSource, type SourceChoice } from "./source/select.js";
export * from "./source/types.js";
export { addTotals, cpuNs, measureAttributes, type Totals } from "./spans/measure-attributes.js";
export {
  type RunOutcome,
  RunRecorder,
  type RunRecorderOptions,
  type RunSummary,
  type TaskSummary,
} from "./spans/run-recorder.js";
export type { ProcessExit, ProcessRecord } from "./table/process-record.js";
export { ProcessTable, type TableChange } from "./table/process-table.js";
export { EventFiles, type EventFilesOptions } from "./workflow/event-files.js";
export { parseCommandRunHeader, splitTaskName, type TaskHeader } from "./workflow/nextflow/header.js";
export {
  parseWeblogEvent,
  WEBLOG_EVENTS,
  type WeblogEvent,
  type WeblogEventName,
  type WeblogTrace,
} from "./workflow/nextflow/weblog-schema.js";
export { type WeblogRun, WeblogStore, type WeblogTask } from "./workflow/nextflow/weblog-store.js";
export { parseWorkDir, shortHash, type WorkDirRef, workDirInArgv } from "./workflow/nextflow/work-dir.js";
export {
  DEFAULT_RECEIVER_PORT,
  parseListenAddress,
  type ReceiverOptions,
  type ReceiverStats,
  WorkflowReceiver,
} from "./workflow/receiver.js";
export {
  parseSnakemakeEvent,
  SNAKEMAKE_EVENTS,
  SNAKEMAKE_SCHEMA,
  type SnakemakeEvent,
} from "./workflow/snakemake/events.js";
export {
  normalizeCommand,
  type SnakemakeJob,
  SnakemakeStore,
  type SnakemakeWorkflow,
} from "./workflow/snakemake/store.js";
export { WorkflowInputs, type WorkflowInputsOptions, workflowEventsDir } from "./workflow/workflow-inputs.js";
