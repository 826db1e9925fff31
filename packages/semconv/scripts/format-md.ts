// The repository's formatter (biome) formats Markdown, so `biome check` would flag any rendering of ours that it
// lays out differently (table padding, emphasis markers). Rendered Markdown therefore goes through the same
// biome, with the repository's biome.json, before it is compared or written.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function formatMarkdown(text: string, relPath: string): string {
  const biome = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");
  const r = spawnSync(process.execPath, [biome, "format", `--stdin-file-path=${relPath}`], {
    input: text,
    encoding: "utf8",
    cwd: repoRoot,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0 || typeof r.stdout !== "string" || r.stdout === "")
    throw new Error(`semconv: biome could not format ${relPath}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}
