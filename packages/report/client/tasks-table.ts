// The tasks table: sortable by every column, filterable by name, and virtual (only the rows in view are in the
// page), so a 10k-task run scrolls as smoothly as a 10-task one.
import type { ReportData } from "../src/data/types.js";
import { COLORS } from "./colors.js";
import { h, section } from "./dom.js";
import { bytes, dur } from "./format.js";

const ROW_PX = 26;
const MAX_VISIBLE = 16;
const OVERSCAN = 6;

interface Column {
  key: string;
  title: string;
  value: (i: number) => number | string | null;
  text: (i: number) => string | Node;
  num?: boolean;
}

export function tasksSection(d: ReportData, onPick: (task: number) => void): { element: HTMLElement; start(): void } {
  const t = d.tasks;
  const n = t.name.length;
  const wall = (i: number) => (t.end[i] as number) - (t.start[i] as number);
  const splitBar = (i: number) => {
    const s = t.split[i] ?? [0, 0, 0, 1];
    const fills = [COLORS.cpu, COLORS.io, COLORS.rq, t.measuredSplit[i] ? COLORS.other : COLORS.unmeasured];
    return h(
      "span",
      {
        class: "splitbar",
        title: `CPU ${(s[0] * 100).toFixed(0)}%, I/O wait ${(s[1] * 100).toFixed(0)}%, run queue ${(s[2] * 100).toFixed(0)}%, other ${(s[3] * 100).toFixed(0)}%`,
      },
      ...s.map((v, k) => h("i", { style: `width:${(v * 100).toFixed(1)}%;background:${fills[k]}` })),
    );
  };
  const columns: Column[] = [
    {
      key: "name",
      title: "Task",
      value: (i) => t.name[i] ?? "",
      text: (i) => (t.failed[i] ? `${t.name[i]} ✗` : (t.name[i] ?? "")),
    },
    { key: "start", title: "Start", num: true, value: (i) => t.start[i] ?? 0, text: (i) => dur(t.start[i]) },
    { key: "wall", title: "Wall", num: true, value: wall, text: (i) => dur(wall(i)) },
    { key: "split", title: "Where time went", value: (i) => t.split[i]?.[1] ?? 0, text: splitBar },
    { key: "cpu", title: "CPU", num: true, value: (i) => t.cpu[i] ?? null, text: (i) => dur(t.cpu[i]) },
    { key: "io", title: "I/O wait", num: true, value: (i) => t.io[i] ?? null, text: (i) => dur(t.io[i]) },
    { key: "rq", title: "Run queue", num: true, value: (i) => t.rq[i] ?? null, text: (i) => dur(t.rq[i]) },
    { key: "read", title: "Read", num: true, value: (i) => t.readBytes[i] ?? null, text: (i) => bytes(t.readBytes[i]) },
    {
      key: "write",
      title: "Written",
      num: true,
      value: (i) => t.writeBytes[i] ?? null,
      text: (i) => bytes(t.writeBytes[i]),
    },
    { key: "rss", title: "Peak RSS", num: true, value: (i) => t.peakRss[i] ?? null, text: (i) => bytes(t.peakRss[i]) },
    { key: "procs", title: "Procs", num: true, value: (i) => t.procs[i] ?? 0, text: (i) => String(t.procs[i]) },
  ];

  let order = Array.from({ length: n }, (_, i) => i);
  let shown = order;
  let sortKey = "start";
  let descending = false;
  let filter = "";

  const head = h(
    "div",
    { class: "vt-row vt-head", role: "row" },
    ...columns.map((c) =>
      h("div", { class: c.num ? "num" : "", role: "columnheader", "data-col": c.key, tabindex: "0" }, c.title),
    ),
  );
  const spacer = h("div", { class: "vt-spacer" });
  const body = h("div", { class: "vt-body", role: "rowgroup" }, spacer);
  const count = h("span", { class: "dim" });
  const search = h("input", {
    type: "search",
    placeholder: "filter tasks by name",
    "aria-label": "filter tasks by name",
  });

  const paint = () => {
    const first = Math.max(0, Math.floor(body.scrollTop / ROW_PX) - OVERSCAN);
    const last = Math.min(shown.length, Math.ceil((body.scrollTop + body.clientHeight) / ROW_PX) + OVERSCAN);
    const rows: HTMLElement[] = [];
    for (let r = first; r < last; r++) {
      const i = shown[r] as number;
      const row = h(
        "div",
        {
          class: `vt-row${t.failed[i] ? " failed" : ""}`,
          role: "row",
          "data-task": String(i),
          style: `top:${r * ROW_PX}px`,
        },
        ...columns.map((c) => h("div", { class: c.num ? "num" : "", role: "cell" }, c.text(i))),
      );
      rows.push(row);
    }
    spacer.style.height = `${shown.length * ROW_PX}px`;
    body.replaceChildren(spacer, ...rows);
  };
  const resort = () => {
    const col = columns.find((c) => c.key === sortKey) as Column;
    const dir = descending ? -1 : 1;
    order = Array.from({ length: n }, (_, i) => i).sort((x, y) => {
      const a = col.value(x);
      const b = col.value(y);
      if (a === null && b === null) return x - y;
      if (a === null) return 1; // unmeasured last, whichever the direction
      if (b === null) return -1;
      const c = typeof a === "string" ? a.localeCompare(b as string) : a - (b as number);
      return c !== 0 ? c * dir : x - y;
    });
    for (const el of head.children) {
      const k = (el as HTMLElement).dataset["col"];
      el.setAttribute("aria-sort", k === sortKey ? (descending ? "descending" : "ascending") : "none");
    }
    refilter();
  };
  const refilter = () => {
    const f = filter.toLowerCase();
    shown = f === "" ? order : order.filter((i) => (t.name[i] ?? "").toLowerCase().includes(f));
    count.textContent = f === "" ? `${n} tasks` : `${shown.length} of ${n} tasks`;
    body.style.height = `${Math.max(1, Math.min(shown.length, MAX_VISIBLE)) * ROW_PX}px`;
    paint();
  };
  head.addEventListener("click", (e) => {
    const key = (e.target as HTMLElement).closest<HTMLElement>("[data-col]")?.dataset["col"];
    if (!key) return;
    if (key === sortKey) descending = !descending;
    else {
      sortKey = key;
      // Numbers read best largest first; names A to Z.
      descending = columns.find((c) => c.key === key)?.num === true || key === "split";
    }
    resort();
  });
  head.addEventListener("keydown", (e) => {
    if (e.key === "Enter") (e.target as HTMLElement).click();
  });
  body.addEventListener("scroll", () => requestAnimationFrame(paint), { passive: true });
  body.addEventListener("click", (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>("[data-task]");
    if (row) onPick(Number(row.dataset["task"]));
  });
  search.addEventListener("input", () => {
    filter = search.value;
    body.scrollTop = 0;
    refilter();
  });

  const element = section(
    "tasks",
    "Tasks",
    h(
      "div",
      { class: "toolbar" },
      search,
      count,
      h("span", { class: "dim" }, "click a header to sort, a row to see the task on the timeline"),
    ),
    h("div", { class: "vt", role: "table", "aria-label": "tasks" }, head, body),
  );
  // Painted once the section is in the page (the body's height is known then).
  return { element, start: resort };
}
