import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultConfig, FindingsError, loadConfig, parseConfig, RULE_IDS } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "pipespan-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function file(text: string): string {
  const p = join(dir, `rules-${++n}.yaml`);
  writeFileSync(p, text);
  return p;
}

async function configError(text: string): Promise<FindingsError> {
  try {
    await loadConfig(file(text));
  } catch (e) {
    expect(e).toBeInstanceOf(FindingsError);
    return e as FindingsError;
  }
  throw new Error("expected a FindingsError");
}

describe("config", () => {
  it("has defaults for every rule, all enabled", () => {
    const c = defaultConfig();
    expect(Object.keys(c.rules).sort()).toEqual([...RULE_IDS].sort());
    for (const id of RULE_IDS) expect(c.rules[id].enabled).toBe(true);
    expect(c.rules["runqueue-contention"].delayShare).toBe(0.1);
    expect(c.model.dominantShare).toBe(0.6);
    expect(c.model.minWallSeconds).toBe(1);
    expect(c.cost.memoryHeadroom).toBe(1.2);
  });

  it("overrides thresholds and cost options from YAML and keeps the other defaults", async () => {
    const c = await loadConfig(
      file(
        "model:\n  dominantShare: 0.7\nrules:\n  runqueue-contention:\n    delayShare: 0.2\n  straggler: { enabled: false }\ncost:\n  cpuSpeed: { r7a: 1.2 }\n",
      ),
    );
    expect(c.model.dominantShare).toBe(0.7);
    expect(c.model.leadShare).toBe(0.4);
    expect(c.rules["runqueue-contention"].delayShare).toBe(0.2);
    expect(c.rules["runqueue-contention"].minDelaySeconds).toBe(1);
    expect(c.rules.straggler.enabled).toBe(false);
    expect(c.cost.cpuSpeed).toEqual({ r7a: 1.2 });
    expect(c.cost.maxRecommendations).toBe(5);
  });

  it("accepts an empty file", async () => {
    expect((await loadConfig(file(""))).rules["cpu-bound"].coreSaturation).toBe(0.85);
  });

  it("names the key of a typo, an unknown rule, a value out of range, a wrong type", async () => {
    expect((await configError("rules:\n  runqueue-contention:\n    delayShre: 0.6\n")).message).toMatch(
      /invalid config .*rules\.runqueue-contention: Unrecognized key: "delayShre"/,
    );
    // The share thresholds io-bound and cpu-bound had before the limits model are gone: named, not ignored.
    expect((await configError("rules:\n  io-bound:\n    ioWaitShare: 0.6\n")).message).toMatch(
      /rules\.io-bound: Unrecognized key: "ioWaitShare"/,
    );
    expect((await configError("model:\n  dominantShare: 0.3\n")).message).toMatch(/model\.dominantShare: Too small/);
    expect((await configError("rules:\n  io-bond: {}\n")).message).toMatch(
      /Unrecognized key: "io-bond".*rules are: io-bound/,
    );
    expect((await configError("rules:\n  runqueue-contention: { delayShare: 1.5 }\n")).message).toMatch(
      /rules\.runqueue-contention\.delayShare: Too big/,
    );
    expect((await configError("cost:\n  maxRecommendations: many\n")).message).toMatch(/cost\.maxRecommendations/);
    expect((await configError("colour: blue\n")).message).toMatch(/Unrecognized key: "colour"/);
  });

  it("reports YAML syntax errors and non-mappings in one line", async () => {
    const e = await configError("rules: [unclosed\n");
    expect(e.message).toMatch(/is not valid YAML/);
    expect(e.message).not.toContain("\n");
    expect((await configError("- a\n- b\n")).message).toMatch(/expected a mapping/);
  });

  it("reports a missing file", async () => {
    await expect(loadConfig("/nonexistent/rules.yaml")).rejects.toThrow(/cannot read config .*no such file/);
  });

  it("parseConfig validates an in-memory document the same way", () => {
    expect(() => parseConfig({ rules: { straggler: { factor: 0.5 } } })).toThrow(/rules\.straggler\.factor/);
  });
});
