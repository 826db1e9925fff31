// The report stays usable for a 10k-task run: generated spans (shaped like an eBPF run of `pipespan run`, three
// processes per task) → `pipespan report` → a file under 10 MB that Chromium draws in under 2 s, measured in the
// page (navigation start to the "pipespan:painted" mark, set two animation frames after the last section was
// built: parsing the file and its data, building every section, drawing both charts, and the browser's paint), the
// best of three cold loads (each in a fresh browser). Measured here: 4.1 MiB, 0.5–1.1 s on a 2-core machine shared
// with other test runs; single loads reached 1.5–2.1 s when the machine was loaded three to four times over.
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeRunFolder } from "../findings/support/synthetic.ts";
import { runPipespan } from "../support/cli.js";
import { ARTIFACTS, hoverTask, markMs, type OpenedReport, openReport, timelineFacts } from "./support/browser.js";
import { largeRun } from "./support/large-run.ts";

const TASKS = 10_000;
const BUDGET_MS = 2000;
const MAX_BYTES = 10 * 1024 * 1024;

describe(`the HTML report of a ${TASKS}-task run`, () => {
  const dir = join(ARTIFACTS, "report-10k");
  const file = join(dir, "report.html");
  let opened: OpenedReport;
  let names: string[] = [];

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const run = largeRun(TASKS);
    // The timeline's rows: tasks by start time, then name.
    names = [...run.tasks].sort((a, b) => a.start - b.start || a.name.localeCompare(b.name)).map((t) => t.name);
    writeRunFolder(dir, run);
    const r = await runPipespan(["report", "--instance", "r6i.4xlarge", "-o", file, dir], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    opened = await openReport(file);
  }, 180_000);

  afterAll(async () => {
    await opened?.close();
    // The generated spans are large and say nothing a reader needs: keep the report and the screenshot only.
    rmSync(join(dir, "traces.jsonl"), { force: true });
  });

  it(`is a file under ${MAX_BYTES / 1024 / 1024} MB`, () => {
    const size = statSync(file).size;
    console.log(`report of ${TASKS} tasks: ${(size / 1024 / 1024).toFixed(1)} MiB`);
    expect(size).toBeLessThan(MAX_BYTES);
  });

  it(`renders in under ${BUDGET_MS / 1000} s, without a console error`, async () => {
    // Three cold loads, each in a browser of its own that has never seen the file; the best counts, since other
    // work on a shared machine only ever adds time. Every load must be free of errors.
    const loads = [opened];
    for (let k = 1; k < 3; k++) loads.push(await openReport(file));
    const figures = [];
    for (const o of loads) {
      expect(o.errors).toEqual([]);
      expect(o.requests).toEqual([]);
      figures.push({
        painted: await markMs(o.page, "pipespan:painted"),
        marks: await o.page.evaluate(() =>
          performance
            .getEntriesByType("mark")
            .map((m) => `${m.name.replace("pipespan:", "")} ${Math.round(m.startTime)} ms`)
            .join(", "),
        ),
      });
    }
    for (const o of loads.slice(1)) await o.close();
    const best = figures.reduce((a, b) => (b.painted < a.painted ? b : a));
    console.log(
      `report of ${TASKS} tasks drawn in ${Math.round(best.painted)} ms (cold loads: ${figures.map((f) => Math.round(f.painted)).join(", ")} ms; best: ${best.marks})`,
    );
    expect(best.painted).toBeLessThan(BUDGET_MS);
    await opened.page.screenshot({ path: join(dir, "report.png") });
  });

  it("has one timeline bar per task; scrolled to the middle, the bars there are the right tasks", async () => {
    const facts = await timelineFacts(opened.page);
    expect(facts.tasks).toBe(TASKS);
    expect(facts.drawn).toBe(40); // the rows in view: the chart draws only those
    for (const name of names.slice(0, 10)) expect(facts.labels).toContain(name);
    expect(await hoverTask(opened.page, 3)).toContain(names[3]);
    // Scroll the rows to the middle of the run (the time axis follows the tasks in view).
    const mid = TASKS / 2;
    await opened.page.evaluate((i) => {
      (
        window as unknown as { pipespanReport: { timeline: { scrollTo(i: number): void } } }
      ).pipespanReport.timeline.scrollTo(i);
    }, mid);
    const labels = (await timelineFacts(opened.page)).labels;
    expect(labels).toContain(names[mid]);
    expect(await hoverTask(opened.page, mid + 5)).toContain(names[mid + 5]);
  });

  it("sorts the tasks table by wall time", async () => {
    await opened.page.click('#tasks [data-col="wall"]');
    const first = await opened.page.locator("#tasks .vt-body .vt-row").first().getAttribute("data-task");
    const longest = await opened.page.evaluate(() => {
      const w = window as unknown as { pipespanReport: { data: { tasks: { start: number[]; end: number[] } } } };
      const t = w.pipespanReport.data.tasks;
      let best = 0;
      for (let i = 1; i < t.start.length; i++) {
        if ((t.end[i] as number) - (t.start[i] as number) > (t.end[best] as number) - (t.start[best] as number))
          best = i;
      }
      return best;
    });
    expect(Number(first)).toBe(longest);
    // Virtual: only the rows in view are in the page.
    expect(await opened.page.locator("#tasks .vt-body .vt-row").count()).toBeLessThan(60);
  });
});
