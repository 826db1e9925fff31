// Result values of cicd.pipeline.result and cicd.pipeline.task.run.result. Both attributes share one enum in the
// OTel CI/CD conventions (a test checks that the task-run values are the same strings).

import {
  CICD_PIPELINE_RESULT_VALUE_CANCELLATION,
  CICD_PIPELINE_RESULT_VALUE_ERROR,
  CICD_PIPELINE_RESULT_VALUE_FAILURE,
  CICD_PIPELINE_RESULT_VALUE_SKIP,
  CICD_PIPELINE_RESULT_VALUE_SUCCESS,
  CICD_PIPELINE_RESULT_VALUE_TIMEOUT,
} from "@pipespan/semconv";

/** Outcome of a pipeline run or of one task run (cicd.pipeline.result / cicd.pipeline.task.run.result). */
export type PipelineResult =
  | typeof CICD_PIPELINE_RESULT_VALUE_SUCCESS
  | typeof CICD_PIPELINE_RESULT_VALUE_FAILURE
  | typeof CICD_PIPELINE_RESULT_VALUE_ERROR
  | typeof CICD_PIPELINE_RESULT_VALUE_TIMEOUT
  | typeof CICD_PIPELINE_RESULT_VALUE_CANCELLATION
  | typeof CICD_PIPELINE_RESULT_VALUE_SKIP;

export const RESULT_SUCCESS: PipelineResult = CICD_PIPELINE_RESULT_VALUE_SUCCESS;
/** The work ran and failed: a non-zero exit, a thrown exception, a failed check. */
export const RESULT_FAILURE: PipelineResult = CICD_PIPELINE_RESULT_VALUE_FAILURE;
/** The work could not run: the command does not exist or cannot be executed. */
export const RESULT_ERROR: PipelineResult = CICD_PIPELINE_RESULT_VALUE_ERROR;
export const RESULT_TIMEOUT: PipelineResult = CICD_PIPELINE_RESULT_VALUE_TIMEOUT;
/** Stopped on request: SIGINT/SIGTERM/SIGHUP, or an AbortSignal. */
export const RESULT_CANCELLATION: PipelineResult = CICD_PIPELINE_RESULT_VALUE_CANCELLATION;
export const RESULT_SKIP: PipelineResult = CICD_PIPELINE_RESULT_VALUE_SKIP;

const ALL_RESULTS: readonly PipelineResult[] = [
  RESULT_SUCCESS,
  RESULT_FAILURE,
  RESULT_ERROR,
  RESULT_TIMEOUT,
  RESULT_CANCELLATION,
  RESULT_SKIP,
];

export function isPipelineResult(value: unknown): value is PipelineResult {
  return typeof value === "string" && (ALL_RESULTS as readonly string[]).includes(value);
}

/** True for the results that mark the span's status as ERROR. */
export function isUnsuccessful(result: PipelineResult): boolean {
  return result !== RESULT_SUCCESS && result !== RESULT_SKIP;
}

// When several tasks went wrong, the run takes the most telling result: a cancelled run is cancelled whatever
// else happened while it stopped; an error of the system explains failures that follow it; then timeouts;
// then plain failures.
const RUN_PRECEDENCE: readonly PipelineResult[] = [RESULT_CANCELLATION, RESULT_ERROR, RESULT_TIMEOUT, RESULT_FAILURE];

/** The run result implied by its task results: success unless some task was unsuccessful. */
export function deriveRunResult(taskResults: Iterable<PipelineResult>): PipelineResult {
  const seen = new Set(taskResults);
  for (const result of RUN_PRECEDENCE) {
    if (seen.has(result)) return result;
  }
  return RESULT_SUCCESS;
}
