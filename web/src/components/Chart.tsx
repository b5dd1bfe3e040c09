/**
 * An ECharts chart of any option object (from src/charts/options.ts, experiment-options.ts and anomaly-options.ts): only
 * the line, bar, scatter (anomalies) and custom (error bars) charts, grid, legend, tooltip and mark lines are bundled, SVG renderer. Loaded lazily (see LazyChart), so pages read without it.
 */
import { BarChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, BarChart, CustomChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export function Chart({ options, label, height }: { options: Record<string, unknown>; label: string; height?: number }) {
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
    // on a phone the legend scrolls instead of wrapping over the lines
    const narrow = (el.current?.clientWidth ?? 1000) < 560;
    const legend = options.legend as Record<string, unknown> | undefined;
    chart.current?.setOption({ ...options, ...(legend && narrow ? { legend: { ...legend, type: 'scroll' } } : {}) } as echarts.EChartsCoreOption, { notMerge: true });
  }, [options]);

  return <div ref={el} className="chart" style={height ? { height } : undefined} role="img" aria-label={label} />;
}
