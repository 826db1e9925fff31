// `pipespan agent` and Nextflow, no `pipespan run`: (1) a Nextflow run on the host (the stand-in launcher, its
// local executor and its weblog pointed at the agent) becomes a trace of its own, named as the weblog names the
// run; (2) on a node that runs tasks Nextflow did not start there (Slurm: a spooled copy of each task's
// .command.run run in the task's work dir, no launcher on the host), the tasks are named from their work dirs.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type NormalizedSpan, readOtlpJsonTraces } from "@pipespan/findings";
import {
  ATTR_CICD_PIPELINE_NAME,
  ATTR_CICD_PIPELINE_RUN_ID,
  ATTR_CICD_PIPELINE_TASK_RUN_ID,
  ATTR_PIPESPAN_NEXTFLOW_RUN_NAME,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
  ATTR_PIPESPAN_WORKFLOW_MANAGER,
  ATTR_PROCESS_COMMAND_LINE,
  PIPESPAN_WORKFLOW_MANAGER_VALUE_NEXTFLOW,
} from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPESPAN_BIN, REPO_ROOT, scratchDir, tmpOutDir } from "../support/cli.js";
import { tree } from "./support/tree.js";

const NEXTFLOW = join(REPO_ROOT, "test/workflow/fixtures/nextflow");
const attr = (s: NormalizedSpan | undefined, k: string) => s?.attributes[k];

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ["ignore", "ignore", "inherit"] });
    p.on("error", reject);
    p.on("close", resolve);
  });
}

