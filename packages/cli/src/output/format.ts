import stringWidth from "string-width";

/** Human units for the summary: 1.5 KiB, 64.0 MiB; 850 ms, 12.3 s, 3 m 04 s, 2 h 05 m. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function formatSeconds(s: number | undefined): string {
  if (s === undefined) return "-";
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
}

/**
 * Columns a string takes on a terminal: colour codes take none, wide (East Asian) characters two, combining marks
 * none. Alignment is computed on this, never on .length.
 */
export function visibleWidth(s: string): number {
  return stringWidth(s);
}

export function padEndVisible(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - visibleWidth(s)));
}

export function padStartVisible(s: string, width: number): string {
  return " ".repeat(Math.max(0, width - visibleWidth(s))) + s;
}

/** Cuts a string to at most `width` columns (with "…" when cut). Colour codes inside are dropped when cutting. */
export function truncateVisible(s: string, width: number): string {
  if (visibleWidth(s) <= width) return s;
  let out = "";
  let w = 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing ANSI colour codes before cutting
  for (const ch of s.replace(/\u001b\[[0-9;]*m/g, "")) {
    const cw = visibleWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/**
 * Left-aligns the first column (and any in `left`) and right-aligns the rest, on visible width (colour codes take
 * no room).
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  left: ReadonlySet<number> = new Set([0]),
): string[] {
  const widths = header.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (left.has(i) ? padEndVisible(c, widths[i] ?? 0) : padStartVisible(c, widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
