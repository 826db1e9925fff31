// Renders packages/semconv/src/generated/ from conventions/ (the single source of names).
// Run with `npm run generate`; `--check` exits 1 when the committed files are stale.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const conv = join(root, "conventions");
const outDir = join(root, "packages", "semconv", "src", "generated");

interface Member {
  id: string;
  value: string;
  brief?: string;
}
interface AttrDef {
  id?: string;
  ref?: string;
  type?: string | { members: Member[] };
  brief?: string;
  requirement_level?: unknown;
}
interface Group {
  id: string;
  type: string;
  metric_name?: string;
  name?: string;
  instrument?: string;
  unit?: string;
  brief?: string;
  attributes?: AttrDef[];
}

const groups: Group[] = [];
for (const f of readdirSync(join(conv, "model"))
  .filter((n) => n.endsWith(".yaml"))
  .sort()) {
  const doc = parse(readFileSync(join(conv, "model", f), "utf8")) as { groups: Group[] };
  groups.push(...doc.groups);
}
const upstreamMetrics = (
  parse(readFileSync(join(conv, "upstream-metrics.yaml"), "utf8")) as {
    metrics: { name: string; attributes: string[] }[];
  }
).metrics;
const envVars = (
  parse(readFileSync(join(conv, "env-protocol.yaml"), "utf8")) as { variables: { name: string; brief: string }[] }
).variables;

const constName = (prefix: string, name: string) => `${prefix}${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;

const own = new Map<string, AttrDef>();
const referenced = new Set<string>();
for (const g of groups)
  for (const a of g.attributes ?? []) {
    if (a.id) own.set(a.id, a);
    if (a.ref) referenced.add(a.ref);
  }
for (const m of upstreamMetrics) for (const a of m.attributes) referenced.add(a);
const upstream = [...referenced].filter((n) => !own.has(n)).sort();

const lines: string[] = ["// Generated from conventions/ by `npm run generate`. Do not edit.", ""];
lines.push("// pipespan's own attributes");
for (const [name, a] of [...own.entries()].sort()) {
  lines.push(
    `/** ${a.brief?.replace(/\*\//g, "") ?? ""} */`,
    `export const ${constName("ATTR_", name)} = ${JSON.stringify(name)} as const;`,
  );
  if (a.type && typeof a.type === "object")
    for (const m of a.type.members) {
      lines.push(
        `export const ${constName("", name)}_VALUE_${constName("", m.id)} = ${JSON.stringify(m.value)} as const;`,
      );
    }
}
lines.push("", "// Upstream OTel attributes pipespan uses (names exactly as in the OTel semantic conventions)");
for (const name of upstream) lines.push(`export const ${constName("ATTR_", name)} = ${JSON.stringify(name)} as const;`);
lines.push("", "// Metrics");
for (const g of groups.filter((x) => x.type === "metric"))
  lines.push(`export const ${constName("METRIC_", g.metric_name!)} = ${JSON.stringify(g.metric_name)} as const;`);
for (const m of upstreamMetrics)
  lines.push(`export const ${constName("METRIC_", m.name)} = ${JSON.stringify(m.name)} as const;`);
lines.push("", "// Events");
for (const g of groups.filter((x) => x.type === "event"))
  lines.push(`export const ${constName("EVENT_", g.name!)} = ${JSON.stringify(g.name)} as const;`);
lines.push("", "// Environment protocol");
for (const v of envVars)
  lines.push(`/** ${v.brief} */`, `export const ${constName("ENV_", v.name)} = ${JSON.stringify(v.name)} as const;`);
lines.push("");

const files: Record<string, string> = { "names.ts": lines.join("\n") };
const check = process.argv.includes("--check");
let stale = false;
mkdirSync(outDir, { recursive: true });
for (const [f, text] of Object.entries(files)) {
  const p = join(outDir, f);
  let old = "";
  try {
    old = readFileSync(p, "utf8");
  } catch {
    /* new file */
  }
  if (old !== text) {
    stale = true;
    if (!check) writeFileSync(p, text);
  }
}
if (check && stale) {
  console.error("semconv: generated files are stale; run `npm run generate`");
  process.exit(1);
}
