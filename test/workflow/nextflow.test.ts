// Nextflow runs become named tasks, with no change to the pipeline. Nextflow itself cannot be installed here, so
// a stand-in (fixtures/nextflow) does what Nextflow does that the host sees — work dirs named after task
// hashes, .command.run wrappers with the real header formats run through bash, tasks in parallel, retries in
// new work dirs, -resume, the executors' process shapes — and sends the weblog events Nextflow sends. Each case
// runs it under the real `pipespan run` with the kernel source and reads the trace back from the OTLP files.
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_RESULT,
  ATTR_CICD_PIPELINE_TASK_NAME,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
  ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL,
  ATTR_PIPESPAN_FILE_WRITE_BYTES,
  ATTR_PIPESPAN_NEXTFLOW_ERROR_ACTION,
  ATTR_PIPESPAN_NEXTFLOW_HASH,
  ATTR_PIPESPAN_NEXTFLOW_NATIVE_ID,
  ATTR_PIPESPAN_NEXTFLOW_PROJECT,
  ATTR_PIPESPAN_NEXTFLOW_RESUMED,
  ATTR_PIPESPAN_NEXTFLOW_RUN_NAME,
  ATTR_PIPESPAN_NEXTFLOW_SESSION_ID,
  ATTR_PIPESPAN_NEXTFLOW_STATUS,
  ATTR_PIPESPAN_NEXTFLOW_TASK_ID,
  ATTR_PIPESPAN_PROCESS_OVERHEAD,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PIPESPAN_TASK_ATTRIBUTION,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
  ATTR_PIPESPAN_TASK_REQUESTED_MEMORY,
  ATTR_PIPESPAN_TASK_REQUESTED_TIME,
  ATTR_PIPESPAN_TASK_TAG,
  ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS,
  ATTR_PIPESPAN_WORKFLOW_MANAGER,
  ATTR_PROCESS_COMMAND_LINE,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_PID,
  ATTR_PROCESS_WORKING_DIRECTORY,
  PIPESPAN_TASK_ATTRIBUTION_VALUE_NEXTFLOW,
  PIPESPAN_WORKFLOW_MANAGER_VALUE_NEXTFLOW,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runPipespan, scratchDir, tmpOutDir } from "../support/cli.js";
import { type Tree, tree } from "./support/tree.js";

const NEXTFLOW = join(REPO_ROOT, "test/workflow/fixtures/nextflow");
const GiB = 1024 ** 3;
const RUN_ID = "4c7a9e02-1b3d-4f58-9a61-2d7e0c5b8f13";

interface PlanTask {
  process: string;
  tag?: string;
  script: string;
  cpus?: number;
  memory?: number;
  time?: number;
  failAttempts?: number;
  maxRetries?: number;
  cached?: boolean;
}

/** The pipeline every case runs: three samples through FASTQC in parallel, an ALIGN whose first attempt fails. */
const TASKS: PlanTask[] = [
  ...["WT_REP1", "WT_REP2", "KO_REP1"].map((tag) => ({
    process: "RNASEQ:FASTQC",
    tag,
    script: "head -c 2000000 /dev/urandom | gzip -1 > out.gz; sleep 0.3",
    cpus: 2,
    memory: 2 * GiB,
    time: 3_600_000,
    cached: true,
  })),
  {
    process: "RNASEQ:ALIGN_STAR:STAR_ALIGN",
    tag: "WT_REP1",
    script: "sleep 0.4; wc -c /etc/services > out.txt",
    cpus: 4,
    memory: GiB,
    failAttempts: 1,
    maxRetries: 1,
  },
  { process: "RNASEQ:MULTIQC", script: "sleep 0.2; cat /etc/hostname > out.txt", cpus: 1 },
];

const work = scratchDir("pipespan-nf-");
const out = tmpOutDir();
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

interface Case {
  readonly tree: Tree;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly runJson: Record<string, unknown>;
  readonly workDir: string;
}

