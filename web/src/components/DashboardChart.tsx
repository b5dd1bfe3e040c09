/**
 * The dashboard widgets' chart: ECharts with the line, bar and pie charts, grid, legend and tooltip, SVG renderer.
 * Loaded on demand (LazyDashboardChart), so a dashboard's cards, tables and funnels show before the chart library.
 */
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export function DashboardChart({ options, label }: { options: Record<string, unknown>; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const node = el.current!;
    chart.current = echarts.init(node, undefined, { renderer: 'svg' });
    // a widget resized on the grid resizes its chart
    const resize = new ResizeObserver(() => chart.current?.resize());
    resize.observe(node);
    return () => {
      resize.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(options as echarts.EChartsCoreOption, { notMerge: true });
  }, [options]);
  return <div ref={el} className="widget-chart" role="img" aria-label={label} />;
}

export default DashboardChart;
