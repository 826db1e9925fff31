// The run's resource profile over time: cores busy, storage MB/s, network MB/s per direction and resident memory,
// one panel each on a shared time axis, with the instance's caps (vCPUs, EBS and network baselines, memory)
// drawn in when the instance type is known.
import type { ReportData } from "../src/data/types.js";
import { autoResize, echarts } from "./charts.js";
import { COLORS } from "./colors.js";
import { h, section } from "./dom.js";
import { dur, mbps } from "./format.js";

const GIB = 1024 ** 3;
const PANEL_PX = 92;
const GAP_PX = 44;

interface Panel {
  title: string;
  unit: string;
  /** The least the axis shows (an idle resource is a flat line at the bottom, not noise blown up). */
  floor: number;
  series: { name: string; color: string; values: number[]; area?: boolean }[];
  cap?: { value: number; label: string };
}

export function profileSection(d: ReportData): { element: HTMLElement; draw(): echarts.ECharts } {
  const p = d.profile;
  const inst = d.run.instance;
  const mb = (a: number[]) => a.map((v) => v / 1e6);
  const panels: Panel[] = [
    {
      title: "CPU cores busy",
      unit: "cores",
      floor: 1,
      series: [{ name: "cores busy", color: COLORS.cpu, values: p.cores, area: true }],
      ...(inst ? { cap: { value: inst.vcpu, label: `${inst.vcpu} vCPUs` } } : {}),
    },
    {
      title: "Storage",
      unit: "MB/s",
      floor: 1,
      series: [
        { name: "storage read + write", color: COLORS.io, values: mb(p.storageBps), area: true },
        ...(p.storageDevices ?? []).map((dev, k) => ({
          name: dev.name,
          color: ["#8c564b", "#9467bd", "#17becf", "#7f7f7f"][k % 4] as string,
          values: mb(dev.bps),
        })),
      ],
      ...(inst?.ebsBaselineBps !== undefined
        ? { cap: { value: inst.ebsBaselineBps / 1e6, label: `EBS baseline ${mbps(inst.ebsBaselineBps)}` } }
        : {}),
    },
    {
      title: "Network",
      unit: "MB/s",
      floor: 1,
      series: [
        { name: "sent", color: "#2a9d8f", values: mb(p.netTxBps) },
        { name: "received", color: "#6a4c93", values: mb(p.netRxBps) },
      ],
      ...(inst?.networkBaselineBps !== undefined
        ? {
            cap: {
              value: inst.networkBaselineBps / 1e6,
              label: `network baseline ${mbps(inst.networkBaselineBps)} each way`,
            },
          }
        : {}),
    },
    {
      title: "Resident memory (upper bound)",
      unit: "GiB",
      floor: 0.1,
      series: [{ name: "resident", color: "#5c6b7a", values: p.rssBytes.map((v) => v / GIB), area: true }],
      ...(inst ? { cap: { value: inst.memoryBytes / GIB, label: `${(inst.memoryBytes / GIB).toFixed(0)} GiB` } } : {}),
    },
  ];
  const chartEl = h("div", {
    class: "chart",
    id: "profile-chart",
    style: `height:${panels.length * (PANEL_PX + GAP_PX) + 40}px`,
  });
  const element = section(
    "resources",
    "Resources over time",
    h(
      "p",
      { class: "hint" },
      inst
        ? `Dashed lines: the caps of ${inst.type} (${inst.vcpu} vCPUs, ${(inst.memoryBytes / GIB).toFixed(0)} GiB${inst.ebsBaselineBps !== undefined ? `, EBS baseline ${mbps(inst.ebsBaselineBps)}` : ""}${inst.networkBaselineBps !== undefined ? `, network ${mbps(inst.networkBaselineBps)}` : ""}).`
        : "The instance type is not known (host.type on the spans, or --instance), so no caps are drawn.",
    ),
    chartEl,
    h("ul", { class: "notes" }, ...p.notes.map((n) => h("li", null, n))),
  );

  const t = (k: number) => (k + 0.5) * p.binS;
  const draw = () => {
    const chart = echarts.init(chartEl, null, { renderer: "canvas" });
    const grids = panels.map((_, k) => ({ left: 70, right: 24, top: 28 + k * (PANEL_PX + GAP_PX), height: PANEL_PX }));
    chart.setOption({
      animation: false,
      grid: grids,
      axisPointer: { link: [{ xAxisIndex: "all" }] },
      tooltip: {
        trigger: "axis",
        transitionDuration: 0,
        valueFormatter: (v: number) => (typeof v === "number" ? v.toFixed(v >= 100 ? 0 : 2) : String(v)),
      },
      xAxis: panels.map((_, k) => ({
        type: "value",
        gridIndex: k,
        min: 0,
        max: d.run.wallS,
        axisLabel: { formatter: (v: number) => dur(v), fontSize: 10 },
        splitLine: { show: false },
      })),
      yAxis: panels.map((panel, k) => ({
        type: "value",
        gridIndex: k,
        name: `${panel.title} (${panel.unit})`,
        nameLocation: "end",
        nameGap: 8,
        nameTextStyle: { align: "left", fontWeight: "bold", color: "#333" },
        splitNumber: 2,
        max: (v: { max: number }) => {
          const data = Math.max(v.max, panel.cap?.value ?? 0);
          if (data <= panel.floor) return panel.floor;
          const top = data * 1.1;
          return Number(top.toPrecision(2));
        },
        axisLabel: { fontSize: 10 },
        splitLine: { lineStyle: { color: "#eef0f3" } },
      })),
      dataZoom: [
        { type: "inside", xAxisIndex: panels.map((_, k) => k), zoomOnMouseWheel: "ctrl", moveOnMouseWheel: false },
        {
          type: "slider",
          xAxisIndex: panels.map((_, k) => k),
          height: 14,
          bottom: 6,
          labelFormatter: (v: number) => dur(v),
        },
      ],
      series: panels.flatMap((panel, k) =>
        panel.series.map((s, j) => ({
          type: "line",
          name: s.name,
          xAxisIndex: k,
          yAxisIndex: k,
          showSymbol: false,
          lineStyle: { width: 1.2, color: s.color },
          itemStyle: { color: s.color },
          ...(s.area ? { areaStyle: { color: s.color, opacity: 0.25 } } : {}),
          data: s.values.map((v, i) => [t(i), v]),
          ...(j === 0 && panel.cap
            ? {
                markLine: {
                  silent: true,
                  symbol: "none",
                  lineStyle: { color: "#b3261e", type: "dashed", width: 1.2 },
                  label: { formatter: panel.cap.label, position: "insideEndTop", color: "#b3261e", fontSize: 10 },
                  data: [{ yAxis: panel.cap.value }],
                },
              }
            : {}),
        })),
      ),
    });
    autoResize(chart, chartEl);
    return chart;
  };
  return { element, draw };
}
