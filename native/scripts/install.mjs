// Runs at `npm ci` / `npm install`: builds the BPF programs and the addon with node-gyp.
// A machine that cannot build it (no clang/libbpf/BTF) still installs: pipespan then uses its procfs source and
// says why. The reason is kept in build/BUILD_FAILED for `pipespan run` to report.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const marker = join(root, "build", "BUILD_FAILED");
rmSync(marker, { force: true });

function failed(reason) {
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, `${reason}\n`);
  process.stderr.write(
    "pipespan: the kernel (eBPF) addon was not built; pipespan will use its procfs source.\n" +
      "  it needs clang, llvm, bpftool, libbpf-dev, libelf-dev, zlib1g-dev, pkg-config (scripts/install-system.sh)\n" +
      `${reason.replace(/^/gm, "  | ")}\n`,
  );
  process.exit(0);
}

if (process.platform !== "linux") failed(`the kernel source needs Linux (this is ${process.platform})`);
let gypJs;
try {
  gypJs = createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
} catch {
  failed("node-gyp is not installed");
}
const r = spawnSync(process.execPath, [gypJs, "rebuild"], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  encoding: "utf8",
});
if (r.error) failed(String(r.error));
if (r.status !== 0) failed(`${r.stdout ?? ""}\n${r.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n"));