/** Runs the stand-in under `pipespan run` (with a weblog receiver when `weblog`), and reads the trace back. */
async function runCase(
  name: string,
  plan: Record<string, unknown>,
  o: { weblog: boolean; resume?: boolean; workDir?: string },
): Promise<Case> {
  const workDir = o.workDir ?? join(work, name, "work");
  const planFile = join(work, `${name}.json`);
  writeFileSync(
    planFile,
    JSON.stringify({ runName: "fervent_curie", runId: RUN_ID, projectName: "demo/rnaseq", workDir, ...plan }),
  );
  const nf = `${NEXTFLOW} run ${planFile}${o.weblog ? ' -with-weblog "$PIPESPAN_AGENT_URL"' : ""}${o.resume ? " -resume" : ""}`;
  const r = await runPipespan(
    [
      "run",
      "--run-id",
      name,
      "--out",
      out,
      "--no-findings",
      ...(o.weblog ? ["--listen", "127.0.0.1:0"] : []),
      "--",
      "bash",
      "-c",
      `exec ${nf}`,
    ],
    { cwd: work, env: { PATH: `${dirname(process.execPath)}:${process.env["PATH"]}` }, timeoutMs: 90_000 },
  );
  const spans = (await readOtlpJsonTraces(join(out, name))).spans;
  const runJson = JSON.parse(readFileSync(join(out, name, "run.json"), "utf8")) as Record<string, unknown>;
  return { tree: tree(spans), exitCode: r.code, stderr: r.stderr, runJson, workDir };
}

const attr = (s: NormalizedSpan | undefined, k: string) => s?.attributes[k];
const byRunId = (t: Tree) => new Map(t.tasks.map((s) => [String(attr(s, ATTR_CICD_PIPELINE_TASK_RUN_ID)), s]));
const sortedNames = (t: Tree) => t.tasks.map((s) => s.name).sort();

const EXPECTED_SPAN_NAMES = [
  "RNASEQ:ALIGN_STAR:STAR_ALIGN (WT_REP1)",
  "RNASEQ:ALIGN_STAR:STAR_ALIGN (WT_REP1)",
  "RNASEQ:FASTQC (KO_REP1)",
  "RNASEQ:FASTQC (WT_REP1)",
  "RNASEQ:FASTQC (WT_REP2)",
  "RNASEQ:MULTIQC",
];

/**
 * Every process that ran a task script (`bash -ue <work dir>/.command.sh`) hangs under the task whose run id is
 * that work dir: the join is right for each task, whatever the executor.
 */
function expectScriptsUnderTheirTasks(t: Tree): number {
  let checked = 0;
  for (const p of t.processes) {
    const m = /\/([0-9a-f]{2}\/[0-9a-f]{30})\/\.command\.sh/.exec(String(attr(p, ATTR_PROCESS_COMMAND_LINE) ?? ""));
    if (!m) continue;
    checked++;
    expect(attr(t.taskOf(p), ATTR_CICD_PIPELINE_TASK_RUN_ID), String(attr(p, ATTR_PROCESS_COMMAND_LINE))).toBe(m[1]);
  }
  return checked;
}

