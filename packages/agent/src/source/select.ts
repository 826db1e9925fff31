import { UserError } from "../run/errors.js";
import { READ_ENV_KEYS } from "../run/own-env.js";
import { type KernelMapSizes, openKernelProbe } from "./kernel/availability.js";
import { KernelSource } from "./kernel/kernel-source.js";
import { ProcfsSource } from "./procfs/index.js";
import type { Source, SourceName } from "./types.js";

/** What the user asked for: a source by name, or the best one available. */
export type SourceChoice = "auto" | SourceName;

export interface ChosenSource {
  readonly source: Source;
  /** One line saying which source and why, printed by `pipespan run`. */
  readonly line: string;
}

export interface ChooseSourceOptions {
  /** procfs sampling interval (ms). */
  readonly intervalMs?: number;
  /** eBPF counter read interval (ms). */
  readonly kernelIntervalMs?: number;
  /** Sizes of the eBPF source's kernel maps (defaults otherwise). */
  readonly mapSizes?: KernelMapSizes;
  readonly onWarning?: (line: string) => void;
}

/**
 * Picks the event source: eBPF when it can run here (privileges, BTF, the addon built and its programs load),
 * otherwise procfs. `--source ebpf` where eBPF cannot run is an error that says why.
 */
export async function chooseSource(choice: SourceChoice, o: ChooseSourceOptions = {}): Promise<ChosenSource> {
  const procfs = () =>
    new ProcfsSource({
      envKeys: READ_ENV_KEYS,
      ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}),
      ...(o.onWarning ? { onWarning: o.onWarning } : {}),
    });
  if (choice === "procfs") return { source: procfs(), line: "source procfs (asked for with --source procfs)" };
  const k = await openKernelProbe(undefined, o.mapSizes);
  if (k.ok) {
    const source = new KernelSource({
      native: k.native,
      probe: k.probe,
      envKeys: READ_ENV_KEYS,
      mapLimits: k.limits,
      ...(o.kernelIntervalMs !== undefined ? { intervalMs: o.kernelIntervalMs } : {}),
      ...(o.onWarning ? { onWarning: o.onWarning } : {}),
    });
    return { source, line: `source ebpf (kernel tracepoints; ${k.detail})` };
  }
  if (choice === "ebpf") throw new UserError(`--source ebpf: the kernel source cannot run here: ${k.reason}`);
  return { source: procfs(), line: `source procfs (eBPF unavailable: ${k.reason})` };
}
