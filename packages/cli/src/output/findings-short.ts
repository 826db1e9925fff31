// The short form `pipespan run` prints after its summary: the findings in one line each, what could not be
// judged, the best recommendation, and where the details are.
import type { AnalysisReport } from "@pipespan/findings";
import { COST_FINDING_IDS, format } from "@pipespan/findings";
import { ATTR_HOST_TYPE } from "@pipespan/semconv";
import { severityLabel } from "./findings-text.js";
import type { Style } from "./style.js";

const MAX_LINES = 8;

export function renderFindingsShort(r: AnalysisReport, style: Style, runDirForHumans: string): string {
  const out: string[] = [];
  const main = r.findings.filter((f) => !COST_FINDING_IDS.includes(f.rule as never));
  out.push(style.bold(`pipespan: findings (${main.length})`));
  if (r.run.hostNote) out.push(`  note: ${r.run.hostNote}`);
  for (const f of main.slice(0, MAX_LINES)) {
    out.push(`  ${severityLabel(f.severity, style)} ${f.rule}${f.task ? ` [${f.task}]` : ""}: ${f.summary}`);
  }
  if (main.length > MAX_LINES) out.push(`  … ${main.length - MAX_LINES} more`);
  if (r.insufficientData.length > 0) {
    // Grouped by what would fix it: the eBPF source, or knowing the instance type.
    const ebpf = new Set<string>();
    const instance = new Set<string>();
    const other = new Set<string>();
    for (const g of r.insufficientData) {
      if (/eBPF source/.test(g.reason)) ebpf.add(g.rule);
      else if (g.missing.includes(ATTR_HOST_TYPE)) instance.add(g.rule);
      else other.add(g.rule);
    }
    const parts = [
      ebpf.size > 0 ? `${[...ebpf].join(", ")} need the eBPF source` : "",
      instance.size > 0 ? `${[...instance].join(", ")} need the instance type (${ATTR_HOST_TYPE} or --instance)` : "",
      other.size > 0 ? `${[...other].join(", ")} lack data` : "",
    ].filter(Boolean);
    out.push(style.dim(`  not enough data: ${parts.join("; ")}`));
  }
  const c = r.cost;
  if (c.storage) {
    const best = [...c.storageOptions].sort((a, b) => a.estRuntimeSeconds - b.estRuntimeSeconds)[0];
    out.push(
      `  storage: ${c.storage.device} at a limit (${c.storage.limit})${best ? `; lifting it: ${best.summary}` : ""}`,
    );
  }
  if (c.baseline) {
    const best = r.recommendations[0];
    out.push(
      `  cost: ${format.usd(c.baseline.costPerRunUsd)} on ${c.baseline.instanceType}` +
        (best ? `; best alternative: ${best.summary}` : c.refused ? "; no recommendation (not enough data)" : ""),
    );
  }
  out.push(`pipespan: details: pipespan analyze ${runDirForHumans}`);
  return `${out.join("\n")}\n`;
}
