// The report page: reads the embedded data, builds the sections, and marks when it is drawn (performance marks
// "pipespan:rendered" and "pipespan:painted", for anyone measuring how fast a large report opens).
import type { ReportData } from "../src/data/types.js";
import { costSection } from "./cost.js";
import { diffSection } from "./diff.js";
import { h } from "./dom.js";
import { findingsSection } from "./findings.js";
import { when } from "./format.js";
import { headerSection } from "./header.js";
import { profileSection } from "./profile.js";
import { tasksSection } from "./tasks-table.js";
import { type Timeline, timelineSection } from "./timeline.js";

declare global {
  interface Window {
    pipespanReport?: { data: ReportData; charts: Record<string, unknown>; timeline: Timeline };
  }
}

function main(): void {
  performance.mark("pipespan:start");
  const app = document.getElementById("app") as HTMLElement;
  const text = document.getElementById("pipespan-data")?.textContent ?? "";
  const data = JSON.parse(text) as ReportData;
  app.replaceChildren();
  app.append(headerSection(data));
  const nav = h(
    "nav",
    null,
    ...[
      data.diff ? ["comparison", "Comparison"] : null,
      ["timeline", "Timeline"],
      ["resources", "Resources"],
      ["tasks", "Tasks"],
      ["findings", "Findings"],
      ["cost", "Cost"],
    ]
      .filter((x): x is string[] => x !== null)
      .map(([id, title]) => h("a", { href: `#${id}` }, title ?? "")),
  );
  app.append(nav);
  if (data.diff) app.append(diffSection(data.diff));
  const timeline = timelineSection(data);
  app.append(timeline.element);
  const timelineChart = timeline.draw();
  performance.mark("pipespan:timeline");
  const profile = profileSection(data);
  app.append(profile.element);
  const profileChart = profile.draw();
  performance.mark("pipespan:resources");
  const tasks = tasksSection(data, (i) => timeline.focus(i));
  app.append(tasks.element);
  tasks.start();
  performance.mark("pipespan:tasks");
  app.append(findingsSection(data), costSection(data));
  performance.mark("pipespan:findings");
  app.append(
    h(
      "footer",
      null,
      `Made by ${data.generator} on ${when(data.generatedIso)} from the run's spans. `,
      "Self-contained: it loads nothing from the network. Charts: Apache ECharts (Apache License 2.0), bundled.",
    ),
  );
  window.pipespanReport = { data, charts: { timeline: timelineChart, profile: profileChart }, timeline };
  performance.mark("pipespan:rendered");
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      performance.mark("pipespan:painted");
      document.documentElement.dataset["ready"] = "1";
    }),
  );
}

try {
  main();
} catch (err) {
  const app = document.getElementById("app");
  app?.replaceChildren(h("p", { class: "note" }, `This report could not be drawn: ${(err as Error).message}`));
  document.documentElement.dataset["ready"] = "error";
  throw err;
}
