/**
 * ECharts options for the trend and funnel charts. Pure data → options, with no DOM: the dashboard
 * renders them in the browser and the PDF report renders the same options to SVG on the server, so the
 * two always draw the same chart.
 */
import type { TrendRow } from '../metrics/trends.js';

export interface FunnelStepLike {
  step_id: string;
  step_name: string;
  entered: number;
  completed: number;
  dropped_off: number;
}

export const PALETTE = { primary: '#2563eb', success: '#16a34a', goal: '#9333ea', muted: '#94a3b8', danger: '#dc2626', text: '#0f172a', grid: '#e2e8f0' };

export function trendOptions(rows: readonly TrendRow[], previous?: readonly TrendRow[], accent = PALETTE.primary) {
  const series = [
    { name: 'Enrolled', type: 'line', data: rows.map((r) => r.new_enrollments), color: accent, areaStyle: { opacity: 0.08 }, symbol: 'none', smooth: false },
    { name: 'Completed', type: 'line', data: rows.map((r) => r.completions), color: PALETTE.success, symbol: 'none' },
    { name: 'Converted', type: 'line', data: rows.map((r) => r.conversions), color: PALETTE.goal, symbol: 'none' },
  ] as Array<Record<string, unknown>>;
  if (previous) {
    series.push({ name: 'Enrolled (previous period)', type: 'line', data: previous.map((r) => r.new_enrollments), color: accent, lineStyle: { type: 'dashed', opacity: 0.6 }, symbol: 'none' });
  }
  return {
    animation: false,
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif', color: PALETTE.text },
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    legend: { top: 4, left: 'center', itemWidth: 14, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: rows.map((r) => r.date.slice(0, 16).replace('T', ' ')), axisLabel: { fontSize: 10, hideOverlap: true }, axisLine: { lineStyle: { color: PALETTE.muted } } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: PALETTE.grid } } },
    series,
  };
}

/** Horizontal bars proportional to `entered`, the drop-off between steps as a lighter bar, the bottleneck in red. */
export function funnelOptions(steps: readonly FunnelStepLike[], bottleneck: string | null, accent = PALETTE.primary) {
  const names = steps.map((s) => s.step_name || s.step_id);
  return {
    animation: false,
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif', color: PALETTE.text },
    grid: { left: 120, right: 48, top: 28, bottom: 16 },
    legend: { top: 0, left: 'center', itemWidth: 14, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: PALETTE.grid } } },
    yAxis: { type: 'category', inverse: true, data: names, axisLabel: { fontSize: 10, width: 110, overflow: 'truncate' } },
    series: [
      {
        name: 'Completed step',
        type: 'bar',
        stack: 'funnel',
        color: accent,
        data: steps.map((s) => ({ value: s.completed, itemStyle: { color: s.step_id === bottleneck ? PALETTE.danger : accent } })),
        label: { show: true, position: 'insideLeft', fontSize: 10, color: '#fff', formatter: '{c}' },
      },
      {
        name: 'Dropped off',
        type: 'bar',
        stack: 'funnel',
        data: steps.map((s) => s.dropped_off),
        color: PALETTE.muted,
        itemStyle: { opacity: 0.45 },
        label: { show: true, position: 'right', fontSize: 10, formatter: (p: { value: number }) => (p.value > 0 ? `−${p.value}` : '') },
      },
    ],
  };
}
