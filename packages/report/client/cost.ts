// The run's cost and the ranked instance recommendations, with the assumptions they rest on.
import type { ReportData } from "../src/data/types.js";
import { h, section } from "./dom.js";
import { dur, times, usd } from "./format.js";

export function costSection(d: ReportData): HTMLElement {
  const c = d.cost;
  if (c === null)
    return section("cost", "Cost", h("p", { class: "note" }, "The run was not analysed, so it was not priced."));
  const b = c.baseline;
  const head = b
    ? h(
        "p",
        { class: "baseline" },
        "This run cost ",
        h("b", null, usd(b.costUsd)),
        ` on ${b.instanceType} (${dur(b.runtimeS)} × $${b.pricePerHourUsd}/h, on demand)`,
        c.bindingLimitNow ? `; the limit that binds now: ${c.bindingLimitNow}.` : ".",
      )
    : null;
  const table =
    c.recommendations.length === 0
      ? null
      : h(
          "table",
          { class: "grid cost" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ...[
                "#",
                "Instance",
                "vCPUs",
                "Memory",
                "Est. runtime",
                "Speedup",
                "Est. cost/run",
                "Change",
                "Break-even",
                "Binding limit",
              ].map((x) => h("th", null, x)),
            ),
          ),
          h(
            "tbody",
            null,
            c.recommendations.map((x, k) =>
              h(
                "tr",
                { class: "recommendation", title: x.summary },
                h("td", { class: "num" }, String(k + 1)),
                h("td", null, h("code", null, x.instanceType)),
                h("td", { class: "num" }, String(x.vcpu)),
                h("td", { class: "num" }, `${x.memoryGib} GiB`),
                h("td", { class: "num" }, dur(x.estRuntimeS)),
                h("td", { class: "num" }, times(x.speedup)),
                h("td", { class: "num" }, usd(x.estCostUsd)),
                h(
                  "td",
                  { class: `num ${x.costChange < 0 ? "good" : "bad"}` },
                  `${x.costChange <= 0 ? "" : "+"}${(x.costChange * 100).toFixed(0)}%`,
                ),
                h("td", { class: "num" }, times(x.breakEvenSpeedup)),
                h("td", null, x.bindingLimit),
              ),
            ),
          ),
        );
  return section(
    "cost",
    "Cost and instance recommendations",
    head,
    c.refused ? h("p", { class: "note" }, `No recommendation: ${c.refused}.`) : null,
    !c.refused && c.recommendations.length === 0 && c.note
      ? h("p", { class: "note" }, `No recommendation: ${c.note}.`)
      : null,
    table,
    h("h3", null, "Assumptions"),
    h("ul", { class: "assumptions" }, ...c.assumptions.map((a) => h("li", null, a))),
  );
}
