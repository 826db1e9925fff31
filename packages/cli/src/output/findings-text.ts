// `pipespan analyze` in a terminal: the findings as a table (advice under each), what could not be judged and
// why, then the cost of the run and the ranked instance recommendations with their assumptions.
import { type AnalysisReport, COST_FINDING_IDS, format } from "@pipespan/findings";
import { ATTR_HOST_TYPE } from "@pipespan/semconv";
import { formatSeconds } from "./format.js";
import type { Style } from "./style.js";

/** A table whose last column is free text (left-aligned, not padded). */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        if (i === cells.length - 1) return c;
        const pad = (widths[i] ?? 0) - visible(c).length;
        return right.has(i) ? " ".repeat(Math.max(0, pad)) + c : c + " ".repeat(Math.max(0, pad));
      })
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: measuring text without its ANSI color codes
const ANSI = /\u001b\[[0-9;]*m/g;
function visible(s: string): string {
  return s.replace(ANSI, "");
}

export function severityLabel(sev: string, style: Style): string {
  return sev === "critical" ? style.red(sev) : sev === "warning" ? style.bold(sev) : style.dim(sev);
}

export function renderHeader(r: AnalysisReport): string {
  const run = r.run;
  const parts = [
    `run ${run.runId ?? run.traceId}${run.pipelineName ? ` (${run.pipelineName})` : ""}`,
    formatSeconds(run.wallSeconds),
    `source ${run.source ?? "unknown"}`,
    run.instanceType
      ? `${run.instanceType} (${run.instanceTypeFrom === "--instance" ? "--instance" : `${ATTR_HOST_TYPE} of the resource`})`
      : "instance type unknown",
    `${run.tasks} task(s), ${run.processes} process(es)`,
  ];
  return parts.join(" · ");
}

/** Lines worth a word before the findings: the host note, malformed data that was ignored. */
export function renderNotes(r: AnalysisReport): string[] {
  const out: string[] = [];
  if (r.run.hostNote) out.push(`note: ${r.run.hostNote}`);
  for (const p of r.run.dataProblems ?? []) out.push(`note: ${p}`);
  return out;
}

export function renderFindingsText(r: AnalysisReport, style: Style): string {
  const out: string[] = [];
  out.push(style.bold(`pipespan analyze: ${renderHeader(r)}`));
  for (const n of renderNotes(r)) out.push(style.bold(n));
  out.push("");

  const main = r.findings.filter((f) => !COST_FINDING_IDS.includes(f.rule as never));
  out.push(style.bold("FINDINGS"));
  if (main.length === 0) out.push("  none: no rule fired");
  else {
    const rows = main.map((f) => [
      severityLabel(f.severity, style),
      f.rule,
      f.task ?? (f.process ? f.process.name : "(run)"),
      f.summary,
    ]);
    const lines = table(["SEVERITY", "RULE", "TASK", "SUMMARY"], rows);
    out.push(`  ${lines[0]}`);
    const indent = " ".repeat((lines[0]?.indexOf("SUMMARY") ?? 0) + 2);
    main.forEach((f, i) => {
      out.push(`  ${lines[i + 1]}`);
      if (f.advice) out.push(style.dim(`${indent}→ ${f.advice}`));
    });
  }

  // The cost model's own refusal is shown under COST.
  const lacking = r.insufficientData.filter((g) => g.rule !== "instance-recommendation");
  if (lacking.length > 0) {
    out.push("", style.bold("NOT ENOUGH DATA"));
    for (const g of lacking) {
      const who =
        g.tasks.length > 0 ? ` (${g.tasks.join(", ")}${g.count > g.tasks.length ? `, … ${g.count} in all` : ""})` : "";
      out.push(`  ${g.rule}${who}: ${g.reason}`);
    }
  }

  out.push("", style.bold("COST"));
  out.push(...renderCost(r, style).map((l) => `  ${l}`));
  return `${out.join("\n")}\n`;
}

export function renderCost(r: AnalysisReport, style: Style): string[] {
  const c = r.cost;
  const out: string[] = [];
  if (c.baseline) {
    const b = c.baseline;
    out.push(
      `${b.estimated ? "this run on" : "this run:"} ${format.usd(b.costPerRunUsd)} on ${b.instanceType} (${b.estimated ? "est. " : ""}${formatSeconds(b.runtimeSeconds)} × $${b.pricePerHourUsd}/h` +
        `${b.estimated ? ", projected from the measured host" : ""})` +
        (c.current ? `; binding limit now: ${c.current.bindingLimit}` : ""),
    );
  }
  out.push(...renderStorage(r));
  if (c.refused) {
    out.push(`no recommendation: ${c.refused.reason}`);
    return out;
  }
  if (r.recommendations.length === 0) {
    if (c.note) out.push(`no recommendation: ${c.note}`);
  } else {
    const rows = r.recommendations.map((x, i) => [
      String(i + 1),
      x.instanceType,
      formatSeconds(x.estRuntimeSeconds),
      format.times(x.speedup),
      format.usd(x.estCostPerRunUsd),
      `${x.costChange <= 0 ? "" : "+"}${(x.costChange * 100).toFixed(0)}%`,
      format.times(x.breakEvenSpeedup),
      x.bindingLimit,
    ]);
    out.push(
      ...table(
        ["#", "INSTANCE", "EST. RUNTIME", "SPEEDUP", "EST. COST/RUN", "CHANGE", "BREAK-EVEN", "BINDING LIMIT"],
        rows,
        new Set([2, 3, 4, 5, 6]),
      ),
    );
  }
  out.push(style.dim("assumptions:"), ...c.assumptions.map((a) => style.dim(`  - ${a}`)));
  return out;
}

/** The storage limit found (a plateau) and what would lift it, each with its estimated runtime. */
export function renderStorage(r: AnalysisReport): string[] {
  const c = r.cost;
  const out: string[] = [];
  if (!c.storage) return out;
  const s = c.storage;
  const rate = s.kind === "throughput" ? format.mbps(s.bytesPerS) : `${s.opsPerS.toFixed(0)} IOPS`;
  out.push(
    `storage limit: ${s.device} flat at ${rate} for ${formatSeconds(s.seconds)} (${format.pct(s.share)} of the run); ${s.why}`,
  );
  if (c.storageOptions.length === 0) {
    out.push("  no option in the catalogs lifts it");
    return out;
  }
  const rows = c.storageOptions.map((o) => [
    o.label,
    formatSeconds(o.estRuntimeSeconds),
    format.times(o.speedup),
    o.extraUsdPerMonth === undefined
      ? ""
      : o.extraUsdPerMonth > 0
        ? `+$${o.extraUsdPerMonth.toFixed(2)}/mo`
        : "included",
    o.estCostPerRunUsd !== undefined ? format.usd(o.estCostPerRunUsd) : "",
    o.note,
  ]);
  out.push(
    ...table(["OPTION", "EST. RUNTIME", "SPEEDUP", "VOLUME", "EST. COST/RUN", "NOTE"], rows, new Set([1, 2, 3, 4])).map(
      (l) => `  ${l}`,
    ),
  );
  return out;
}
