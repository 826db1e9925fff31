// A real Snakemake 9 workflow (Snakemake 9.27.1 from PyPI, in a venv scripts/snakemake-venv.sh makes, with
// pipespan's logger plugin from integrations/snakemake) becomes one run, one task per job named by rule and
// wildcards, with the job's processes under it — under `pipespan run`, and with `pipespan agent` beside it.
// 3 rules × 3 samples of real commands; `compress` has threads: 2; one `count` job fails and --keep-going runs
// the rest; the three `pause` jobs run the very same command (it does not use its wildcards).
import { execFile, spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_PIPESPAN_FILE_WRITE_BYTES,
  ATTR_PIPESPAN_PROCESS_OVERHEAD,
  ATTR_PIPESPAN_RUN_EXIT_CODE,
  ATTR_PIPESPAN_SNAKEMAKE_JOBID,
  ATTR_PIPESPAN_SNAKEMAKE_RESOURCES,
  ATTR_PIPESPAN_SNAKEMAKE_THREADS,
  ATTR_PIPESPAN_SNAKEMAKE_WORKFLOW_ID,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PIPESPAN_TASK_ATTRIBUTION,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
  ATTR_PIPESPAN_TASK_REQUESTED_MEMORY,
  ATTR_PIPESPAN_TASK_TAG,
  ATTR_PIPESPAN_WORKFLOW_MANAGER,
  ATTR_PROCESS_COMMAND_LINE,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PARENT_PID,
  ATTR_PROCESS_PID,
  PIPESPAN_TASK_ATTRIBUTION_VALUE_SNAKEMAKE,
  PIPESPAN_WORKFLOW_MANAGER_VALUE_SNAKEMAKE,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPESPAN_BIN, REPO_ROOT, runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { type Tree, tree } from "./support/tree.js";

const SNAKEFILE = `
SAMPLES = ["a", "b", "c"]

rule all:
    input:
        expand("counts/{sample}.txt", sample=SAMPLES),
        expand("pause/{sample}.done", sample=SAMPLES),

rule compress:
    output: "data/{sample}.gz"
    threads: 2
    resources: mem_mb=300
    shell: "head -c 3000000 /dev/urandom | gzip -1 > {output}"

rule count:
    input: "data/{sample}.gz"
    output: "counts/{sample}.txt"
    shell: "zcat {input} | wc -c > {output}; test {wildcards.sample} != c"

rule pause:
    output: touch("pause/{sample}.done")
    shell: "sleep 0.5"
`;

const RULES = ["compress", "count", "pause"];
const SPAN_NAMES = RULES.flatMap((r) => ["a", "b", "c"].map((s) => `${r} (sample=${s})`)).sort();
const attr = (s: NormalizedSpan | undefined, k: string) => s?.attributes[k];

let venvBin = "";
const work = scratchDir("pipespan-smk-");
const out = tmpOutDir();

beforeAll(async () => {
  // Creates the venv from PyPI on first use (CI does it before the tests); a failure here fails the tests.
  const { stdout } = await promisify(execFile)("bash", [join(REPO_ROOT, "scripts/snakemake-venv.sh")], {
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  venvBin = stdout.trim().split("\n").at(-1) ?? "";
  expect(statSync(join(venvBin, "snakemake")).isFile()).toBe(true);
}, 320_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

/** A fresh copy of the workflow in its own folder. */
function workflowDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Snakefile"), SNAKEFILE);
  return dir;
}

function snakemakeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: `${venvBin}:${process.env["PATH"]}`, PIPESPAN_RUN_DIR: undefined, ...extra };
}

const SNAKEMAKE_ARGS = ["--cores", "2", "--keep-going", "--nocolor", "--logger", "pipespan"];

/** What the workflow must look like, whoever recorded it. */
function expectWorkflowTree(t: Tree, dir: string): void {
  expect(t.roots, t.roots.map((r) => r.name).join(", ")).toHaveLength(1);
  const run = t.roots[0]!;
  expect(attr(run, ATTR_PIPESPAN_WORKFLOW_MANAGER)).toBe(PIPESPAN_WORKFLOW_MANAGER_VALUE_SNAKEMAKE);
  expect(String(attr(run, ATTR_PIPESPAN_SNAKEMAKE_WORKFLOW_ID))).toMatch(/^[0-9a-f-]{36}$/);
  expect(attr(run, ATTR_CICD_PIPELINE_RESULT)).toBe("failure");
  expect(attr(run, ATTR_PIPESPAN_RUN_EXIT_CODE)).toBe(1);

  // One task per job, named by rule and wildcards; no task for the solver or uname.
  expect(t.tasks.map((s) => s.name).sort()).toEqual(SPAN_NAMES);
  const jobids = new Set<unknown>();
  for (const task of t.tasks) {
    expect(task.parentSpanId).toBe(run.spanId);
    expect(attr(task, ATTR_PIPESPAN_TASK_ATTRIBUTION)).toBe(PIPESPAN_TASK_ATTRIBUTION_VALUE_SNAKEMAKE);
    const rule = String(attr(task, ATTR_CICD_PIPELINE_TASK_NAME));
    expect(RULES).toContain(rule);
    expect(task.name).toBe(`${rule} (${attr(task, ATTR_PIPESPAN_TASK_TAG)})`);
    expect(attr(task, ATTR_PIPESPAN_TASK_ATTEMPT)).toBe(1);
    const jobid = attr(task, ATTR_PIPESPAN_SNAKEMAKE_JOBID);
    expect(String(jobid)).toBe(String(attr(task, ATTR_CICD_PIPELINE_TASK_RUN_ID)));
    jobids.add(jobid);
    const threads = rule === "compress" ? 2 : 1;
    expect(attr(task, ATTR_PIPESPAN_SNAKEMAKE_THREADS)).toBe(threads);
    expect(attr(task, ATTR_PIPESPAN_TASK_REQUESTED_CPUS)).toBe(threads);
    const failed = task.name === "count (sample=c)";
    expect(task.status.code, task.name).toBe(failed ? "error" : "unset");
    expect(attr(task, ATTR_CICD_PIPELINE_TASK_RUN_RESULT)).toBe(failed ? "failure" : "success");
  }
  expect(jobids.size).toBe(9);
  const compress = t.tasks.find((s) => s.name === "compress (sample=b)");
  expect(attr(compress, ATTR_PIPESPAN_TASK_REQUESTED_MEMORY)).toBe(300_000_000);
  expect(String(attr(compress, ATTR_PIPESPAN_SNAKEMAKE_RESOURCES))).toContain("mem_mb=300");
  expect(t.tasks.find((s) => s.name === "count (sample=c)")?.status.message).toMatch(/error in rule count/);

  // Each job's shell is a child of Snakemake running that job's command, with the job's tools under it.
  const snakemake = t.processes.find((p) => t.children(run).includes(p));
  expect(snakemake, "the Snakemake process span under the run").toBeDefined();
  for (const task of t.tasks) {
    const procs = t.processesOf(task);
    const shells = t.children(task).filter((p) => attr(p, ATTR_PROCESS_PID) !== undefined);
    expect(shells, task.name).toHaveLength(1);
    const shell = shells[0]!;
    expect(attr(shell, ATTR_PROCESS_PARENT_PID)).toBe(attr(snakemake, ATTR_PROCESS_PID));
    const cmd = String(attr(shell, ATTR_PROCESS_COMMAND_LINE));
    const sample = String(attr(task, ATTR_PIPESPAN_TASK_TAG)).replace("sample=", "");
    const tools = procs.map((p) => String(attr(p, ATTR_PROCESS_EXECUTABLE_NAME))).sort();
    switch (attr(task, ATTR_CICD_PIPELINE_TASK_NAME)) {
      case "compress": {
        expect(cmd).toContain(`> data/${sample}.gz`);
        expect(tools).toEqual(["bash", "gzip", "head"]);
        // Known truth: what gzip wrote is the file on disk.
        const gzip = procs.find((p) => attr(p, ATTR_PROCESS_EXECUTABLE_NAME) === "gzip");
        expect(Number(attr(gzip, ATTR_PIPESPAN_FILE_WRITE_BYTES))).toBe(statSync(join(dir, `data/${sample}.gz`)).size);
        break;
      }
      case "count":
        expect(cmd).toContain(`zcat data/${sample}.gz`);
        expect(tools).toEqual(["bash", "wc", "zcat"]);
        if (sample !== "c") {
          const wc = procs.find((p) => attr(p, ATTR_PROCESS_EXECUTABLE_NAME) === "wc");
          expect(Number(attr(wc, ATTR_PIPESPAN_FILE_WRITE_BYTES))).toBe(
            statSync(join(dir, `counts/${sample}.txt`)).size,
          );
        }
        break;
      default:
        // The three pause jobs run the same command: each has exactly one shell, none is left out.
        expect(cmd).toMatch(/sleep 0\.5'?$/);
        expect(procs).toHaveLength(1);
    }
  }

  // The solver Snakemake runs at each scheduling round is the run's overhead, under the Snakemake process.
  const cbc = t.processes.filter((p) => attr(p, ATTR_PROCESS_EXECUTABLE_NAME) === "cbc");
  expect(cbc.length).toBeGreaterThan(0);
  for (const p of cbc) {
    expect(t.taskOf(p)).toBeUndefined();
    expect(attr(p, ATTR_PIPESPAN_PROCESS_OVERHEAD)).toBe(true);
    expect(p.parentSpanId).toBe(snakemake!.spanId);
  }
}

describe("Snakemake 9 with the pipespan logger plugin", () => {
  it("under pipespan run: one run, a task per job by rule and wildcards, the failed job in error, no solver tasks", async () => {
    const dir = workflowDir("run");
    const r = await runPipespan(
      ["run", "--run-id", "smk-run", "--out", out, "--no-findings", "--", "snakemake", ...SNAKEMAKE_ARGS],
      { cwd: dir, env: snakemakeEnv(), timeoutMs: 120_000 },
    );
    // Snakemake exits 1: a job failed (the others ran, --keep-going).
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/pipespan logger:/);
    // The plugin wrote its events into the run folder.
    expect(readdirSync(join(out, "smk-run", "workflow"))).toEqual([expect.stringMatching(/^snakemake-\d+\.jsonl$/)]);
    const t = tree((await readOtlpJsonTraces(join(out, "smk-run"))).spans);
    expectWorkflowTree(t, dir);
    expect(attr(t.roots[0], ATTR_CICD_PIPELINE_NAME)).toBe("snakemake");
  }, 120_000);

  it("beside pipespan agent: the plugin posts to the agent, which records the same run", async () => {
    const dir = workflowDir("agent");
    const agentOut = join(out, "agent");
    const agent = spawn(process.execPath, [PIPESPAN_BIN, "agent", "--out", agentOut, "--listen", "127.0.0.1:0"], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1", PIPESPAN_RUN_DIR: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let agentErr = "";
    agent.stderr.on("data", (d) => {
      agentErr += d;
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!/receiving workflow events on (\S+);/.test(agentErr) && Date.now() < deadline)
        await new Promise((res) => setTimeout(res, 50));
      const url = /receiving workflow events on (\S+);/.exec(agentErr)?.[1];
      expect(url, agentErr).toBeDefined();
      const env = { ...process.env, ...snakemakeEnv({ PIPESPAN_AGENT_URL: url }) };
      delete env["PIPESPAN_RUN_DIR"];
      const code = await new Promise<number | null>((res) => {
        const p = spawn("snakemake", SNAKEMAKE_ARGS, { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
        let err = "";
        p.stderr.on("data", (d) => {
          err += d;
        });
        p.on("close", (c) => {
          expect(err).not.toMatch(/pipespan logger:/);
          res(c);
        });
      });
      expect(code).toBe(1);
      // The run ends a grace period after Snakemake exits; then stop the agent (it flushes).
      await new Promise((res) => setTimeout(res, 3000));
    } finally {
      const closed = new Promise((res) => agent.once("close", res));
      agent.kill("SIGTERM");
      await closed;
    }
    expect(agentErr).toMatch(/\d+ workflow runs \(\d+ workflow events, 0 refused\)/);
    const [sub] = readdirSync(agentOut);
    const spans = (await readOtlpJsonTraces(join(agentOut, sub!))).spans;
    // Other tests on this host may run tasks the agent records too: keep the Snakemake trace.
    const run = spans.find(
      (s) =>
        attr(s, ATTR_PIPESPAN_WORKFLOW_MANAGER) === PIPESPAN_WORKFLOW_MANAGER_VALUE_SNAKEMAKE &&
        !s.parentSpanId &&
        attr(s, ATTR_CICD_PIPELINE_NAME) === "agent",
    );
    expect(run, agentErr).toBeDefined();
    const t = tree(spans.filter((s) => s.traceId === run!.traceId));
    expectWorkflowTree(t, dir);
    // The agent names the run after the workflow's folder (found by that name above).
  }, 120_000);
});
