export {
  DEFAULT_MAP_LIMITS,
  type KernelAvailability,
  type KernelMapSizes,
  openKernelProbe,
} from "./availability.js";
export { type KernelMapLimits, KernelSource, type KernelSourceOptions } from "./kernel-source.js";
