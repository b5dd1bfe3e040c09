/**
 * An ECharts chart of any option object (from src/charts/options.ts, experiment-options.ts and anomaly-options.ts): only
 * the line, bar, scatter (anomalies) and custom (error bars) charts, grid, legend, tooltip and mark lines are bundled, SVG renderer. Loaded lazily (see LazyChart), so pages read without it.
 * With `onPick`, a click anywhere in the plot picks the bucket (the x axis's category) under it.
 */
import { BarChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { fitLegend } from '../legend-fit.js';

echarts.use([LineChart, BarChart, CustomChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export function Chart({ options, label, height, onPick }: { options: Record<string, unknown>; label: string; height?: number; onPick?: ((index: number) => void) | undefined }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const node = el.current!;
    chart.current = echarts.init(node, undefined, { renderer: 'svg' });
    // a line drawn without symbols has nothing to click: the plot's x position says the bucket
    const zr = chart.current.getZr();
    const bucketAt = (x: number, y: number): number | null => {
      const c = chart.current;
      if (!c || !pick.current || !c.containPixel('grid', [x, y])) return null;
      const i = Math.round(Number(c.convertFromPixel({ xAxisIndex: 0 }, x)));
      return Number.isInteger(i) && i >= 0 ? i : null;
    };
    zr.on('click', (e) => {
      const i = bucketAt(e.offsetX, e.offsetY);
      if (i !== null) pick.current?.(i);
    });
    zr.on('mousemove', (e) => {
      if (bucketAt(e.offsetX, e.offsetY) !== null) zr.setCursorStyle('pointer');
    });
    const resize = new ResizeObserver(() => chart.current?.resize());
    resize.observe(node);
    return () => {
      resize.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // on a phone the legend wraps over rows (never paged) and the plot starts below it
    const width = el.current?.clientWidth ?? 1000;
    chart.current?.setOption((width < 560 ? fitLegend(options, width) : options) as echarts.EChartsCoreOption, { notMerge: true });
  }, [options]);

  return <div ref={el} className="chart" style={height ? { height } : undefined} role="img" aria-label={label} />;
}
