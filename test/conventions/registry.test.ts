// Checks conventions/ the way Weaver would (we cannot run Weaver here), plus pipespan's own rules, against the
// raw YAML. Upstream names are checked against the installed @opentelemetry/semantic-conventions (incubating).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as incubating from "@opentelemetry/semantic-conventions/incubating";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadUpstream, type Upstream } from "../../packages/semconv/scripts/upstream.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const conv = join(root, "conventions");

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

interface RawGroup extends Obj {
  id: string;
  type: string;
  attributes?: Obj[];
}
interface Loaded {
  file: string;
  group: RawGroup;
}

const modelFiles = readdirSync(join(conv, "model"))
  .filter((f) => f.endsWith(".yaml"))
  .sort();
const groups: Loaded[] = modelFiles.flatMap((f) => {
  const doc = parse(readFileSync(join(conv, "model", f), "utf8")) as { groups: RawGroup[] };
  return doc.groups.map((group) => ({ file: f, group }));
});
const upstreamMetrics = (
  parse(readFileSync(join(conv, "upstream-metrics.yaml"), "utf8")) as {
    metrics: { name: string; instrument: string; unit: string; attributes: string[] }[];
  }
).metrics;
const env = parse(readFileSync(join(conv, "env-protocol.yaml"), "utf8")) as {
  variables: { name: string; brief: string; attribute?: string }[];
};

const upstreamValues = new Set(Object.values(incubating).filter((v): v is string => typeof v === "string"));
const upstreamExports = incubating as unknown as Record<string, unknown>;
const suffix = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
const isUpstreamAttribute = (name: string) =>
  upstreamValues.has(name) && upstreamExports[`ATTR_${suffix(name)}`] === name;
const isUpstreamMetric = (name: string) =>
  upstreamValues.has(name) && upstreamExports[`METRIC_${suffix(name)}`] === name;

const ownAttributes = groups.flatMap(({ file, group }) =>
  (group.attributes ?? []).filter((a) => typeof a.id === "string").map((a) => ({ file, group, attr: a })),
);
const ownIds = new Set(ownAttributes.map((a) => a.attr.id as string));
const refs = groups.flatMap(({ file, group }) =>
  (group.attributes ?? []).filter((a) => typeof a.ref === "string").map((a) => ({ file, group, attr: a })),
);

// Field names Weaver's GroupSpec / AttributeSpec accept (it rejects unknown fields).
const GROUP_FIELDS = new Set([
  "id",
  "type",
  "brief",
  "note",
  "prefix",
  "extends",
  "stability",
  "deprecated",
  "attributes",
  "span_kind",
  "events",
  "metric_name",
  "instrument",
  "unit",
  "name",
  "display_name",
  "body",
  "annotations",
  "entity_associations",
]);
const ID_FIELDS = new Set([
  "id",
  "type",
  "brief",
  "examples",
  "tag",
  "requirement_level",
  "sampling_relevant",
  "note",
  "stability",
  "deprecated",
  "annotations",
]);
const REF_FIELDS = new Set([
  "ref",
  "brief",
  "examples",
  "tag",
  "requirement_level",
  "sampling_relevant",
  "note",
  "stability",
  "deprecated",
  "prefix",
  "annotations",
]);
const MEMBER_FIELDS = new Set(["id", "value", "brief", "note", "stability", "deprecated"]);
const STABILITY = new Set(["stable", "development", "alpha", "beta", "release_candidate"]);
const GROUP_TYPES = new Set(["attribute_group", "span", "event", "metric", "resource", "entity"]);
const PRIMITIVES = new Set(["string", "int", "double", "boolean", "string[]", "int[]", "double[]", "boolean[]"]);
const INSTRUMENTS = new Set(["counter", "updowncounter", "gauge", "histogram"]);
const SPAN_KINDS = new Set(["client", "server", "producer", "consumer", "internal"]);
/** Lower-case, dot-separated snake_case segments, at least two. */
const NAME_RE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*)+$/;

