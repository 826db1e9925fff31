// The report of a real run, opened in a real browser (Debian's Chromium through playwright-core): a real
// `pipespan run` (eBPF source) of the demo pipeline writes report.html; the page draws without a console error or
// a network request, has one timeline bar per task of the run (each hovered: its tooltip names the task), the
// findings rows and the cost table of the analysis. The screenshot stays in the run folder (a CI artifact).
// PIPESPAN_UPDATE_SCREENSHOT=1 also writes the README's docs/report.png from the same page.
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { readOtlpJsonTraces } from "@pipespan/findings";
import { ATTR_CICD_PIPELINE_TASK_NAME, ATTR_PROCESS_PID } from "@pipespan/semconv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runPipespan } from "../support/cli.js";
import { ARTIFACTS, hoverTask, type OpenedReport, openReport, timelineFacts } from "./support/browser.js";

const RUN_ID = "report-demo";
const runDir = join(ARTIFACTS, RUN_ID);

interface JsonFinding {
  rule: string;
  task: string | null;
}

describe("the HTML report of a real run, in Chromium", () => {
  let opened: OpenedReport;
  let taskNames: string[] = [];
  let findings: JsonFinding[] = [];
  let recommendations: { instanceType: string }[] = [];
  let baselineCost = 0;

  beforeAll(async () => {
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // 40 MiB keeps the demo over the 5 s a run needs to be priced (16 MiB ran in under 5 s on a quiet machine).
    const r = await runPipespan(
      ["run", "--source", "ebpf", "--run-id", RUN_ID, "--out", ARTIFACTS, "--", "bash", "examples/demo/pipeline.sh"],
      { env: { DEMO_SIZE_MB: "40", OTEL_RESOURCE_ATTRIBUTES: "host.type=m6i.large" }, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/pipespan: report .*report-demo\/report\.html/);
    // What the report must show, from the run's own files.
    const { spans } = await readOtlpJsonTraces(join(runDir, "traces.jsonl"));
    taskNames = spans
      .filter(
        (s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] !== undefined && s.attributes[ATTR_PROCESS_PID] === undefined,
      )
      .sort((a, b) => (a.startNs < b.startNs ? -1 : 1))
      .map((s) => s.attributes[ATTR_CICD_PIPELINE_TASK_NAME] as string);
    const a = await runPipespan(["analyze", "--json", "--no-spans", runDir]);
    expect(a.code, a.stderr).toBe(0);
    const report = JSON.parse(a.stdout);
    findings = report.findings.filter(
      (f: JsonFinding) => f.rule !== "instance-cost" && f.rule !== "instance-recommendation",
    );
    recommendations = report.recommendations;
    baselineCost = report.cost.baseline.costPerRunUsd;
    opened = await openReport(join(runDir, "report.html"));
  }, 180_000);

  afterAll(async () => {
    await opened?.close();
  });

  it("is one self-contained file: no console error, no network request", () => {
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([]);
    const html = readFileSync(join(runDir, "report.html"), "utf8");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(statSync(join(runDir, "report.html")).size).toBeLessThan(10 * 1024 * 1024);
  });

  it("draws one timeline bar per task, with the run's task names", async () => {
    expect(taskNames.length).toBeGreaterThanOrEqual(6);
    const facts = await timelineFacts(opened.page);
    expect(facts.tasks).toBe(taskNames.length);
    expect(facts.drawn).toBe(taskNames.length); // a small run: every row in view
    for (const name of taskNames) expect(facts.labels).toContain(name);
    // Each bar is really there: hovering its middle brings up the task's own tooltip.
    for (let i = 0; i < taskNames.length; i++) {
      const tip = await hoverTask(opened.page, i);
      expect(tip, `bar ${i}`).toContain(taskNames[i]);
    }
  });

  it("lists the findings of the analysis with their evidence", async () => {
    const rows = await opened.page.$$eval("#findings tr.finding", (trs) =>
      trs.map((tr) => ({ rule: tr.getAttribute("data-rule"), text: tr.textContent ?? "" })),
    );
    expect(findings.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.rule)).toEqual(findings.map((f) => f.rule));
    rows.forEach((r, i) => {
      expect(r.text).toContain(findings[i]?.task ?? "(run)");
    });
    expect(await opened.page.locator("#findings details dl.evidence").count()).toBe(findings.length);
  });

  it("shows the cost of the run and the recommendations table, with the assumptions", async () => {
    const baseline = (await opened.page.locator("#cost p.baseline").textContent()) ?? "";
    expect(baseline).toContain("m6i.large");
    expect(baseline).toContain(`$${baselineCost < 0.1 ? baselineCost.toFixed(4) : baselineCost.toFixed(2)}`);
    const types = await opened.page.$$eval("#cost tr.recommendation td:nth-child(2)", (tds) =>
      tds.map((td) => td.textContent ?? ""),
    );
    expect(types).toEqual(recommendations.map((r) => r.instanceType));
    expect(await opened.page.locator("#cost ul.assumptions li").count()).toBeGreaterThan(0);
  });

  it("keeps a screenshot in the run folder", async () => {
    const shot = join(runDir, "report.png");
    await opened.page.mouse.move(0, 0);
    await opened.page.evaluate(() => window.scrollTo(0, 0));
    await opened.page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    if (process.env["PIPESPAN_UPDATE_SCREENSHOT"] === "1") {
      // The README's picture: the top of the same page (header, timeline, resources).
      await opened.page.setViewportSize({ width: 1280, height: 1180 });
      await opened.page.screenshot({ path: join(REPO_ROOT, "docs", "report.png") });
      await opened.page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
