// The Snakemake join: the plugin's job events carry no pid, so a job's shell is found as the child of the
// Snakemake process that runs the job's command. These cases drive the source with events and processes in the
// orders that happen for real (events late, several jobs with one command, a failure among them).
import { describe, expect, it } from "vitest";
import { Attributor } from "../../src/attribution/attributor.js";
import { SnakemakeSource, shellCommand } from "../../src/attribution/snakemake-source.js";
import type { TaskInfo } from "../../src/attribution/task.js";
import type { ProcessRecord } from "../../src/table/process-record.js";
import { parseSnakemakeEvent, SNAKEMAKE_SCHEMA } from "../../src/workflow/snakemake/events.js";
import { SnakemakeStore } from "../../src/workflow/snakemake/store.js";
import { Sim } from "./sim.js";

const BASH = "/usr/bin/bash";
const PREFIX = "set -euo pipefail;  ";

class World {
  readonly sim = new Sim();
  readonly store = new SnakemakeStore();
  readonly source = new SnakemakeSource({ store: this.store, pairingDeadlineMs: 5000 });
  readonly snakemake: ProcessRecord;
  readonly attributor: Attributor;

  constructor(o: { plugin?: boolean } = {}) {
    this.snakemake = this.sim.spawn(["/venv/bin/python3", "/venv/bin/snakemake", "--cores", "2"], { cwd: "/w" });
    this.attributor = new Attributor({
      rootId: () => this.snakemake.id,
      lookup: (id) => this.sim.table.get(id),
      childrenOf: (id) => this.sim.table.childrenOf(id),
      isOwnSpan: () => false,
      sources: [this.source],
      nowNs: () => this.sim.nowNs,
    });
    if (o.plugin !== false) this.event({ event: "plugin_started", argv: [], cwd: "/w" });
  }

  /** An event as the plugin sends it, logged now. */
  event(body: Record<string, unknown>): void {
    const r = parseSnakemakeEvent({
      schema: SNAKEMAKE_SCHEMA,
      pid: this.snakemake.key.pid,
      start_ticks: this.snakemake.key.startTicks,
      workflow_id: "wf-1",
      time: this.sim.nowNs / 1e9,
      ...body,
    });
    if (!r.ok) throw new Error(r.reason);
    this.store.apply(r.event);
  }

  jobInfo(jobid: number, rule: string, sample: string, shellcmd: string, timeNs?: number): void {
    this.event({
      ...(timeNs !== undefined ? { time: timeNs / 1e9 } : {}),
      event: "job_info",
      jobid,
      rule_name: rule,
      wildcards: { sample },
      threads: 1,
      resources: { _cores: 1, tmpdir: "/tmp" },
      shellcmd,
      input: [],
      output: [],
      log: [],
    });
  }

  /** Snakemake's shell for a job: a fork that execs `bash -c "<prefix><cmd>"`. */
  shell(cmd: string): ProcessRecord {
    const p = this.sim.fork(this.snakemake);
    return this.sim.exec(p, [BASH, "-c", `${PREFIX}${cmd}`]);
  }

  task(r: ProcessRecord): TaskInfo | undefined {
    return this.attributor.decide(r).task;
  }
}

describe("shellCommand", () => {
  it("reads `<shell> [options] -c <command>`, and nothing else", () => {
    expect(shellCommand([BASH, "-c", "echo hi"])).toBe("echo hi");
    expect(shellCommand(["bash", "-o", "pipefail", "-c", "x | y"])).toBe("x | y");
    expect(shellCommand(["/usr/bin/python3", "-c", "print(1)"])).toBeUndefined();
    expect(shellCommand(["/opt/pulp/cbc", "model.mps"])).toBeUndefined();
  });
});

