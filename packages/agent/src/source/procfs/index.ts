export { clockTicksPerSecond, estimateBootTimeMs } from "./clock.js";
export {
  decodeWaitStatus,
  type IoFields,
  parseBtime,
  parseCmdline,
  parseEnviron,
  parseIo,
  parseStat,
  parseStatus,
  parseUptime,
  type StatFields,
  type StatusFields,
} from "./parse.js";
export { ProcfsReader } from "./procfs-reader.js";
export {
  type ProcfsDiscovery,
  ProcfsSource,
  type ProcfsSourceOptions,
  type ProcfsSourceStats,
} from "./procfs-source.js";
