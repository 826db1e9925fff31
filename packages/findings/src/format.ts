// Human units for summaries: 71%, 3 h 00 m, 60.0 GiB, 2500 MB/s, $12.10. Storage and network rates are
// decimal (MB = 10^6 bytes), as AWS publishes them; memory is binary (GiB), as the kernel reports it.

export function pct(share: number, digits = 0): string {
  return `${(share * 100).toFixed(digits)}%`;
}

export function duration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
}

export function gib(bytes: number): string {
  const g = bytes / 1024 ** 3;
  if (g >= 10) return `${g.toFixed(0)} GiB`;
  if (g >= 1) return `${g.toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

export function mbps(bytesPerS: number): string {
  const v = bytesPerS / 1e6;
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} MB/s`;
}

/** Dollars; never "$0.0000" — an amount below a hundredth of a cent is "< $0.0001". */
export function usd(v: number): string {
  if (v > 0 && v < 0.00005) return "< $0.0001";
  return v >= 100 ? `$${v.toFixed(0)}` : v >= 0.1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`;
}

export function times(x: number): string {
  return `${x.toFixed(2)}×`;
}

/** Rounds for evidence: enough digits to check a figure, no float noise. */
export function round(v: number, digits = 4): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