function unknownKeys(o: Obj, allowed: Set<string>): string[] {
  return Object.keys(o).filter((k) => !allowed.has(k));
}

function validLevel(level: unknown): boolean {
  if (level === undefined) return true;
  if (typeof level === "string") return ["required", "recommended", "opt_in"].includes(level);
  if (!isObj(level)) return false;
  const keys = Object.keys(level);
  return (
    keys.length === 1 &&
    ["conditionally_required", "recommended", "opt_in"].includes(keys[0]!) &&
    typeof level[keys[0]!] === "string" &&
    (level[keys[0]!] as string).length > 0
  );
}

function exampleMatches(type: unknown, example: unknown): boolean {
  if (isObj(type)) return (type.members as Obj[]).some((m) => m.value === example);
  switch (type) {
    case "string":
      return typeof example === "string";
    case "int":
      return Number.isSafeInteger(example);
    case "double":
      return typeof example === "number" && Number.isFinite(example);
    case "boolean":
      return typeof example === "boolean";
    default:
      return Array.isArray(example);
  }
}

let upstream: Upstream;
beforeAll(async () => {
  upstream = await loadUpstream();
});

describe("conventions/registry_manifest.yaml", () => {
  it("names the registry, its version and the OTel dependency", () => {
    const m = parse(readFileSync(join(conv, "registry_manifest.yaml"), "utf8")) as Obj;
    expect(m.name).toBe("pipespan");
    expect(String(m.semconv_version)).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Array.isArray(m.dependencies) && (m.dependencies as Obj[]).length).toBeGreaterThan(0);
  });
});

