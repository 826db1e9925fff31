// The timeline: one bar per task on the run's time axis, each bar coloured by where its time went (on CPU, I/O
// wait, run-queue wait, sleep/other). Without time buckets the colours are the shares of the task's whole wall
// time, stacked top to bottom over the bar's length (a composition, not an order of events); with buckets (the
// spans' per-task timelines) each bucket is its own column, so the bar shows when the time went where.
// Hover: the task and its processes; click: the full list of its listed processes below the chart.
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn } from "echarts";
import type { ReportData } from "../src/data/types.js";
import { autoResize, echarts } from "./charts.js";
import { COLORS, PART_LABELS } from "./colors.js";
import { esc, h, section } from "./dom.js";
import { bytes, dur, pct } from "./format.js";

const ROW_PX = 20;
const VISIBLE_ROWS = 40;
const TIP_PROCESSES = 8;
const GRID_TOP = 16;

export interface Timeline {
  element: HTMLElement;
  /** Draws the chart; call once the element is in the page (the chart takes its container's size). */
  draw(): echarts.ECharts;
  /** Scrolls to a task and lists its processes. */
  focus(task: number): void;
  /** Scrolls the rows so that `task` is the first in view (or as near as the end allows). */
  scrollTo(task: number): void;
  /** The pixel (in the chart) of the middle of a task's bar, when its row is in view. */
  pixelOf(task: number): [number, number] | undefined;
  /** Tasks in the timeline, and the first task in view. */
  readonly count: number;
  readonly first: number;
}

function label(d: ReportData, i: number): string {
  const a = d.tasks.attempt[i];
  return a !== null && a !== undefined && a > 1 ? `${d.tasks.name[i]} (attempt ${a})` : (d.tasks.name[i] ?? "?");
}

/** Columns of a bar: [fromS, toS, cpu, io, rq, other shares]. */
function columns(d: ReportData, i: number): [number, number, number, number, number, number][] {
  const start = d.tasks.start[i] as number;
  const end = d.tasks.end[i] as number;
  const b = d.tasks.buckets?.[i];
  if (b && b.cpu.length > 0) {
    const out: [number, number, number, number, number, number][] = [];
    for (let k = 0; k < b.cpu.length; k++) {
      const from = start + k * b.interval;
      if (from >= end) break;
      const cpu = b.cpu[k] ?? 0;
      const io = b.io[k] ?? 0;
      const rq = b.rq[k] ?? 0;
      out.push([from, Math.min(end, from + b.interval), cpu, io, rq, Math.max(0, 1 - cpu - io - rq)]);
    }
    return out;
  }
  const s = d.tasks.split[i] ?? [0, 0, 0, 1];
  return [[start, end, s[0], s[1], s[2], s[3]]];
}

function tooltip(d: ReportData, i: number): string {
  const t = d.tasks;
  const s = t.split[i] ?? [0, 0, 0, 1];
  const measured = t.measuredSplit[i];
  const wall = (t.end[i] as number) - (t.start[i] as number);
  const rows: string[] = [
    `<b>${esc(label(d, i))}</b>${t.failed[i] ? ' <span class="bad">failed</span>' : ""}`,
    `${dur(t.start[i])} → ${dur(t.end[i])} · wall <b>${dur(wall)}</b>`,
    measured
      ? `CPU ${pct(s[0])} · I/O wait ${pct(s[1])} · run queue ${pct(s[2])} · other ${pct(s[3])}`
      : `CPU ${pct(s[0])} of wall (I/O wait not measured)`,
    `CPU ${dur(t.cpu[i])} · I/O wait ${dur(t.io[i])} · read ${bytes(t.readBytes[i])} · written ${bytes(t.writeBytes[i])} · peak RSS ${bytes(t.peakRss[i])}`,
  ];
  const from = t.procFrom[i] as number;
  const listed = t.procListed[i] as number;
  const p = d.processes;
  const order = Array.from({ length: listed }, (_, k) => from + k).sort(
    (x, y) => (p.end[y] as number) - (p.start[y] as number) - ((p.end[x] as number) - (p.start[x] as number)),
  );
  if (listed > 0) {
    rows.push(`<span class="dim">processes (${t.procs[i]}), longest first:</span>`);
    for (const k of order.slice(0, TIP_PROCESSES)) {
      rows.push(
        `&nbsp;&nbsp;${esc(p.name[k] ?? "?")}${p.pid[k] !== null ? ` <span class="dim">${p.pid[k]}</span>` : ""} · ${dur((p.end[k] as number) - (p.start[k] as number))} · CPU ${dur(p.cpu[k])}${p.failed[k] ? ' <span class="bad">✗</span>' : ""}`,
      );
    }
    const more = (t.procs[i] as number) - Math.min(listed, TIP_PROCESSES);
    if (more > 0) rows.push(`<span class="dim">… ${more} more: click the bar to list them</span>`);
  }
  return rows.join("<br>");
}

