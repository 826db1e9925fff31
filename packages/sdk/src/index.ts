// @pipespan/sdk: instrument a custom pipeline with OTel run/task spans and pass the trace to child processes.
export {
  CommandStartError,
  DEFAULT_MAX_OUTPUT_BYTES,
  exitCodeForSignal,
  signalNumber,
} from "./child.js";
export {
  ENV_PROTOCOL_KEYS,
  type EnvFields,
  type EnvRecord,
  type ExtractedEnv,
  extractEnv,
  injectEnv,
  MAX_TRACEPARENT_LENGTH,
  MAX_TRACESTATE_LENGTH,
  parseTraceparent,
  type TraceparentParse,
  withoutProtocolEnv,
} from "./env-protocol.js";
export { MAX_ATTEMPT, MAX_NAME_LENGTH } from "./limits.js";
export {
  deriveRunResult,
  isPipelineResult,
  isUnsuccessful,
  type PipelineResult,
  RESULT_CANCELLATION,
  RESULT_ERROR,
  RESULT_FAILURE,
  RESULT_SKIP,
  RESULT_SUCCESS,
  RESULT_TIMEOUT,
} from "./result.js";
export {
  ExecError,
  type ExecOptions,
  type ExecResult,
  type PipelineRun,
  type PipelineRunOptions,
  startPipelineRun,
  type TaskHandle,
  type TaskOptions,
} from "./run.js";
export {
  FORWARDED_SIGNALS,
  runTaskCommand,
  type TaskCommandOptions,
  type TaskCommandResult,
} from "./task-command.js";
export { SDK_SCOPE_NAME, SDK_VERSION, type TracerSource, workDirUrl } from "./task-span.js";
