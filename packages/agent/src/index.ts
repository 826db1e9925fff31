export * from "./source/types.js";
