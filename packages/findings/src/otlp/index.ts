export * from "./errors.js";
export * from "./model.js";
export { decodeAnyValue, decodeAttributes } from "./normalize.js";
export * from "./read.js";
