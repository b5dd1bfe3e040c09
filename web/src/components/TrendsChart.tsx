/**
 * The trends chart: ECharts (only the line chart, grid, tooltip and legend parts, SVG renderer) drawing
 * the same options the PDF report draws (src/charts/options.ts), with the metrics and style chosen on the page.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { trendOptions, type TrendMetric } from '../../../src/charts/options.js';
import type { TrendRow } from '../api.js';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export function TrendsChart({ rows, previous, metrics, area, accent }: { rows: TrendRow[]; previous?: TrendRow[] | undefined; metrics: TrendMetric[]; area: boolean; accent?: string | undefined }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const node = el.current!;
    chart.current = echarts.init(node, undefined, { renderer: 'svg' });
    const resize = new ResizeObserver(() => chart.current?.resize());
    resize.observe(node);
    return () => {
      resize.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const options = trendOptions(rows, previous, accent, { metrics, area });
    // on a phone the legend scrolls instead of wrapping over the lines
    const narrow = (el.current?.clientWidth ?? 1000) < 560;
    chart.current?.setOption({ ...options, legend: { ...options.legend, ...(narrow ? { type: 'scroll' } : {}) } } as echarts.EChartsCoreOption, { notMerge: true });
  }, [rows, previous, metrics, area, accent]);

  return <div ref={el} className="chart" role="img" aria-label={`Trends: ${metrics.join(', ')} per bucket${previous ? ', previous period dashed' : ''}`} />;
}
