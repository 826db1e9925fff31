// The shipped Collector configs against the real OCB-built binary: `validate` passes for every one of them (and
// fails for a broken copy, so the check has teeth), the binary holds exactly what the manifest pins, and
// local.yaml — an overlay on gateway.yaml — changes only listeners, defaults and test outputs (gateway.yaml plus
// local.yaml is what the e2e tests run in place of the gateway).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/cli.js";
import {
  configArgs,
  GATEWAY_CONFIG,
  LOCAL_CONFIGS,
  LOCAL_OVERLAY,
  otelcol,
  startCollector,
} from "./support/collector.js";
import { e2eEnv } from "./support/env.js";

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML documents are dynamic
type Doc = any;

const MANIFEST = join(REPO_ROOT, "collector-config/builder-config.yaml");
const JAEGER_CONFIG = join(REPO_ROOT, "scripts/backends/jaeger.yaml");

/** What gateway.yaml needs from its environment to be a complete config (the rest has defaults). */
const GATEWAY_ENV = { PIPESPAN_TRACES_ENDPOINT: "tempo.example.internal:4317", HONEYCOMB_API_KEY: "validate-only" };

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

/** Every Collector config the repository ships: collector-config/*.yaml and examples/backends/**, minus manifests. */
function shippedCollectorConfigs(): string[] {
  const candidates = [
    ...yamlFiles(join(REPO_ROOT, "collector-config")),
    ...yamlFiles(join(REPO_ROOT, "examples/backends")),
  ];
  return candidates.filter((f) => {
    const doc = parse(readFileSync(f, "utf8"), { merge: true }) as Doc;
    return doc && typeof doc === "object" && "service" in doc && "receivers" in doc && !("dist" in doc);
  });
}

const load = (f: string): Doc => parse(readFileSync(f, "utf8"), { merge: true });

/** The Collector's merge of several config files: maps key by key, any other value replaced whole. */
function mergeConfigs(base: Doc, over: Doc): Doc {
  const isMap = (x: unknown) => typeof x === "object" && x !== null && !Array.isArray(x);
  if (!isMap(base) || !isMap(over)) return over;
  const out: Doc = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeConfigs(base[k], v) : v;
  return out;
}

/** The files one shipped config runs as: local.yaml only on top of gateway.yaml, the others alone. */
const runAs = (file: string): readonly string[] => (file === LOCAL_OVERLAY ? LOCAL_CONFIGS : [file]);

