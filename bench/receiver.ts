// The workflow-event receiver's answer time: `node bench/receiver.ts [events]` (after `npm run build`).
//
// Posts, one after another on one keep-alive connection as Nextflow and the Snakemake plugin do, a realistic
// mix of events to a receiver on loopback: weblog `started`/`completed` (tens of KB each: the OffsetDateTime
// bean dumps), process_submitted/started/completed, and the plugin's job events; then the same number of
// malformed bodies. Prints the answer-time distribution of each (goal: good events answered in well under
// 10 ms at p99, so a workflow manager that waits for the answer is not slowed). Not a test: it asserts nothing.
import { Agent, request } from "node:http";
import { SnakemakeStore, WeblogStore, WorkflowReceiver } from "@pipespan/agent";

const N = Number(process.argv[2] ?? 5000);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: "POST", agent, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const zoneIds = Intl.supportedValuesOf("timeZone");
const workflow = (runName: string, extra: object) => ({
  runName,
  sessionId: "4c7a9e02-1b3d-4f58-9a61-2d7e0c5b8f13",
  projectName: "nf-core/rnaseq",
  start: { year: 2026, monthValue: 3, dayOfMonth: 2, offset: { id: "Z", totalSeconds: 0, availableZoneIds: zoneIds } },
  ...extra,
});
function weblog(i: number): string {
  const hash = (i * 2654435761).toString(16).padStart(8, "0").slice(0, 8).padEnd(32, "0");
  const trace = {
    task_id: i,
    hash: `${hash.slice(0, 2)}/${hash.slice(2, 8)}`,
    name: `NFCORE_RNASEQ:RNASEQ:ALIGN_STAR:STAR_ALIGN (S${i})`,
    process: "NFCORE_RNASEQ:RNASEQ:ALIGN_STAR:STAR_ALIGN",
    tag: `S${i}`,
    attempt: 1,
    workdir: `/mnt/work/${hash.slice(0, 2)}/${hash.slice(2)}`,
    cpus: 12,
    memory: 77309411328,
    time: 57600000,
    script: "STAR --genomeDir star --runThreadN 12 ".repeat(10),
    exit: 0,
    status: "COMPLETED",
  };
  const kind = i % 50;
  if (kind === 0)
    return JSON.stringify({
      runName: "r",
      runId: "x",
      event: "started",
      metadata: { parameters: {}, workflow: workflow("r", {}) },
    });
  if (kind === 1)
    return JSON.stringify({
      runName: "r",
      runId: "x",
      event: "completed",
      metadata: { workflow: workflow("r", { success: true }) },
    });
  return JSON.stringify({
    runName: "r",
    runId: "x",
    event: ["process_submitted", "process_started", "process_completed"][kind % 3],
    trace,
  });
}
function snakemake(i: number): string {
  return JSON.stringify({
    schema: "pipespan.snakemake/1",
    pid: 4242,
    start_ticks: 1,
    workflow_id: "wf",
    time: Date.now() / 1000,
    event: "job_info",
    jobid: i,
    rule_name: "count",
    wildcards: { sample: `s${i}` },
    threads: 2,
    resources: { mem_mb: 1000, _cores: 2 },
    shellcmd: `zcat data/s${i}.gz | wc -c > counts/s${i}.txt`,
    input: [`data/s${i}.gz`],
    output: [`counts/s${i}.txt`],
    log: [],
  });
}

function summary(label: string, ms: number[]): void {
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(3);
  console.log(`${label.padEnd(28)} n=${ms.length}  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  max ${q(1)} ms`);
}

const receiver = new WorkflowReceiver({ port: 0, weblog: new WeblogStore(), snakemake: new SnakemakeStore() });
const { url } = await receiver.start();
const good: number[] = [];
const bad: number[] = [];
const big: number[] = [];
for (let i = 0; i < N; i++) {
  const [path, body] = i % 2 === 0 ? ["/nextflow", weblog(i)] : ["/snakemake", snakemake(i)];
  const t0 = performance.now();
  const status = await post(url, path, body);
  const dt = performance.now() - t0;
  if (status !== 200) throw new Error(`good event answered ${status}`);
  (body.length > 4000 ? big : good).push(dt);
}
for (let i = 0; i < N; i++) {
  const body =
    i % 3 === 0 ? "{not json" : i % 3 === 1 ? JSON.stringify({ event: "nope" }) : JSON.stringify({ schema: 1 });
  const t0 = performance.now();
  await post(url, i % 2 === 0 ? "/nextflow" : "/snakemake", body);
  bad.push(performance.now() - t0);
}
console.log(`workflow receiver on loopback, ${N} good and ${N} malformed events, one keep-alive connection`);
summary("good events (< 4 KB)", good);
summary("weblog started/completed", big);
summary("malformed (4xx)", bad);
console.log(`accepted ${receiver.stats().accepted}, refused ${receiver.stats().refused}`);
agent.destroy();
await receiver.stop();
