// The publishable shape: `npm pack` of every public workspace, installed into a scratch project the way a user
// would install them, gives a working `pipespan` — without the optional kernel addon, on the procfs source, with
// the reason named.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "pipespan-pack-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const workspaces = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] })
  .workspaces;
const publicWorkspaces = workspaces.filter(
  (w) => (JSON.parse(readFileSync(join(root, w, "package.json"), "utf8")) as { private?: boolean }).private !== true,
);

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });

describe("npm pack", () => {
  it("every public package packs, installs in a scratch project and runs pipespan --help", () => {
    expect(publicWorkspaces).toEqual(
      expect.arrayContaining([
        "packages/semconv",
        "packages/sdk",
        "packages/agent",
        "packages/findings",
        "packages/cli",
      ]),
    );
    const tarballs: string[] = [];
    for (const w of publicWorkspaces) {
      const out = run("npm", ["pack", "--silent", "--json", "--pack-destination", scratch, "-w", w], root);
      const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
      expect(info).toBeDefined();
      // Build leftovers stay out of the tarball.
      expect(info?.files.map((f) => f.path).filter((p) => p.endsWith(".tsbuildinfo"))).toEqual([]);
      tarballs.push(join(scratch, info?.filename as string));
    }
    writeFileSync(join(scratch, "package.json"), '{ "name": "scratch", "private": true }\n');
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs], scratch);

    const bin = join(scratch, "node_modules", ".bin", "pipespan");
    const help = run(process.execPath, [bin, "--help"], scratch);
    expect(help).toMatch(/^Usage: pipespan/m);
    for (const cmd of ["run", "analyze", "agent", "task"]) expect(help).toContain(cmd);

    // No addon: the run still works, on procfs, and says why.
    const res = spawnSync(
      process.execPath,
      [bin, "run", "--source", "auto", "--no-findings", "--out", join(scratch, "runs"), "--", "true"],
      { cwd: scratch, encoding: "utf8" },
    );
    expect(res.status).toBe(0);
    expect(res.stderr).toMatch(
      /source procfs \(eBPF unavailable: .*optional package @pipespan\/native is not installed/,
    );
  }, 180_000);
});