describe("joining Snakemake jobs to their shells", () => {
  it("a job's shell is the child of Snakemake that runs the job's command", () => {
    const w = new World();
    w.jobInfo(3, "count", "a", "zcat data/a.gz | wc -c > counts/a.txt");
    w.jobInfo(4, "count", "b", "zcat data/b.gz | wc -c > counts/b.txt");
    const b = w.shell("zcat data/b.gz | wc -c > counts/b.txt");
    const a = w.shell("zcat data/a.gz | wc -c > counts/a.txt");
    w.event({ event: "job_started", jobs: [3, 4] });
    expect(w.task(a)?.spanName).toBe("count (sample=a)");
    expect(w.task(b)?.spanName).toBe("count (sample=b)");
    expect(w.task(b)?.runId).toBe("4");
    // A tool inside the job's shell belongs to the job.
    const zcat = w.sim.exec(w.sim.fork(a), ["zcat", "data/a.gz"]);
    expect(w.task(zcat)).toBe(w.task(a));
  });

  it("waits for a job event that is still in flight, and names the shell when it comes", () => {
    const w = new World();
    const shell = w.shell("gzip -1 data/a");
    w.sim.exit(shell);
    // The plugin's queue has not delivered the job yet: no answer, the process is held back.
    expect(w.attributor.decide(shell).settled).toBe(false);
    // The job, logged before Snakemake started the shell, arrives late. Another job with the same command
    // could still be on its way: wait until an event logged after the shell started has arrived.
    w.jobInfo(7, "compress", "a", "gzip -1 data/a", shell.startTimeNs - 1e6);
    expect(w.attributor.decide(shell).settled).toBe(false);
    w.event({ event: "job_finished", jobid: 7 });
    expect(w.attributor.decide(shell)).toMatchObject({ settled: true, final: true });
    expect(w.task(shell)?.name).toBe("compress");
  });

  it("a shell no announced job runs, once every earlier event has arrived, is a task named by its command", () => {
    const w = new World();
    const shell = w.shell("my-tool --x 1");
    w.sim.exit(shell);
    expect(w.attributor.decide(shell).settled).toBe(false);
    w.sim.nowNs += 50e6;
    w.event({ event: "progress", done: 1, total: 2 });
    expect(w.task(shell)).toMatchObject({ name: "my-tool", attribution: "root_child" });
  });

  it("the ILP solver and other helpers of Snakemake are overhead, not tasks", () => {
    const w = new World();
    const cbc = w.sim.exec(w.sim.fork(w.snakemake), ["/venv/lib/pulp/solverdir/cbc/linux/64/cbc", "/tmp/x.mps"]);
    const uname = w.sim.exec(w.sim.fork(w.snakemake), ["uname", "-p"]);
    for (const p of [cbc, uname]) {
      w.sim.exit(p);
      expect(w.attributor.decide(p)).toMatchObject({ task: undefined, overhead: true, settled: true });
    }
  });

  it("several jobs with the same command: one shell each, a failed job gets the failed shell", () => {
    const w = new World();
    for (const [id, s] of [
      [7, "a"],
      [8, "b"],
      [9, "c"],
    ] as const)
      w.jobInfo(id, "pause", s, "sleep 0.5");
    const shells = [w.shell("sleep 0.5"), w.shell("sleep 0.5"), w.shell("sleep 0.5")];
    // The second shell (in start order) fails, and exits first; Snakemake reports the ends in that order.
    w.sim.exit(shells[1]!, 1);
    w.sim.exit(shells[0]!, 0);
    w.sim.exit(shells[2]!, 0);
    // Before any end event, the pairing waits.
    expect(w.attributor.decide(shells[1]!).settled).toBe(false);
    w.event({ event: "job_error", jobid: 9 });
    w.event({ event: "job_finished", jobid: 7 });
    w.event({ event: "job_finished", jobid: 8 });
    const tasks = shells.map((s) => w.task(s));
    expect(tasks.map((t) => t?.runId)).toEqual(["7", "9", "8"]);
    expect(tasks[1]?.workflow?.failed()).toBe(true);
    expect(new Set(tasks).size).toBe(3);
    for (const s of shells) expect(w.attributor.decide(s).final).toBe(true);
  });

  it("after the deadline an unpaired shell takes the next job in start order", () => {
    const w = new World();
    w.jobInfo(1, "pause", "a", "sleep 1");
    w.jobInfo(2, "pause", "b", "sleep 1");
    const s1 = w.shell("sleep 1");
    const s2 = w.shell("sleep 1");
    w.sim.exit(s1);
    expect(w.attributor.decide(s1).settled).toBe(false);
    w.sim.nowNs += 6e9;
    expect(w.task(s1)?.runId).toBe("1");
    w.sim.exit(s2);
    w.sim.nowNs += 6e9;
    expect(w.task(s2)?.runId).toBe("2");
  });

  it("matches a command the kernel cut short by its start, and one wrapped by a conda activation", () => {
    const w = new World();
    const long = `samtools sort -@ 8 -o ${"x".repeat(2000)}.bam input.bam`;
    w.jobInfo(5, "sort", "a", long);
    w.jobInfo(6, "call", "a", "bcftools call -mv x.bcf");
    const cut = w.sim.exec(w.sim.fork(w.snakemake), [BASH, "-c", `${`${PREFIX}${long}`.slice(0, 900)}…`]);
    const wrapped = w.sim.exec(w.sim.fork(w.snakemake), [
      BASH,
      "-c",
      `${PREFIX}source /opt/conda/bin/activate '/w/.snakemake/conda/abc'; bcftools call -mv x.bcf`,
    ]);
    w.event({ event: "progress", done: 0, total: 2 });
    expect(w.task(cut)?.name).toBe("sort");
    expect(w.task(wrapped)?.name).toBe("call");
  });

  it("a job Snakemake retries (--retries) is a second task run of that job, attempt 2", () => {
    const w = new World();
    w.jobInfo(5, "align", "a", "bwa mem ref a.fq > a.sam");
    const first = w.shell("bwa mem ref a.fq > a.sam");
    w.sim.exit(first, 1);
    w.event({ event: "job_error", jobid: 5 });
    w.jobInfo(5, "align", "a", "bwa mem ref a.fq > a.sam");
    const second = w.shell("bwa mem ref a.fq > a.sam");
    w.sim.exit(second, 0);
    w.event({ event: "job_finished", jobid: 5 });
    expect([w.task(first)?.runId, w.task(second)?.runId]).toEqual(["5", "5#2"]);
    expect([w.task(first)?.attempt, w.task(second)?.attempt]).toEqual([1, 2]);
    expect([w.task(first)?.workflow?.failed(), w.task(second)?.workflow?.failed()]).toEqual([true, false]);
  });

  it("without the plugin, each shell Snakemake starts is a task named after its first command", () => {
    const w = new World({ plugin: false });
    const a = w.shell("zcat data/a.gz | wc -c > counts/a.txt");
    const b = w.shell("zcat data/b.gz | wc -c > counts/b.txt");
    expect([w.task(a)?.runId, w.task(b)?.runId]).toEqual(["zcat-1", "zcat-2"]);
    const cbc = w.sim.exec(w.sim.fork(w.snakemake), ["cbc", "m.mps"]);
    expect(w.attributor.decide(cbc).overhead).toBe(true);
  });
});
