// Findings with their evidence, and what could not be judged. Generic over the rule: every finding is a rule id,
// a severity, a subject, a summary, evidence (name → value) and advice, whatever rule made it.
import type { ReportData, ReportFinding } from "../src/data/types.js";
import { h, section } from "./dom.js";

function evidenceList(f: ReportFinding): HTMLElement {
  return h(
    "dl",
    { class: "evidence" },
    ...Object.entries(f.evidence).flatMap(([k, v]) => [
      h("dt", null, k),
      h("dd", null, v === null ? "–" : typeof v === "number" ? String(Math.round(v * 1e4) / 1e4) : String(v)),
    ]),
  );
}

export function findingsSection(d: ReportData): HTMLElement {
  if (d.findings === null) {
    return section(
      "findings",
      "Findings",
      h(
        "p",
        { class: "note" },
        "The run was not analysed (pipespan run --no-findings); pipespan analyze or pipespan report makes the findings.",
      ),
    );
  }
  const rows = d.findings.map((f) =>
    h(
      "tr",
      { class: `finding sev-${f.severity}`, "data-rule": f.rule },
      h("td", null, h("span", { class: `badge sev-${f.severity}` }, f.severity)),
      h("td", null, h("code", null, f.rule)),
      h("td", null, f.subject),
      h(
        "td",
        null,
        h("div", null, f.summary),
        f.advice ? h("div", { class: "advice" }, `→ ${f.advice}`) : null,
        Object.keys(f.evidence).length > 0 ? h("details", null, h("summary", null, "evidence"), evidenceList(f)) : null,
      ),
    ),
  );
  const lacking =
    d.insufficient.length === 0
      ? null
      : h(
          "div",
          { class: "lacking" },
          h("h3", null, "Not enough data"),
          h(
            "ul",
            null,
            ...d.insufficient.map((g) =>
              h(
                "li",
                { "data-rule": g.rule },
                h("code", null, g.rule),
                g.tasks.length > 0
                  ? ` (${g.tasks.join(", ")}${g.count > g.tasks.length ? `, ${g.count} in all` : ""})`
                  : "",
                `: ${g.reason}`,
              ),
            ),
          ),
        );
  return section(
    "findings",
    `Findings (${d.findings.length})`,
    d.findings.length === 0
      ? h("p", null, "No rule fired.")
      : h(
          "table",
          { class: "grid findings" },
          h("thead", null, h("tr", null, ...["Severity", "Rule", "Subject", "Finding"].map((c) => h("th", null, c)))),
          h("tbody", null, rows),
        ),
    lacking,
  );
}
