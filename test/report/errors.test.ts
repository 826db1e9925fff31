// Bad input to `pipespan report` and `pipespan diff` gets one clear line and exit code 2, and loses nothing; a run
// without findings still gets its report.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeRunFolder } from "../findings/support/synthetic.ts";
import { runPipespan, tmpOutDir } from "../support/cli.js";
import { largeRun } from "./support/large-run.ts";

describe("pipespan report and diff on bad input", () => {
  const out = tmpOutDir();
  const good = join(out, "good");
  const bad = join(out, "bad");

  beforeAll(() => {
    writeRunFolder(good, largeRun(5));
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, "traces.jsonl"), '{"resourceSpans": [ {"scopeSpans": "not a list"} ]}\n');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const oneLine = (stderr: string) => stderr.trim().split("\n");

  it("a missing run: one line, exit 2", async () => {
    const r = await runPipespan(["report", join(out, "nowhere")]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^pipespan: report: .*nowhere/);
  });

  it("a malformed traces file: one line naming the file, exit 2, nothing written", async () => {
    const r = await runPipespan(["report", bad]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^pipespan: report: .*traces\.jsonl/);
    expect(() => readFileSync(join(bad, "report.html"))).toThrow();
  });

  it("an output it cannot write: one line, exit 2", async () => {
    const r = await runPipespan(["report", good, "-o", join(out, "no-such-folder", "r.html")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pipespan: report: cannot write the report to .*r\.html/);
  });

  it("an unknown instance type, and a bad run B for diff: one line each, exit 2", async () => {
    const r = await runPipespan(["report", good, "--instance", "m9z.huge"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pipespan: report: .*m9z\.huge/);
    const d = await runPipespan(["diff", good, bad]);
    expect(d.code).toBe(2);
    expect(oneLine(d.stderr)).toHaveLength(1);
    expect(d.stderr).toMatch(/^pipespan: diff: run B: .*traces\.jsonl/);
  });

  it("the default output is the run folder's report.html, and the comparison can be its first section", async () => {
    const r = await runPipespan(["report", good, "--compare", good]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(good, "report.html"), "utf8");
    const data = JSON.parse(
      /<script id="pipespan-data" type="application\/json">([^<]*)<\/script>/.exec(html)?.[1] ?? "",
    );
    expect(data.tasks.name).toHaveLength(5);
    expect(data.diff.tasks).toHaveLength(5);
    expect(data.diff.verdict.join("\n")).toMatch(/did not change/);
  });

  it("pipespan run --no-findings still writes the report, saying the run was not analysed", async () => {
    const runs = join(out, "runs");
    const r = await runPipespan(["run", "--no-findings", "--run-id", "nf", "--out", runs, "--", "sleep", "0.2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/pipespan: report .*nf\/report\.html/);
    const html = readFileSync(join(runs, "nf", "report.html"), "utf8");
    const data = JSON.parse(
      /<script id="pipespan-data" type="application\/json">([^<]*)<\/script>/.exec(html)?.[1] ?? "",
    );
    expect(data.findings).toBeNull();
    expect(data.tasks.name.length).toBeGreaterThan(0);
  });
});
