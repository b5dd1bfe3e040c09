/**
 * ECharts options for the trend and funnel charts. Pure data → options, with no DOM: the dashboard
 * renders them in the browser and the PDF report renders the same options to SVG on the server, so the
 * two always draw the same chart. Labels, axes and tooltips write numbers and dates through the shared formats
 * (src/format), in the page's locale (the PDF's: en-US).
 */
import { formatBucketDate, formatMetricValue, formatNumber, formatRange } from '../format/index.js';
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

/** How the shared formats write a chart: the locale, the unit of its values, whether its buckets are months. */
export interface ChartFormat {
  locale?: string | undefined;
  /** The catalog unit of the values (usd, percent, hours, …); counts when absent. */
  unit?: string | undefined;
  /** Monthly buckets read as "Mar 2026". */
  monthly?: boolean | undefined;
}

/** A value as the chart writes it (axis ticks, tooltips): in its unit, a count otherwise. */
const valueText = (v: unknown, f: ChartFormat) => (typeof v === 'number' ? (f.unit ? formatMetricValue(v, f.unit, f.locale) : formatNumber(v, f.locale)) : '—');
/** A bucket as the axis writes it ("Mar 2", "Mar 2, 10:00", "Mar 2026"); `long` adds the year (tooltips). */
const bucketText = (date: string, f: ChartFormat, long = false) => formatBucketDate(date, f.locale, { monthly: f.monthly, long });

interface TooltipParam {
  seriesName: string;
  seriesIndex: number;
  dataIndex: number;
  value: unknown;
  marker: string;
  axisValue: string;
}

/** An axis tooltip: the bucket, then each series with a value, in its unit (`extra` may rewrite or drop a line). */
function axisTooltip(f: ChartFormat, line?: (p: TooltipParam) => string | null | undefined) {
  return (raw: TooltipParam | TooltipParam[]) => {
    const params = Array.isArray(raw) ? raw : [raw];
    if (params.length === 0) return '';
    const lines = params.map((p) => {
      const custom = line?.(p);
      if (custom !== undefined) return custom;
      return p.value === null || p.value === undefined || p.value === '-' ? null : `${p.marker}${p.seriesName}: <strong>${valueText(p.value, f)}</strong>`;
    });
    return [`<strong>${bucketText(params[0]!.axisValue, f, true)}</strong>`, ...lines.filter((x): x is string => !!x)].join('<br/>');
  };
}

/** What every bucketed chart shares: no animation, fonts, grid, legend on top, axis tooltip, buckets along x, values in their unit. */
function bucketFrame(categories: readonly string[], options: { gridLeft: number; minInterval?: number; legend?: Record<string, unknown>; format?: ChartFormat }) {
  const f = options.format ?? {};
  return {
    animation: false,
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif', color: PALETTE.text },
    grid: { left: options.gridLeft, right: 16, top: 36, bottom: 32 },
    legend: { top: 4, left: 'center', itemWidth: 14, textStyle: { fontSize: 11 }, ...options.legend },
    tooltip: { trigger: 'axis', formatter: axisTooltip(f) },
    xAxis: { type: 'category', data: [...categories], axisLabel: { fontSize: 10, hideOverlap: true, formatter: (v: string) => bucketText(v, f) }, axisLine: { lineStyle: { color: PALETTE.muted } } },
    yAxis: { type: 'value', ...(options.minInterval ? { minInterval: options.minInterval } : {}), axisLabel: { fontSize: 10, formatter: (v: number) => valueText(v, f) }, splitLine: { lineStyle: { color: PALETTE.grid } } },
  };
}

