/**
 * ECharts options for the trend and funnel charts. Pure data → options, with no DOM: the dashboard
 * renders them in the browser and the PDF report renders the same options to SVG on the server, so the
 * two always draw the same chart.
 */
/** One bucket of a trend (the analytics API's `trends[]` rows). */
export interface TrendLike {
  date: string;
  new_enrollments: number;
  completions: number;
  conversions: number;
}

export interface FunnelStepLike {
  step_id: string;
  step_name: string;
  entered: number;
  completed: number;
  dropped_off: number;
}

export const PALETTE = { primary: '#2563eb', success: '#16a34a', goal: '#9333ea', muted: '#94a3b8', danger: '#dc2626', text: '#0f172a', grid: '#e2e8f0' };

export const TREND_METRICS = [
  { key: 'new_enrollments', label: 'Enrolled' },
  { key: 'completions', label: 'Completed' },
  { key: 'conversions', label: 'Converted' },
] as const;
export type TrendMetric = (typeof TREND_METRICS)[number]['key'];

export interface TrendChoice {
  /** Metrics drawn, overlaid (default: all three). */
  metrics?: readonly TrendMetric[];
  /** Fill under every line (default: only under the first). */
  area?: boolean;
}

/** Bucket labels: dates as they are, minute/hourly instants as "YYYY-MM-DD HH:MM" in the period's timezone. */
const label = (date: string) => date.slice(0, 16).replace('T', ' ');

/** What every bucketed chart shares: no animation, fonts, grid, legend on top, axis tooltip, buckets along x. */
function bucketFrame(categories: readonly string[], options: { gridLeft: number; minInterval?: number; legend?: Record<string, unknown> }) {
  return {
    animation: false,
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif', color: PALETTE.text },
    grid: { left: options.gridLeft, right: 16, top: 36, bottom: 32 },
    legend: { top: 4, left: 'center', itemWidth: 14, textStyle: { fontSize: 11 }, ...options.legend },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: categories.map(label), axisLabel: { fontSize: 10, hideOverlap: true }, axisLine: { lineStyle: { color: PALETTE.muted } } },
    yAxis: { type: 'value', ...(options.minInterval ? { minInterval: options.minInterval } : {}), axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: PALETTE.grid } } },
  };
}

/**
 * Lines per metric over the period's buckets; with `previous`, the previous period's line of each metric
 * drawn dashed over the same bucket positions.
 */
export function trendOptions(rows: readonly TrendLike[], previous?: readonly TrendLike[], accent = PALETTE.primary, choice: TrendChoice = {}) {
  const colors: Record<TrendMetric, string> = { new_enrollments: accent, completions: PALETTE.success, conversions: PALETTE.goal };
  const shown = TREND_METRICS.filter((m) => (choice.metrics ?? TREND_METRICS.map((x) => x.key)).includes(m.key));
  const series: Array<Record<string, unknown>> = shown.map((m, i) => ({
    name: m.label,
    type: 'line',
    data: rows.map((r) => r[m.key]),
    color: colors[m.key],
    symbol: 'none',
    ...(choice.area || (choice.area === undefined && i === 0) ? { areaStyle: { opacity: choice.area ? 0.15 : 0.08 } } : {}),
  }));
  if (previous) {
    // the PDF shows only enrollments' previous line; the dashboard asks for its chosen metrics
    const compared = choice.metrics ? shown : shown.slice(0, 1);
    for (const m of compared) {
      series.push({ name: `${m.label} (previous period)`, type: 'line', data: previous.map((r) => r[m.key]), color: colors[m.key], lineStyle: { type: 'dashed', opacity: 0.6 }, symbol: 'none' });
    }
  }
  return { ...bucketFrame(rows.map((r) => r.date), { gridLeft: 48, minInterval: 1 }), series };
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

export interface SeriesSpec {
  name: string;
  data: number[];
  color?: string;
  /** Series with the same stack name are drawn on top of each other. */
  stack?: string;
  type?: 'bar' | 'line';
  dashed?: boolean;
}

/** Bars (stacked when series share a stack) and lines over the same buckets. */
export function seriesOptions(categories: readonly string[], series: readonly SeriesSpec[]) {
  return {
    ...bucketFrame(categories, { gridLeft: 56 }),
    series: series.map((s) => ({
      name: s.name,
      type: s.type ?? 'bar',
      data: s.data,
      ...(s.color ? { color: s.color } : {}),
      ...(s.stack ? { stack: s.stack } : {}),
      ...(s.type === 'line' ? { symbol: 'none', ...(s.dashed ? { lineStyle: { type: 'dashed' } } : {}) } : { barMaxWidth: 28 }),
    })),
  };
}

export interface ForecastPoint {
  date: string;
  value: number;
  lower: number;
  upper: number;
}

/**
 * A history line, then the forecast as a dashed line inside its prediction interval (a band drawn as a
 * transparent lower series with the interval's width stacked on it).
 */
export function forecastOptions(history: readonly { date: string; value: number }[], forecast: readonly ForecastPoint[], name: string, accent = PALETTE.primary) {
  const categories = [...history.map((h) => h.date), ...forecast.map((f) => f.date)];
  const pad = (n: number) => new Array<number | null>(n).fill(null);
  const last = history.at(-1);
  // the forecast line starts at the last actual day, so the two lines join
  const joined = last ? [...pad(history.length - 1), last.value] : [];
  return {
    ...bucketFrame(categories, { gridLeft: 56, legend: { data: [name, 'Forecast', '95% interval'] } }),
    series: [
      { name, type: 'line', data: [...history.map((h) => h.value), ...pad(forecast.length)], color: accent, symbol: 'none' },
      { name: 'Forecast', type: 'line', data: [...joined, ...forecast.map((f) => f.value)], color: accent, symbol: 'none', lineStyle: { type: 'dashed' } },
      { name: 'interval-base', type: 'line', stack: 'interval', data: [...pad(history.length), ...forecast.map((f) => f.lower)], symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } },
      { name: '95% interval', type: 'line', stack: 'interval', data: [...pad(history.length), ...forecast.map((f) => f.upper - f.lower)], symbol: 'none', color: accent, lineStyle: { opacity: 0 }, areaStyle: { opacity: 0.15 } },
    ],
  };
}
