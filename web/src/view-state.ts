/**
 * What a page shows — period, timezone, comparison, filters, chart choices — read from and written to
 * the URL's query string, so a link reproduces the view. Pure functions, tested without a browser.
 */
import type { TrendMetric } from '../../src/charts/options.js';

export const RANGES = [
  { key: 'today', label: 'Today', days: 1 },
  { key: 'last_7_days', label: 'Last 7 days', days: 7 },
  { key: 'last_30_days', label: 'Last 30 days', days: 30 },
  { key: 'last_90_days', label: 'Last 90 days', days: 90 },
  // beyond the raw window: the summary is answered from per-day states (percentiles within 0.5 %)
  { key: 'last_365_days', label: 'Last 365 days', days: 365 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];
export const GRANULARITIES = ['hourly', 'daily', 'weekly', 'monthly'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
const METRICS: readonly TrendMetric[] = ['new_enrollments', 'completions', 'conversions'];
/** What the segments of GET …/analytics/segments can be split by (an attribute: a key of execution.started's metadata, named in `segmentAttribute`). */
export const SEGMENTS = [
  { key: 'enrollment_source', label: 'Enrollment source' },
  { key: 'version', label: 'Version' },
  { key: 'variant', label: 'Variant' },
  { key: 'exit_reason', label: 'Exit reason' },
  { key: 'attribute', label: 'Attribute' },
] as const;
/** A metadata key the API accepts as an attribute (src/metrics/segments.ts ATTRIBUTE_PATTERN). */
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
export type SegmentBy = (typeof SEGMENTS)[number]['key'];

export interface View {
  /** A preset, or null when start and end are given. */
  range: RangeKey | null;
  start: string | null;
  end: string | null;
  timezone: string;
  compare: boolean;
  granularity: Granularity;
  version: number | null;
  variant: string | null;
  /** Only executions enrolled from this source (`?enrollment_source=`). */
  enrollmentSource: string | null;
  /** Only executions that exited with this reason (`?exit_reason=`). */
  exitReason: string | null;
  /** What the workflow page's segments table splits the cohort by (`?segment=`); null: no table. */
  segment: SegmentBy | null;
  /** With segment = attribute: the metadata key (`?attribute=`). */
  segmentAttribute: string | null;
  metrics: TrendMetric[];
  area: boolean;
  /** The watched metric of the anomaly chart (`?metric=`, as alert links give it); null: the default. */
  watch: string | null;
  /** The alert a notification link came from (`?alert=`). */
  alert: string | null;
  /** The executions behind a figure (`?drill=`: the drill-down's filters as a query, `all` for none; drilldown-model.ts); null: the figures. */
  drill: string | null;
  /** The execution whose timeline is open (`?execution=`). */
  execution: string | null;
  /** One workflow of the pages about every workflow (`?workflow=`, the errors page's filter); null: all of them. */
  workflow: string | null;
  /** A table's order (`?sort=`: a column key, `-` first for descending); null: the page's default. */
  sort: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function defaultView(timezone = browserTimezone()): View {
  return { range: 'last_30_days', start: null, end: null, timezone, compare: true, granularity: 'daily', version: null, variant: null, enrollmentSource: null, exitReason: null, segment: null, segmentAttribute: null, metrics: [...METRICS], area: false, watch: null, alert: null, drill: null, execution: null, workflow: null, sort: null };
}

export function parseView(search: string, timezone = browserTimezone()): View {
  const q = new URLSearchParams(search);
  const v = defaultView(q.get('timezone') || timezone);
  const start = q.get('start_date');
  const end = q.get('end_date');
  const range = q.get('range');
  if (start && end && DATE.test(start) && DATE.test(end)) {
    v.range = null;
    v.start = start <= end ? start : end;
    v.end = start <= end ? end : start;
  } else if (range && RANGES.some((r) => r.key === range)) {
    v.range = range as RangeKey;
  }
  if (q.get('compare') === 'off') v.compare = false;
  const g = q.get('granularity');
  if (g && (GRANULARITIES as readonly string[]).includes(g)) v.granularity = g as Granularity;
  const version = Number(q.get('version'));
  if (Number.isInteger(version) && version >= 1) v.version = version;
  if (q.get('variant')) v.variant = q.get('variant');
  if (q.get('enrollment_source')) v.enrollmentSource = q.get('enrollment_source')!.slice(0, 256);
  if (q.get('exit_reason')) v.exitReason = q.get('exit_reason')!.slice(0, 256);
  const segment = SEGMENTS.find((s) => s.key === q.get('segment'));
  if (segment) v.segment = segment.key;
  const attribute = q.get('attribute');
  if (attribute && ATTRIBUTE_KEY.test(attribute)) v.segmentAttribute = attribute;
  const metrics = q.get('metrics')?.split(',').filter((m): m is TrendMetric => (METRICS as readonly string[]).includes(m));
  if (metrics && metrics.length > 0) v.metrics = metrics;
  if (q.get('chart') === 'area') v.area = true;
  const watch = q.get('metric');
  if (watch && /^[a-z0-9_]{1,64}$/.test(watch)) v.watch = watch;
  if (q.get('alert')) v.alert = q.get('alert')!.slice(0, 64);
  if (q.get('drill')) v.drill = q.get('drill')!.slice(0, 2000);
  if (q.get('execution')) v.execution = q.get('execution')!.slice(0, 256);
  if (q.get('workflow')) v.workflow = q.get('workflow')!.slice(0, 128);
  const sort = q.get('sort');
  if (sort && /^-?[a-z_]{1,40}$/.test(sort)) v.sort = sort;
  return v;
}

/** The query string for a view: the period and timezone always, the rest only when not the default. */
export function viewSearch(v: View): string {
  const q = new URLSearchParams();
  if (v.range) q.set('range', v.range);
  else {
    q.set('start_date', v.start ?? '');
    q.set('end_date', v.end ?? '');
  }
  q.set('timezone', v.timezone);
  if (!v.compare) q.set('compare', 'off');
  if (v.granularity !== 'daily') q.set('granularity', v.granularity);
  if (v.version !== null) q.set('version', String(v.version));
  if (v.variant !== null) q.set('variant', v.variant);
  if (v.enrollmentSource !== null) q.set('enrollment_source', v.enrollmentSource);
  if (v.exitReason !== null) q.set('exit_reason', v.exitReason);
  if (v.segment !== null) q.set('segment', v.segment);
  if (v.segmentAttribute !== null) q.set('attribute', v.segmentAttribute);
  if (v.metrics.length !== METRICS.length) q.set('metrics', v.metrics.join(','));
  if (v.area) q.set('chart', 'area');
  if (v.watch !== null) q.set('metric', v.watch);
  if (v.alert !== null) q.set('alert', v.alert);
  if (v.drill !== null) q.set('drill', v.drill);
  if (v.execution !== null) q.set('execution', v.execution);
  if (v.workflow !== null) q.set('workflow', v.workflow);
  if (v.sort !== null) q.set('sort', v.sort);
  return `?${q.toString()}`;
}

/** The analytics endpoints' query parameters for a view (CONTRACT §6). */
export function analyticsParams(v: View, withCompare = true): Record<string, string | number | undefined> {
  return {
    ...(v.range ? { range: v.range } : { start_date: v.start ?? undefined, end_date: v.end ?? undefined }),
    timezone: v.timezone,
    granularity: v.granularity,
    ...(withCompare && v.compare ? { compare: 'previous_period' } : {}),
    version: v.version ?? undefined,
    variant: v.variant ?? undefined,
    enrollment_source: v.enrollmentSource ?? undefined,
    exit_reason: v.exitReason ?? undefined,
  };
}

/** How many days a view's period covers. */
export function periodDays(v: View): number {
  return v.range ? RANGES.find((r) => r.key === v.range)!.days : (Date.parse(v.end ?? '') - Date.parse(v.start ?? '')) / 86_400_000 + 1;
}

/** Hourly buckets only for short periods (the API refuses more than 50,000 buckets; a chart needs far fewer). */
/** The buckets a preset is shown in: today by the hour; a year by the week (365 days read as noise); else as chosen, never hourly. */
export function granularityForRange(range: RangeKey, current: Granularity): Granularity {
  if (range === 'today') return 'hourly';
  if (range === 'last_365_days' && (current === 'hourly' || current === 'daily')) return 'weekly';
  return current === 'hourly' ? 'daily' : current;
}

export function granularityAllowed(v: View, g: Granularity): boolean {
  if (g !== 'hourly') return true;
  return periodDays(v) <= 31;
}

/** The anomaly chart's bucket: hours for periods up to 14 days, days beyond. */
export function anomalyBucket(v: View): 'hour' | 'day' {
  return periodDays(v) <= 14 ? 'hour' : 'day';
}
