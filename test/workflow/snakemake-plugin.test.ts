// The Snakemake logger plugin (the Python package, installed in the test venv) fed log records with arbitrary
// field values: it never raises into Snakemake, and every line it writes is an event pipespan accepts.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseSnakemakeEvent } from "@pipespan/agent";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/cli.js";

const run = promisify(execFile);
let python = "";
const dir = mkdtempSync(join(tmpdir(), "pipespan-plugin-"));

beforeAll(async () => {
  const { stdout } = await run("bash", [join(REPO_ROOT, "scripts/snakemake-venv.sh")], { timeout: 300_000 });
  python = join(stdout.trim().split("\n").at(-1) ?? "", "python");
}, 320_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EVENTS = [
  "WORKFLOW_STARTED",
  "JOB_INFO",
  "JOB_STARTED",
  "JOB_FINISHED",
  "JOB_ERROR",
  "RUN_INFO",
  "PROGRESS",
  "ERROR",
  "SHELLCMD",
  "GROUP_INFO",
  "not_an_event",
];
const pyOnly = fc
  .constantFrom("set", "bytes", "object", "callable", "nan", "inf", "items", "huge")
  .map((k) => ({ $: k }));
const value = fc.oneof({ maxDepth: 2 }, fc.jsonValue({ maxDepth: 2 }), pyOnly, fc.array(pyOnly, { maxLength: 3 }));
const jobid = fc.oneof(fc.nat({ max: 1000 }), fc.constant(-1), fc.string({ maxLength: 3 }), pyOnly);
const fieldNames = [
  "jobid",
  "job_id",
  "jobs",
  "rule_name",
  "wildcards",
  "threads",
  "resources",
  "shellcmd",
  "input",
  "output",
  "log",
  "workflow_id",
  "snakefile_main",
  "basedir",
  "done",
  "total",
  "stats",
  "local",
];

describe("the Snakemake plugin under fuzzing", () => {
  it("writes only events pipespan accepts, whatever the records hold (1500 records)", async () => {
    const cases = fc.sample(
      fc.record({
        event: fc.constantFrom(...EVENTS),
        fields: fc
          .dictionary(fc.constantFrom(...fieldNames), value, { maxKeys: 8 })
          .chain((f) => jobid.map((id) => ({ ...f, jobid: id, job_id: id }))),
      }),
      { numRuns: 1500, seed: 7 },
    );
    const input = join(dir, "cases.json");
    const output = join(dir, "events.jsonl");
    writeFileSync(input, JSON.stringify(cases));
    const { stderr } = await run(python, [join(REPO_ROOT, "test/workflow/fixtures/plugin-fuzz.py"), input, output], {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    // The handler never raised (a raise would fail the script) and never needed to warn.
    expect(stderr).toBe("");
    const lines = readFileSync(output, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    // plugin_started, then one line per record that is an event the plugin forwards, then plugin_closed.
    expect(lines.length).toBeGreaterThan(500);
    const refused: string[] = [];
    for (const line of lines) {
      const r = parseSnakemakeEvent(JSON.parse(line));
      if (!r.ok) refused.push(`${r.reason}: ${line.slice(0, 200)}`);
    }
    // A job event whose record lacks a usable job id or rule name (Snakemake always sets them) is refused by
    // pipespan with that reason; everything else is taken.
    for (const r of refused) expect(r).toMatch(/^job_\w+: (jobid|rule_name):/);
    const accepted = lines.length - refused.length;
    expect(accepted).toBeGreaterThan(lines.length / 3);
    expect(JSON.parse(lines[0]!).event).toBe("plugin_started");
    expect(JSON.parse(lines.at(-1)!).event).toBe("plugin_closed");
  }, 120_000);
});