describe("Nextflow tasks from work dirs and the weblog (pipespan run)", () => {
  let withWeblog: Case;
  let withoutWeblog: Case;

  beforeAll(async () => {
    withWeblog = await runCase("nf-weblog", { maxForks: 3, tasks: TASKS }, { weblog: true });
    withoutWeblog = await runCase("nf-workdir", { maxForks: 3, tasks: TASKS }, { weblog: false });
  }, 120_000);

  it("makes one run span and one task span per task run, named as Nextflow names them", () => {
    for (const c of [withWeblog, withoutWeblog]) {
      expect(c.exitCode, c.stderr).toBe(0);
      expect(c.tree.roots).toHaveLength(1);
      const run = c.tree.roots[0]!;
      expect(attr(run, ATTR_PIPESPAN_WORKFLOW_MANAGER)).toBe(PIPESPAN_WORKFLOW_MANAGER_VALUE_NEXTFLOW);
      expect(sortedNames(c.tree)).toEqual(EXPECTED_SPAN_NAMES);
      for (const task of c.tree.tasks) {
        expect(task.parentSpanId).toBe(run.spanId);
        expect(attr(task, ATTR_PIPESPAN_TASK_ATTRIBUTION)).toBe(PIPESPAN_TASK_ATTRIBUTION_VALUE_NEXTFLOW);
        // The task name is the process; the tag tells its runs apart.
        expect(task.name.startsWith(String(attr(task, ATTR_CICD_PIPELINE_TASK_NAME)))).toBe(true);
        const runId = String(attr(task, ATTR_CICD_PIPELINE_TASK_RUN_ID));
        expect(runId).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{30}$/);
        expect(attr(task, ATTR_PIPESPAN_NEXTFLOW_HASH)).toBe(runId.slice(0, 9));
        expect(attr(task, ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL)).toBe(`file://${c.workDir}/${runId}`);
        expect(statSync(join(c.workDir, runId, ".command.run")).isFile()).toBe(true);
      }
      expect(
        c.tree.tasks.filter((s) => s.name.startsWith("RNASEQ:FASTQC")).map((s) => attr(s, ATTR_PIPESPAN_TASK_TAG)),
      ).toEqual(expect.arrayContaining(["WT_REP1", "WT_REP2", "KO_REP1"]));
    }
  });

  it("puts every process of a task under that task, and the launcher's own helpers under the run", () => {
    for (const c of [withWeblog, withoutWeblog]) {
      // 6 task runs, each with its script run once.
      expect(expectScriptsUnderTheirTasks(c.tree)).toBe(6);
      for (const task of c.tree.tasks) {
        const procs = c.tree.processesOf(task);
        // wrapper, its subshells and tees, the trace entry, the script, the sampler's ps, the tools.
        expect(procs.length, task.name).toBeGreaterThanOrEqual(6);
        for (const p of procs) expect(attr(p, ATTR_PIPESPAN_PROCESS_OVERHEAD)).toBeUndefined();
      }
      // What the launcher ran for itself (its script's `dirname`) is overhead, under the run.
      const dn = c.tree.processes.find((p) => attr(p, ATTR_PROCESS_EXECUTABLE_NAME) === "dirname");
      expect(dn && c.tree.taskOf(dn)).toBeUndefined();
      expect(attr(dn, ATTR_PIPESPAN_PROCESS_OVERHEAD)).toBe(true);
    }
  });

  it("measures each task's tools in its own work dir (gzip's bytes written = the out.gz on disk)", () => {
    for (const c of [withWeblog, withoutWeblog]) {
      const gzips = c.tree.processes.filter((p) => attr(p, ATTR_PROCESS_EXECUTABLE_NAME) === "gzip");
      expect(gzips).toHaveLength(3);
      for (const g of gzips) {
        const task = c.tree.taskOf(g)!;
        expect(task.name.startsWith("RNASEQ:FASTQC")).toBe(true);
        const dir = join(c.workDir, String(attr(task, ATTR_CICD_PIPELINE_TASK_RUN_ID)));
        expect(attr(g, ATTR_PROCESS_WORKING_DIRECTORY)).toBe(dir);
        expect(Number(attr(g, ATTR_PIPESPAN_FILE_WRITE_BYTES))).toBe(statSync(join(dir, "out.gz")).size);
      }
    }
  });

  it("shows a retry as a second task run with attempt 2, the failed attempt in error", () => {
    for (const c of [withWeblog, withoutWeblog]) {
      const align = c.tree.tasks
        .filter((s) => attr(s, ATTR_CICD_PIPELINE_TASK_NAME) === "RNASEQ:ALIGN_STAR:STAR_ALIGN")
        .sort((a, b) => Number(attr(a, ATTR_PIPESPAN_TASK_ATTEMPT)) - Number(attr(b, ATTR_PIPESPAN_TASK_ATTEMPT)));
      expect(align.map((s) => attr(s, ATTR_PIPESPAN_TASK_ATTEMPT))).toEqual([1, 2]);
      expect(align.map((s) => s.status.code)).toEqual(["error", "unset"]);
      expect(align.map((s) => attr(s, ATTR_CICD_PIPELINE_TASK_RUN_RESULT))).toEqual(["failure", "success"]);
      expect(attr(align[0], ATTR_CICD_PIPELINE_TASK_RUN_ID)).not.toBe(attr(align[1], ATTR_CICD_PIPELINE_TASK_RUN_ID));
      expect(align[1]!.startNs).toBeGreaterThanOrEqual(align[0]!.endNs);
    }
  });

  it("adds what only the weblog knows: run name and session, task ids, executor ids, status, requested resources", () => {
    const t = withWeblog.tree;
    const run = t.roots[0]!;
    expect(attr(run, ATTR_PIPESPAN_NEXTFLOW_RUN_NAME)).toBe("fervent_curie");
    expect(attr(run, ATTR_PIPESPAN_NEXTFLOW_SESSION_ID)).toBe(RUN_ID);
    expect(attr(run, ATTR_PIPESPAN_NEXTFLOW_PROJECT)).toBe("demo/rnaseq");
    expect(attr(run, ATTR_PIPESPAN_NEXTFLOW_RESUMED)).toBe(false);
    expect(attr(run, ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS)).toBe(0);
    expect(withWeblog.runJson["workflowEvents"]).toEqual({ received: 2 + 3 * 6, refused: 0 });
    const ids = new Set<unknown>();
    for (const task of t.tasks) {
      ids.add(attr(task, ATTR_PIPESPAN_NEXTFLOW_TASK_ID));
      // The weblog's native_id is the pid of the wrapper: the task's first process.
      const wrapper = t.children(task).find((p) => attr(p, ATTR_PROCESS_PID) !== undefined);
      expect(attr(task, ATTR_PIPESPAN_NEXTFLOW_NATIVE_ID)).toBe(String(attr(wrapper, ATTR_PROCESS_PID)));
      expect(attr(wrapper, ATTR_PROCESS_COMMAND_LINE)).toBe("/bin/bash -ue .command.run");
    }
    expect(ids.size).toBe(6);
    const fastqc = t.tasks.find((s) => s.name === "RNASEQ:FASTQC (WT_REP1)");
    expect(attr(fastqc, ATTR_PIPESPAN_TASK_REQUESTED_CPUS)).toBe(2);
    expect(attr(fastqc, ATTR_PIPESPAN_TASK_REQUESTED_MEMORY)).toBe(2 * GiB);
    expect(attr(fastqc, ATTR_PIPESPAN_TASK_REQUESTED_TIME)).toBe(3600);
    expect(attr(fastqc, ATTR_PIPESPAN_NEXTFLOW_STATUS)).toBe("COMPLETED");
    const align = t.tasks
      .filter((s) => s.name.startsWith("RNASEQ:ALIGN_STAR"))
      .sort((a, b) => Number(attr(a, ATTR_PIPESPAN_TASK_ATTEMPT)) - Number(attr(b, ATTR_PIPESPAN_TASK_ATTEMPT)));
    // nf-core style: memory scales with the attempt.
    expect(align.map((s) => attr(s, ATTR_PIPESPAN_TASK_REQUESTED_MEMORY))).toEqual([GiB, 2 * GiB]);
    expect(align.map((s) => attr(s, ATTR_PIPESPAN_NEXTFLOW_STATUS))).toEqual(["FAILED", "COMPLETED"]);
    expect(attr(align[0], ATTR_PIPESPAN_NEXTFLOW_ERROR_ACTION)).toBe("RETRY");
    expect(align[0]!.status.message).toMatch(/Nextflow: FAILED, exit status 1, RETRY/);
  });

  it("without the weblog, names come from the work dirs alone and nothing is invented", () => {
    const t = withoutWeblog.tree;
    for (const task of t.tasks) {
      expect(attr(task, ATTR_PIPESPAN_TASK_REQUESTED_CPUS)).toBeUndefined();
      expect(attr(task, ATTR_PIPESPAN_NEXTFLOW_TASK_ID)).toBeUndefined();
      expect(attr(task, ATTR_PIPESPAN_NEXTFLOW_STATUS)).toBeUndefined();
    }
    expect(attr(t.roots[0], ATTR_PIPESPAN_NEXTFLOW_RUN_NAME)).toBeUndefined();
    expect(withoutWeblog.runJson["workflowEvents"]).toEqual({ received: 0, refused: 0 });
  });

  it("on -resume, cached tasks run no process and get no span; the run says how many were cached", async () => {
    const c = await runCase(
      "nf-resume",
      { maxForks: 3, tasks: TASKS, resumeRunName: "nostalgic_hopper" },
      { weblog: true, resume: true, workDir: withWeblog.workDir },
    );
    expect(c.exitCode, c.stderr).toBe(0);
    const run = c.tree.roots[0]!;
    expect(attr(run, ATTR_PIPESPAN_NEXTFLOW_RESUMED)).toBe(true);
    expect(attr(run, ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS)).toBe(3);
    // The session id carries over from the resumed run, the run name does not.
    expect(attr(run, ATTR_PIPESPAN_NEXTFLOW_SESSION_ID)).toBe(RUN_ID);
    expect(attr(run, ATTR_PIPESPAN_NEXTFLOW_RUN_NAME)).toBe("nostalgic_hopper");
    expect(sortedNames(c.tree)).toEqual([
      "RNASEQ:ALIGN_STAR:STAR_ALIGN (WT_REP1)",
      "RNASEQ:ALIGN_STAR:STAR_ALIGN (WT_REP1)",
      "RNASEQ:MULTIQC",
    ]);
  });

  it("a task that fails for good fails its span and the run", async () => {
    const c = await runCase(
      "nf-failure",
      {
        maxForks: 1,
        tasks: [
          { process: "PREP", tag: "s1", script: "sleep 0.2; echo ok > out.txt" },
          { process: "CALL", tag: "s1", script: "sleep 0.2", failAttempts: 1 },
          { process: "REPORT", script: "true" },
        ],
      },
      { weblog: true },
    );
    expect(c.exitCode).toBe(1);
    expect(attr(c.tree.roots[0], ATTR_CICD_PIPELINE_RESULT)).toBe("failure");
    // REPORT never ran: the run stopped at the failure.
    expect(sortedNames(c.tree)).toEqual(["CALL (s1)", "PREP (s1)"]);
    const call = c.tree.tasks.find((s) => s.name === "CALL (s1)");
    expect(call?.status.code).toBe("error");
    expect(attr(call, ATTR_PIPESPAN_NEXTFLOW_STATUS)).toBe("FAILED");
    expect(attr(call, ATTR_PIPESPAN_NEXTFLOW_ERROR_ACTION)).toBe("TERMINATE");
    expect(byRunId(c.tree).size).toBe(2);
  });
});

