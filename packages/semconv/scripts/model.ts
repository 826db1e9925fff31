// Reads conventions/ into plain typed objects. No validation beyond "is this the shape we expect":
// resolve.ts checks meaning (refs resolve, types known) and the tests check the rest.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export type Stability = "stable" | "development" | "alpha" | "beta" | "release_candidate";
export type BasicRequirementLevel = "required" | "recommended" | "opt_in";
/** Weaver's requirement_level: a bare level, or `{ conditionally_required: condition }` / `{ recommended: note }`. */
export type RequirementLevelSpec =
  | BasicRequirementLevel
  | { conditionally_required: string }
  | { recommended: string }
  | { opt_in: string };

export interface EnumMemberSpec {
  id: string;
  value: string;
  brief?: string;
  stability?: string;
}
export type AttributeTypeSpec = string | { members: EnumMemberSpec[]; allow_custom_values?: boolean };

export interface AttributeSpec {
  id?: string;
  ref?: string;
  type?: AttributeTypeSpec;
  brief?: string;
  note?: string;
  examples?: unknown;
  stability?: string;
  requirement_level?: RequirementLevelSpec;
  annotations?: { pipespan?: { unit?: string } };
}

export interface GroupSpec {
  id: string;
  type: string;
  brief?: string;
  note?: string;
  stability?: string;
  display_name?: string;
  span_kind?: string;
  metric_name?: string;
  instrument?: string;
  unit?: string;
  name?: string;
  attributes?: AttributeSpec[];
  annotations?: { pipespan?: { span_name?: string } };
}

export interface UpstreamMetricSpec {
  name: string;
  instrument: string;
  unit: string;
  attributes: string[];
  note?: string;
}

export interface EnvVariableSpec {
  name: string;
  brief: string;
  examples?: string[];
  /** The span attribute the variable's value becomes, if any. */
  attribute?: string;
  /** When the variable must be set (free text for the docs). */
  required?: string;
}

/** A variable another program (a workflow manager) sets, which pipespan reads by name for attribution. */
export interface ForeignEnvVariableSpec {
  name: string;
  /** The program that sets it. */
  set_by: string;
  brief: string;
}

export interface EnvProtocolSpec {
  title?: string;
  intro?: string;
  variables: EnvVariableSpec[];
  foreign_variables?: ForeignEnvVariableSpec[];
  rules?: { title: string; text: string }[];
  precedence?: { name: string; text: string }[];
  examples?: { title: string; language: string; intro?: string; code: string }[];
  cli?: { usage: string; text: string };
}

export interface ManifestSpec {
  name: string;
  description?: string;
  semconv_version?: string;
  schema_base_url?: string;
  dependencies?: { name: string; registry_path: string }[];
}

export interface Conventions {
  manifest: ManifestSpec;
  /** Groups from every conventions/model/*.yaml file, in file-name order, each tagged with its file. */
  groups: (GroupSpec & { file: string })[];
  upstreamMetrics: UpstreamMetricSpec[];
  env: EnvProtocolSpec;
}

function readYaml(path: string): unknown {
  try {
    return parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`semconv: cannot read ${path}: ${(e as Error).message}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Loads conventions/ under `root` (the repository root). */
export function loadConventions(root: string): Conventions {
  const conv = join(root, "conventions");
  const manifest = readYaml(join(conv, "registry_manifest.yaml"));
  if (!isRecord(manifest) || typeof manifest.name !== "string")
    throw new Error("semconv: conventions/registry_manifest.yaml needs a `name`");

  const groups: Conventions["groups"] = [];
  const modelDir = join(conv, "model");
  for (const f of readdirSync(modelDir)
    .filter((n) => n.endsWith(".yaml"))
    .sort()) {
    const doc = readYaml(join(modelDir, f));
    if (!isRecord(doc) || !Array.isArray(doc.groups))
      throw new Error(`semconv: conventions/model/${f} has no top-level \`groups:\` list`);
    for (const g of doc.groups) {
      if (!isRecord(g) || typeof g.id !== "string" || typeof g.type !== "string")
        throw new Error(`semconv: conventions/model/${f}: every group needs a string id and type`);
      groups.push({ ...(g as unknown as GroupSpec), file: `model/${f}` });
    }
  }

  const um = readYaml(join(conv, "upstream-metrics.yaml"));
  if (!isRecord(um) || !Array.isArray(um.metrics))
    throw new Error("semconv: conventions/upstream-metrics.yaml needs a `metrics:` list");
  const env = readYaml(join(conv, "env-protocol.yaml"));
  if (!isRecord(env) || !Array.isArray(env.variables))
    throw new Error("semconv: conventions/env-protocol.yaml needs a `variables:` list");

  return {
    manifest: manifest as unknown as ManifestSpec,
    groups,
    upstreamMetrics: um.metrics as UpstreamMetricSpec[],
    env: env as unknown as EnvProtocolSpec,
  };
}

/** The basic level of a requirement_level spec (Weaver's default is recommended). */
export function basicLevel(spec: RequirementLevelSpec | undefined): BasicRequirementLevel | "conditionally_required" {
  if (spec === undefined) return "recommended";
  if (typeof spec === "string") return spec;
  if ("conditionally_required" in spec) return "conditionally_required";
  if ("opt_in" in spec) return "opt_in";
  return "recommended";
}

/** The condition or note attached to a requirement level, if any. */
export function levelCondition(spec: RequirementLevelSpec | undefined): string | undefined {
  if (spec === undefined || typeof spec === "string") return undefined;
  return Object.values(spec)[0];
}
