// `pipespan run --instance TYPE`: checked against the instance catalog before anything runs (like `analyze
// --instance`), and the findings printed after the run are priced on it.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";

const out = tmpOutDir();
const work = scratchDir();
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe("pipespan run --instance", () => {
  it("an unknown type: one clear line, exit 2, and the command never runs", async () => {
    const marker = join(work, "ran");
    const r = await runPipespan(["run", "--instance", "r6i.17xlarge", "--out", out, "--", "touch", marker]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^pipespan: run: unknown instance type "r6i\.17xlarge".*did you mean/);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(out, "r6i"))).toBe(false);
  });

  it("a known type: the findings after the run are priced on it, and run.json records it", async () => {
    const r = await runPipespan([
      "run",
      "--source",
      "ebpf",
      "--instance",
      "C6I.XLARGE", // types are matched case-insensitively, as analyze does; recorded as the catalog spells them
      "--run-id",
      "inst",
      "--out",
      out,
      "--",
      "bash",
      "-c",
      "PIPESPAN_TASK_NAME=spin timeout 3 sh -c 'while :; do :; done' || true",
    ]);
    expect(r.code, r.stderr).toBe(0);
    // this VM is not a c6i.xlarge (no host.type): the name can only come from --instance
    const findings = r.stderr.slice(r.stderr.indexOf("pipespan: findings"));
    expect(findings, r.stderr).toMatch(/c6i\.xlarge/);
    const runJson = JSON.parse(readFileSync(join(out, "inst", "run.json"), "utf8"));
    expect(runJson.instanceType).toBe("c6i.xlarge");
  });
});
