/**
 * ECharts options of the dashboard widgets: metrics per bucket as lines, areas or bars (each metric a colour, its
 * previous period dashed over the same positions; a second unit on a right-hand axis) and pies. Pure data → options.
 */
import type { WidgetDataOut } from './dashboard-queries.js';

export type SeriesData = NonNullable<WidgetDataOut['series']>;
export type PieData = NonNullable<WidgetDataOut['pie']>;

export const COLORS = ['#2563eb', '#16a34a', '#9333ea', '#d97706', '#0891b2', '#dc2626', '#64748b', '#db2777'];
const TEXT = '#0f172a';
const GRID = '#e2e8f0';

/** A bucket as a short label: hours as "MM-DD HH:00", days as they are. */
export function bucketLabel(label: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}/.test(label)) return `${label.slice(5, 10)} ${label.slice(11, 13)}:00`;
  return label;
}

export function seriesChartOptions(s: SeriesData, kind: 'line' | 'area' | 'bar', accent = COLORS[0]!) {
  const colors = [accent, ...COLORS.filter((c) => c !== accent)];
  const units = [...new Set(s.metrics.map((m) => m.unit))].slice(0, 2);
  // a first unit on the left axis, a second on the right (a third shares the left)
  const axisOf = (unit: string) => (units.indexOf(unit) === 1 ? 1 : 0);
  const series: Array<Record<string, unknown>> = [];
  s.metrics.forEach((m, i) => {
    const color = colors[i % colors.length];
    const common = { yAxisIndex: axisOf(m.unit), color };
    series.push({
      name: m.label, data: m.values, ...common,
      ...(kind === 'bar' ? { type: 'bar', barMaxWidth: 28 } : { type: 'line', symbol: 'none', ...(kind === 'area' ? { areaStyle: { opacity: 0.15 } } : {}) }),
    });
    if (m.previous) series.push({ name: `${m.label} (previous period)`, type: 'line', data: m.previous, ...common, symbol: 'none', lineStyle: { type: 'dashed', opacity: 0.6 } });
  });
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, Helvetica, Arial, sans-serif', color: TEXT },
    grid: { left: 52, right: units.length > 1 ? 52 : 16, top: units.length > 1 ? 52 : 34, bottom: 28 },
    legend: { top: 2, left: 'center', type: 'scroll', itemWidth: 14, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: s.labels.map(bucketLabel), axisLabel: { fontSize: 10, hideOverlap: true }, axisLine: { lineStyle: { color: '#94a3b8' } } },
    // the unit names the axes only when there are two (the legend says what one axis holds)
    yAxis: (units.length > 0 ? units : ['']).map((u, i) => ({ type: 'value', ...(units.length > 1 ? { name: u, nameTextStyle: { fontSize: 10 } } : {}), position: i === 0 ? 'left' : 'right', axisLabel: { fontSize: 10 }, splitLine: { show: i === 0, lineStyle: { color: GRID } } })),
    series,
  };
}

export function pieChartOptions(p: PieData) {
  const slices = p.slices.filter((x) => x.value > 0);
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, Helvetica, Arial, sans-serif', color: TEXT },
    color: COLORS,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    // the slices are listed beside the chart (in HTML, with their values)
    series: [{ type: 'pie', radius: ['40%', '75%'], center: ['50%', '50%'], avoidLabelOverlap: true, label: { show: false }, data: slices.map((x) => ({ name: x.label, value: x.value })) }],
  };
}
