// node:http for the agent's loopback servers (the health endpoint, the workflow receiver).

/**
 * node:http as the CommonJS builtin. An ES import of it builds the module's ES facade, which reads every export,
 * lazy ones included, and so loads fetch (undici), http2, tls and crypto with it: ~14 MB of resident memory in a
 * process that only serves loopback HTTP (bench/footprint.ts measures pipespan's peak RSS).
 */
export function nodeHttp(): typeof import("node:http") {
  return process.getBuiltinModule("node:http");
}
