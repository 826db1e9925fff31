// What machine a figure came from, and how busy it was: printed with every benchmark result.
import { readFileSync } from "node:fs";
import { cpus, freemem, loadavg, release, totalmem } from "node:os";

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly kernel: string;
  readonly virtualization: string;
}

export function machine(): MachineInfo {
  const c = cpus();
  let virt = "bare metal";
  try {
    if (/\bhypervisor\b/.test(readFileSync("/proc/cpuinfo", "utf8"))) virt = "VM";
  } catch {
    /* not Linux */
  }
  return {
    cpu: c[0]?.model.trim() ?? "unknown",
    cores: c.length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    virtualization: virt,
  };
}

export function describeMachine(m: MachineInfo = machine()): string {
  return `${m.cores} × ${m.cpu}, ${m.memGiB} GiB, Linux ${m.kernel}, ${m.virtualization}`;
}

/** The 1-minute load average now ("5.21"). */
export function load1(): number {
  return loadavg()[0] ?? 0;
}

export function describeLoad(): string {
  const [a, b, c] = loadavg();
  return `load ${a?.toFixed(2)} ${b?.toFixed(2)} ${c?.toFixed(2)}, ${Math.round(freemem() / 2 ** 20)} MiB free`;
}
