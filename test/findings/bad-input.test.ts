// Bad input to `pipespan analyze` (the real CLI): one clear error line, a non-zero exit, no stack trace, and
// nothing written.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { foundingStory } from "./support/founding-story.ts";
import { renderRun, writeRunFolder } from "./support/synthetic.ts";

const out = tmpOutDir();
afterAll(() => rmSync(out, { recursive: true, force: true }));

function expectOneLineError(r: { code: number | null; stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^pipespan: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe("");
}

describe("pipespan analyze: bad input", () => {
  it("a file that is not OTLP", async () => {
    const f = join(out, "not-otlp.json");
    writeFileSync(f, `${JSON.stringify({ hello: "world" })}\n`);
    expectOneLineError(
      await runPipespan(["analyze", f]),
      /not an OTLP\/JSON ExportTraceServiceRequest: no resourceSpans/,
    );
  });

  it("OTLP metrics instead of traces", async () => {
    const f = join(out, "metrics.jsonl");
    writeFileSync(f, `${JSON.stringify({ resourceMetrics: [] })}\n`);
    expectOneLineError(await runPipespan(["analyze", f]), /this is OTLP metrics/);
  });

  it("a truncated file (the writer was interrupted)", async () => {
    const dir = join(out, "truncated");
    const w = writeRunFolder(dir, foundingStory());
    writeFileSync(join(dir, "traces.jsonl"), w.text.slice(0, w.text.length - 200));
    const r = await runPipespan(["analyze", dir]);
    expectOneLineError(r, /traces\.jsonl:\d+: truncated last line/);
    expect(existsSync(join(dir, "traces-findings.jsonl"))).toBe(false);
  });

  it("an empty file, and an empty run (spans but no task or process)", async () => {
    const empty = join(out, "empty.jsonl");
    writeFileSync(empty, "");
    expectOneLineError(await runPipespan(["analyze", empty]), /empty file/);

    const { text } = renderRun({ ...foundingStory(), tasks: [] });
    const runOnly = join(out, "run-only.jsonl");
    writeFileSync(runOnly, text);
    expectOneLineError(
      await runPipespan(["analyze", runOnly]),
      /nothing to analyse: the run has no task or process spans/,
    );
  });

  it("a folder that is not a run, and a path that does not exist", async () => {
    const dir = join(out, "not-a-run");
    mkdirSync(dir, { recursive: true });
    expectOneLineError(await runPipespan(["analyze", dir]), /no traces\.jsonl in this directory/);
    expectOneLineError(await runPipespan(["analyze", join(out, "nope")]), /no such file or directory/);
  });

  it("an unknown instance type", async () => {
    const dir = join(out, "unknown-instance");
    writeRunFolder(dir, foundingStory());
    const r = await runPipespan(["analyze", "--instance", "r6i.17xlarge", dir]);
    expectOneLineError(r, /unknown instance type "r6i\.17xlarge".*did you mean/);
    expect(existsSync(join(dir, "traces-findings.jsonl"))).toBe(false);
  });

  it("invalid thresholds, and a config that is not YAML", async () => {
    const dir = join(out, "bad-config");
    writeRunFolder(dir, foundingStory());
    const cfg = join(out, "rules.yaml");
    writeFileSync(cfg, "rules:\n  runqueue-contention:\n    delayShare: 2\n");
    expectOneLineError(
      await runPipespan(["analyze", "--config", cfg, dir]),
      /invalid config .*rules\.yaml: rules\.runqueue-contention\.delayShare: Too big/,
    );
    writeFileSync(cfg, "model:\n  leadRatio: 0.5\n");
    expectOneLineError(
      await runPipespan(["analyze", "--config", cfg, dir]),
      /invalid config .*rules\.yaml: model\.leadRatio: Too small/,
    );
    writeFileSync(cfg, "rules: {io-bound: [\n");
    expectOneLineError(await runPipespan(["analyze", "--config", cfg, dir]), /is not valid YAML/);
  });

  it("two output formats at once", async () => {
    const dir = join(out, "formats");
    writeRunFolder(dir, foundingStory());
    expectOneLineError(await runPipespan(["analyze", "--json", "--markdown", dir]), /choose one output format/);
  });
});
