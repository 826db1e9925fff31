import { cpuBound } from "./cpu-bound.js";
import { cpuUnderused } from "./cpu-underused.js";
import { criticalPathRule } from "./critical-path.js";
import { diskAtCap } from "./disk-at-cap.js";
import { ioBound } from "./io-bound.js";
import { memoryOverprovisioned } from "./memory-overprovisioned.js";
import { memoryPressure } from "./memory-pressure.js";
import { networkAtCap } from "./network-at-cap.js";
import { primaryRule } from "./primary.js";
import { runqueueContention } from "./runqueue-contention.js";
import { storagePlateau } from "./storage-plateau.js";
import { straggler } from "./straggler.js";
import type { RuleDefinition } from "./types.js";

export const networkBound = primaryRule("network-bound");
export const memoryBound = primaryRule("memory-bound");
export const cpuStarved = primaryRule("cpu-starved");
export const waiting = primaryRule("waiting");
export const mixed = primaryRule("mixed");

/** Every rule, in the order findings are reported. */
export const RULES: readonly RuleDefinition[] = [
  ioBound,
  cpuBound,
  networkBound,
  memoryBound,
  cpuStarved,
  waiting,
  mixed,
  storagePlateau,
  cpuUnderused,
  memoryOverprovisioned,
  memoryPressure,
  diskAtCap,
  networkAtCap,
  runqueueContention,
  straggler,
  criticalPathRule,
] as unknown as readonly RuleDefinition[];

export {
  cpuBound,
  cpuUnderused,
  criticalPathRule,
  diskAtCap,
  ioBound,
  memoryOverprovisioned,
  memoryPressure,
  networkAtCap,
  runqueueContention,
  storagePlateau,
  straggler,
};
