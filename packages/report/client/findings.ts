// Findings with their evidence, and what could not be judged. Generic over the rule: every finding is a rule id,
// a severity, a subject, a summary, evidence (name → value) and advice, whatever rule made it.
import type { ReportData, ReportFinding } from "../src/data/types.js";
import { h, section } from "./dom.js";

const PAGE = 50;

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
  const row = (f: ReportFinding) =>
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
    );
  // Long lists are drawn a page at a time.
  const all = d.findings;
  const tbody = h("tbody", null);
  const more = h("button", { type: "button", class: "more" });
  let drawn = 0;
  const drawMore = () => {
    const next = all.slice(drawn, drawn + PAGE);
    tbody.append(...next.map(row));
    drawn += next.length;
    more.textContent = `show ${Math.min(PAGE, all.length - drawn)} more of ${all.length - drawn}`;
    more.hidden = drawn >= all.length;
  };
  more.addEventListener("click", drawMore);
  drawMore();
  const omitted = Object.entries(d.findingsOmitted ?? {});
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
    `Findings (${all.length + omitted.reduce((n, [, k]) => n + k, 0)})`,
    all.length === 0
      ? h("p", null, "No rule fired.")
      : h(
          "table",
          { class: "grid findings" },
          h("thead", null, h("tr", null, ...["Severity", "Rule", "Subject", "Finding"].map((c) => h("th", null, c)))),
          tbody,
        ),
    more,
    omitted.length > 0
      ? h(
          "p",
          { class: "note" },
          `This report keeps the first findings of each rule; left out: ${omitted.map(([r, k]) => `${k} ${r}`).join(", ")} (pipespan analyze --json lists them all).`,
        )
      : null,
    lacking,
  );
}