/** A dashed short line: the legend's mark of a previous period's series (its line is dashed and lighter). */
export const PREVIOUS_ICON = 'path://M0 6h5v3H0zM7 6h5v3H7zM14 6h5v3h-5z';
/** How a previous period's line is drawn: dashed, thinner, lighter than the current one. */
export const PREVIOUS_LINE = { type: 'dashed', width: 1.5, opacity: 0.55 } as const;
/** A previous period's series name: the metric's, marked "previous". */
export const previousName = (label: string) => `${label} (previous period)`;
/** Whether a series is a previous period's (named by previousName). */
export const isPrevious = (name: string) => name.endsWith(' (previous period)');

/** How far a period has run: the summary's period fields (periodProgress). */
export interface ProgressLike {
  complete?: boolean | undefined;
  buckets_begun?: number | undefined;
  bucket_in_progress?: string | null | undefined;
}

/**
 * Lines per metric over the period's buckets; with `previous`, the previous period's line of each metric drawn
 * dashed and lighter over the same bucket positions (never past the current period's last bucket). With
 * `progress` of a period that includes now, only the buckets begun are drawn (the future is not zeros) and the
 * bucket in progress is marked: its segment dashed, a line labelled "so far".
 */
export function trendOptions(rows: readonly TrendLike[], previous?: readonly TrendLike[], accent = PALETTE.primary, choice: TrendChoice & { progress?: ProgressLike | undefined; format?: ChartFormat } = {}) {
  const colors: Record<TrendMetric, string> = { new_enrollments: accent, completions: PALETTE.success, conversions: PALETTE.goal };
  const shown = TREND_METRICS.filter((m) => (choice.metrics ?? TREND_METRICS.map((x) => x.key)).includes(m.key));
  const p = choice.progress;
  const drawn = p && p.complete === false && p.buckets_begun !== undefined ? rows.slice(0, p.buckets_begun) : rows;
  const partial = p && p.complete === false && p.bucket_in_progress ? drawn.findIndex((r) => r.date === p.bucket_in_progress) : -1;
  const before = previous?.slice(0, drawn.length);
  const series: Array<Record<string, unknown>> = [];
  shown.forEach((m, i) => {
    const values = drawn.map((r) => r[m.key]);
    const area = choice.area || (choice.area === undefined && i === 0) ? { areaStyle: { opacity: choice.area ? 0.15 : 0.08 } } : {};
    series.push({
      name: m.label, type: 'line', color: colors[m.key], symbol: 'none', ...area,
      // the bucket in progress is drawn by the dashed segment below, not as a fall of the solid line
      data: partial > 0 ? values.map((v, k) => (k === partial ? null : v)) : values,
      ...(i === 0 && partial >= 0 ? { markLine: { silent: true, symbol: 'none', lineStyle: { color: PALETTE.muted, type: 'dotted' }, label: { formatter: 'so far', fontSize: 10, color: PALETTE.muted }, data: [{ xAxis: drawn[partial]!.date }] } } : {}),
    });
    if (partial > 0) series.push({ name: m.label, type: 'line', color: colors[m.key], symbol: 'circle', symbolSize: 4, lineStyle: { type: 'dashed' }, data: values.map((v, k) => (k === partial || k === partial - 1 ? v : null)), tooltip: { show: false } });
  });
  if (before) {
    // the PDF shows only enrollments' previous line; the dashboard asks for its chosen metrics
    const compared = choice.metrics ? shown : shown.slice(0, 1);
    for (const m of compared) {
      series.push({ name: previousName(m.label), type: 'line', data: before.map((r) => r[m.key]), color: colors[m.key], lineStyle: PREVIOUS_LINE, symbol: 'none', z: 1 });
    }
  }
  const f = choice.format ?? {};
  const names = series.map((x) => x.name as string).filter((n, k, all) => all.indexOf(n) === k);
  const frame = bucketFrame(drawn.map((r) => r.date), { gridLeft: 48, minInterval: 1, format: f, legend: { data: names.map((n) => (isPrevious(n) ? { name: n, icon: PREVIOUS_ICON, itemStyle: { opacity: 0.6 } } : { name: n })) } });
  return {
    ...frame,
    tooltip: {
      trigger: 'axis',
      formatter: axisTooltip(f, (q) => {
        const s = series[q.seriesIndex];
        if (s?.tooltip) return null;
        const name = q.dataIndex === partial && !isPrevious(q.seriesName) ? `${q.seriesName} (so far)` : q.seriesName;
        const value = q.dataIndex === partial && q.value === null ? drawn[partial]![TREND_METRICS.find((m) => m.label === q.seriesName)?.key ?? 'new_enrollments'] : q.value;
        const when = isPrevious(q.seriesName) && before?.[q.dataIndex] ? ` <span style="opacity:.7">(${bucketText(before[q.dataIndex]!.date, f)})</span>` : '';
        return value === null || value === undefined ? null : `${q.marker}${name}: <strong>${valueText(value, f)}</strong>${when}`;
      }),
    },
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
        label: { show: true, position: 'insideLeft', fontSize: 10, color: '#fff', formatter: (p: { value: number }) => formatNumber(p.value) },
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
export function seriesOptions(categories: readonly string[], series: readonly SeriesSpec[], format: ChartFormat = {}) {
  return {
    ...bucketFrame(categories, { gridLeft: 56, format }),
    series: series.map((s) => ({
      name: s.name,
      type: s.type ?? 'bar',
      data: s.data,
      ...(s.color ? { color: s.color } : {}),
      ...(s.stack ? { stack: s.stack } : {}),
      ...(s.type === 'line' ? { symbol: 'none', ...(s.dashed ? { lineStyle: PREVIOUS_LINE } : {}) } : { barMaxWidth: 28 }),
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
 * transparent lower series with the interval's width stacked on it). The tooltip names the values, not the
 * drawing: "Forecast $1.33", "95% interval $0.68–$1.99" (never the band's width).
 */
export function forecastOptions(history: readonly { date: string; value: number }[], forecast: readonly ForecastPoint[], name: string, accent = PALETTE.primary, format: ChartFormat = {}) {
  const categories = [...history.map((h) => h.date), ...forecast.map((f) => f.date)];
  const pad = (n: number) => new Array<number | null>(n).fill(null);
  const last = history.at(-1);
  // the forecast line starts at the last actual day, so the two lines join
  const joined = last ? [...pad(history.length - 1), last.value] : [];
  const tooltip = (raw: TooltipParam | TooltipParam[]) => {
    const i = (Array.isArray(raw) ? raw[0] : raw)?.dataIndex;
    if (i === undefined) return '';
    const head = `<strong>${bucketText(categories[i]!, format, true)}</strong>`;
    if (i < history.length) return `${head}<br/>${name}: <strong>${valueText(history[i]!.value, format)}</strong>`;
    const f = forecast[i - history.length]!;
    return `${head}<br/>Forecast <strong>${valueText(f.value, format)}</strong><br/>95% interval <strong>${formatRange(f.lower, f.upper, format.unit, format.locale)}</strong>`;
  };
  return {
    ...bucketFrame(categories, { gridLeft: 56, format, legend: { data: [name, 'Forecast', '95% interval'] } }),
    tooltip: { trigger: 'axis', formatter: tooltip },
    series: [
      { name, type: 'line', data: [...history.map((h) => h.value), ...pad(forecast.length)], color: accent, symbol: 'none' },
      { name: 'Forecast', type: 'line', data: [...joined, ...forecast.map((f) => f.value)], color: accent, symbol: 'none', lineStyle: { type: 'dashed' } },
      { name: 'interval-base', type: 'line', stack: 'interval', data: [...pad(history.length), ...forecast.map((f) => f.lower)], symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } },
      { name: '95% interval', type: 'line', stack: 'interval', data: [...pad(history.length), ...forecast.map((f) => f.upper - f.lower)], symbol: 'none', color: accent, lineStyle: { opacity: 0 }, areaStyle: { opacity: 0.15 } },
    ],
  };
}
