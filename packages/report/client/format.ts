// Human units in the page, the same as the terminal's: 850 ms, 12.3 s, 3 m 04 s; 64.0 MiB; 250 MB/s; $0.12.

export function dur(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return "–";
  const a = Math.abs(s);
  const sign = s < 0 ? "−" : "";
  if (a < 1) return `${sign}${Math.round(a * 1000)} ms`;
  if (a < 60) return `${sign}${a.toFixed(1)} s`;
  if (a < 3600) return `${sign}${Math.floor(a / 60)} m ${String(Math.floor(a % 60)).padStart(2, "0")} s`;
  return `${sign}${Math.floor(a / 3600)} h ${String(Math.floor((a % 3600) / 60)).padStart(2, "0")} m`;
}

export function signedDur(s: number | null | undefined): string {
  if (s === null || s === undefined) return "–";
  if (Math.abs(s) < 0.0005) return "±0 ms";
  return s > 0 ? `+${dur(s)}` : dur(s);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Decimal megabytes per second, as AWS publishes EBS and network caps. */
export function mbps(bps: number): string {
  const v = bps / 1e6;
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} MB/s`;
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

export function usd(v: number): string {
  return v >= 100 ? `$${v.toFixed(0)}` : v >= 0.1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`;
}

export function times(x: number): string {
  return `${x.toFixed(2)}×`;
}

/** "2026-12-03 09:27:40 UTC": the same for every reader, and no locale data to load (which costs a page tens of ms). */
export function when(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : `${t.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
