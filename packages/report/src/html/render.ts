// The report as one self-contained HTML file: the data as JSON, the page's script (with the charting library) and
// style inline. No network: the Content-Security-Policy allows nothing to be fetched, so the file works from disk,
// offline, and cannot call out even if a traced command's name tried to inject something.
import type { ReportData } from "../data/types.js";
import { clientAssets } from "./assets.js";

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element (no "</script", no HTML comment openers, no line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

export function renderReportHtml(data: ReportData): string {
  const { script, style } = clientAssets();
  const run = data.run;
  const title = `pipespan report: ${run.pipelineName ?? "run"}${run.runId !== undefined ? ` ${run.runId}` : ""}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<div id="app"><noscript>This report needs JavaScript to draw its charts and tables.</noscript></div>
<script id="pipespan-data" type="application/json">${scriptJson(data)}</script>
<script>${script.replace(/<\/script/gi, "<\\/script")}</script>
</body>
</html>
`;
}
