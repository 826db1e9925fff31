// The charting library, reduced to what the page draws: a custom series (the timeline's bars), line series (the
// resource profile), axes, tooltips, zoom and cap lines. The timeline is drawn as SVG (its bars and labels are
// elements, crisp when printed or zoomed), the resource profile on a canvas (long lines draw faster there).
import { CustomChart, LineChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer, SVGRenderer } from "echarts/renderers";

echarts.use([
  CustomChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  MarkLineComponent,
  SVGRenderer,
  CanvasRenderer,
]);

export { echarts };

/** Charts follow their container's width. */
export function autoResize(chart: echarts.ECharts, el: HTMLElement): void {
  let last = el.clientWidth;
  new ResizeObserver(() => {
    if (el.clientWidth !== last) {
      last = el.clientWidth;
      chart.resize();
    }
  }).observe(el);
}