describe("requested resources, judged", () => {
  it("cpu-underused and memory-overprovisioned judge a task against what Nextflow requested for it", async () => {
    const c = await runCase(
      "nf-requests",
      {
        maxForks: 2,
        tasks: [
          { process: "OVERSIZED", tag: "s1", script: "sleep 1.5", cpus: 4, memory: 4 * GiB },
          {
            process: "BUSY",
            tag: "s1",
            script: "end=$((SECONDS+2)); while [ $SECONDS -lt $end ]; do :; done",
            cpus: 1,
          },
        ],
      },
      { weblog: true },
    );
    expect(c.exitCode, c.stderr).toBe(0);
    const a = await runPipespan(["analyze", "--json", join(out, "nf-requests")]);
    expect(a.code, a.stderr).toBe(0);
    const findings = (
      JSON.parse(a.stdout) as { findings: { rule: string; task?: string; evidence: Record<string, unknown> }[] }
    ).findings;
    const of = (rule: string, task: string) => findings.find((f) => f.rule === rule && f.task === task);
    expect(of("cpu-underused", "OVERSIZED")?.evidence["requested_cpus"], JSON.stringify(findings)).toBe(4);
    expect(of("memory-overprovisioned", "OVERSIZED")?.evidence["requested_memory_bytes"]).toBe(4 * GiB);
    // The busy task used the one CPU it asked for.
    expect(of("cpu-underused", "BUSY")).toBeUndefined();
  });
});

