export { type KernelAvailability, openKernelProbe } from "./availability.js";
export { KernelSource, type KernelSourceOptions } from "./kernel-source.js";
