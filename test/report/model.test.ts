// The report's model without a browser: tasks matched across runs (name and tag, attempts, repeated names), the
// verdict in words for the founding story ("we doubled the instance: why did nothing change?"), and untrusted
// names kept inert in the HTML.
import { analyzeRun, type LoadedRun, type TaskNode } from "@pipespan/findings";
import { buildReportData, diffRuns, matchTasks, renderReportHtml, scriptJson } from "@pipespan/report";
import { describe, expect, it } from "vitest";
import { modelOf, run, task } from "../../packages/findings/test/helpers.ts";

const loaded = (m: ReturnType<typeof modelOf>): LoadedRun => ({ model: m, files: [], warnings: [] });

describe("matching tasks across runs", () => {
  const t = (name: string, startS: number, attempt?: number) =>
    ({ name, startS, ...(attempt !== undefined ? { attempt } : {}) }) as unknown as TaskNode;

  it("matches by name and tag, by attempt when both runs know it, else by order of start", () => {
    const a = [
      t("STAR (s1)", 0, 1),
      t("STAR (s1)", 5, 2),
      t("STAR (s2)", 1, 1),
      t("chunk", 0),
      t("chunk", 3),
      t("gone", 1),
    ];
    const b = [t("STAR (s2)", 2, 1), t("STAR (s1)", 0, 1), t("chunk", 4), t("chunk", 1), t("new", 0)];
    const m = matchTasks(a, b);
    const pairs = m.pairs.map((p) => `${p.a.name}|${p.which ?? ""}|${p.a.startS}->${p.b.startS}`);
    expect(pairs).toEqual(["STAR (s1)|attempt 1|0->0", "STAR (s2)||1->2", "chunk|#1|0->1", "chunk|#2|3->4"]);
    expect(m.onlyA.map((x) => `${x.name}@${x.startS}`)).toEqual(["STAR (s1)@5", "gone@1"]);
    expect(m.onlyB.map((x) => x.name)).toEqual(["new"]);
  });
});

describe("the verdict of a comparison", () => {
  // Run A on m6i.2xlarge, run B on m6i.4xlarge (2× the vCPUs and memory, same EBS baseline class): STAR waits
  // on storage in both and takes as long; SORT computed with 8 threads and got faster.
  const star = (wall: number) =>
    task("STAR (s1)", 0, wall, { cpu: 0.15 * wall, io: 0.8 * wall, rq: 0.01 * wall, sleep: 1 });
  const a = modelOf(run({ tasks: [star(600), task("SORT", 600, 900, { cpu: 2400, io: 5, rq: 150, sleep: 1 })] }));
  const b = modelOf(run({ tasks: [star(605), task("SORT", 605, 755, { cpu: 1200, io: 5, rq: 1, sleep: 1 })] }));
  const d = diffRuns(
    { loaded: loaded(a), analysis: analyzeRun(a, { instanceType: "m6i.2xlarge" }) },
    { loaded: loaded(b), analysis: analyzeRun(b, { instanceType: "m6i.4xlarge" }) },
  );

  it("says what changed in the instance, and why a task did not get faster", () => {
    expect(d.verdict[0]).toMatch(/^run B had 2× the vCPUs and memory of run A/);
    expect(d.verdict).toContain(
      "STAR (s1)'s wall time did not change (10 m 00 s → 10 m 05 s) because its I/O wait did not change: it is storage-bound",
    );
  });

  it("says where a changed task's time went", () => {
    const sort = d.tasks.find((x) => x.name === "SORT");
    expect(sort?.dWallS).toBeCloseTo(-150, 6);
    expect(
      d.verdict.some((v) => v.startsWith("SORT's wall time fell 2 m 30 s (5 m 00 s → 2 m 30 s) because its")),
    ).toBe(true);
    expect(d.tasks[0]?.name).toBe("SORT"); // the largest change first
  });
});

describe("per-task timelines", () => {
  it("become columns of where the time went, merged to fit the document's budget", () => {
    const m = modelOf(run({ tasks: [task("ALIGN", 0, 2, { cpu: 1, io: 0.75, rq: 0, sleep: 0 })] }));
    // The timeline the run model carries when the source recorded one (four 0.5 s buckets).
    Object.assign(m.tasks[0] as object, {
      timeline: {
        startS: 0,
        intervalS: 0.5,
        buckets: 4,
        cpu: Float64Array.from([0.5, 0.5, 0, 0]),
        ioWait: Float64Array.from([0, 0, 0.5, 0.25]),
        runqueue: Float64Array.from([0, 0, 0, 0]),
      },
    });
    const data = buildReportData(loaded(m));
    expect(data.tasks.buckets?.[0]).toEqual({ interval: 0.5, cpu: [1, 1, 0, 0], io: [0, 0, 1, 0.5], rq: [0, 0, 0, 0] });
    // Without timelines, no columns: the bar shows the shares of the whole wall time.
    expect(
      buildReportData(loaded(modelOf(run({ tasks: [task("X", 0, 1, { cpu: 1 })] })))).tasks.buckets,
    ).toBeUndefined();
  });
});

describe("storage devices over time", () => {
  it("are drawn as lines of their own on the storage chart, rebinned to the profile", () => {
    const m = modelOf(run({ tasks: [task("ALIGN", 0, 4, { cpu: 1, io: 2, rq: 0, sleep: 0 })] }));
    // 1 s buckets: 4 MB, 4 MB, 0, 2 MB (read + write) on vda.
    Object.assign(m as object, {
      devices: [{ name: "vda", intervalS: 1, buckets: 4, readBytes: [4e6, 3e6, 0, 2e6], writeBytes: [0, 1e6, 0, 0] }],
    });
    const data = buildReportData(loaded(m), { profileBins: 8 });
    expect(data.profile.binS).toBe(0.5);
    expect(data.profile.storageDevices).toEqual([{ name: "vda", bps: [4e6, 4e6, 4e6, 4e6, 0, 0, 2e6, 2e6] }]);
  });
});

describe("untrusted names in the HTML", () => {
  it("stay text: no element can be injected through a task or pipeline name", () => {
    const evil = "</script><script>alert(1)</script><!--";
    const m = modelOf(run({ pipelineName: evil, tasks: [task(evil, 0, 2, { cpu: 1, io: 0.5, rq: 0, sleep: 0 })] }));
    const html = renderReportHtml(buildReportData(loaded(m), { analysis: analyzeRun(m) }));
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<!--");
    expect(html.match(/<script[\s>]/g)?.length).toBe(2); // the data and the page's script
    const json = /<script id="pipespan-data" type="application\/json">([^<]*)<\/script>/.exec(html)?.[1] as string;
    expect(JSON.parse(json).tasks.name).toEqual([evil]);
    expect(scriptJson("a</script>b\u2028")).toBe('"a\\u003c/script\\u003eb\\u2028"');
  });
});