describe("Nextflow executors: what the node sees (pipespan run, no weblog unless said)", () => {
  const small: PlanTask[] = [
    { process: "ALIGN", tag: "a", script: "sleep 0.3; wc -c /etc/services > out.txt" },
    { process: "ALIGN", tag: "b", script: "sleep 0.3; wc -c /etc/services > out.txt" },
    { process: "MERGE", script: "sleep 0.2; cat /etc/hostname > out.txt" },
  ];
  const names = ["ALIGN (a)", "ALIGN (b)", "MERGE"];

  it("Slurm: a spooled copy of the wrapper (no hash on its command line), the old `# NEXTFLOW TASK:` header", async () => {
    const c = await runCase(
      "nf-slurm",
      { executor: "slurm", header: "old", spoolDir: join(work, "spool"), maxForks: 3, tasks: small },
      { weblog: false },
    );
    expect(c.exitCode, c.stderr).toBe(0);
    expect(sortedNames(c.tree)).toEqual(names);
    expect(expectScriptsUnderTheirTasks(c.tree)).toBe(3);
    for (const task of c.tree.tasks) {
      const wrapper = c.tree.children(task).find((p) => attr(p, ATTR_PROCESS_PID) !== undefined);
      expect(String(attr(wrapper, ATTR_PROCESS_COMMAND_LINE))).toMatch(/\/job[0-9a-f]{6}\/slurm_script$/);
    }
  });

  it("scratch true: the task runs in a scratch dir, still joined to its work dir", async () => {
    const c = await runCase("nf-scratch", { scratch: true, maxForks: 3, tasks: small }, { weblog: false });
    expect(c.exitCode, c.stderr).toBe(0);
    expect(sortedNames(c.tree)).toEqual(names);
    expect(expectScriptsUnderTheirTasks(c.tree)).toBe(3);
    const wc = c.tree.processes.filter((p) => attr(p, ATTR_PROCESS_EXECUTABLE_NAME) === "wc");
    expect(wc).toHaveLength(2);
    for (const p of wc) {
      expect(String(attr(p, ATTR_PROCESS_WORKING_DIRECTORY))).toMatch(/^\/tmp\/nxf\.\w+$/);
      expect(c.tree.taskOf(p)?.name).toMatch(/^ALIGN \([ab]\)$/);
    }
  });

  it("AWS Batch: the S3 path of .command.run on the job's command line; names from the weblog", async () => {
    const plan = { executor: "awsbatch", bucket: "my-bucket", batchCwd: work, maxForks: 3, tasks: small };
    const c = await runCase("nf-batch", plan, { weblog: true });
    expect(c.exitCode, c.stderr).toBe(0);
    expect(sortedNames(c.tree)).toEqual(names);
    for (const task of c.tree.tasks) {
      const runId = String(attr(task, ATTR_CICD_PIPELINE_TASK_RUN_ID));
      expect(attr(task, ATTR_CICD_PIPELINE_TASK_RUN_URL_FULL)).toBe(`s3://my-bucket/work/${runId}`);
      const job = c.tree.children(task).find((p) => attr(p, ATTR_PROCESS_PID) !== undefined);
      expect(String(attr(job, ATTR_PROCESS_COMMAND_LINE))).toContain(`s3://my-bucket/work/${runId}/.command.run`);
    }
    // Without the weblog the remote wrapper cannot be read: the task is named by its hash, still one per job.
    const bare = await runCase("nf-batch-bare", plan, { weblog: false });
    expect(bare.tree.tasks.map((s) => s.name).every((n) => /^task [0-9a-f]{2}\/[0-9a-f]{6}$/.test(n))).toBe(true);
    expect(bare.tree.tasks).toHaveLength(3);
  });
});
