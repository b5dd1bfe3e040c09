/**
 * ECharts options of the dashboard widgets: metrics per bucket as lines, areas or bars (each metric a colour, its
 * previous period dashed over the same positions; a second unit on a right-hand axis) and pies. Pure data → options.
 */
import { isPrevious, PREVIOUS_ICON, PREVIOUS_LINE, previousName } from '../../src/charts/options.js';
import type { WidgetDataOut } from './dashboard-queries.js';
import { formatBucketDate, formatMetricValue } from './format.js';
import { begunBuckets } from './period-progress.js';

export type SeriesData = NonNullable<WidgetDataOut['series']>;
export type PieData = NonNullable<WidgetDataOut['pie']>;

export const COLORS = ['#2563eb', '#16a34a', '#9333ea', '#d97706', '#0891b2', '#dc2626', '#64748b', '#db2777'];
const TEXT = '#0f172a';
const GRID = '#e2e8f0';

/** A bucket as the locale writes it, as the trend charts do: "Mar 2", "Mar 2, 10:00" (`long` adds the year). */
export function bucketLabel(label: string, locale?: string, long = false): string {
  return formatBucketDate(label, locale, { long });
}

interface AxisParam {
  seriesIndex: number;
  seriesName: string;
  dataIndex: number;
  value: unknown;
  marker: string;
  axisValue: string;
}

/**
 * Lines, areas or bars per metric over the buckets begun by now (with `timezone`, the period's: a period that
 * includes now lists its later buckets with zeros, which are the future and not drawn).
 */
export function seriesChartOptions(all: SeriesData, kind: 'line' | 'area' | 'bar', accent = COLORS[0]!, locale?: string, timezone?: string) {
  const n = timezone ? begunBuckets(all.labels.map((date) => ({ date })), timezone).length : all.labels.length;
  const s: SeriesData = { ...all, labels: all.labels.slice(0, n), metrics: all.metrics.map((m) => ({ ...m, values: m.values.slice(0, n) })) };
  const colors = [accent, ...COLORS.filter((c) => c !== accent)];
  const units = [...new Set(s.metrics.map((m) => m.unit))].slice(0, 2);
  // a first unit on the left axis, a second on the right (a third shares the left)
  const axisOf = (unit: string) => (units.indexOf(unit) === 1 ? 1 : 0);
  const series: Array<Record<string, unknown>> = [];
  const unitOf: string[] = [];
  const previousLabels: Array<readonly string[] | null> = [];
  s.metrics.forEach((m, i) => {
    const color = colors[i % colors.length];
    const common = { yAxisIndex: axisOf(m.unit), color };
    series.push({
      name: m.label, data: m.values, ...common,
      ...(kind === 'bar' ? { type: 'bar', barMaxWidth: 28 } : { type: 'line', symbol: 'none', ...(kind === 'area' ? { areaStyle: { opacity: 0.15 } } : {}) }),
    });
    unitOf.push(m.unit);
    previousLabels.push(null);
    // the previous period over the same positions, never past the current period's last bucket
    if (m.previous) {
      series.push({ name: previousName(m.label), type: 'line', data: m.previous.slice(0, s.labels.length), ...common, symbol: 'none', lineStyle: PREVIOUS_LINE, z: 1 });
      unitOf.push(m.unit);
      previousLabels.push(s.previous_labels);
    }
  });
  const value = (v: unknown, unit: string | undefined) => (typeof v === 'number' ? formatMetricValue(v, unit === '' ? undefined : unit, locale) : '—');
  const tooltip = (raw: AxisParam | AxisParam[]) => {
    const params = Array.isArray(raw) ? raw : [raw];
    if (params.length === 0) return '';
    const lines = params
      .filter((p) => typeof p.value === 'number')
      .map((p) => {
        const when = previousLabels[p.seriesIndex]?.[p.dataIndex];
        return `${p.marker}${p.seriesName}: <strong>${value(p.value, unitOf[p.seriesIndex])}</strong>${when ? ` <span style="opacity:.7">(${bucketLabel(when, locale)})</span>` : ''}`;
      });
    return [`<strong>${bucketLabel(params[0]!.axisValue, locale, true)}</strong>`, ...lines].join('<br/>');
  };
  const names = series.map((x) => x.name as string);
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, Helvetica, Arial, sans-serif', color: TEXT },
    grid: { left: 52, right: units.length > 1 ? 52 : 16, top: units.length > 1 ? 52 : 34, bottom: 28 },
    legend: { top: 2, left: 'center', type: 'scroll', itemWidth: 14, textStyle: { fontSize: 11 }, data: names.map((n) => (isPrevious(n) ? { name: n, icon: PREVIOUS_ICON, itemStyle: { opacity: 0.6 } } : { name: n })) },
    tooltip: { trigger: 'axis', formatter: tooltip },
    xAxis: { type: 'category', data: s.labels, axisLabel: { fontSize: 10, hideOverlap: true, formatter: (v: string) => bucketLabel(v, locale) }, axisLine: { lineStyle: { color: '#94a3b8' } } },
    // ticks in their unit ($, %, durations); the unit names the axes only when there are two
    yAxis: (units.length > 0 ? units : ['']).map((u, i) => ({ type: 'value', ...(units.length > 1 ? { name: u, nameTextStyle: { fontSize: 10 } } : {}), position: i === 0 ? 'left' : 'right', axisLabel: { fontSize: 10, formatter: (v: number) => value(v, u) }, splitLine: { show: i === 0, lineStyle: { color: GRID } } })),
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
