// Two runs compared: side by side, the verdict in words, and per task the wall-time change and where it went.
import type { ReportDiff, ReportRun } from "../src/data/types.js";
import { h, section } from "./dom.js";
import { dur, signedDur, usd } from "./format.js";

function runCells(r: ReportRun): string[] {
  return [
    `${r.pipelineName ?? "?"} ${r.runId ?? r.traceId}`,
    r.instance ? `${r.instance.type} (${r.instance.vcpu} vCPUs)` : "unknown",
    dur(r.wallS),
    r.costUsd !== undefined ? usd(r.costUsd) : "–",
    String(r.tasks),
    r.source ?? "?",
  ];
}

export function diffSection(diff: ReportDiff): HTMLElement {
  const a = runCells(diff.a);
  const b = runCells(diff.b);
  const labels = ["run", "instance", "wall time", "cost", "tasks", "source"];
  return section(
    "comparison",
    "Comparison",
    h(
      "table",
      { class: "grid side" },
      h("thead", null, h("tr", null, h("th", null, ""), h("th", null, "Run A"), h("th", null, "Run B"))),
      h(
        "tbody",
        null,
        labels.map((l, k) => h("tr", null, h("th", null, l), h("td", null, a[k] ?? ""), h("td", null, b[k] ?? ""))),
      ),
    ),
    h("ul", { class: "verdict" }, ...diff.verdict.map((v) => h("li", null, v))),
    h(
      "table",
      { class: "grid diff-tasks" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ...["Task", "Wall A", "Wall B", "Δ wall", "Δ CPU", "Δ I/O wait", "Δ run queue", "Where it went"].map((x) =>
            h("th", null, x),
          ),
        ),
      ),
      h(
        "tbody",
        null,
        diff.tasks.map((t) =>
          h(
            "tr",
            { "data-cause": t.cause },
            h("td", null, t.which !== undefined ? `${t.name} (${t.which})` : t.name),
            h("td", { class: "num" }, dur(t.aWallS)),
            h("td", { class: "num" }, dur(t.bWallS)),
            h("td", { class: `num ${t.cause !== "none" ? (t.dWallS > 0 ? "bad" : "good") : ""}` }, signedDur(t.dWallS)),
            h("td", { class: "num" }, signedDur(t.dCpuS)),
            h("td", { class: "num" }, signedDur(t.dIoWaitS)),
            h("td", { class: "num" }, signedDur(t.dRunqueueS)),
            h("td", null, t.where),
          ),
        ),
      ),
    ),
    diff.onlyA.length + diff.onlyB.length > 0
      ? h(
          "p",
          { class: "note" },
          diff.onlyA.length > 0 ? `Only in run A: ${diff.onlyA.join(", ")}. ` : "",
          diff.onlyB.length > 0 ? `Only in run B: ${diff.onlyB.join(", ")}.` : "",
        )
      : null,
  );
}