describe("pipespan agent beside Nextflow", () => {
  const work = scratchDir("pipespan-nfa-");
  const out = tmpOutDir();
  let spans: NormalizedSpan[] = [];
  let agentErr = "";
  let launcherWork = "";

  beforeAll(async () => {
    const env = { ...process.env, NO_COLOR: "1", PATH: `${dirname(process.execPath)}:${process.env["PATH"]}` };
    delete env["PIPESPAN_RUN_DIR"];
    const agent = spawn(process.execPath, [PIPESPAN_BIN, "agent", "--out", out, "--listen", "127.0.0.1:0"], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    agent.stderr.on("data", (d) => {
      agentErr += d;
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!/receiving workflow events on (\S+);/.test(agentErr) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const url = /receiving workflow events on (\S+);/.exec(agentErr)?.[1];
      expect(url, agentErr).toBeDefined();

      // (1) A run with its launcher, weblog to the agent.
      launcherWork = join(work, "launcher", "work");
      const plan = join(work, "plan.json");
      writeFileSync(
        plan,
        JSON.stringify({
          runName: "agent_run",
          runId: "5d1e0b7a-0000-4000-8000-000000000001",
          projectName: "demo/agent",
          workDir: launcherWork,
          maxForks: 2,
          tasks: [
            { process: "TRIM", tag: "s1", script: "sleep 0.3; gzip -c /etc/services > out.gz", cpus: 2 },
            { process: "TRIM", tag: "s2", script: "sleep 0.3; gzip -c /etc/services > out.gz", cpus: 2 },
            { process: "CALL", tag: "s1", script: "sleep 0.3", failAttempts: 1, maxRetries: 1, cpus: 1 },
          ],
        }),
      );
      expect(await run(NEXTFLOW, ["run", plan, "-with-weblog", url!], work, env)).toBe(0);

      // (2) A "node": the tasks' wrappers, spooled and run in their work dirs by something that is not Nextflow.
      const nodeWork = join(work, "node", "work");
      for (const [i, h] of ["aa", "bb"].entries()) {
        const dir = join(nodeWork, h, `${h}${"0123456789abcdef0123456789ab"}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, ".command.sh"), `sleep 0.3\nwc -c /etc/services > out.txt\n`);
        writeFileSync(
          join(dir, ".command.run"),
          `#!/bin/bash\n### ---\n### name: 'NODE_TASK (n${i})'\n### ...\nset -e\nexport NXF_TASK_WORKDIR="$PWD"\n/bin/bash -ue ${dir}/.command.sh\n`,
        );
        const spool = join(work, "spool", `job${i}`);
        mkdirSync(spool, { recursive: true });
        copyFileSync(join(dir, ".command.run"), join(spool, "slurm_script"));
        expect(await run("/bin/bash", [join(spool, "slurm_script")], dir, env)).toBe(0);
      }
      // The launcher's run ends a grace period after it exits.
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      const closed = new Promise((r) => agent.once("close", r));
      agent.kill("SIGTERM");
      await closed;
    }
    const [sub] = readdirSync(out);
    spans = (await readOtlpJsonTraces(join(out, sub!))).spans;
  }, 90_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  const runs = () =>
    spans.filter(
      (s) => !s.parentSpanId && attr(s, ATTR_PIPESPAN_WORKFLOW_MANAGER) === PIPESPAN_WORKFLOW_MANAGER_VALUE_NEXTFLOW,
    );

  it("records the launcher's run as one trace, named by the weblog, with its tasks, attempts and requests", () => {
    // (Other Nextflow runs on this shared machine would be recorded too, as runs of their own.)
    expect(agentErr).toMatch(/\d+ workflow runs/);
    const run = runs().find((r) => attr(r, ATTR_PIPESPAN_NEXTFLOW_RUN_NAME) === "agent_run");
    expect(
      run,
      runs()
        .map((r) => r.name)
        .join(", "),
    ).toBeDefined();
    expect(run!.name).toBe("RUN demo/agent");
    expect(attr(run, ATTR_CICD_PIPELINE_NAME)).toBe("demo/agent");
    expect(attr(run, ATTR_CICD_PIPELINE_RUN_ID)).toBe("agent_run");
    const t = tree(spans.filter((s) => s.traceId === run!.traceId));
    expect(t.tasks.map((s) => s.name).sort()).toEqual(["CALL (s1)", "CALL (s1)", "TRIM (s1)", "TRIM (s2)"]);
    expect(
      t.tasks
        .filter((s) => s.name === "CALL (s1)")
        .map((s) => attr(s, ATTR_PIPESPAN_TASK_ATTEMPT))
        .sort(),
    ).toEqual([1, 2]);
    for (const task of t.tasks) {
      expect(attr(task, ATTR_CICD_PIPELINE_NAME)).toBe("demo/agent");
      expect(attr(task, ATTR_PIPESPAN_TASK_REQUESTED_CPUS)).toBe(task.name.startsWith("TRIM") ? 2 : 1);
      // The task's script ran under it.
      const runId = String(attr(task, ATTR_CICD_PIPELINE_TASK_RUN_ID));
      expect(
        t.processesOf(task).some((p) => String(attr(p, ATTR_PROCESS_COMMAND_LINE)).includes(`${runId}/.command.sh`)),
      ).toBe(true);
    }
  });

  it("on a node without the launcher, names each task from its work dir", () => {
    const run = runs().find((r) =>
      spans.some((s) => s.traceId === r.traceId && s.name.startsWith("NODE_TASK (") && s.parentSpanId === r.spanId),
    );
    expect(attr(run, ATTR_PIPESPAN_NEXTFLOW_RUN_NAME)).toBeUndefined();
    expect(
      run,
      runs()
        .map((r) => r.name)
        .join(", "),
    ).toBeDefined();
    const t = tree(spans.filter((s) => s.traceId === run!.traceId));
    expect(t.tasks.map((s) => s.name).sort()).toEqual(["NODE_TASK (n0)", "NODE_TASK (n1)"]);
    for (const task of t.tasks) {
      const cmds = t.processesOf(task).map((p) => String(attr(p, ATTR_PROCESS_COMMAND_LINE)));
      // The spooled wrapper (no hash on its command line) and the script under it.
      expect(
        cmds.some((c) => /\/job[01]\/slurm_script$/.test(c)),
        cmds.join("\n"),
      ).toBe(true);
      expect(cmds.some((c) => c.includes(`${attr(task, ATTR_CICD_PIPELINE_TASK_RUN_ID)}/.command.sh`))).toBe(true);
    }
  });
});
