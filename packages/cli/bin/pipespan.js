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
// `run` and `agent` live as long as what they trace and allocate steadily (one span per process). With V8's
// defaults an exec storm's short-lived objects take ~100 MB of resident memory (a young generation grown to 16 MiB
// semi-spaces) and garbage lets the old generation reach twice the live heap before a full collection. A 1 MiB
// semi-space and a 20% old-generation growth keep the peak near the live heap (bench/footprint.ts measures it).
// glibc's malloc gives each thread that allocates (V8's workers, libuv's pool) an arena of its own, which an exec
// storm leaves ~20 MB larger than one shared arena; one arena costs no measured CPU. V8 and glibc read all of
// these only at start, so the process re-executes itself once with them, in place (process.execve, Node >= 23.11;
// older Node runs on with the defaults). Flags given explicitly win, and so does a GLIBC_TUNABLES arena_max; the
// traced command gets the environment as it was.
const LONG_RUNNING = new Set(["run", "agent"]);
const HEAP_FLAGS = ["--max-semi-space-size=1", "--heap-growing-percent=20"];
const ARENA = "glibc.malloc.arena_max";
const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
const missing = HEAP_FLAGS.filter((f) => !given.includes(f.split("=")[0]));
if (
  LONG_RUNNING.has(process.argv[2] ?? "") &&
  typeof process.execve === "function" &&
  missing.length > 0 &&
  process.env.PIPESPAN_NO_REEXEC === undefined
) {
  const tunables = process.env.GLIBC_TUNABLES;
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    PIPESPAN_NO_REEXEC: JSON.stringify({ tunables: tunables ?? null }),
    GLIBC_TUNABLES: tunables?.includes(ARENA) ? tunables : [tunables, `${ARENA}=1`].filter(Boolean).join(":"),
  });
}
const reexec = process.env.PIPESPAN_NO_REEXEC?.startsWith("{") ? JSON.parse(process.env.PIPESPAN_NO_REEXEC) : undefined;
if (reexec && reexec.tunables === null) delete process.env.GLIBC_TUNABLES;
else if (reexec) process.env.GLIBC_TUNABLES = reexec.tunables;
delete process.env.PIPESPAN_NO_REEXEC;
// The bundle (packages/cli/scripts/bundle.ts) when the build made one; the modules as tsc wrote them otherwise.
const { main } = await import("../dist/bundle/main.js").catch((err) => {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("dist/bundle/main.js")) throw err;
  return import("../dist/main.js");
});
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything pipespan waits for has been waited for (or skipped by the user): a connection still open to a backend
// that never answered must not keep the terminal another few seconds.
setTimeout(() => process.exit(code), 200).unref();
