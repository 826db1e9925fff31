/** The HTML report a run folder holds (written by `pipespan run`, and by `pipespan report` by default). */
export const REPORT_FILE = "report.html";
