// The attributor decides a process's task from complete facts: what it ran after exec, and — for a wrapper —
// the children it started, judged at its exit. A query made earlier (a live status line, a child that needs its
// parent's span) is answered from the facts known then and never remembered.
import { ENV_PIPESPAN_TASK_NAME, ENV_PIPESPAN_TASK_RUN_ID } from "@pipespan/semconv";
import { describe, expect, it } from "vitest";
import { Attributor } from "../../src/attribution/attributor.js";
import type { AttributionSource } from "../../src/attribution/source.js";
import type { ProcessRecord } from "../../src/table/process-record.js";
import { Sim } from "./sim.js";

function attributor(sim: Sim, root: ProcessRecord, sources: AttributionSource[] = []): Attributor {
  return new Attributor({
    rootId: () => root.id,
    lookup: (id) => sim.table.get(id),
    childrenOf: (id) => sim.table.childrenOf(id),
    isOwnSpan: () => false,
    sources,
    nowNs: () => sim.nowNs,
  });
}

describe("decisions from complete facts (no early cache)", () => {
  it("a root child asked about before it exec'd is named after the program it then runs", () => {
    const sim = new Sim();
    const root = sim.spawn(["bash", "pipeline.sh"]);
    const a = attributor(sim, root);
    const child = sim.fork(root);
    // A live display asks first: it only peeks, nothing is created or kept.
    expect(a.peekTaskName(child)).toBe("bash");
    expect(a.peek(child).final).toBe(false);
    sim.exec(child, ["/usr/bin/samtools", "sort", "x.bam"]);
    expect(a.peekTaskName(child)).toBe("samtools");
    sim.exit(child);
    const d = a.decide(child);
    expect(d.final).toBe(true);
    expect(d.task?.name).toBe("samtools");
    expect(d.task?.runId).toBe("samtools-1");
    // No stray task was created by the early queries.
    expect(a.tasks().map((t) => t.name)).toEqual(["samtools"]);
  });

  it("a wrapper is judged at its exit, by the children it started (not by the first query)", () => {
    const sim = new Sim();
    const root = sim.spawn(["bash", "pipeline.sh"]);
    const a = attributor(sim, root);
    const wrapper = sim.spawn(["/usr/bin/time", "-v", "STAR"], { parent: root });
    // Asked before it has children: a task of its own, for now.
    expect(a.peekTaskName(wrapper)).toBe("time");
    expect(a.peek(wrapper).final).toBe(false);
    const tool = sim.spawn(["STAR", "--runThreadN", "8"], {
      parent: wrapper,
      env: { [ENV_PIPESPAN_TASK_NAME]: "STAR_ALIGN", [ENV_PIPESPAN_TASK_RUN_ID]: "STAR_ALIGN-s1" },
    });
    sim.exit(tool);
    sim.exit(wrapper);
    const d = a.decide(wrapper);
    expect(d.final).toBe(true);
    expect(d.task?.name).toBe("STAR_ALIGN");
    expect(a.decide(tool).task).toBe(d.task);
  });

  it("remembers only final decisions: a fork's inherited task is asked again after its exec", () => {
    const sim = new Sim();
    const root = sim.spawn(["bash", "pipeline.sh"]);
    const a = attributor(sim, root);
    const step = sim.spawn(["bash", "-c", "x"], { parent: root, env: { [ENV_PIPESPAN_TASK_NAME]: "outer" } });
    const fork = sim.fork(step);
    expect(a.decide(fork).task?.name).toBe("outer");
    expect(a.decide(fork).final).toBe(false);
    sim.exec(fork, ["inner-tool"], { env: { [ENV_PIPESPAN_TASK_NAME]: "inner" } });
    expect(a.decide(fork).task?.name).toBe("inner");
    expect(a.decide(fork).final).toBe(true);
  });

  it("a source's pending answer leaves the decision unsettled until its event arrives", () => {
    const sim = new Sim();
    const root = sim.spawn(["manager"]);
    let known = false;
    const source: AttributionSource = {
      name: "test",
      isManager: (r) => r.id === root.id,
      claim: (r) =>
        r.argv[0] !== "job"
          ? undefined
          : known
            ? { kind: "task", task: { name: "job", runId: "job-1", attribution: "snakemake" }, settled: true }
            : { kind: "pending" },
    };
    const a = attributor(sim, root, [source]);
    const job = sim.spawn(["job"], { parent: root });
    sim.exit(job);
    const before = a.decide(job);
    expect(before.settled).toBe(false);
    // Meanwhile: a manager's child that no source names is its overhead.
    expect(before.task).toBeUndefined();
    expect(before.overhead).toBe(true);
    known = true;
    expect(a.decide(job).task?.name).toBe("job");
    expect(a.decide(job).final).toBe(true);
  });

  it("a workflow manager started by the root is no task of its own; its unnamed children are its overhead", () => {
    const sim = new Sim();
    const root = sim.spawn(["bash", "run.sh"]);
    const source: AttributionSource = {
      name: "test",
      isManager: (r, parent) => r.images.some((i) => i.argv[0] === "manager" && parent?.argv[0] !== "manager"),
      claim: () => undefined,
    };
    const a = attributor(sim, root, [source]);
    const m = sim.spawn(["manager"], { parent: root });
    const helper = sim.fork(m);
    sim.exec(helper, ["cbc", "model.mps"]);
    sim.exit(helper);
    sim.exit(m);
    expect(a.decide(m)).toMatchObject({ task: undefined, overhead: true, final: true });
    expect(a.decide(helper)).toMatchObject({ task: undefined, overhead: true, final: true });
    expect(a.tasks()).toEqual([]);
  });
});
