// Weblog sequences of the shapes Nextflow sends (success, a retry with a new attempt, a failure, a -resume with
// cached tasks), replayed over HTTP against the real receiver; then what the Nextflow source makes of the
// tasks it meets on the host (joined by work dir): names, tags, attempts, requested resources, status.
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_PIPESPAN_NEXTFLOW_ERROR_ACTION,
  ATTR_PIPESPAN_NEXTFLOW_EXIT_STATUS,
  ATTR_PIPESPAN_NEXTFLOW_NATIVE_ID,
  ATTR_PIPESPAN_NEXTFLOW_PROJECT,
  ATTR_PIPESPAN_NEXTFLOW_RESUMED,
  ATTR_PIPESPAN_NEXTFLOW_RUN_NAME,
  ATTR_PIPESPAN_NEXTFLOW_SESSION_ID,
  ATTR_PIPESPAN_NEXTFLOW_STATUS,
  ATTR_PIPESPAN_NEXTFLOW_TASK_ID,
  ATTR_PIPESPAN_TASK_ATTEMPT,
  ATTR_PIPESPAN_TASK_REQUESTED_CPUS,
  ATTR_PIPESPAN_TASK_REQUESTED_MEMORY,
  ATTR_PIPESPAN_TASK_REQUESTED_TIME,
  ATTR_PIPESPAN_TASK_TAG,
  ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS,
  ENV_NXF_TASK_WORKDIR,
} from "@pipespan/semconv";
import { afterEach, describe, expect, it } from "vitest";
import { NextflowSource } from "../../src/attribution/nextflow-source.js";
import type { TaskInfo } from "../../src/attribution/task.js";
import { WeblogStore } from "../../src/workflow/nextflow/weblog-store.js";
import { WorkflowReceiver } from "../../src/workflow/receiver.js";
import { SnakemakeStore } from "../../src/workflow/snakemake/store.js";
import { Sim } from "../attribution/sim.js";
import * as P from "./weblog-payloads.js";

const GiB = 1024 ** 3;
let receiver: WorkflowReceiver | undefined;
afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

async function replay(events: readonly object[]): Promise<{ store: WeblogStore; slowestMs: number }> {
  const store = new WeblogStore();
  receiver = new WorkflowReceiver({ port: 0, weblog: store, snakemake: new SnakemakeStore() });
  const { url } = await receiver.start();
  let slowestMs = 0;
  for (const e of events) {
    const t0 = performance.now();
    // Nextflow posts each event to the -with-weblog URL as given (here the bare base URL), in order.
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(e),
    });
    slowestMs = Math.max(slowestMs, performance.now() - t0);
    expect(res.status, await res.text()).toBe(200);
  }
  return { store, slowestMs };
}

/** The task a process running in this work dir is attributed to (the wrapper header is stood in). */
function taskAt(
  src: NextflowSource,
  sim: Sim,
  workdir: string,
): TaskInfo & { workflow: NonNullable<TaskInfo["workflow"]> } {
  const p = sim.spawn(["STAR"], { cwd: "/elsewhere", env: { [ENV_NXF_TASK_WORKDIR]: workdir } });
  const c = src.claim(p);
  if (c?.kind !== "task" || !c.task.workflow) throw new Error(`no task for ${workdir}`);
  return c.task as TaskInfo & { workflow: NonNullable<TaskInfo["workflow"]> };
}

const align = (hash: string, attempt = 1): P.TaskSpec => ({
  id: 40 + attempt,
  process: "NFCORE_RNASEQ:RNASEQ:ALIGN_STAR:STAR_ALIGN",
  tag: "WT_REP1",
  hash,
  attempt,
  cpus: 12,
  memory: 36 * GiB * attempt,
  time: 16 * 3_600_000,
  pid: 48000 + attempt,
});
const H1 = `3f${"9a2c1e7b4d0f5a8e6c2b1d9f4e7a3c"}`;
const H2 = `b7${"01d4e5f6a7b8c9d0e1f2a3b4c5d6e7"}`;
const H3 = `0c${"ffee00112233445566778899aabbcc"}`;

