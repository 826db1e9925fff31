// Bars by time bucket: when the run model carries per-task timelines, each bar is drawn as columns of where the
// time went when, in a real browser, without an error. (The spans' timelines come with the eBPF source's
// per-task series; here they are attached to a model built from spans, as the run model would carry them.)
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { analyzeRun, type LoadedRun } from "@pipespan/findings";
import { buildReportData, renderReportHtml, writeReportFile } from "@pipespan/report";
import { describe, expect, it } from "vitest";
import { modelOf, run, task } from "../../packages/findings/test/helpers.ts";
import { ARTIFACTS, hoverTask, openReport } from "./support/browser.js";

describe("timeline bars by time bucket", () => {
  it("draws each task's columns: first on a CPU, then waiting on storage", async () => {
    const m = modelOf(
      run({
        tasks: [
          task("ALIGN", 0, 8, { cpu: 4, io: 4, rq: 0, sleep: 0 }),
          task("SORT", 2, 6, { cpu: 3.6, io: 0, rq: 0.4, sleep: 0 }),
        ],
      }),
    );
    const series = (f: (k: number) => number, n: number) => Float64Array.from({ length: n }, (_, k) => f(k));
    Object.assign(m.tasks[0] as object, {
      timeline: {
        startS: 0,
        intervalS: 1,
        buckets: 8,
        cpu: series((k) => (k < 4 ? 1 : 0), 8),
        ioWait: series((k) => (k < 4 ? 0 : 1), 8),
      },
    });
    const data = buildReportData({ model: m, files: [], warnings: [] } as LoadedRun, { analysis: analyzeRun(m) });
    expect(data.tasks.buckets?.[0]?.cpu).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(data.tasks.buckets?.[1]).toBeNull();
    const dir = join(ARTIFACTS, "report-columns");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "report.html");
    await writeReportFile(file, renderReportHtml(data));
    const opened = await openReport(file);
    try {
      expect(opened.errors).toEqual([]);
      // Before any hover: ALIGN is 8 columns of one colour each; SORT one column of two parts (CPU, run queue).
      const fills = await opened.page.$$eval("#timeline-chart svg path", (ps) =>
        ps.map((p) => p.getAttribute("fill")).filter((f) => f === "#3b7dd8" || f === "#e4572e" || f === "#f3a712"),
      );
      expect(fills.filter((f) => f === "#3b7dd8")).toHaveLength(5);
      expect(fills.filter((f) => f === "#e4572e")).toHaveLength(4);
      expect(fills.filter((f) => f === "#f3a712")).toHaveLength(1);
      await opened.page.screenshot({ path: join(dir, "report.png") });
      // (Hovered last: a hovered bar is drawn in its emphasis colours.)
      expect(await hoverTask(opened.page, 0)).toContain("ALIGN");
      expect(await hoverTask(opened.page, 1)).toContain("SORT");
    } finally {
      await opened.close();
    }
  });
});
