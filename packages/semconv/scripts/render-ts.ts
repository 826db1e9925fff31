// Renders the TypeScript files under packages/semconv/src/generated/. Output is deterministic (registry order or
// sorted) and written in a style biome would not change much, but biome ignores the folder anyway.
import type { Attribute, AttributeUse, Registry, Span } from "./resolve.ts";

const HEADER = "// Generated from conventions/ by `npm run generate`. Do not edit.";

const q = (s: string) => JSON.stringify(s);
const doc = (s: string) => `/** ${s.replace(/\*\//g, "").replace(/\s+/g, " ").trim()} */`;
const constOf = (name: string, value: string) => `export const ${name} = ${q(value)} as const;`;

/** names.ts: every name as a constant. The first sections keep the layout other packages were written against. */
export function renderNames(r: Registry): string {
  const lines: string[] = [HEADER, ""];
  lines.push("// pipespan's own attributes");
  for (const a of r.own) {
    lines.push(doc(a.brief), constOf(a.constName, a.name));
    for (const m of a.members) lines.push(constOf(m.constName, m.value));
  }
  lines.push("", "// Upstream OTel attributes pipespan uses (names exactly as in the OTel semantic conventions)");
  for (const a of r.upstream) {
    if (a.brief) lines.push(doc(a.brief));
    lines.push(constOf(a.constName, a.name));
  }
  lines.push("", "// Metrics");
  for (const m of r.metrics) {
    if (m.brief) lines.push(doc(m.brief));
    lines.push(constOf(m.constName, m.name));
  }
  lines.push("", "// Events");
  for (const e of r.events) {
    if (e.brief) lines.push(doc(e.brief));
    lines.push(constOf(eventConst(e.name), e.name));
  }
  lines.push("", "// Environment protocol");
  for (const v of r.env.variables) lines.push(doc(v.brief), constOf(`ENV_${v.name}`, v.name));
  for (const v of r.env.foreign_variables ?? [])
    lines.push(doc(`Set by ${v.set_by}: ${v.brief}`), constOf(`ENV_${v.name}`, v.name));

  lines.push(
    "",
    `// Upstream enum values pipespan uses (from @opentelemetry/semantic-conventions ${r.upstreamVersion}; deprecated values left out)`,
  );
  for (const a of r.upstream) {
    if (a.type !== "enum") continue;
    for (const m of a.members) {
      if (m.brief) lines.push(doc(m.brief));
      lines.push(constOf(m.constName, m.value));
    }
  }

  if (r.aliases.length > 0) {
    lines.push("", "// Deprecated upstream names: still exported so older code compiles; use the replacement");
    for (const a of r.aliases) {
      lines.push(
        `/** @deprecated Upstream deprecated ${a.name}; use ${a.replacement.constName} (${a.replacement.name}). */`,
        constOf(a.constName, a.name),
      );
      for (const m of a.members) {
        lines.push(
          `/** @deprecated Use ${m.replacement ?? a.replacement.constName}. */`,
          constOf(m.constName, m.value),
        );
      }
    }
  }

  lines.push("", "// Span kinds: pipespan's ids for the spans it emits (the OTel SpanKind of each is in SPANS)");
  for (const s of r.spans) lines.push(doc(s.brief), constOf(spanKindConst(s), s.key));
  lines.push(`export type SpanKindId = ${r.spans.map((s) => `typeof ${spanKindConst(s)}`).join(" | ")};`);
  lines.push("");
  return lines.join("\n");
}