function processTable(d: ReportData, i: number): HTMLElement {
  const t = d.tasks;
  const p = d.processes;
  const from = t.procFrom[i] as number;
  const listed = t.procListed[i] as number;
  const body = [];
  for (let k = from; k < from + listed; k++) {
    body.push(
      h(
        "tr",
        p.failed[k] ? { class: "failed" } : null,
        h("td", null, p.name[k] ?? "?"),
        h("td", { class: "num" }, p.pid[k] === null ? "–" : String(p.pid[k])),
        h("td", { class: "num" }, dur(p.start[k])),
        h("td", { class: "num" }, dur((p.end[k] as number) - (p.start[k] as number))),
        h("td", { class: "num" }, dur(p.cpu[k])),
        h("td", { class: "num" }, dur(p.io[k])),
        h("td", { class: "num" }, bytes(p.peakRss[k])),
        h("td", { class: "num" }, p.exitCode[k] === null ? "–" : String(p.exitCode[k])),
      ),
    );
  }
  const more = (t.procs[i] as number) - listed;
  return h(
    "div",
    { class: "detail", "data-task": String(i) },
    h("h3", null, `${label(d, i)}: ${t.procs[i]} process${t.procs[i] === 1 ? "" : "es"}`),
    h(
      "table",
      { class: "grid" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ...["process", "pid", "start", "wall", "CPU", "I/O wait", "peak RSS", "exit"].map((c) => h("th", null, c)),
        ),
      ),
      h("tbody", null, body),
    ),
    more > 0
      ? h("p", { class: "dim" }, `${more} shorter process(es) not listed (the report keeps the longest of each task).`)
      : null,
  );
}

