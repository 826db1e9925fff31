// Thresholds and cost-model options: defaults in code, overridable from a YAML file (`--config rules.yaml`):
//
//   model:
//     dominantShare: 0.7
//   rules:
//     runqueue-contention: { delayShare: 0.2 }
//     straggler: { enabled: false }
//   cost:
//     maxRecommendations: 3
//     cpuSpeed: { r7a: 1.2 }
//
// Everything is validated with zod: an unknown rule, an unknown threshold (a typo) or a value out of range is one
// clear error naming the file and the key, never silently ignored.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { FindingsError } from "../errors.js";
import { RULES } from "../rules/index.js";
import { RULE_IDS, type RuleId } from "../rules/types.js";

/** The limits model and the primary verdict (see model/limits.ts, model/verdict.ts). */
export const ModelOptionsSchema = z.strictObject({
  /** Tasks shorter than this get no verdict (and no warning). */
  minWallSeconds: z.number().min(0).default(1),
  /** Runs shorter than this get no run-level warnings and no cost figures. */
  minRunSeconds: z.number().min(0).default(5),
  /** A cause dominates a task when it holds at least this share of its wall time… */
  dominantShare: z.number().gt(0.5).max(1).default(0.6),
  /** …or at least this share and leadRatio × the next cause's. */
  leadShare: z.number().gt(0).max(1).default(0.4),
  leadRatio: z.number().gt(1).default(2),
  /** CPU demand (on a CPU + waiting for one) is cpu-starved when waiting is at least this share of it. */
  starvedShare: z.number().gt(0).max(1).default(0.5),
  /** Sleep in a bucket counts as network when the bucket moved at least this many socket bytes/s… */
  networkActiveBps: z.number().min(0).default(65_536),
  /** …and at least this share of the task's busiest bucket. */
  networkActiveShareOfPeak: z.number().min(0).max(1).default(0.2),
  /** Storage plateau: buckets within this fraction of the device's maximum rate are "at the plateau"… */
  plateauBand: z.number().gt(0).max(0.5).default(0.1),
  /** …which must cover at least this share of the run… */
  plateauMinShare: z.number().gt(0).max(1).default(0.3),
  /** …at a rate of at least this many bytes/s (or plateauMinIops requests/s)… */
  plateauMinBps: z.number().min(0).default(1e6),
  plateauMinIops: z.number().min(0).default(50),
  /** …while tasks waited on storage for at least this share of the plateau's time. */
  plateauMinIoShare: z.number().min(0).max(1).default(0.3),
});
export type ModelOptions = z.infer<typeof ModelOptionsSchema>;

export const CostOptionsSchema = z.strictObject({
  /** A candidate needs memory ≥ the run's peak resident memory × this. */
  memoryHeadroom: z.number().min(1).default(1.2),
  /** Storage or network throughput at or above this share of the cap counts as "at the cap". */
  atCapFraction: z.number().gt(0).max(2).default(0.8),
  /** A cheaper candidate is recommended when it saves at least this share per run… */
  minSaving: z.number().min(0).max(1).default(0.05),
  /** …and is estimated at most this much slower (0.1 = 10%). */
  maxSlowdown: z.number().min(0).max(1).default(0.1),
  /** A candidate that is not cheaper is recommended only when at least this many times faster at no extra cost. */
  minSpeedup: z.number().min(1).default(1.1),
  maxRecommendations: z.number().int().min(0).max(50).default(5),
  /** Only candidates of the current CPU architecture (binaries run unchanged). */
  sameArch: z.boolean().default(true),
  /** Keep the best size of each family only. */
  onePerFamily: z.boolean().default(true),
  /** Consider only these families (e.g. [r6i, r7i, m6i]); all when absent. */
  families: z.array(z.string().min(1)).optional(),
  /**
   * Relative per-vCPU speed by family or instance type (e.g. { r7a: 1.25 }); 1.0 where not given. The catalog has
   * no CPU benchmark, so pipespan assumes no speed difference between CPU generations unless told.
   */
  cpuSpeed: z.record(z.string(), z.number().gt(0)).default({}),
  /** Share of processes that must carry off-CPU times for the cost model to split wall time at all. */
  minOffCpuCoverage: z.number().gt(0).max(1).default(0.9),
});
export type CostOptions = z.infer<typeof CostOptionsSchema>;

export type RuleSettings = Record<string, unknown> & { enabled: boolean };

export interface AnalysisConfig {
  readonly model: ModelOptions;
  readonly rules: Readonly<Record<RuleId, RuleSettings>>;
  readonly cost: CostOptions;
  /** Where the overrides came from, for messages. */
  readonly source?: string;
}

const TopLevel = z.strictObject({
  model: z.record(z.string(), z.unknown()).nullish(),
  rules: z
    .strictObject(Object.fromEntries(RULE_IDS.map((id) => [id, z.record(z.string(), z.unknown()).nullish()])))
    .nullish(),
  cost: z.record(z.string(), z.unknown()).nullish(),
});

/** Validates a parsed config document and fills in every default. Throws FindingsError("config"). */
export function parseConfig(doc: unknown, where = "config"): AnalysisConfig {
  const fail = (detail: string) =>
    new FindingsError("config", `invalid config ${where}: ${detail.replace(/\s*\n\s*/g, " ")}`);
  const top = TopLevel.safeParse(doc ?? {});
  if (!top.success) throw fail(hint(describe(top.error, [])));
  const rules = {} as Record<RuleId, RuleSettings>;
  for (const rule of RULES) {
    const schema = rule.thresholds.extend({ enabled: z.boolean().default(true) }).strict();
    const given = top.data.rules?.[rule.id] ?? {};
    const r = schema.safeParse(given);
    if (!r.success) throw fail(describe(r.error, ["rules", rule.id]));
    rules[rule.id] = r.data as RuleSettings;
  }
  const model = ModelOptionsSchema.safeParse(top.data.model ?? {});
  if (!model.success) throw fail(describe(model.error, ["model"]));
  const cost = CostOptionsSchema.safeParse(top.data.cost ?? {});
  if (!cost.success) throw fail(describe(cost.error, ["cost"]));
  return { model: model.data, rules, cost: cost.data, ...(where !== "config" ? { source: where } : {}) };
}

export function defaultConfig(): AnalysisConfig {
  return parseConfig({});
}

/** Reads and validates a YAML config file. Throws FindingsError("config") with one line on any problem. */
export async function loadConfig(path: string): Promise<AnalysisConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new FindingsError("config", `cannot read config ${path}: ${why}`);
  }
  if (text.length > 1024 * 1024) throw new FindingsError("config", `config ${path} is larger than 1 MiB`);
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    const msg = (err as Error).message.split("\n")[0] ?? String(err);
    throw new FindingsError("config", `config ${path} is not valid YAML: ${msg}`);
  }
  if (doc !== null && doc !== undefined && (typeof doc !== "object" || Array.isArray(doc))) {
    throw new FindingsError("config", `invalid config ${path}: expected a mapping with model:, rules: and/or cost:`);
  }
  return parseConfig(doc, path);
}

/** "rules.runqueue-contention.delayShare: Too big: expected number to be <=1" (first three issues). */
function describe(error: z.ZodError, base: string[]): string {
  const parts = error.issues.slice(0, 3).map((issue) => {
    const path = [...base, ...issue.path.map(String)].join(".");
    return `${path || "(top level)"}: ${issue.message}`;
  });
  return parts.join("; ") + (error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : "");
}

function hint(detail: string): string {
  return /rules/.test(detail) && /nrecognized/.test(detail) ? `${detail} (rules are: ${RULE_IDS.join(", ")})` : detail;
}
