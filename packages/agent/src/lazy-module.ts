// Packages that only some runs need, loaded when first used rather than when pipespan starts.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Loads a package's ES build synchronously (require of an ES module), so it shares the modules already imported
 * (one copy of each OpenTelemetry package, not an ES and a CommonJS one). For code that must stay synchronous.
 */
export function loadEsm<T>(name: string): T {
  return createRequire(import.meta.url)(fileURLToPath(import.meta.resolve(name))) as T;
}