export const eventConst = (name: string) => `EVENT_${name.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
export const spanKindConst = (s: Span) => `SPAN_KIND_${s.key.toUpperCase()}`;

function tsType(a: Attribute): string {
  switch (a.type) {
    case "enum":
      return a.members.map((m) => q(m.value)).join(" | ");
    case "int":
    case "double":
      return "number";
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    default:
      return `${a.type.endsWith("[]") ? tsType({ ...a, type: a.type.slice(0, -2) as Attribute["type"] }) : "unknown"}[]`;
  }
}

function zodType(a: Attribute): string {
  switch (a.type) {
    case "enum":
      return `z.enum([${a.members.map((m) => q(m.value)).join(", ")}])`;
    case "int":
      return "z.int()";
    case "double":
      return "z.number()";
    case "boolean":
      return "z.boolean()";
    case "string":
      return "z.string()";
    default:
      return `z.array(${zodType({ ...a, type: a.type.slice(0, -2) as Attribute["type"] })})`;
  }
}

const valueVar = (a: Attribute) => `v_${a.name.replace(/[^A-Za-z0-9]+/g, "_")}`;

interface SchemaGroup {
  name: string;
  key: string;
  what: string;
  uses: AttributeUse[];
}

function schemaGroups(r: Registry): SchemaGroup[] {
  return [
    ...r.spans.map((s) => ({
      name: `${s.pascal}Span`,
      key: s.key,
      what: `a \`${s.key}\` span (${s.id})`,
      uses: s.uses,
    })),
    ...r.events.map((e) => ({
      name: `${e.pascal}Event`,
      key: e.key,
      what: `a \`${e.name}\` event (${e.id})`,
      uses: e.uses,
    })),
    ...r.resources.map((x) => ({
      name: `${x.pascal}Resource`,
      key: x.key,
      what: `the resource (${x.id})`,
      uses: x.uses,
    })),
  ];
}

/** schemas.ts: zod 4 schemas of each span's, event's and the resource's attributes, plus their inferred types. */
export function renderSchemas(r: Registry): string {
  const lines: string[] = [HEADER, "", 'import { z } from "zod";', ""];
  lines.push("// One value schema per attribute (types from conventions/; upstream types from the OTel registry).");
  for (const a of r.attributes) lines.push(`const ${valueVar(a)} = ${zodType(a)};`);
  lines.push("");
  lines.push("/** The value schema of every attribute in the registry, by attribute name. */");
  lines.push("export const ATTRIBUTE_VALUE_SCHEMAS = {");
  for (const a of r.attributes) lines.push(`  ${q(a.name)}: ${valueVar(a)},`);
  lines.push("} as const;");

  for (const g of schemaGroups(r)) {
    const shape = `${g.name}AttributesShape`;
    lines.push("");
    lines.push(`const ${shape} = {`);
    for (const u of g.uses)
      lines.push(`  ${q(u.attribute.name)}: ${valueVar(u.attribute)}${u.level === "required" ? "" : ".optional()"},`);
    lines.push("};");
    lines.push(
      doc(`Attributes of ${g.what}: required ones must be present, the others are optional; unknown keys are allowed.`),
    );
    lines.push(`export const ${g.name}AttributesSchema = z.looseObject(${shape});`);
    // The type is the declared shape (no index signature), so it stays assignable to OTel's Attributes.
    lines.push(`export type ${g.name}Attributes = z.infer<z.ZodObject<typeof ${shape}>>;`);
  }
  lines.push("");
  lines.push("/** Attribute schema of each span kind, by span kind id. */");
  lines.push("export const SPAN_ATTRIBUTE_SCHEMAS = {");
  for (const s of r.spans) lines.push(`  ${s.key}: ${s.pascal}SpanAttributesSchema,`);
  lines.push("} as const;");
  lines.push("");
  return lines.join("\n");
}

function useLiteral(u: AttributeUse): string {
  const parts = [`name: ${q(u.attribute.name)}`, `requirementLevel: ${q(u.level)}`];
  if (u.condition) parts.push(`condition: ${q(u.condition)}`);
  return `{ ${parts.join(", ")} }`;
}

function escapeTemplate(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
}

/** `pipeline_run` -> `pipelineRunSpanName`. */
export const spanNameFn = (s: Span) => `${s.pascal[0]!.toLowerCase()}${s.pascal.slice(1)}SpanName`;

