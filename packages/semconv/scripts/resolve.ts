// Resolves conventions/ against the upstream package: every referenced name gets a type, brief and examples,
// and every problem is collected into one clear error (generation refuses to render a broken registry).
import {
  basicLevel,
  type Conventions,
  type EnvProtocolSpec,
  type GroupSpec,
  levelCondition,
  loadConventions,
  type ManifestSpec,
} from "./model.ts";
import { constSuffix, loadUpstream, type Upstream, upstreamEnumMembers } from "./upstream.ts";
import { DEPRECATED_ALIASES, type PrimitiveType, UPSTREAM_TYPES } from "./upstream-types.ts";

export type Source = "pipespan" | "otel";
export type RequirementLevel = "required" | "conditionally_required" | "recommended" | "opt_in";

export interface Member {
  id: string;
  value: string;
  brief: string;
  constName: string;
}

export interface Attribute {
  name: string;
  constName: string;
  source: Source;
  type: PrimitiveType | "enum";
  /** Enum members (deprecated upstream members left out). */
  members: Member[];
  brief: string;
  note: string;
  /** Examples rendered as display strings. */
  examples: string[];
  unit?: string;
  stability: string;
  /** Own attributes: the registry group that defines them. */
  group?: string;
}

export interface AttributeUse {
  attribute: Attribute;
  level: RequirementLevel;
  condition?: string;
}

export interface Signal {
  id: string;
  /** Short id: `pipeline_run` for span.pipespan.pipeline_run. */
  key: string;
  /** PascalCase of key, for generated identifiers. */
  pascal: string;
  brief: string;
  note: string;
  stability: string;
  uses: AttributeUse[];
}
export interface Span extends Signal {
  spanKind: string;
  /** Name template, `{attribute}` placeholders. */
  nameTemplate: string;
}
export interface EventDef extends Signal {
  name: string;
}
export interface Metric {
  name: string;
  constName: string;
  source: Source;
  instrument: string;
  unit: string;
  brief: string;
  note: string;
  stability: string;
  uses: AttributeUse[];
}
export interface AttributeGroup {
  id: string;
  displayName: string;
  brief: string;
  attributes: Attribute[];
}

/** A deprecated upstream name whose constants are still exported (see DEPRECATED_ALIASES). */
export interface Alias {
  name: string;
  constName: string;
  replacement: Attribute;
  /** Old enum value constants, each with the replacement's constant for the same value where there is one. */
  members: { constName: string; value: string; replacement?: string }[];
}

export interface Registry {
  manifest: ManifestSpec;
  upstreamVersion: string;
  /** All attributes (own and referenced upstream), sorted by name. */
  attributes: Attribute[];
  own: Attribute[];
  upstream: Attribute[];
  attributeGroups: AttributeGroup[];
  spans: Span[];
  events: EventDef[];
  resources: Signal[];
  /** Own metrics in file order, then upstream metrics in upstream-metrics.yaml order. */
  metrics: Metric[];
  aliases: Alias[];
  env: EnvProtocolSpec;
}

const INSTRUMENTS = new Set(["counter", "updowncounter", "gauge", "histogram"]);
const PRIMITIVES = new Set<string>([
  "string",
  "int",
  "double",
  "boolean",
  "string[]",
  "int[]",
  "double[]",
  "boolean[]",
]);

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const lastSegment = (id: string) => id.slice(id.lastIndexOf(".") + 1);
export const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

function showExample(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function examplesOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v.map(showExample) : [showExample(v)];
}

