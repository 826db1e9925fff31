// @pipespan/report: a run as one self-contained HTML file (timeline, resource profile, tasks, findings, cost),
// and two runs compared. Reads runs through @pipespan/findings (spans only), never agent internals.

export { type BuildReportOptions, buildReportData } from "./data/build.js";
export { profileBinsFor } from "./data/profile.js";
export { instanceOf, runData } from "./data/run.js";
export { wallShares } from "./data/tasks.js";
export * from "./data/types.js";
export { type DiffSide, diffRuns } from "./diff/diff.js";
export { PART_WORDS, type Part, signed, significant } from "./diff/facts.js";
export { matchTasks, type TaskMatch, type TaskPair, taskIdentity } from "./diff/match.js";
export { ReportError } from "./errors.js";
export { CLIENT_SCRIPT, CLIENT_STYLE } from "./html/assets.js";
export { escapeHtml, renderReportHtml, scriptJson } from "./html/render.js";
export { VERSION } from "./version.js";
export { writeReportFile } from "./write.js";
