export * from "./env-keys.js";
export * from "./generated/metadata.js";
export * from "./generated/names.js";
export * from "./generated/schemas.js";
export * from "./helpers.js";
export * from "./signals.js";
export * from "./time.js";
export * from "./traceparent.js";
