// Debian's Chromium driven by playwright-core (no browser download): headless, as root without the sandbox, with
// a fresh profile, nothing in the background that could reach the network. Opens a report file and collects
// every console error, page error and request that is not the file itself.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { REPO_ROOT } from "../../support/cli.js";

/** Kept after the tests: run folders with report.html and screenshots (pipespan-runs/ is git-ignored). */
export const ARTIFACTS = join(REPO_ROOT, "pipespan-runs", "test-artifacts");

export const CHROMIUM = "/usr/bin/chromium";

/** What the report page exposes on window.pipespanReport. */
interface PageReport {
  data: { tasks: { name: string[]; start: number[]; end: number[] } };
  charts: Record<string, unknown>;
  timeline: {
    count: number;
    first: number;
    scrollTo(i: number): void;
    pixelOf(i: number): [number, number] | undefined;
  };
}

export interface OpenedReport {
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  errors: string[];
  /** Requests other than file:// ones (a self-contained report makes none). */
  requests: string[];
  close(): Promise<void>;
}

export async function openReport(file: string, viewport = { width: 1280, height: 900 }): Promise<OpenedReport> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium (scripts/install-system.sh)`);
  }
  const profile = mkdtempSync(join(tmpdir(), "pipespan-chromium-"));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const ctx = context;
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  // A browser someone opens a report in is already running: warm its general machinery (fonts, text layout,
  // SVG and canvas) on a page of its own first, so that the report's load is the report's cost alone. Nothing of
  // the report is seen before: its script, data and layout are all loaded cold.
  await page.setContent('<p style="font-family:sans-serif">warm</p><svg><text>warm</text></svg><canvas></canvas>');
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.documentElement.dataset["ready"] !== undefined, null, { timeout: 30_000 });
  return {
    page,
    errors,
    requests,
    async close() {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Milliseconds from navigation start to a performance mark the page set. */
export async function markMs(page: Page, name: string): Promise<number> {
  return page.evaluate((n) => performance.getEntriesByName(n)[0]?.startTime ?? Number.NaN, name);
}

/**
 * The timeline: how many tasks it has, how many bars it draws now (the rows in view), and the text the chart
 * shows (axis labels, and the tooltip when one is up).
 */
export async function timelineFacts(page: Page): Promise<{ tasks: number; drawn: number; labels: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { pipespanReport: PageReport };
    const chart = w.pipespanReport.charts["timeline"] as { getOption(): { series: { data: unknown[] }[] } };
    const svgText = [...document.querySelectorAll("#timeline-chart svg text")].map((t) => t.textContent ?? "");
    return {
      tasks: w.pipespanReport.timeline.count,
      drawn: chart.getOption().series[0]?.data.length ?? 0,
      labels: svgText,
    };
  });
}

/**
 * Hovers the middle of task i's bar (scrolling its row into view first) and returns the tooltip's text (empty
 * when no bar is under the pointer). The bar's position comes from the chart's own coordinate conversion.
 */
export async function hoverTask(page: Page, i: number): Promise<string> {
  await page.evaluate((task) => {
    const tl = (window as unknown as { pipespanReport: PageReport }).pipespanReport.timeline;
    if (tl.pixelOf(task) === undefined) tl.scrollTo(task);
    (document.getElementById("timeline-chart") as HTMLElement).scrollIntoView({ block: "center" });
  }, i);
  const at = await page.evaluate((task) => {
    const tl = (window as unknown as { pipespanReport: PageReport }).pipespanReport.timeline;
    const p = tl.pixelOf(task);
    const box = (document.getElementById("timeline-chart") as HTMLElement).getBoundingClientRect();
    return p ? { x: box.left + p[0], y: box.top + p[1] } : undefined;
  }, i);
  if (!at) return "";
  await page.mouse.move(at.x, at.y);
  await page.waitForTimeout(60);
  return page.evaluate(() => {
    const el = document.getElementById("timeline-chart") as HTMLElement;
    // The tooltip is the chart container's visible HTML child (the SVG holds the axes).
    const tips = [...el.querySelectorAll<HTMLElement>(":scope > div")].filter(
      (d) => d.style.position === "absolute" && d.style.display !== "none" && (d.textContent ?? "").trim() !== "",
    );
    return tips.map((d) => d.textContent).join("\n");
  });
}
