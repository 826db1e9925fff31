// The generator as a library: render every generated file, write them, or list the stale ones.
// generate.ts is the command-line front; tests call these functions in-process.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { formatMarkdown } from "./format-md.ts";
import { renderEnvProtocol, renderReadme } from "./render-docs.ts";
import { renderMetadata, renderNames, renderSchemas } from "./render-ts.ts";
import { loadRegistry, type Registry } from "./resolve.ts";

/** The repository root this script lives in. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** Folder of the generated TypeScript, relative to the root. */
export const GENERATED_DIR = join("packages", "semconv", "src", "generated");

/** Throws when two generated exports would share a name (two registry names mapping to one constant). */
function assertUniqueExports(files: Record<string, string>): void {
  const seen = new Map<string, string>();
  for (const [f, text] of Object.entries(files)) {
    if (!f.endsWith(".ts")) continue;
    for (const m of text.matchAll(/^export (?:const|type|function|interface) ([A-Za-z0-9_]+)/gm)) {
      const prev = seen.get(m[1]!);
      if (prev) throw new Error(`semconv: generated export ${m[1]} appears in both ${prev} and ${f}`);
      seen.set(m[1]!, f);
    }
  }
}

/** Renders every generated file: path relative to the repository root -> content. */
export function renderAll(registry: Registry): Record<string, string> {
  const readme = join("conventions", "README.md");
  const envDoc = join("conventions", "env-protocol.md");
  const files: Record<string, string> = {
    [join(GENERATED_DIR, "names.ts")]: renderNames(registry),
    [join(GENERATED_DIR, "schemas.ts")]: renderSchemas(registry),
    [join(GENERATED_DIR, "metadata.ts")]: renderMetadata(registry),
    [readme]: formatMarkdown(renderReadme(registry), readme),
    [envDoc]: formatMarkdown(renderEnvProtocol(registry), envDoc),
  };
  assertUniqueExports(files);
  return files;
}

export interface GenerateResult {
  /** Files whose content differs from what the registry renders (relative paths). */
  stale: string[];
  /** Files in the generated folder that the generator does not produce. */
  unexpected: string[];
}

function compare(root: string, files: Record<string, string>): GenerateResult {
  const stale: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, rel);
    const old = existsSync(p) ? readFileSync(p, "utf8") : undefined;
    if (old !== text) stale.push(rel);
  }
  const dir = join(root, GENERATED_DIR);
  const unexpected = existsSync(dir)
    ? readdirSync(dir)
        .map((f) => join(GENERATED_DIR, f))
        .filter((rel) => !(rel in files))
        .sort()
    : [];
  return { stale, unexpected };
}

/** Lists generated files that are out of date with conventions/ under `root`; writes nothing. */
export async function checkGenerated(root: string = REPO_ROOT): Promise<GenerateResult> {
  return compare(root, renderAll(await loadRegistry(root)));
}

/** Writes every stale generated file and removes files the generator no longer produces. */
export async function writeGenerated(root: string = REPO_ROOT): Promise<GenerateResult> {
  const files = renderAll(await loadRegistry(root));
  const result = compare(root, files);
  for (const rel of result.stale) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, files[rel]!);
  }
  for (const rel of result.unexpected) rmSync(join(root, rel), { force: true });
  return result;
}

/** One line per problem, for the --check message. */
export function describe(result: GenerateResult, root: string = REPO_ROOT): string[] {
  return [
    ...result.stale.map((f) => `  stale:      ${relative(root, join(root, f))}`),
    ...result.unexpected.map((f) => `  unexpected: ${relative(root, join(root, f))} (not produced by the generator)`),
  ];
}
