// `pipespan diff` in a terminal: the two runs side by side, the verdict in words, and per task the wall-time
// change and where it went.
import type { ReportDiff, ReportRun } from "@pipespan/report";
import { formatSeconds, renderTable } from "./format.js";
import type { Style } from "./style.js";

const DEFAULT_ROWS = 20;

function signed(s: number | null): string {
  if (s === null) return "-";
  if (Math.abs(s) < 0.0005) return "±0 ms";
  return `${s > 0 ? "+" : "−"}${formatSeconds(Math.abs(s))}`;
}

function runColumn(r: ReportRun): string[] {
  return [
    r.runId ?? r.traceId,
    r.instance ? `${r.instance.type} (${r.instance.vcpu} vCPUs)` : "unknown",
    formatSeconds(r.wallS),
    r.costUsd !== undefined ? `$${r.costUsd < 0.1 ? r.costUsd.toFixed(4) : r.costUsd.toFixed(2)}` : "-",
    String(r.tasks),
    r.source ?? "?",
  ];
}

export function renderDiffText(d: ReportDiff, style: Style, o: { all?: boolean } = {}): string {
  const out: string[] = [];
  out.push(
    style.bold(
      `pipespan diff: ${d.a.pipelineName ?? "?"} · run A ${d.a.runId ?? d.a.traceId} → run B ${d.b.runId ?? d.b.traceId}`,
    ),
    "",
  );
  const a = runColumn(d.a);
  const b = runColumn(d.b);
  const side = ["run", "instance", "wall time", "cost", "tasks", "source"].map((l, i) => [l, a[i] ?? "", b[i] ?? ""]);
  // Left-aligned like a form: label, then the two runs.
  const w0 = Math.max(...side.map((r) => r[0]?.length ?? 0));
  const w1 = Math.max("RUN A".length, ...side.map((r) => r[1]?.length ?? 0));
  out.push(`  ${"".padEnd(w0)}  ${style.bold("RUN A".padEnd(w1))}  ${style.bold("RUN B")}`);
  for (const [l, x, y] of side) out.push(`  ${(l ?? "").padEnd(w0)}  ${(x ?? "").padEnd(w1)}  ${y}`);
  out.push("", style.bold("VERDICT"));
  for (const v of d.verdict) out.push(`  - ${v}`);
  out.push("", style.bold("TASKS"), "");
  const limit = o.all ? d.tasks.length : DEFAULT_ROWS;
  const rows = d.tasks.slice(0, limit).map((t) => {
    const changed = t.cause !== "none";
    const dw = signed(t.dWallS);
    return [
      t.which !== undefined ? `${t.name} (${t.which})` : t.name,
      formatSeconds(t.aWallS),
      formatSeconds(t.bWallS),
      changed ? (t.dWallS > 0 ? style.red(dw) : style.green(dw)) : dw,
      signed(t.dCpuS),
      signed(t.dIoWaitS),
      signed(t.dRunqueueS),
      t.where,
    ];
  });
  const lines = renderTable(
    ["TASK", "WALL A", "WALL B", "Δ WALL", "Δ CPU", "Δ I/O WAIT", "Δ RUN QUEUE", "WHERE IT WENT"],
    rows,
    new Set([0, 7]),
  );
  out.push(...lines.map((l) => `  ${l}`));
  if (d.tasks.length > limit) out.push(style.dim(`  … ${d.tasks.length - limit} more task(s) (--all lists every one)`));
  if (d.onlyA.length > 0) out.push(`  only in run A: ${d.onlyA.join(", ")}`);
  if (d.onlyB.length > 0) out.push(`  only in run B: ${d.onlyB.join(", ")}`);
  return `${out.join("\n")}\n`;
}