describe("shipped Collector configs", () => {
  const env = e2eEnv();
  const scratch = mkdtempSync(join(tmpdir(), "pipespan-configs-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const configs = shippedCollectorConfigs();

  it("finds the configs to check (gateway.yaml, local.yaml and any example)", () => {
    const rel = configs.map((c) => relative(REPO_ROOT, c));
    expect(rel).toContain("collector-config/gateway.yaml");
    expect(rel).toContain("collector-config/local.yaml");
  });

  it.each(
    configs.map((c) => [
      runAs(c)
        .map((f) => relative(REPO_ROOT, f))
        .join(" + "),
      c,
    ]),
  )("`otelcol-pipespan validate` passes for %s", async (_rel, file) => {
    const r = await otelcol(env.otelcolBin, ["validate", ...configArgs(runAs(file))], GATEWAY_ENV);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  });

  it("`validate` rejects a broken config, naming the problem (the check above has teeth)", async () => {
    const broken = join(scratch, "broken.yaml");
    const text = readFileSync(GATEWAY_CONFIG, "utf8");
    expect(text).toContain("replace_all_patterns(");
    writeFileSync(broken, text.replace("replace_all_patterns(", "replace_all_patternz("));
    const r = await otelcol(env.otelcolBin, ["validate", "--config", broken, "--config", LOCAL_OVERLAY]);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain("replace_all_patternz");
  });

  // `validate` parses OTTL but does not build tail_sampling's policies: only a start proves those.
  it.each([
    ["gateway.yaml", [GATEWAY_CONFIG]],
    ["gateway.yaml + local.yaml", LOCAL_CONFIGS],
  ])("%s starts, reports healthy and logs no component error", async (_name, config) => {
    const c = await startCollector(env.otelcolBin, config, {
      ...GATEWAY_ENV,
      PIPESPAN_TRACES_ENDPOINT: "127.0.0.1:9",
      PIPESPAN_TRACES_INSECURE: "true",
      HONEYCOMB_OTLP_ENDPOINT: "127.0.0.1:9",
    });
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(c.log()).toContain("Everything is ready");
      expect(c.log()).not.toMatch(/\berror\b.*Failed to (start|create)/i);
    } finally {
      await c.stop();
      rmSync(c.dir, { recursive: true, force: true });
    }
  });

  it("a misspelled sampling policy passes `validate` but fails to start (why the start check exists)", async () => {
    const broken = join(scratch, "bad-policy.yaml");
    writeFileSync(broken, readFileSync(LOCAL_OVERLAY, "utf8").replace("type: status_code", "type: status_codez"));
    const files = [GATEWAY_CONFIG, broken];
    expect((await otelcol(env.otelcolBin, ["validate", ...configArgs(files)])).code).toBe(0);
    await expect(startCollector(env.otelcolBin, files, {})).rejects.toThrow(/status_codez/);
  });

  it("gateway.yaml without PIPESPAN_TRACES_ENDPOINT fails validation instead of exporting nowhere", async () => {
    const r = await otelcol(env.otelcolBin, ["validate", "--config", GATEWAY_CONFIG], { HONEYCOMB_API_KEY: "x" });
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/otlp_grpc\/traces/);
  });

  it("the Jaeger config validates with the built Jaeger v2", async () => {
    const r = await otelcol(env.jaegerBin, ["validate", "--config", JAEGER_CONFIG]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  });

  it("the binary holds every component the manifest pins, all of one release", async () => {
    const manifest = load(MANIFEST);
    const kinds = ["receivers", "processors", "connectors", "exporters", "extensions"] as const;
    const pinned: string[] = kinds.flatMap((k) => (manifest[k] ?? []).map((m: { gomod: string }) => m.gomod));
    for (const gomod of pinned) expect(gomod, gomod).toMatch(/ v0\.161\.0$/);
    for (const p of manifest.providers) expect(p.gomod).toMatch(/ v1\.67\.0$/);
    expect(readFileSync(join(REPO_ROOT, "scripts/backends/lib.sh"), "utf8")).toContain('OCB_VERSION="0.161.0"');

    const r = await otelcol(env.otelcolBin, ["components"]);
    expect(r.code, r.stderr).toBe(0);
    const components = parse(r.stdout) as Doc;
    const built: string[] = kinds.flatMap((k) => (components[k] ?? []).map((c: { module: string }) => c.module));
    expect(new Set(built)).toEqual(new Set(pinned));
  });

  it("local.yaml on gateway.yaml keeps its pipelines and processing; only listeners, defaults and test outputs differ", () => {
    const g = load(GATEWAY_CONFIG);
    const overlay = load(LOCAL_OVERLAY);
    // The overlay names no OTTL, filter, transform or redaction: those exist once, in gateway.yaml.
    expect(Object.keys(overlay.processors).sort()).toEqual(["batch", "tail_sampling"]);
    expect(JSON.stringify(overlay)).not.toMatch(/ottl|statements|conditions/i);
    const l = mergeConfigs(g, overlay);
    const localOnlyExporters = new Set([
      "file/exported_traces",
      "file/honeycomb_sink_traces",
      "file/honeycomb_sink_metrics",
      "debug",
    ]);
    const localOnlyPipelines = new Set(["traces/honeycomb_sink", "metrics/honeycomb_sink"]);
    // Same pipelines, receivers and processors; local may add test outputs to a pipeline, nothing else.
    expect(Object.keys(l.service.pipelines).filter((p) => !localOnlyPipelines.has(p))).toEqual(
      Object.keys(g.service.pipelines),
    );
    for (const [name, gp] of Object.entries<Doc>(g.service.pipelines)) {
      const lp = l.service.pipelines[name];
      expect(lp.receivers, name).toEqual(gp.receivers);
      expect(lp.processors, name).toEqual(gp.processors);
      expect(
        lp.exporters.filter((e: string) => !localOnlyExporters.has(e)),
        name,
      ).toEqual(gp.exporters);
    }
    // Redaction, filters and transforms are identical; sampling and batching differ only in timing defaults.
    for (const [name, gproc] of Object.entries<Doc>(g.processors)) {
      const lproc = l.processors[name];
      if (name === "tail_sampling") {
        const strip = (ts: Doc) => ({
          ...ts,
          decision_wait: undefined,
          decision_wait_after_root_received: undefined,
          policies: ts.policies.map((p: Doc) =>
            p.type === "probabilistic"
              ? { ...p, probabilistic: { ...p.probabilistic, sampling_percentage: undefined } }
              : p,
          ),
        });
        expect(strip(lproc)).toEqual(strip(gproc));
      } else if (name === "batch") {
        expect(lproc.send_batch_size).toBe(gproc.send_batch_size);
      } else {
        expect(lproc, name).toEqual(gproc);
      }
    }
    for (const [name, gconn] of Object.entries<Doc>(g.connectors)) {
      expect({ ...l.connectors[name], metrics_flush_interval: undefined }, name).toEqual({
        ...gconn,
        metrics_flush_interval: undefined,
      });
    }
    // Every gateway exporter exists locally with the same headers (the Honeycomb key and dataset).
    for (const [name, gexp] of Object.entries<Doc>(g.exporters)) {
      expect(l.exporters[name], name).toBeDefined();
      expect(l.exporters[name].headers, name).toEqual(gexp.headers);
    }
    // Nothing in local.yaml listens beyond loopback.
    const listeners = JSON.stringify(l).match(/\d+\.\d+\.\d+\.\d+:\d+/g) ?? [];
    expect(listeners.length).toBeGreaterThan(0);
    for (const a of listeners) expect(a.startsWith("127.0.0.1:"), a).toBe(true);
  });
});
