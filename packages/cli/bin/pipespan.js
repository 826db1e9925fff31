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
// A reader that goes away (`pipespan help run | head -1`) ends the output, not pipespan with a stack trace: stop
// writing to that stream, quietly. Anything else stays an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err) => {
    if (err && err.code === "EPIPE") {
      stream.destroy();
      return;
    }
    throw err;
  });
}
const { main } = await import("../dist/main.js");
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything pipespan waits for has been waited for (or skipped by the user): a connection still open to a backend
// that never answered must not keep the terminal another few seconds.
setTimeout(() => process.exit(code), 200).unref();
