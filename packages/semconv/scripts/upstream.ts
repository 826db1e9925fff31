// What the installed @opentelemetry/semantic-conventions (incubating entry point) knows: every exported
// constant's value, plus the brief/examples/deprecation/stability from the JSDoc in its .d.mts files.
// Read at generation time only; generated code never imports the package.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface UpstreamDoc {
  /** First paragraph of the JSDoc. */
  brief: string;
  examples: string[];
  deprecated: boolean;
  /** "stable" when the constant comes from the package's stable_* files, else "development". */
  stability: "stable" | "development";
}

export interface Upstream {
  version: string;
  /** Export name -> string value (every string export of the incubating entry point). */
  exports: ReadonlyMap<string, string>;
  /** Every string value exported (attribute, metric, event names and enum values). */
  values: ReadonlySet<string>;
  /** Export name -> its documentation. */
  docs: ReadonlyMap<string, UpstreamDoc>;
}

const PKG = "@opentelemetry/semantic-conventions";

/** Same rule as upstream: upper-case, every run of non-alphanumerics becomes `_`. */
export const constSuffix = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");

function parseJsDoc(body: string): Omit<UpstreamDoc, "stability"> {
  const lines = body.split("\n").map((l) => l.replace(/^\s*\*\s?/, "").trimEnd());
  const text: string[] = [];
  const examples: string[] = [];
  let deprecated = false;
  let inTags = false;
  for (const line of lines) {
    const tag = /^@(\w+)\s*(.*)$/.exec(line.trim());
    if (tag) {
      inTags = true;
      if (tag[1] === "example" && tag[2]) examples.push(tag[2].trim());
      if (tag[1] === "deprecated") deprecated = true;
      continue;
    }
    if (!inTags) text.push(line.trim());
  }
  const paragraphs: string[] = [];
  let cur: string[] = [];
  for (const l of [...text, ""]) {
    if (l !== "") cur.push(l);
    else if (cur.length > 0) {
      paragraphs.push(cur.join(" "));
      cur = [];
    }
  }
  // The brief is the first paragraph; enum values start with a boilerplate "Enum value ..." paragraph.
  let brief = paragraphs[0] ?? "";
  if (brief.startsWith("Enum value ") && paragraphs.length > 1) brief = paragraphs[1]!;
  else if (brief.startsWith("Enum value ")) brief = "";
  // {@link X} -> X; site-relative Markdown links -> their text (they do not resolve outside opentelemetry.io).
  brief = brief.replace(/\{@link ([^}]+)\}/g, "$1").replace(/\[([^\]]+)\]\(\/[^)]*\)/g, "$1");
  return { brief, examples, deprecated };
}

let cached: Upstream | undefined;

export async function loadUpstream(): Promise<Upstream> {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const entry = require.resolve(`${PKG}/incubating`);
  const dist = dirname(entry);
  const pkgJson = JSON.parse(readFileSync(join(dist, "..", "package.json"), "utf8")) as { version: string };
  const mod = (await import(`${PKG}/incubating`)) as Record<string, unknown>;

  const exports = new Map<string, string>();
  for (const [k, v] of Object.entries(mod)) if (typeof v === "string") exports.set(k, v);

  const docs = new Map<string, UpstreamDoc>();
  // A doc comment directly followed by `declare const NAME: "value";` (the comment may not contain `*/`).
  const re = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*declare const ([A-Z0-9_]+):/g;
  const files = readdirSync(dist)
    .filter((f) => f.endsWith(".d.mts") && (f.startsWith("stable_") || f.startsWith("experimental_")))
    .sort();
  for (const f of files) {
    const stability = f.startsWith("stable_") ? "stable" : "development";
    const src = readFileSync(join(dist, f), "utf8");
    for (const m of src.matchAll(re)) {
      const name = m[2]!;
      // Stable files win when a name is declared in both.
      if (docs.has(name) && stability !== "stable") continue;
      docs.set(name, { ...parseJsDoc(m[1]!), stability });
    }
  }
  cached = { version: pkgJson.version, exports, values: new Set(exports.values()), docs };
  return cached;
}

/** Path of this module's directory (scripts/), for callers that need it. */
export const scriptsDir = dirname(fileURLToPath(import.meta.url));

/** Enum members upstream defines for an attribute: `<NAME>_VALUE_<MEMBER>` exports, deprecated ones flagged. */
export function upstreamEnumMembers(
  up: Upstream,
  attribute: string,
): { constName: string; id: string; value: string; brief: string; deprecated: boolean }[] {
  const prefix = `${constSuffix(attribute)}_VALUE_`;
  const out: { constName: string; id: string; value: string; brief: string; deprecated: boolean }[] = [];
  for (const [k, v] of up.exports) {
    if (!k.startsWith(prefix)) continue;
    const doc = up.docs.get(k);
    out.push({
      constName: k,
      id: k.slice(prefix.length).toLowerCase(),
      value: v,
      brief: doc?.brief ?? "",
      deprecated: doc?.deprecated ?? false,
    });
  }
  return out.sort((a, b) => (a.constName < b.constName ? -1 : a.constName > b.constName ? 1 : 0));
}
