#!/usr/bin/env node
// Entry point of the `pipespan` command (plain JS so it exists before the TypeScript build).
// Checks the runtime before loading anything that needs it.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 15)) {
  process.stderr.write(
    `pipespan: needs Node >= 22.15 (this is ${process.versions.node}); run scripts/quickstart.sh or source scripts/ensure-node.sh\n`,
  );
  process.exit(1);
}
const { main } = await import("../dist/main.js");
process.exitCode = await main(process.argv.slice(2));
