// The run folder's files (`pipespan run --out`, default runs/<run id>/): written by the agent, read by the
// analyzer, the report and `pipespan export`. Named once here so that writers and readers cannot drift.

/** The run's identity and state: status running → complete, heartbeat, totals, drops, export problems. */
export const RUN_JSON_FILE = "run.json";
/** The run's spans as OTLP/JSON, one ExportTraceServiceRequest per line. */
export const TRACES_FILE = "traces.jsonl";
/** The run's metrics as OTLP/JSON, one ExportMetricsServiceRequest per line. */
export const METRICS_FILE = "metrics.jsonl";
/** Finding spans written by an analysis (rewritten, never appended, by each new analysis). */
export const FINDINGS_TRACES_FILE = "traces-findings.jsonl";
/** Run and task spans rebuilt from the journal after the writer was killed. */
export const RECOVERED_TRACES_FILE = "traces-recovered.jsonl";
/** Spans still open, journaled as the run goes, so they can be rebuilt if the writer dies. */
export const JOURNAL_FILE = "journal.jsonl";
/** How far each of the run's files has been shipped to the remote backend. */
export const EXPORT_STATE_FILE = "export-state.json";
/** The self-contained HTML report. */
export const REPORT_FILE = "report.html";

/** Every trace file of a run folder: traces.jsonl and its companions (traces-<part>.jsonl: rotations, findings). */
export const TRACE_FILES_PATTERN = /^traces(-[A-Za-z0-9._-]+)?\.jsonl$/;
/** Every metric file of a run folder: metrics.jsonl and its rotations. */
export const METRIC_FILES_PATTERN = /^metrics(-[A-Za-z0-9._-]+)?\.jsonl$/;
