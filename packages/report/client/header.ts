// The top of the report: which run, when, how long, on what, at what cost, and its headline figures.
import type { ReportData } from "../src/data/types.js";
import { h } from "./dom.js";
import { bytes, dur, usd, when } from "./format.js";

export function headerSection(d: ReportData): HTMLElement {
  const r = d.run;
  const meta = [
    `run ${r.runId ?? r.traceId}`,
    when(r.startIso),
    `source ${r.source ?? "unknown"}`,
    r.instance
      ? `${r.instance.type}${r.instanceFrom === "--instance" ? " (--instance)" : ""}`
      : "instance type unknown",
    `trace ${r.traceId}`,
  ];
  const card = (label: string, value: string, id: string) =>
    h(
      "div",
      { class: "card", "data-figure": id },
      h("div", { class: "value" }, value),
      h("div", { class: "label" }, label),
    );
  const exit = r.exitCode === undefined ? null : r.exitCode === 0 ? "exit 0" : `exit ${r.exitCode}`;
  return h(
    "header",
    null,
    h(
      "h1",
      null,
      h("span", { class: "brand" }, "pipespan"),
      ` ${r.pipelineName ?? "run"}`,
      exit ? h("span", { class: `badge ${r.exitCode === 0 ? "ok" : "sev-critical"}` }, exit) : null,
    ),
    h("p", { class: "meta" }, meta.join(" · ")),
    h(
      "div",
      { class: "cards" },
      card("wall time", dur(r.wallS), "wall"),
      card("tasks", `${r.tasks}${r.failedTasks > 0 ? ` (${r.failedTasks} failed)` : ""}`, "tasks"),
      card("processes", String(r.processes), "processes"),
      card("CPU time", dur(r.cpuS), "cpu"),
      card("I/O wait", r.ioWaitS === null ? "not measured" : dur(r.ioWaitS), "io"),
      card("storage read + written", bytes(r.storageBytes), "storage"),
      card("peak RSS (one process)", bytes(r.peakRssBytes), "rss"),
      card("cost", r.costUsd !== undefined ? usd(r.costUsd) : "instance unknown", "cost"),
    ),
    d.warnings.length > 0 ? h("ul", { class: "warnings" }, ...d.warnings.map((w) => h("li", null, w))) : null,
  );
}