export function resolveRegistry(conv: Conventions, up: Upstream): Registry {
  const errors: string[] = [];
  const own = new Map<string, Attribute>();
  const attributeGroups: AttributeGroup[] = [];
  const groupIds = new Set<string>();

  for (const g of conv.groups) {
    if (groupIds.has(g.id)) errors.push(`${g.file}: duplicate group id ${g.id}`);
    groupIds.add(g.id);
    const defined: Attribute[] = [];
    for (const a of g.attributes ?? []) {
      if (!a.id) continue;
      if (own.has(a.id)) errors.push(`${g.file}: attribute ${a.id} is defined twice`);
      if (up.values.has(a.id)) errors.push(`${g.file}: attribute ${a.id} redefines an upstream OTel name; use ref:`);
      let type: Attribute["type"] = "string";
      let members: Member[] = [];
      if (typeof a.type === "string" && PRIMITIVES.has(a.type)) type = a.type as PrimitiveType;
      else if (typeof a.type === "object" && a.type !== null && Array.isArray(a.type.members)) {
        type = "enum";
        members = a.type.members.map((m) => ({
          id: String(m.id),
          value: String(m.value),
          brief: m.brief ?? "",
          constName: `${constSuffix(a.id!)}_VALUE_${constSuffix(String(m.id))}`,
        }));
      } else errors.push(`${g.file}: attribute ${a.id} has no known type (${JSON.stringify(a.type)})`);
      const unit = a.annotations?.pipespan?.unit;
      const attr: Attribute = {
        name: a.id,
        constName: `ATTR_${constSuffix(a.id)}`,
        source: "pipespan",
        type,
        members,
        brief: (a.brief ?? "").trim(),
        note: (a.note ?? "").trim(),
        examples: examplesOf(a.examples),
        ...(unit !== undefined ? { unit: String(unit) } : {}),
        stability: a.stability ?? "development",
        group: g.id,
      };
      own.set(a.id, attr);
      defined.push(attr);
    }
    if (g.type === "attribute_group")
      attributeGroups.push({
        id: g.id,
        displayName: g.display_name ?? g.id,
        brief: (g.brief ?? "").trim(),
        attributes: defined,
      });
  }

  const upstreamAttrs = new Map<string, Attribute>();
  const lookup = (name: string, where: string): Attribute | undefined => {
    const o = own.get(name) ?? upstreamAttrs.get(name);
    if (o) return o;
    const constName = `ATTR_${constSuffix(name)}`;
    if (up.exports.get(constName) !== name) {
      errors.push(`${where}: ${name} is neither a pipespan attribute nor an upstream OTel attribute`);
      return undefined;
    }
    const doc = up.docs.get(constName);
    if (doc?.deprecated) errors.push(`${where}: upstream attribute ${name} is deprecated`);
    const t = UPSTREAM_TYPES[name];
    if (t === undefined) {
      errors.push(
        `${where}: upstream attribute ${name} has no type; add it to packages/semconv/scripts/upstream-types.ts`,
      );
      return undefined;
    }
    let members: Member[] = [];
    if (t === "enum") {
      members = upstreamEnumMembers(up, name)
        .filter((m) => !m.deprecated)
        .map((m) => ({ id: m.id, value: m.value, brief: m.brief, constName: m.constName }));
      if (members.length === 0) errors.push(`${where}: upstream attribute ${name} is typed enum but has no members`);
    }
    const attr: Attribute = {
      name,
      constName,
      source: "otel",
      type: t,
      members,
      brief: doc?.brief ?? "",
      note: "",
      examples: doc?.examples ?? [],
      stability: doc?.stability ?? "development",
    };
    upstreamAttrs.set(name, attr);
    return attr;
  };

  const usesOf = (g: GroupSpec & { file: string }): AttributeUse[] => {
    const uses: AttributeUse[] = [];
    const seen = new Set<string>();
    for (const a of g.attributes ?? []) {
      const name = a.ref ?? a.id;
      if (!name) {
        errors.push(`${g.file}: group ${g.id} has an attribute without id or ref`);
        continue;
      }
      if (seen.has(name)) errors.push(`${g.file}: group ${g.id} lists ${name} twice`);
      seen.add(name);
      const attribute = lookup(name, `${g.file} (${g.id})`);
      if (!attribute) continue;
      const condition = levelCondition(a.requirement_level);
      uses.push({
        attribute,
        level: basicLevel(a.requirement_level),
        ...(condition !== undefined ? { condition } : {}),
      });
    }
    return uses;
  };

  const spans: Span[] = [];
  const events: EventDef[] = [];
  const resources: Signal[] = [];
  const metrics: Metric[] = [];
  for (const g of conv.groups) {
    if (g.type === "attribute_group") continue;
    const base: Signal = {
      id: g.id,
      key: lastSegment(g.id),
      pascal: pascal(lastSegment(g.id)),
      brief: (g.brief ?? "").trim(),
      note: (g.note ?? "").trim(),
      stability: g.stability ?? "development",
      uses: usesOf(g),
    };
    if (g.type === "span") {
      const nameTemplate = g.annotations?.pipespan?.span_name;
      if (!nameTemplate) errors.push(`${g.file}: span ${g.id} needs annotations.pipespan.span_name`);
      if (!g.span_kind) errors.push(`${g.file}: span ${g.id} needs span_kind`);
      for (const p of (nameTemplate ?? "").matchAll(/\{([^}]+)\}/g)) {
        const use = base.uses.find((u) => u.attribute.name === p[1]);
        if (use?.level !== "required")
          errors.push(`${g.file}: span name of ${g.id} uses {${p[1]}}, which is not a required attribute of the span`);
      }
      spans.push({ ...base, spanKind: g.span_kind ?? "internal", nameTemplate: nameTemplate ?? "" });
    } else if (g.type === "event") {
      if (!g.name) errors.push(`${g.file}: event ${g.id} needs a name`);
      events.push({ ...base, name: g.name ?? "" });
    } else if (g.type === "resource" || g.type === "entity") {
      resources.push(base);
    } else if (g.type === "metric") {
      if (!g.metric_name || !g.instrument || g.unit === undefined)
        errors.push(`${g.file}: metric ${g.id} needs metric_name, instrument and unit`);
      if (g.instrument && !INSTRUMENTS.has(g.instrument))
        errors.push(`${g.file}: metric ${g.id} has unknown instrument ${g.instrument}`);
      if (g.metric_name && up.values.has(g.metric_name))
        errors.push(
          `${g.file}: metric ${g.metric_name} redefines an upstream metric; list it in upstream-metrics.yaml`,
        );
      metrics.push({
        name: g.metric_name ?? "",
        constName: `METRIC_${constSuffix(g.metric_name ?? "")}`,
        source: "pipespan",
        instrument: g.instrument ?? "",
        unit: g.unit ?? "",
        brief: base.brief,
        note: base.note,
        stability: base.stability,
        uses: base.uses,
      });
    } else errors.push(`${g.file}: group ${g.id} has unsupported type ${g.type}`);
  }

  for (const m of conv.upstreamMetrics) {
    const where = `upstream-metrics.yaml (${m.name})`;
    const constName = `METRIC_${constSuffix(m.name)}`;
    if (up.exports.get(constName) !== m.name) errors.push(`${where}: ${m.name} is not an upstream OTel metric`);
    if (!INSTRUMENTS.has(m.instrument)) errors.push(`${where}: unknown instrument ${m.instrument}`);
    const doc = up.docs.get(constName);
    const uses: AttributeUse[] = [];
    for (const a of m.attributes ?? []) {
      const attribute = lookup(a, where);
      // Upstream lists these as recommended/conditionally required; pipespan always sets them.
      if (attribute) uses.push({ attribute, level: "required" });
    }
    metrics.push({
      name: m.name,
      constName,
      source: "otel",
      instrument: m.instrument,
      unit: m.unit,
      brief: doc?.brief ?? "",
      note: (m.note ?? "").trim(),
      stability: doc?.stability ?? "development",
      uses,
    });
  }

  const metricNames = new Set<string>();
  for (const m of metrics) {
    if (metricNames.has(m.name)) errors.push(`metric ${m.name} is defined twice`);
    metricNames.add(m.name);
  }

  const envNames = new Set<string>();
  for (const v of conv.env.variables) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(String(v.name))) errors.push(`env-protocol.yaml: bad variable name ${v.name}`);
    if (envNames.has(v.name)) errors.push(`env-protocol.yaml: ${v.name} is listed twice`);
    envNames.add(v.name);
    if (!v.brief) errors.push(`env-protocol.yaml: ${v.name} needs a brief`);
    if (v.attribute && !own.has(v.attribute) && !upstreamAttrs.has(v.attribute))
      errors.push(`env-protocol.yaml: ${v.name} maps to ${v.attribute}, which no span uses`);
  }
  for (const v of conv.env.foreign_variables ?? []) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(String(v.name))) errors.push(`env-protocol.yaml: bad variable name ${v.name}`);
    if (envNames.has(v.name)) errors.push(`env-protocol.yaml: ${v.name} is listed twice`);
    envNames.add(v.name);
    if (!v.brief || !v.set_by) errors.push(`env-protocol.yaml: foreign variable ${v.name} needs a brief and set_by`);
  }

  const aliases: Alias[] = [];
  for (const [name, target] of Object.entries(DEPRECATED_ALIASES).sort()) {
    if (own.has(name) || upstreamAttrs.has(name))
      errors.push(`${name} is deprecated upstream; reference ${target} instead`);
    const replacement = own.get(target) ?? upstreamAttrs.get(target);
    if (!replacement) {
      errors.push(`upstream-types.ts: alias target ${target} (for ${name}) is not referenced by the registry`);
      continue;
    }
    const constName = `ATTR_${constSuffix(name)}`;
    if (up.exports.get(constName) !== name) errors.push(`upstream-types.ts: alias ${name} is not an upstream name`);
    aliases.push({
      name,
      constName,
      replacement,
      members: upstreamEnumMembers(up, name).map((m) => {
        const r = replacement.members.find((x) => x.value === m.value);
        return { constName: m.constName, value: m.value, ...(r ? { replacement: r.constName } : {}) };
      }),
    });
  }

  if (errors.length > 0)
    throw new Error(`semconv: the registry in conventions/ has problems:\n  ${errors.join("\n  ")}`);

  const ownList = [...own.values()].sort(byName);
  const upList = [...upstreamAttrs.values()].sort(byName);
  return {
    manifest: conv.manifest,
    upstreamVersion: up.version,
    attributes: [...ownList, ...upList].sort(byName),
    own: ownList,
    upstream: upList,
    attributeGroups,
    spans,
    events,
    resources,
    metrics,
    aliases,
    env: conv.env,
  };
}

/** Loads and resolves the registry of the repository at `root`. */
export async function loadRegistry(root: string): Promise<Registry> {
  return resolveRegistry(loadConventions(root), await loadUpstream());
}
