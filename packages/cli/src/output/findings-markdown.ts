// `pipespan analyze --markdown`: the same report as GitHub-flavoured Markdown (for a PR comment or a job summary).
import { type AnalysisReport, COST_FINDING_IDS, format } from "@pipespan/findings";
import { renderHeader, renderNotes } from "./findings-text.js";
import { formatSeconds } from "./format.js";

/** Escapes text for a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function renderFindingsMarkdown(r: AnalysisReport): string {
  const out: string[] = [];
  out.push(`## pipespan findings: ${cell(r.run.pipelineName ?? r.run.runId ?? r.run.traceId)}`, "");
  out.push(renderHeader(r), "");
  for (const n of renderNotes(r)) out.push(`> ${cell(n)}`, "");

  const main = r.findings.filter((f) => !COST_FINDING_IDS.includes(f.rule as never));
  out.push("### Findings", "");
  if (main.length === 0) out.push("No rule fired.", "");
  else {
    out.push("| Severity | Rule | Task | Finding | Advice |", "|---|---|---|---|---|");
    for (const f of main) {
      out.push(
        `| ${f.severity} | \`${f.rule}\` | ${cell(f.task ?? f.process?.name ?? "(run)")} | ${cell(f.summary)} | ${cell(f.advice)} |`,
      );
    }
    out.push("");
    out.push("<details><summary>Evidence</summary>", "");
    for (const f of main)
      out.push(`- \`${f.rule}\`${f.task ? ` (${cell(f.task)})` : ""}: \`${JSON.stringify(f.evidence)}\``);
    out.push("", "</details>", "");
  }

  if (r.insufficientData.length > 0) {
    out.push("### Not enough data", "");
    for (const g of r.insufficientData) {
      const who =
        g.tasks.length > 0
          ? ` (${cell(g.tasks.join(", "))}${g.count > g.tasks.length ? `, ${g.count} in all` : ""})`
          : "";
      out.push(`- \`${g.rule}\`${who}: ${cell(g.reason)}`);
    }
    out.push("");
  }

  out.push("### Cost", "");
  const c = r.cost;
  if (c.baseline) {
    const b = c.baseline;
    out.push(
      b.estimated
        ? `This run would cost about **${format.usd(b.costPerRunUsd)}** on \`${b.instanceType}\` (est. ${formatSeconds(b.runtimeSeconds)} × $${b.pricePerHourUsd}/h, on demand, projected from the measured host).`
        : `This run cost **${format.usd(b.costPerRunUsd)}** on \`${b.instanceType}\` (${formatSeconds(b.runtimeSeconds)} × $${b.pricePerHourUsd}/h, on demand).`,
      "",
    );
  }
  if (c.storage) {
    const s = c.storage;
    const rate = s.kind === "throughput" ? format.mbps(s.bytesPerS) : `${s.opsPerS.toFixed(0)} IOPS`;
    out.push(
      `Storage limit: \`${cell(s.device)}\` flat at ${rate} for ${formatSeconds(s.seconds)} (${format.pct(s.share)} of the run); ${cell(s.why)}.`,
      "",
    );
    if (c.storageOptions.length > 0) {
      out.push("| Option | Est. runtime | Speedup | Volume | Est. cost/run | Note |", "|---|--:|--:|--:|--:|---|");
      for (const o of c.storageOptions) {
        out.push(
          `| ${cell(o.label)} | ${formatSeconds(o.estRuntimeSeconds)} | ${format.times(o.speedup)} | ` +
            `${o.extraUsdPerMonth === undefined ? "" : o.extraUsdPerMonth > 0 ? `+$${o.extraUsdPerMonth.toFixed(2)}/mo` : "included"} | ` +
            `${o.estCostPerRunUsd !== undefined ? format.usd(o.estCostPerRunUsd) : ""} | ${cell(o.note)} |`,
        );
      }
      out.push("");
    }
  }
  if (c.refused) out.push(`No recommendation: ${cell(c.refused.reason)}.`, "");
  else if (r.recommendations.length === 0) out.push(`No recommendation: ${cell(c.note ?? "none qualified")}.`, "");
  else {
    out.push(
      "| # | Instance | Est. runtime | Speedup | Est. cost/run | Change | Break-even speedup | Binding limit |",
      "|---|---|--:|--:|--:|--:|--:|---|",
    );
    r.recommendations.forEach((x, i) => {
      out.push(
        `| ${i + 1} | \`${x.instanceType}\` | ${formatSeconds(x.estRuntimeSeconds)} | ${format.times(x.speedup)} | ` +
          `${format.usd(x.estCostPerRunUsd)} | ${(x.costChange * 100).toFixed(0)}% | ${format.times(x.breakEvenSpeedup)} | ${x.bindingLimit} |`,
      );
    });
    out.push("");
  }
  out.push("Assumptions:", "", ...c.assumptions.map((a) => `- ${cell(a)}`), "");
  return `${out.join("\n")}`;
}
