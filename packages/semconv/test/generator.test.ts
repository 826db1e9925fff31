// The generator: committed output is fresh, `--check` really fails on stale output, generation is
// deterministic, and every constant other packages were written against still exists with its value.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as semconv from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { checkGenerated, REPO_ROOT, renderAll } from "../scripts/generate-lib.ts";
import { loadRegistry } from "../scripts/resolve.ts";

const script = fileURLToPath(new URL("../scripts/generate.ts", import.meta.url));
const baseline = JSON.parse(
  readFileSync(new URL("./fixtures/baseline-constants.json", import.meta.url), "utf8"),
) as Record<string, string>;

function runGenerator(args: string[]) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmpRoots: string[] = [];
function copyOfRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "pipespan-semconv-"));
  tmpRoots.push(dir);
  cpSync(join(REPO_ROOT, "conventions"), join(dir, "conventions"), { recursive: true });
  cpSync(join(REPO_ROOT, "packages/semconv/src/generated"), join(dir, "packages/semconv/src/generated"), {
    recursive: true,
  });
  return dir;
}
afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

describe("generated files", () => {
  it("are fresh (run `npm run generate` if this fails)", async () => {
    const result = await checkGenerated();
    expect(result.stale, "stale generated files").toEqual([]);
    expect(result.unexpected, "files in src/generated the generator does not produce").toEqual([]);
  });

  it("render the same bytes twice (deterministic)", async () => {
    const a = renderAll(await loadRegistry(REPO_ROOT));
    const b = renderAll(await loadRegistry(REPO_ROOT));
    expect(a).toEqual(b);
    expect(Object.keys(a).sort()).toEqual(
      [
        "conventions/README.md",
        "conventions/env-protocol.md",
        "packages/semconv/src/generated/metadata.ts",
        "packages/semconv/src/generated/names.ts",
        "packages/semconv/src/generated/schemas.ts",
      ].sort(),
    );
  });

  it("never import the upstream semantic-conventions package at runtime", () => {
    for (const f of ["names.ts", "schemas.ts", "metadata.ts"]) {
      const text = readFileSync(join(REPO_ROOT, "packages/semconv/src/generated", f), "utf8");
      expect(text).not.toMatch(/(from|import\(|require\()\s*["']@opentelemetry\/semantic-conventions/);
      expect(text.match(/^import .*$/gm) ?? []).toEqual(
        f === "schemas.ts"
          ? ['import { z } from "zod";']
          : f === "metadata.ts"
            ? [expect.stringContaining("./names.js")]
            : [],
      );
    }
  });

  it("leave the rendered Markdown as biome formats it (so `biome check .` stays clean)", () => {
    const biome = fileURLToPath(new URL("../../../node_modules/@biomejs/biome/bin/biome", import.meta.url));
    const r = spawnSync(process.execPath, [biome, "check", "conventions/README.md", "conventions/env-protocol.md"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("keep every constant the first generator emitted, with the same value", () => {
    const exported = semconv as unknown as Record<string, unknown>;
    const missing = Object.entries(baseline).filter(([k, v]) => exported[k] !== v);
    expect(missing).toEqual([]);
    expect(Object.keys(baseline).length).toBeGreaterThan(100);
  });
});

describe("generate.ts --check (real CLI on a copy of the repository)", () => {
  it("passes on a fresh copy, fails with the stale files listed after a YAML edit, and passes after regenerating", () => {
    const dir = copyOfRepo();
    expect(runGenerator(["--check", "--root", dir]).code).toBe(0);

    const registry = join(dir, "conventions/model/registry.yaml");
    const text = readFileSync(registry, "utf8");
    const edited = text.replace("brief: Number of tasks in the run.", "brief: Number of tasks the run had.");
    expect(edited).not.toBe(text);
    writeFileSync(registry, edited);

    const stale = runGenerator(["--check", "--root", dir]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("out of date");
    expect(stale.stderr).toContain("packages/semconv/src/generated/names.ts");
    expect(stale.stderr).toContain("packages/semconv/src/generated/metadata.ts");
    expect(stale.stderr).toContain("conventions/README.md");
    expect(stale.stderr).not.toContain("env-protocol.md");
    expect(stale.stderr).toContain("npm run generate");

    const write = runGenerator(["--root", dir]);
    expect(write.code).toBe(0);
    expect(readFileSync(join(dir, "packages/semconv/src/generated/names.ts"), "utf8")).toContain(
      "Number of tasks the run had.",
    );
    expect(runGenerator(["--check", "--root", dir]).code).toBe(0);
  });

  it("flags a stale Markdown file and a stray file in src/generated", () => {
    const dir = copyOfRepo();
    writeFileSync(join(dir, "conventions/env-protocol.md"), "hand-edited\n");
    writeFileSync(join(dir, "packages/semconv/src/generated/leftover.ts"), "export {};\n");
    const r = runGenerator(["--check", "--root", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("conventions/env-protocol.md");
    expect(r.stderr).toContain("leftover.ts");
  });

  it("refuses a registry with an unresolvable ref, naming it, and writes nothing", () => {
    const dir = copyOfRepo();
    const spans = join(dir, "conventions/model/spans.yaml");
    writeFileSync(spans, readFileSync(spans, "utf8").replace("- ref: process.pid", "- ref: process.pidd"));
    const before = readFileSync(join(dir, "packages/semconv/src/generated/names.ts"), "utf8");
    const r = runGenerator(["--root", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("process.pidd is neither a pipespan attribute nor an upstream OTel attribute");
    expect(readFileSync(join(dir, "packages/semconv/src/generated/names.ts"), "utf8")).toBe(before);
  });
});