function renderSpanNameFn(s: Span): string[] {
  const placeholders = [...s.nameTemplate.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const uniq = [...new Set(placeholders)];
  const param = uniq
    .map((n) => {
      const a = s.uses.find((u) => u.attribute.name === n)!.attribute;
      const t = a.type === "enum" ? "string" : tsType(a);
      return `readonly ${q(n)}: ${t}`;
    })
    .join("; ");
  const body = s.nameTemplate
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      return m ? `\${attributes[${q(m[1]!)}]}` : escapeTemplate(part);
    })
    .join("");
  return [
    doc(`Span name of a \`${s.key}\` span: \`${s.nameTemplate}\`.`),
    `export function ${spanNameFn(s)}(attributes: { ${param} }): string {`,
    `  return \`${body}\`;`,
    "}",
  ];
}

/** metadata.ts: attribute, unit, metric, span, event and resource metadata, and span-name helpers. */
export function renderMetadata(r: Registry): string {
  const L: string[] = [HEADER, ""];
  L.push('import type { SpanKindId } from "./names.js";', "");
  L.push(
    'export type AttributeType = "string" | "int" | "double" | "boolean" | "enum" | "string[]" | "int[]" | "double[]" | "boolean[]";',
    'export type RequirementLevel = "required" | "conditionally_required" | "recommended" | "opt_in";',
    'export type MetricInstrument = "counter" | "updowncounter" | "gauge" | "histogram";',
    "/** pipespan: defined in conventions/; otel: an upstream OpenTelemetry name pipespan references. */",
    'export type NameSource = "pipespan" | "otel";',
    "",
    "export interface AttributeDefinition {",
    "  readonly name: string;",
    "  readonly type: AttributeType;",
    "  /** Enum values (for type enum). */",
    "  readonly members?: readonly string[];",
    "  readonly brief: string;",
    "  /** UCUM unit (annotations.pipespan.unit), where the attribute is a quantity. */",
    "  readonly unit?: string;",
    "  readonly source: NameSource;",
    "  readonly stability: string;",
    "}",
    "",
    "export interface AttributeUse {",
    "  readonly name: string;",
    "  readonly requirementLevel: RequirementLevel;",
    "  /** The condition of a conditionally_required attribute. */",
    "  readonly condition?: string;",
    "}",
    "",
    "export interface MetricDefinition {",
    "  readonly name: string;",
    "  readonly instrument: MetricInstrument;",
    "  readonly unit: string;",
    "  readonly brief: string;",
    "  readonly note?: string;",
    "  readonly source: NameSource;",
    "  readonly stability: string;",
    "  readonly attributes: readonly AttributeUse[];",
    "}",
    "",
    "export interface SpanDefinition {",
    "  /** pipespan's id of the span kind (SPAN_KIND_*). */",
    "  readonly kind: SpanKindId;",
    "  /** Registry group id. */",
    "  readonly id: string;",
    "  /** The OTel SpanKind, lower-case as in the registry. */",
    '  readonly otelSpanKind: "internal" | "server" | "client" | "producer" | "consumer";',
    "  readonly brief: string;",
    "  /** Span name template; `{attribute}` stands for that attribute's value. */",
    "  readonly nameTemplate: string;",
    "  readonly attributes: readonly AttributeUse[];",
    "}",
    "",
    "export interface EventDefinition {",
    "  readonly name: string;",
    "  readonly id: string;",
    "  readonly brief: string;",
    "  readonly attributes: readonly AttributeUse[];",
    "}",
    "",
    "export interface ResourceDefinition {",
    "  readonly id: string;",
    "  readonly brief: string;",
    "  readonly attributes: readonly AttributeUse[];",
    "}",
    "",
    "export interface EnvVariableDefinition {",
    "  readonly name: string;",
    "  readonly brief: string;",
    "}",
    "",
  );

  L.push("/** Every attribute in the registry (own and referenced upstream), by name. */");
  L.push("export const ATTRIBUTES: Readonly<Record<string, AttributeDefinition>> = {");
  for (const a of r.attributes) {
    const parts = [`name: ${q(a.name)}`, `type: ${q(a.type)}`];
    if (a.type === "enum") parts.push(`members: [${a.members.map((m) => q(m.value)).join(", ")}]`);
    parts.push(`brief: ${q(a.brief)}`);
    if (a.unit !== undefined) parts.push(`unit: ${q(a.unit)}`);
    parts.push(`source: ${q(a.source)}`, `stability: ${q(a.stability)}`);
    L.push(`  ${q(a.name)}: { ${parts.join(", ")} },`);
  }
  L.push("};", "");

  L.push("/** Unit of every attribute that has one (annotations.pipespan.unit in conventions/), by attribute name. */");
  L.push("export const UNITS: Readonly<Record<string, string>> = {");
  for (const a of r.attributes) if (a.unit !== undefined) L.push(`  ${q(a.name)}: ${q(a.unit)},`);
  L.push("};", "");

  L.push("/** Every metric pipespan emits (own and upstream), by metric name: create instruments from these. */");
  L.push("export const METRICS = {");
  for (const m of r.metrics) {
    L.push(`  ${q(m.name)}: {`);
    L.push(`    name: ${q(m.name)},`);
    L.push(`    instrument: ${q(m.instrument)},`);
    L.push(`    unit: ${q(m.unit)},`);
    L.push(`    brief: ${q(m.brief)},`);
    if (m.note) L.push(`    note: ${q(m.note)},`);
    L.push(`    source: ${q(m.source)},`);
    L.push(`    stability: ${q(m.stability)},`);
    L.push("    attributes: [");
    for (const u of m.uses) L.push(`      ${useLiteral(u)},`);
    L.push("    ],");
    L.push("  },");
  }
  L.push("} as const satisfies Readonly<Record<string, MetricDefinition>>;", "");

  L.push("/** The spans pipespan emits, by span kind id. */");
  L.push("export const SPANS = {");
  for (const s of r.spans) {
    L.push(`  ${s.key}: {`);
    L.push(`    kind: ${q(s.key)},`);
    L.push(`    id: ${q(s.id)},`);
    L.push(`    otelSpanKind: ${q(s.spanKind)},`);
    L.push(`    brief: ${q(s.brief)},`);
    L.push(`    nameTemplate: ${q(s.nameTemplate)},`);
    L.push("    attributes: [");
    for (const u of s.uses) L.push(`      ${useLiteral(u)},`);
    L.push("    ],");
    L.push("  },");
  }
  L.push("} as const satisfies Readonly<Record<SpanKindId, SpanDefinition>>;", "");

  L.push("/** The span events pipespan emits, by event name. */");
  L.push("export const EVENTS = {");
  for (const e of r.events) {
    L.push(`  ${q(e.name)}: {`);
    L.push(`    name: ${q(e.name)},`);
    L.push(`    id: ${q(e.id)},`);
    L.push(`    brief: ${q(e.brief)},`);
    L.push("    attributes: [");
    for (const u of e.uses) L.push(`      ${useLiteral(u)},`);
    L.push("    ],");
    L.push("  },");
  }
  L.push("} as const satisfies Readonly<Record<string, EventDefinition>>;", "");

  for (const x of r.resources) {
    L.push(`/** ${x.brief.replace(/\*\//g, "")} */`);
    L.push(`export const ${x.key.toUpperCase()}_RESOURCE = {`);
    L.push(`  id: ${q(x.id)},`);
    L.push(`  brief: ${q(x.brief)},`);
    L.push("  attributes: [");
    for (const u of x.uses) L.push(`    ${useLiteral(u)},`);
    L.push("  ],");
    L.push("} as const satisfies ResourceDefinition;", "");
  }

  L.push("/** The environment protocol's variables (see conventions/env-protocol.md). */");
  L.push("export const ENV_VARIABLES: readonly EnvVariableDefinition[] = [");
  for (const v of r.env.variables) L.push(`  { name: ${q(v.name)}, brief: ${q(v.brief.trim())} },`);
  L.push("];", "");
  L.push("/** Variables workflow managers set that pipespan reads by name (see conventions/env-protocol.md). */");
  L.push("export const FOREIGN_ENV_VARIABLES: readonly (EnvVariableDefinition & { readonly setBy: string })[] = [");
  for (const v of r.env.foreign_variables ?? [])
    L.push(`  { name: ${q(v.name)}, setBy: ${q(v.set_by)}, brief: ${q(v.brief.trim())} },`);
  L.push("];", "");

  for (const s of r.spans) L.push(...renderSpanNameFn(s), "");
  return L.join("\n");
}