describe("conventions/model groups", () => {
  it("parses into groups", () => {
    expect(modelFiles.length).toBeGreaterThan(0);
    expect(groups.length).toBeGreaterThan(0);
  });

  it("every group has id, known type, brief and stability, and only Weaver fields", () => {
    const problems: string[] = [];
    for (const { file, group } of groups) {
      const where = `${file}: ${group.id ?? "(no id)"}`;
      if (typeof group.id !== "string" || group.id === "") problems.push(`${where}: no id`);
      if (!GROUP_TYPES.has(group.type)) problems.push(`${where}: type ${group.type}`);
      if (typeof group.brief !== "string" || group.brief.trim() === "") problems.push(`${where}: no brief`);
      if (!STABILITY.has(group.stability as string)) problems.push(`${where}: stability ${group.stability}`);
      const extra = unknownKeys(group, GROUP_FIELDS);
      if (extra.length) problems.push(`${where}: fields Weaver rejects: ${extra.join(", ")}`);
    }
    expect(problems).toEqual([]);
  });

  it("has no duplicate group ids, attribute ids, metric names or event names", () => {
    const dups = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
    expect(dups(groups.map((g) => g.group.id))).toEqual([]);
    expect(dups(ownAttributes.map((a) => a.attr.id as string))).toEqual([]);
    const metricNames = [
      ...groups.filter((g) => g.group.type === "metric").map((g) => g.group.metric_name as string),
      ...upstreamMetrics.map((m) => m.name),
    ];
    expect(dups(metricNames)).toEqual([]);
    expect(dups(groups.filter((g) => g.group.type === "event").map((g) => g.group.name as string))).toEqual([]);
    for (const { group } of groups) {
      const names = (group.attributes ?? []).map((a) => (a.ref ?? a.id) as string);
      expect(dups(names), `${group.id} lists an attribute twice`).toEqual([]);
    }
  });

  it("defines own attributes only in attribute groups, each with brief, type, examples, stability", () => {
    const problems: string[] = [];
    for (const { file, group, attr } of ownAttributes) {
      const where = `${file}: ${attr.id}`;
      if (group.type !== "attribute_group") problems.push(`${where}: defined in ${group.type} group ${group.id}`);
      if ("ref" in attr) problems.push(`${where}: has both id and ref`);
      if (typeof attr.brief !== "string" || attr.brief.trim() === "") problems.push(`${where}: no brief`);
      if (!STABILITY.has(attr.stability as string)) problems.push(`${where}: stability ${attr.stability}`);
      const extra = unknownKeys(attr, ID_FIELDS);
      if (extra.length) problems.push(`${where}: fields Weaver rejects: ${extra.join(", ")}`);
      const type = attr.type;
      if (isObj(type)) {
        const members = type.members;
        if (!Array.isArray(members) || members.length === 0) problems.push(`${where}: enum without members`);
        else {
          const values = members.map((m: Obj) => m.value);
          if (new Set(values).size !== values.length) problems.push(`${where}: duplicate enum values`);
          for (const m of members as Obj[]) {
            if (typeof m.id !== "string" || !/^[a-z][a-z0-9_]*$/.test(m.id))
              problems.push(`${where}: member id ${m.id}`);
            if (typeof m.value !== "string") problems.push(`${where}: member ${m.id} value is not a string`);
            if (typeof m.brief !== "string" || m.brief === "") problems.push(`${where}: member ${m.id} has no brief`);
            if (!STABILITY.has(m.stability as string)) problems.push(`${where}: member ${m.id} stability`);
            const mx = unknownKeys(m, MEMBER_FIELDS);
            if (mx.length) problems.push(`${where}: member ${m.id} fields Weaver rejects: ${mx.join(", ")}`);
          }
        }
      } else if (!PRIMITIVES.has(type as string)) problems.push(`${where}: type ${JSON.stringify(type)}`);
      const examples = Array.isArray(attr.examples)
        ? attr.examples
        : attr.examples === undefined
          ? []
          : [attr.examples];
      if (examples.length === 0) problems.push(`${where}: no examples`);
      for (const ex of examples)
        if (!exampleMatches(type, ex)) problems.push(`${where}: example ${JSON.stringify(ex)} does not fit its type`);
      const unit = (attr.annotations as { pipespan?: { unit?: unknown } } | undefined)?.pipespan?.unit;
      if (unit !== undefined && (typeof unit !== "string" || unit === ""))
        problems.push(`${where}: annotations.pipespan.unit must be a UCUM string`);
    }
    expect(problems).toEqual([]);
  });

  it("keeps own attributes under pipespan. and never redefines an upstream name", () => {
    for (const id of ownIds) {
      expect(id.startsWith("pipespan."), `${id} must live under pipespan.`).toBe(true);
      expect(upstreamValues.has(id), `${id} is an upstream OTel name: reference it with ref:`).toBe(false);
    }
  });

  it("uses lower-case dotted snake_case names everywhere", () => {
    const names = [
      ...ownIds,
      ...refs.map((r) => r.attr.ref as string),
      ...groups.filter((g) => g.group.type === "metric").map((g) => g.group.metric_name as string),
      ...groups.filter((g) => g.group.type === "event").map((g) => g.group.name as string),
      ...upstreamMetrics.flatMap((m) => [m.name, ...m.attributes]),
    ];
    expect(names.filter((n) => !NAME_RE.test(n))).toEqual([]);
  });

  it("resolves every ref to an own attribute or an upstream OTel attribute", () => {
    const unresolved = refs
      .map((r) => r.attr.ref as string)
      .filter((name) => !ownIds.has(name) && !isUpstreamAttribute(name));
    expect(unresolved).toEqual([]);
    const badFields = refs.flatMap((r) =>
      unknownKeys(r.attr, REF_FIELDS).map((k) => `${r.file}: ref ${r.attr.ref}: field ${k}`),
    );
    expect(badFields).toEqual([]);
  });

  it("references no upstream attribute or metric that upstream has deprecated", () => {
    const deprecated = [
      ...refs.map((r) => r.attr.ref as string).filter((n) => !ownIds.has(n)),
      ...upstreamMetrics.flatMap((m) => m.attributes).filter((n) => !ownIds.has(n)),
    ]
      .filter((n) => upstream.docs.get(`ATTR_${suffix(n)}`)?.deprecated)
      .concat(upstreamMetrics.map((m) => m.name).filter((n) => upstream.docs.get(`METRIC_${suffix(n)}`)?.deprecated));
    expect(deprecated).toEqual([]);
  });

  it("gives every ref a valid requirement level", () => {
    const bad = refs.filter((r) => !validLevel(r.attr.requirement_level)).map((r) => `${r.group.id}: ${r.attr.ref}`);
    expect(bad).toEqual([]);
  });

  it("uses every own attribute on some span, event, resource or metric", () => {
    const used = new Set([...refs.map((r) => r.attr.ref as string), ...upstreamMetrics.flatMap((m) => m.attributes)]);
    expect([...ownIds].filter((id) => !used.has(id))).toEqual([]);
  });

  it("defines spans with a span kind and a name template built from required attributes", () => {
    const spans = groups.filter((g) => g.group.type === "span");
    expect(spans.map((s) => s.group.id).sort()).toEqual(
      ["span.pipespan.finding", "span.pipespan.pipeline_run", "span.pipespan.process", "span.pipespan.task"].sort(),
    );
    for (const { group } of spans) {
      expect(SPAN_KINDS.has(group.span_kind as string), `${group.id} span_kind`).toBe(true);
      const template = (group.annotations as { pipespan?: { span_name?: string } } | undefined)?.pipespan?.span_name;
      expect(typeof template, `${group.id} needs annotations.pipespan.span_name`).toBe("string");
      const placeholders = [...(template as string).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(placeholders.length).toBeGreaterThan(0);
      for (const p of placeholders) {
        const use = group.attributes?.find((a) => a.ref === p);
        expect(use?.requirement_level, `${group.id}: {${p}} must be a required attribute`).toBe("required");
      }
    }
  });

  it("defines metrics with a name, a known instrument and a unit", () => {
    for (const { group } of groups.filter((g) => g.group.type === "metric")) {
      expect(typeof group.metric_name).toBe("string");
      expect(INSTRUMENTS.has(group.instrument as string), `${group.id} instrument`).toBe(true);
      expect(typeof group.unit, `${group.id} unit`).toBe("string");
      expect(group.id).toBe(`metric.${group.metric_name}`);
      expect(upstreamValues.has(group.metric_name as string), `${group.metric_name} is upstream`).toBe(false);
    }
  });

  it("defines events with a name", () => {
    for (const { group } of groups.filter((g) => g.group.type === "event")) {
      expect(group.name).toMatch(NAME_RE);
      expect(group.id).toBe(`event.${group.name}`);
    }
  });
});

describe("conventions/upstream-metrics.yaml", () => {
  it("lists only upstream OTel metrics, with known instruments and upstream or own attributes", () => {
    expect(upstreamMetrics.length).toBeGreaterThan(0);
    for (const m of upstreamMetrics) {
      expect(isUpstreamMetric(m.name), `${m.name} is not an upstream metric`).toBe(true);
      expect(INSTRUMENTS.has(m.instrument), `${m.name} instrument`).toBe(true);
      expect(typeof m.unit).toBe("string");
      for (const a of m.attributes)
        expect(ownIds.has(a) || isUpstreamAttribute(a), `${m.name}: attribute ${a} does not resolve`).toBe(true);
    }
  });
});

describe("conventions/env-protocol.yaml", () => {
  it("lists upper-case variables, once each, with a brief; mapped attributes exist", () => {
    const names = env.variables.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of env.variables) {
      expect(v.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(v.brief.length).toBeGreaterThan(0);
      if (v.attribute) expect(ownIds.has(v.attribute) || isUpstreamAttribute(v.attribute), v.attribute).toBe(true);
    }
    expect(names).toContain("TRACEPARENT");
    expect(names).toContain("PIPESPAN_TASK_NAME");
  });
});