export function timelineSection(d: ReportData): Timeline {
  const n = d.tasks.name.length;
  const visible = Math.min(n, VISIBLE_ROWS);
  const chartEl = h("div", {
    class: "chart",
    id: "timeline-chart",
    style: `height:${Math.max(visible, 3) * ROW_PX + 90}px`,
  });
  const detail = h("div", { id: "timeline-detail" });
  const chartBox = h("div", { class: "tl-box" }, chartEl);
  const anyUnmeasured = d.tasks.measuredSplit.some((m) => !m);
  const legend = h(
    "div",
    { class: "legend" },
    ...PART_LABELS.map((l, k) =>
      h(
        "span",
        null,
        h("i", { class: "swatch", style: `background:${[COLORS.cpu, COLORS.io, COLORS.rq, COLORS.other][k]}` }),
        l,
      ),
    ),
    h("span", null, h("i", { class: "swatch failed-swatch" }), "failed"),
  );
  const element = section(
    "timeline",
    "Timeline",
    legend,
    h(
      "p",
      { class: "hint" },
      `${n} task${n === 1 ? "" : "s"}, one bar each, coloured by where the task's wall time went. Hover a bar for its processes, click it to list them; drag to pan, Ctrl + wheel to zoom${n > visible ? ", Shift + wheel or the scrollbar on the right to scroll the tasks" : ""}.`,
    ),
    anyUnmeasured
      ? h(
          "p",
          { class: "note" },
          "I/O wait and run-queue wait need the eBPF source: bars of tasks measured by procfs show their CPU time over wall time, and the rest in grey.",
        )
      : null,
    chartBox,
    detail,
  );

  let chart: echarts.ECharts | undefined;
  // Only the rows in view are given to the chart (a 10k-task run costs what a 40-task one does); a native
  // scrollbar beside it moves the window.
  let first = 0;
  const windowItems = () => {
    const out: number[][] = [];
    for (let r = 0; r < visible && first + r < n; r++) {
      const i = first + r;
      out.push([r, d.tasks.start[i] as number, d.tasks.end[i] as number, i]);
    }
    return out;
  };
  const windowLabels = () => Array.from({ length: Math.min(visible, n - first) }, (_, r) => label(d, first + r));
  const renderItem = (
    params: CustomSeriesRenderItemParams,
    api: CustomSeriesRenderItemAPI,
  ): CustomSeriesRenderItemReturn => {
    const i = api.value(3) as number;
    const row = api.value(0) as number;
    const size = api.size?.([0, 1]) as number[];
    const band = Math.max(2, (size[1] ?? ROW_PX) * 0.7);
    const cs = params.coordSys as unknown as { x: number; y: number; width: number; height: number };
    const children: NonNullable<CustomSeriesRenderItemReturn>[] = [];
    const measured = d.tasks.measuredSplit[i];
    const fills = [COLORS.cpu, COLORS.io, COLORS.rq, measured ? COLORS.other : COLORS.unmeasured];
    let top = 0;
    let x0 = 0;
    let x1 = 0;
    for (const [from, to, ...shares] of columns(d, i)) {
      const p0 = api.coord([from, row]);
      const p1 = api.coord([to, row]);
      const left = p0[0] as number;
      const width = Math.max(1, (p1[0] as number) - left);
      top = (p0[1] as number) - band / 2;
      if (x1 === 0) x0 = left;
      x1 = left + width;
      let y = top;
      shares.forEach((share, k) => {
        if (share <= 0) return;
        const hgt = band * share;
        const shape = echarts.graphic.clipRectByRect({ x: left, y, width, height: hgt }, cs);
        y += hgt;
        if (shape) children.push({ type: "rect", shape, style: { fill: fills[k] } });
      });
    }
    if (d.tasks.failed[i]) {
      const shape = echarts.graphic.clipRectByRect({ x: x0, y: top, width: Math.max(1, x1 - x0), height: band }, cs);
      if (shape) children.push({ type: "rect", shape, style: { fill: "none", stroke: COLORS.failed, lineWidth: 1.5 } });
    }
    return { type: "group", children };
  };
  // With more tasks than rows in view, the time axis follows the tasks in view (their span, padded) as they are
  // scrolled, so a long run's bars are never slivers; the bottom slider still reaches the whole run.
  const spanOf = (from: number, to: number) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (let r = Math.max(0, Math.ceil(from)); r <= Math.min(n - 1, Math.floor(to)); r++) {
      lo = Math.min(lo, d.tasks.start[r] as number);
      hi = Math.max(hi, d.tasks.end[r] as number);
    }
    const pad = Math.max((hi - lo) * 0.03, 0.001);
    return { startValue: Math.max(0, lo - pad), endValue: Math.min(xMax, hi + pad) };
  };
  const xMax = Math.max(d.run.wallS, ...d.tasks.end.slice(-1));
  const firstWindow = n > visible ? spanOf(0, visible - 1) : {};
  // Room for the longest label (about 7.5 px a character at 11 px in a wide sans-serif), within bounds.
  let longest = 0;
  for (let i = 0; i < n; i++) longest = Math.max(longest, label(d, i).length);
  const labelPx = Math.max(60, Math.min(280, Math.ceil(longest * 7.5)));
  const draw = () => {
    chart = echarts.init(chartEl, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: labelPx + 16, right: n > visible ? 40 : 24, top: GRID_TOP, bottom: 56 },
      tooltip: {
        trigger: "item",
        confine: true,
        transitionDuration: 0,
        formatter: (p: unknown) => tooltip(d, ((p as { data: number[] }).data[3] as number) ?? 0),
      },
      xAxis: {
        type: "value",
        min: 0,
        max: xMax,
        name: "seconds from the run's start",
        nameLocation: "middle",
        nameGap: 24,
        axisLabel: { formatter: (v: number) => dur(v) },
        splitLine: { lineStyle: { color: "#eef0f3" } },
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: windowLabels(),
        axisTick: { show: false },
        axisLabel: { width: labelPx, overflow: "truncate", interval: 0, fontSize: 11 },
      },
      dataZoom: [
        {
          id: "x-inside",
          type: "inside",
          xAxisIndex: 0,
          filterMode: "weakFilter",
          zoomOnMouseWheel: "ctrl",
          moveOnMouseWheel: false,
          ...firstWindow,
        },
        {
          id: "x-slider",
          type: "slider",
          xAxisIndex: 0,
          filterMode: "weakFilter",
          height: 14,
          bottom: 6,
          labelFormatter: (v: number) => dur(v),
          ...firstWindow,
        },
      ],
      series: [
        {
          type: "custom",
          name: "tasks",
          renderItem,
          encode: { x: [1, 2], y: 0 },
          dimensions: ["row", "start", "end", "task"],
          data: windowItems(),
          progressive: 0,
        },
      ],
    });
    autoResize(chart, chartEl);
    chart.on("click", (p) => show(((p as unknown as { data: number[] }).data[3] as number) ?? 0));
    return chart;
  };

  const show = (i: number) => {
    detail.replaceChildren(processTable(d, i));
  };
  const scrollTo = (i: number) => {
    const next = Math.max(0, Math.min(Math.max(0, n - visible), i));
    if (scroller) scroller.scrollTop = next * ROW_PX;
    redraw(next);
  };
  const redraw = (next: number) => {
    if (next === first && chart) return;
    first = next;
    if (!chart) return;
    chart.setOption({ yAxis: { data: windowLabels() }, series: [{ data: windowItems() }] });
    // The time axis follows the tasks in view (their span, padded), so a long run's bars are never slivers; the
    // bottom slider still reaches the whole run.
    chart.dispatchAction({ type: "dataZoom", dataZoomId: "x-slider", ...spanOf(first, first + visible - 1) });
  };
  let scroller: HTMLElement | undefined;
  if (n > visible) {
    scroller = h(
      "div",
      { class: "tl-scroll", style: `top:${GRID_TOP}px;height:${visible * ROW_PX}px`, "aria-label": "scroll the tasks" },
      h("div", { style: `height:${n * ROW_PX}px` }),
    );
    let pending = false;
    scroller.addEventListener(
      "scroll",
      () => {
        if (pending) return;
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          redraw(Math.round((scroller as HTMLElement).scrollTop / ROW_PX));
        });
      },
      { passive: true },
    );
    chartEl.addEventListener(
      "wheel",
      (e) => {
        if (!e.shiftKey || !scroller) return;
        e.preventDefault();
        scroller.scrollTop += e.deltaY || e.deltaX;
      },
      { passive: false },
    );
    chartBox.append(scroller);
  }
  return {
    element,
    draw,
    scrollTo,
    get count() {
      return n;
    },
    get first() {
      return first;
    },
    pixelOf(i: number) {
      if (!chart || i < first || i >= first + visible) return undefined;
      const mid = ((d.tasks.start[i] as number) + (d.tasks.end[i] as number)) / 2;
      const p = chart.convertToPixel({ seriesIndex: 0 }, [mid, i - first]) as number[];
      return [p[0] as number, p[1] as number];
    },
    focus(i: number) {
      if (i < first || i >= first + visible) scrollTo(i - Math.floor(visible / 2));
      show(i);
      chartEl.scrollIntoView({ block: "nearest" });
    },
  };
}
