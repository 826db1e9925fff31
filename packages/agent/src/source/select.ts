import { OWN_ENV_KEYS } from "../run/own-env.js";
import { ProcfsSource } from "./procfs/index.js";
import type { Source, SourceName } from "./types.js";

/** What the user asked for: a source by name, or the best one available. */
export type SourceChoice = "auto" | SourceName;

export interface SourceDecision {
  readonly source: Exclude<SourceName, "replay">;
  /** One line saying which source and why, printed by `pipespan run`. */
  readonly line: string;
}

/** Picks the event source. This build has the procfs source only; the kernel (eBPF) source plugs in here. */
export async function describeSourceChoice(choice: SourceChoice): Promise<SourceDecision> {
  if (choice === "procfs") return { source: "procfs", line: "source procfs (asked for with --source procfs)" };
  return {
    source: "procfs",
    line: "source procfs (sampling /proc; the kernel-level eBPF source is not part of this build)",
  };
}

export interface CreateSourceOptions {
  readonly intervalMs?: number;
  readonly onWarning?: (line: string) => void;
}

export function createSource(name: SourceDecision["source"], o: CreateSourceOptions = {}): Source {
  switch (name) {
    case "procfs":
      return new ProcfsSource({
        envKeys: OWN_ENV_KEYS,
        ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}),
        ...(o.onWarning ? { onWarning: o.onWarning } : {}),
      });
    default:
      throw new Error(`source ${name} is not available in this build`);
  }
}
