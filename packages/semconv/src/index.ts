export * from "./generated/names.js";