describe("weblog sequences replayed against the receiver", () => {
  it("success: task name, tag, ids, status and requested resources reach the task; the run is named", async () => {
    const t = align(H1);
    const { store, slowestMs } = await replay([
      P.started("fervent_curie"),
      ...P.lifecycle("fervent_curie", t),
      P.done("fervent_curie"),
    ]);
    // Every event is answered at once (generous bound: a shared, busy machine).
    expect(slowestMs).toBeLessThan(2000);
    const src = new NextflowSource({ weblog: store, readHeader: () => undefined });
    const task = taskAt(src, new Sim(), P.workdirOf(t));
    expect(task.name).toBe("NFCORE_RNASEQ:RNASEQ:ALIGN_STAR:STAR_ALIGN");
    expect(task.spanName).toBe("NFCORE_RNASEQ:RNASEQ:ALIGN_STAR:STAR_ALIGN (WT_REP1)");
    expect(task.runId).toBe(`3f/${H1.slice(2)}`);
    const a = task.workflow.attributes();
    expect(a).toMatchObject({
      [ATTR_PIPESPAN_TASK_TAG]: "WT_REP1",
      [ATTR_PIPESPAN_TASK_ATTEMPT]: 1,
      [ATTR_PIPESPAN_NEXTFLOW_TASK_ID]: 41,
      [ATTR_PIPESPAN_NEXTFLOW_NATIVE_ID]: "48001",
      [ATTR_PIPESPAN_NEXTFLOW_STATUS]: "COMPLETED",
      [ATTR_PIPESPAN_NEXTFLOW_EXIT_STATUS]: 0,
      [ATTR_PIPESPAN_TASK_REQUESTED_CPUS]: 12,
      [ATTR_PIPESPAN_TASK_REQUESTED_MEMORY]: 36 * GiB,
      [ATTR_PIPESPAN_TASK_REQUESTED_TIME]: 57_600,
    } satisfies Attributes);
    expect(task.workflow.failed()).toBe(false);
    expect(src.runAttributesFor([task])).toMatchObject({
      [ATTR_PIPESPAN_NEXTFLOW_RUN_NAME]: "fervent_curie",
      [ATTR_PIPESPAN_NEXTFLOW_SESSION_ID]: P.RUN_ID,
      [ATTR_PIPESPAN_NEXTFLOW_PROJECT]: "nf-core/rnaseq",
      [ATTR_PIPESPAN_NEXTFLOW_RESUMED]: false,
      [ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS]: 0,
    });
  });

  it("retry: the failed attempt and the new one are two task runs, attempt 1 failed with RETRY, attempt 2 asks for more", async () => {
    const first = align(H1, 1);
    const second = align(H2, 2);
    const { store } = await replay([
      P.started("fervent_curie"),
      ...P.lifecycle("fervent_curie", first, { exit: 137, action: "RETRY" }),
      ...P.lifecycle("fervent_curie", second),
      P.done("fervent_curie", { retries: 1 }),
    ]);
    const src = new NextflowSource({ weblog: store, readHeader: () => undefined });
    const sim = new Sim();
    const t1 = taskAt(src, sim, P.workdirOf(first));
    const t2 = taskAt(src, sim, P.workdirOf(second));
    expect(t1).not.toBe(t2);
    expect(t1.spanName).toBe(t2.spanName);
    expect([t1.attempt, t2.attempt]).toEqual([1, 2]);
    expect(t1.workflow.failed()).toBe(true);
    expect(t1.workflow.failureMessage?.()).toBe("Nextflow: FAILED, exit status 137, RETRY");
    expect(t1.workflow.attributes()[ATTR_PIPESPAN_NEXTFLOW_ERROR_ACTION]).toBe("RETRY");
    expect(t2.workflow.failed()).toBe(false);
    expect(t2.workflow.attributes()[ATTR_PIPESPAN_TASK_REQUESTED_MEMORY]).toBe(72 * GiB);
  });

  it("failure: the error event (no trace with the default strategy) and the run's end are taken in stride", async () => {
    const t = align(H1);
    const { store } = await replay([
      P.started("fervent_curie"),
      ...P.lifecycle("fervent_curie", t, { exit: 1, action: "TERMINATE" }),
      P.error("fervent_curie"),
      P.done("fervent_curie", { success: false, failed: 1 }),
    ]);
    const run = store.runs()[0]!;
    expect(run).toMatchObject({ errored: true, success: false, exitStatus: 1, completed: true });
    const task = taskAt(new NextflowSource({ weblog: store, readHeader: () => undefined }), new Sim(), P.workdirOf(t));
    expect(task.workflow.failed()).toBe(true);
    // errorStrategy 'finish' sends the failing task's record with the error event: still the same task.
    const finish = await replay([P.started("x"), P.submitted("x", t), P.running("x", t), P.error("x", t)]);
    expect(finish.store.task(H1)?.status).toBe("FAILED");
  });

  it("resume: cached tasks send nothing; the run keeps its session id under a new name and counts them", async () => {
    const rerun = { ...align(H3), process: "NFCORE_RNASEQ:RNASEQ:MULTIQC", tag: undefined };
    const { store } = await replay([
      P.started("nostalgic_hopper", { resume: true }),
      ...P.lifecycle("nostalgic_hopper", rerun),
      P.done("nostalgic_hopper", { cached: 214 }),
    ]);
    const src = new NextflowSource({ weblog: store, readHeader: () => undefined });
    const task = taskAt(src, new Sim(), P.workdirOf(rerun));
    expect(task.spanName).toBe("NFCORE_RNASEQ:RNASEQ:MULTIQC");
    expect(task.workflow.attributes()[ATTR_PIPESPAN_TASK_TAG]).toBeUndefined();
    expect(src.runAttributesFor([task])).toMatchObject({
      [ATTR_PIPESPAN_NEXTFLOW_RUN_NAME]: "nostalgic_hopper",
      [ATTR_PIPESPAN_NEXTFLOW_SESSION_ID]: P.RUN_ID,
      [ATTR_PIPESPAN_NEXTFLOW_RESUMED]: true,
      [ATTR_PIPESPAN_WORKFLOW_CACHED_TASKS]: 214,
    });
    // A cached task's work dir (from an earlier run) has no weblog record in this run: named by its header.
    const cached = `/mnt/scratch/rnaseq/work/aa/${"0".repeat(30)}`;
    const fromHeader = new NextflowSource({ weblog: store, readHeader: () => ({ name: "FASTQC (WT_REP1)" }) });
    expect(taskAt(fromHeader, new Sim(), cached).spanName).toBe("FASTQC (WT_REP1)");
  });

  it("accepts what real payloads carry: missing fields, a trace with only the printed hash, extra keys", async () => {
    const t = align(H1);
    const bare = { event: "process_submitted", trace: { hash: "3f/9a2c1e", name: "X (1)", extra: { deep: [1, 2] } } };
    const { store } = await replay([{ event: "started" }, bare, P.completed("r", t)]);
    expect(store.task(H1)?.trace).toMatchObject({ name: `${t.process} (WT_REP1)`, status: "COMPLETED" });
  });
});
