// Finds string literals that spell a registry name, using the TypeScript parser (so comments, regular
// expressions and template substitutions are told apart correctly).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ts from "typescript";

export const OPT_OUT = "semconv-literal-ok";
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
const SKIP_DIRS = new Set(["node_modules", "dist", "build", "coverage", ".git"]);

export interface Hit {
  file: string;
  line: number;
  literal: string;
  /** The line carries the opt-out comment but the file is not a test file, so the opt-out does not count. */
  ignoredOptOut: boolean;
}

/** Test files may opt a line out; production code may not. */
export function isTestFile(relPath: string): boolean {
  const parts = relPath.split(/[\\/]/);
  return parts[0] === "test" || parts.includes("test") || /\.(test|spec)\.[cm]?[jt]sx?$/.test(relPath);
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith(".tsx")) return ts.ScriptKind.TSX;
  if (file.endsWith(".jsx")) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Every literal in `text` whose value is one of `names`, unless its line opts out (test files only). */
export function scanSource(relPath: string, text: string, names: ReadonlySet<string>): Hit[] {
  const source = ts.createSourceFile(relPath, text, ts.ScriptTarget.Latest, true, scriptKind(relPath));
  const lines = text.split("\n");
  const testFile = isTestFile(relPath);
  const hits: Hit[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && names.has(node.text)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const optedOut = (lines[line] ?? "").includes(`// ${OPT_OUT}`);
      if (!(optedOut && testFile))
        hits.push({ file: relPath, line: line + 1, literal: node.text, ignoredOptOut: optedOut });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return hits;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), out);
    } else if (entry.isFile() && EXTENSIONS.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith(".d.ts")) {
      out.push(join(dir, entry.name));
    }
  }
}

/**
 * The files the guard covers: packages/<pkg>/{src,bin}, examples/, test/, bench/ — never node_modules, dist,
 * or packages/semconv (which defines the names).
 */
export function guardedFiles(root: string): string[] {
  const dirs: string[] = [];
  const pkgs = join(root, "packages");
  for (const pkg of existsSync(pkgs) ? readdirSync(pkgs).sort() : []) {
    if (pkg === "semconv") continue;
    for (const sub of ["src", "bin"]) dirs.push(join(pkgs, pkg, sub));
  }
  dirs.push(join(root, "examples"), join(root, "test"), join(root, "bench"));
  const files: string[] = [];
  for (const d of dirs) if (existsSync(d) && statSync(d).isDirectory()) walk(d, files);
  return files.map((f) => relative(root, f).split(sep).join("/")).sort();
}

/** Scans every guarded file under `root`. */
export function scanRepository(root: string, names: ReadonlySet<string>): { files: number; hits: Hit[] } {
  const files = guardedFiles(root);
  const hits = files.flatMap((f) => scanSource(f, readFileSync(join(root, f), "utf8"), names));
  return { files: files.length, hits };
}

/** Every identifier in `text` (code, not strings or comments) that is one of `identifiers`. */
export function scanIdentifiers(relPath: string, text: string, identifiers: ReadonlySet<string>): Hit[] {
  const source = ts.createSourceFile(relPath, text, ts.ScriptTarget.Latest, true, scriptKind(relPath));
  const hits: Hit[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && identifiers.has(node.text)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      hits.push({ file: relPath, line: line + 1, literal: node.text, ignoredOptOut: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return hits;
}

/** A name a Collector config refers to: in OTTL (`attributes["…"]`) or as a span_metrics dimension. */
export interface ConfigName {
  file: string;
  line: number;
  name: string;
}

/**
 * The attribute names collector-config/*.yaml refers to: OTTL paths `attributes["name"]` (span, resource,
 * datapoint, …), `key:` of sampling policies and `- name: x.y` entries of span_metrics dimensions. A config
 * cannot import constants, so instead every such name must be one the registry defines (a renamed attribute
 * breaks the guard until the configs follow).
 */
export function collectorConfigNames(root: string): ConfigName[] {
  const dir = join(root, "collector-config");
  if (!existsSync(dir)) return [];
  const out: ConfigName[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(f) || f === "builder-config.yaml") continue;
    const lines = readFileSync(join(dir, f), "utf8").split("\n");
    let inDimensions = false;
    for (const [i, raw] of lines.entries()) {
      const line = raw.replace(/(^|\s)#.*$/, "");
      for (const m of line.matchAll(/attributes\[\\?"([^"\\]+)\\?"\]/g)) {
        out.push({ file: `collector-config/${f}`, line: i + 1, name: m[1] as string });
      }
      // An attribute key of a sampling policy (string_attribute, numeric_attribute, boolean_attribute).
      const key = /^\s*key:\s*["']?([^"'\s]+)["']?\s*$/.exec(line);
      if (key) out.push({ file: `collector-config/${f}`, line: i + 1, name: key[1] as string });
      if (/^\s*dimensions:\s*$/.test(line)) {
        inDimensions = true;
        continue;
      }
      const dim = /^\s*-\s*name:\s*["']?([^"'\s]+)["']?\s*$/.exec(line);
      if (inDimensions && dim) out.push({ file: `collector-config/${f}`, line: i + 1, name: dim[1] as string });
      else if (inDimensions && line.trim() !== "") inDimensions = false;
    }
  }
  return out;
}
