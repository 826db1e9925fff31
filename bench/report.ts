// The HTML report at scale: `node bench/report.ts [tasks...]` (after `npm run build`; default 1000 10000 50000).
//
// For each size, writes a generated run folder (three processes per task, eBPF-source attributes), then times
//   model + analysis   loading the spans and analysing them (what every report needs first)
//   report             building the page's data and the HTML, and the file's size
//   page               opening the file in Debian's Chromium: navigation start to the page's "pipespan:painted"
//                      mark (parse, data, every section, both charts, paint), best and worst of 3 loads
// and prints the figures against the goals (under 10 MB, under 2 s at 10k tasks). Not a test: it asserts nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRun, loadRun } from "@pipespan/findings";
import { buildReportData, renderReportHtml, writeReportFile } from "@pipespan/report";
import { writeRunFolder } from "../test/findings/support/synthetic.ts";
import { largeRun } from "../test/report/support/large-run.ts";

const sizes = process.argv.slice(2).map(Number);
const CHROMIUM = "/usr/bin/chromium";

async function pageMs(file: string): Promise<number[]> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "pipespan-bench-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
    viewport: { width: 1280, height: 900 },
  });
  const out: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const page = await ctx.newPage();
      await page.goto(`file://${file}`);
      await page.waitForFunction(() => document.documentElement.dataset["ready"] !== undefined, null, {
        timeout: 60_000,
      });
      out.push(await page.evaluate(() => performance.getEntriesByName("pipespan:painted")[0]?.startTime ?? Number.NaN));
      await page.close();
    }
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return out;
}

for (const n of sizes.length > 0 ? sizes : [1000, 10_000, 50_000]) {
  const dir = mkdtempSync(join(tmpdir(), "pipespan-bench-report-"));
  try {
    writeRunFolder(dir, largeRun(n));
    let t = performance.now();
    const loaded = await loadRun(dir);
    const analysis = analyzeRun(loaded.model, { instanceType: "r6i.4xlarge" });
    const tModel = performance.now() - t;
    t = performance.now();
    const file = join(dir, "report.html");
    const bytes = await writeReportFile(file, renderReportHtml(buildReportData(loaded, { analysis })));
    const tReport = performance.now() - t;
    const page = await pageMs(file);
    const mb = bytes / 1024 / 1024;
    console.log(
      `${String(n).padStart(6)} tasks: model + analysis ${tModel.toFixed(0)} ms · report ${tReport.toFixed(0)} ms · ` +
        `${mb.toFixed(1)} MiB${mb < 10 ? "" : " (over 10 MB)"} · page ${Math.min(...page).toFixed(0)}–${Math.max(...page).toFixed(0)} ms` +
        (n === 10_000 ? ` (goal at 10k tasks: under 2000 ms, ${Math.max(...page) < 2000 ? "met" : "MISSED"})` : ""),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
