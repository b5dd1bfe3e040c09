/**
 * A widget's data: its query (metrics of the catalog, workflows, filters, a period relative or fixed, granularity,
 * compare) resolved at read time — a relative period in the widget's timezone — to answers the metrics query service
 * already gives: a workflow's summary and trends, funnel and actions (`queries.workflow(…)`), the overview of
 * several workflows, and a watched metric per UTC hour or day (`queries.series`). Nothing here writes SQL: it reads
 * those answers and adds them up across the widget's workflows (counts summed, rates from the summed counts).
 *
 * The workflows are decided by the caller (src/dashboards/dashboards.ts): what the viewer may read, or exactly
 * what a public dashboard names.
 */
import type { Summary, SummaryResponse, WidgetDataOut } from '../contract/index.js';
import { changePercent } from '../contract/index.js';
import { DomainError } from '../errors/domain-errors.js';
import { metric } from '../metrics/definitions.js';
import { workflowsOverview } from '../metrics/overview.js';
import { PeriodOut } from '../metrics/panels.js';
import { parsePeriod, previousPeriod, type Period } from '../metrics/period.js';
import type { MetricsQueryService } from '../metrics/query-service.js';
import { percent, round2, type Filters, type Target } from '../metrics/scope.js';
import { BUCKET_MS, type Bucket, type SeriesPoint, type SeriesWindow } from '../metrics/series.js';
import type { Widget } from './model.js';
import { cardSource, chartSource, OVERVIEW_FIGURES, OVERVIEW_COUNTS, SUMMARY_FIGURES, TREND_FIGURES, usesSeries } from './metrics.js';

/** The workflows a widget counts, decided by who is looking. */
export interface WidgetTarget {
  account: string;
  workflows: string[];
  /** Named by the widget but not shown (not readable, or gone). */
  omitted: number;
  /** Workflow names for tables and pies. */
  names: ReadonlyMap<string, string>;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** Hourly series longer than this are drawn per day. */
export const MAX_HOURLY_DAYS = 31;

const filtersOf = (w: Widget): Filters => ({ ...(w.version !== null ? { version: w.version } : {}), ...(w.variant !== null ? { variant: w.variant } : {}) });

/** The widget's period, resolved now (a relative range ends today in the widget's timezone). */
export function periodOf(w: Widget, now: Date): Period {
  return parsePeriod({ ...(w.range !== null ? { range: w.range } : { start_date: w.start_date ?? undefined, end_date: w.end_date ?? undefined }), timezone: w.timezone, granularity: w.granularity }, now);
}

/** The bucket-aligned window of UTC buckets covering a period. */
export function windowOf(p: Period, bucket: Bucket): SeriesWindow {
  const step = BUCKET_MS[bucket];
  return { from: new Date(Math.floor(p.from.getTime() / step) * step), to: new Date(Math.ceil(p.to.getTime() / step) * step) };
}
const previousWindow = (w: SeriesWindow): SeriesWindow => ({ from: new Date(2 * w.from.getTime() - w.to.getTime()), to: w.from });
const bucketLabel = (t: number, bucket: Bucket) => (bucket === 'day' ? new Date(t).toISOString().slice(0, 10) : `${new Date(t).toISOString().slice(0, 13)}:00Z`);

const weekdayHour = new Map<string, Intl.DateTimeFormat>();
/** The local weekday (0 = Monday) and hour of an instant in a timezone. */
export function localWeekdayHour(t: number, timezone: string): [number, number] {
  let f = weekdayHour.get(timezone);
  if (!f) weekdayHour.set(timezone, (f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' })));
  let day = 0;
  let hour = 0;
  for (const part of f.formatToParts(t)) {
    if (part.type === 'weekday') day = WEEKDAYS.indexOf(part.value);
    if (part.type === 'hour') hour = Number(part.value) % 24;
  }
  return [day, hour];
}

function empty(w: Widget, period: Period, target: WidgetTarget): WidgetDataOut {
  return { widget_id: w.widget_id, type: w.type, period: PeriodOut(period), workflows: target.workflows, omitted_workflows: target.omitted, note: null, error: null, card: null, series: null, funnel: null, table: null, heatmap: null, pie: null };
}

/**
 * Answers the widgets of one request. Widgets asking the same workflow's summary for the same period share it:
 * it is asked once, with the previous period when any of them compares.
 */
export class WidgetAnswers {
  private readonly compared = new Set<string>();

  constructor(
    private readonly queries: MetricsQueryService,
    private readonly now = new Date(),
  ) {}

  private summaryKey = (account: string, workflow: string, w: Widget, p: Period) => JSON.stringify([account, workflow, filtersOf(w), p.startDate, p.endDate, p.timezone, p.granularity]);

  /** Notes what the widgets will ask, so a summary several of them read is asked once. Call before answering. */
  plan(widgets: ReadonlyArray<{ widget: Widget; target: WidgetTarget }>): void {
    for (const { widget: w, target } of widgets) {
      if (!w.compare || usesSeries(w.type, w.metrics, w.breakdown)) continue;
      let p: Period;
      try {
        p = periodOf(w, this.now);
      } catch {
        continue;
      }
      for (const wf of target.workflows) this.compared.add(this.summaryKey(target.account, wf, w, p));
    }
  }

  private summaries(w: Widget, p: Period, t: WidgetTarget): Promise<SummaryResponse[]> {
    return Promise.all(t.workflows.map(async (workflow) => {
      const compare = this.compared.has(this.summaryKey(t.account, workflow, w, p));
      return (await this.queries.workflow({ account: t.account, workflow, ...filtersOf(w) }, p, compare)).summary();
    }));
  }

  private series(t: WidgetTarget, w: Widget, name: string, window: SeriesWindow, bucket: Bucket, perWorkflow = false): Promise<Map<string, SeriesPoint[]>> {
    const target: Target = { account: t.account, workflows: t.workflows, ...filtersOf(w) };
    return this.queries.series(target, name, window, bucket, perWorkflow);
  }

  private overview(t: WidgetTarget, w: Widget, p: Period) {
    const target: Target = { account: t.account, workflows: t.workflows, ...filtersOf(w) };
    // the same answer (and cache entry) as the overview of exactly these workflows
    return this.queries.answer('overview', target, p, null, () => workflowsOverview(this.queries.store, target, p));
  }

  async answer(w: Widget, t: WidgetTarget): Promise<WidgetDataOut> {
    let period: Period;
    try {
      period = periodOf(w, this.now);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const today = parsePeriod({ range: 'today' }, this.now);
      return { ...empty(w, today, t), error: e.detail };
    }
    const out = empty(w, period, t);
    if (t.workflows.length === 0) return { ...out, error: t.omitted > 0 ? 'None of the workflows this widget shows may be read here.' : 'There is no workflow to show.' };
    try {
      switch (w.type) {
        case 'metric':
          return await this.card(w, period, t, out);
        case 'line':
        case 'area':
        case 'bar':
          return await this.chart(w, period, t, out);
        case 'funnel':
          return await this.funnel(w, period, t, out);
        case 'table':
          return await this.table(w, period, t, out);
        case 'heatmap':
          return await this.heatmap(w, period, t, out);
        case 'pie':
          return await this.pie(w, period, t, out);
      }
    } catch (e) {
      // a figure the query cannot give (a bad period, a refused filter): said on the widget, the others still show
      if (e instanceof DomainError) return { ...out, error: e.detail };
      throw e;
    }
  }

  private async card(w: Widget, p: Period, t: WidgetTarget, out: WidgetDataOut): Promise<WidgetDataOut> {
    const name = w.metrics[0]!;
    const m = metric(name);
    const card = { metric: name, label: m.label, unit: m.unit, better: m.better, value: null as number | null, previous: null as number | null, change_percent: null as number | null };
    let note: string | null = null;
    const source = cardSource(name);
    if (source === 'series') {
      const bucket: Bucket = p.days <= 92 ? 'hour' : 'day';
      const window = windowOf(p, bucket);
      note = this.alignmentNote(p, window, bucket);
      const total = async (win: SeriesWindow) => totalOf(name, (await this.series(t, w, name, win, bucket)).get('') ?? []);
      card.value = await total(window);
      if (w.compare) card.previous = await total(previousWindow(window));
    } else {
      const summaries = await this.summaries(w, p, t);
      if (source === 'trends') {
        const key = TREND_FIGURES[name]!;
        const sum = (rows: ReadonlyArray<{ new_enrollments: number; completions: number; conversions: number }>) => rows.reduce((s, r) => s + r[key], 0);
        card.value = summaries.reduce((s, r) => s + sum(r.trends), 0);
        if (w.compare) card.previous = summaries.reduce((s, r) => s + sum(r.comparison!.trends), 0);
      } else {
        const combined = combineSummaries(name, summaries.map((s) => s.summary));
        card.value = combined.value;
        note = combined.note;
        if (w.compare) card.previous = combineSummaries(name, summaries.map((s) => s.comparison!.summary)).value;
      }
    }
    if (w.compare) card.change_percent = changePercent(card.value, card.previous);
    return { ...out, card, note };
  }

  private alignmentNote(p: Period, window: SeriesWindow, bucket: Bucket): string | null {
    if (window.from.getTime() === p.from.getTime() && window.to.getTime() === p.to.getTime()) return null;
    return `Counted per UTC ${bucket}: the period's edges in ${p.timezone} are read as the UTC ${bucket}s that hold them (${window.from.toISOString()} to ${window.to.toISOString()}).`;
  }

  private async chart(w: Widget, p: Period, t: WidgetTarget, out: WidgetDataOut): Promise<WidgetDataOut> {
    if (chartSource(w.metrics) === 'trends') {
      const summaries = await this.summaries(w, p, t);
      const first = summaries[0]!;
      const sum = (pick: (s: SummaryResponse) => ReadonlyArray<Record<string, unknown>>, key: string) => pick(first).map((_, i) => summaries.reduce((s, r) => s + Number(pick(r)[i]![key]), 0));
      return {
        ...out,
        series: {
          buckets: 'period',
          labels: first.trends.map((r) => r.date),
          previous_labels: w.compare ? first.comparison!.trends.map((r) => r.date) : [],
          metrics: w.metrics.map((name) => {
            const key = TREND_FIGURES[name]!;
            const m = metric(name);
            return { metric: name, label: m.label, unit: m.unit, values: sum((s) => s.trends, key), previous: w.compare ? sum((s) => s.comparison!.trends, key) : null };
          }),
        },
      };
    }
    const bucket: Bucket = w.granularity === 'minute' || w.granularity === 'hourly' ? 'hour' : 'day';
    if (bucket === 'hour' && p.days > MAX_HOURLY_DAYS) return { ...out, error: `Watched metrics are drawn per hour over at most ${MAX_HOURLY_DAYS} days; choose daily buckets or a shorter period.` };
    const window = windowOf(p, bucket);
    const before = previousWindow(window);
    const labels: string[] = [];
    for (let at = window.from.getTime(); at < window.to.getTime(); at += BUCKET_MS[bucket]) labels.push(bucketLabel(at, bucket));
    const previousLabels: string[] = [];
    if (w.compare) for (let at = before.from.getTime(); at < before.to.getTime(); at += BUCKET_MS[bucket]) previousLabels.push(bucketLabel(at, bucket));
    const metrics = [];
    for (const name of w.metrics) {
      const m = metric(name);
      const values = ((await this.series(t, w, name, window, bucket)).get('') ?? []).map((pt) => pt.value);
      const previous = w.compare ? ((await this.series(t, w, name, before, bucket)).get('') ?? []).map((pt) => pt.value) : null;
      metrics.push({ metric: name, label: m.label, unit: m.unit, values, previous });
    }
    const granular = w.granularity !== (bucket === 'hour' ? 'hourly' : 'daily') && w.granularity !== 'minute' ? ` (not ${w.granularity}: watched metrics are kept per hour and day)` : '';
    return { ...out, note: [this.alignmentNote(p, window, bucket), granular ? `Drawn per ${bucket}${granular}.` : null].filter(Boolean).join(' ') || null, series: { buckets: bucket, labels, previous_labels: previousLabels, metrics } };
  }

  private async funnel(w: Widget, p: Period, t: WidgetTarget, out: WidgetDataOut): Promise<WidgetDataOut> {
    if (t.workflows.length !== 1) return { ...out, error: `A funnel shows one workflow; this one would show ${t.workflows.length}: name one.` };
    const f = await (await this.queries.workflow({ account: t.account, workflow: t.workflows[0]!, ...filtersOf(w) }, p, false)).funnel();
    return { ...out, funnel: { total_enrolled: f.total_enrolled, funnel_steps: f.funnel_steps, overall_conversion: f.overall_conversion, drop_off_points: f.drop_off_points, bottleneck_step: f.bottleneck_step, slowest_step: f.slowest_step, biggest_loss_step: f.biggest_loss_step, slowest_working_step: f.slowest_working_step } };
  }

  private async table(w: Widget, p: Period, t: WidgetTarget, out: WidgetDataOut): Promise<WidgetDataOut> {
    if (w.rows === 'actions') {
      if (t.workflows.length !== 1) return { ...out, error: `A table of actions shows one workflow; this one would show ${t.workflows.length}: name one.` };
      const a = await (await this.queries.workflow({ account: t.account, workflow: t.workflows[0]!, ...filtersOf(w) }, p, false)).actions();
      const columns = [
        { key: 'executions', label: 'Runs', unit: 'events' },
        { key: 'failures', label: 'Failures', unit: 'events' },
        { key: 'error_rate', label: 'Error rate', unit: 'percent' },
        { key: 'average_duration_ms', label: 'Mean duration', unit: 'milliseconds' },
        { key: 'p95_duration_ms', label: 'p95 duration', unit: 'milliseconds' },
      ] as const;
      return { ...out, table: { columns: [...columns], rows: a.actions.map((r) => ({ id: r.action_id, label: r.action_name || r.action_id, values: columns.map((c) => r[c.key]) })) } };
    }
    const figures = await this.overview(t, w, p);
    const columns = w.metrics.map((name) => ({ key: name, label: metric(name).label, unit: metric(name).unit }));
    return {
      ...out,
      table: { columns, rows: figures.map((f) => ({ id: f.workflow_id, label: t.names.get(f.workflow_id) ?? f.workflow_id, values: w.metrics.map((name) => f[OVERVIEW_FIGURES[name]!]) })) },
    };
  }

  private async heatmap(w: Widget, p: Period, t: WidgetTarget, out: WidgetDataOut): Promise<WidgetDataOut> {
    const name = w.metrics[0]!;
    const window = windowOf(p, 'hour');
    const points = (await this.series(t, w, name, window, 'hour')).get('') ?? [];
    const cells = WEEKDAYS.map(() => new Array<number>(24).fill(0));
    let total = 0;
    for (const pt of points) {
      const v = pt.value ?? 0;
      if (v === 0) continue;
      const [day, hour] = localWeekdayHour(pt.t, p.timezone);
      cells[day]![hour]! += v;
      total += v;
    }
    const round = (x: number) => Math.round(x * 10000) / 10000;
    const rounded = cells.map((row) => row.map(round));
    const halfHours = p.from.getTime() % 3_600_000 !== 0;
    return {
      ...out,
      note: halfHours ? `${p.timezone}'s hours do not start on UTC hours: each UTC hour is placed at the local hour it starts in.` : this.alignmentNote(p, window, 'hour'),
      heatmap: { metric: name, label: metric(name).label, timezone: p.timezone, weekdays: WEEKDAYS, cells: rounded, max: Math.max(0, ...rounded.flat()), total: round(total) },
    };
  }

  private async pie(w: Widget, p: Period, t: WidgetTarget, out: WidgetDataOut): Promise<WidgetDataOut> {
    const breakdown = w.breakdown ?? 'outcome';
    if (breakdown === 'workflow') {
      const name = w.metrics[0]!;
      const m = metric(name);
      let values: Array<[string, number]>;
      if (OVERVIEW_COUNTS.includes(name)) {
        values = (await this.overview(t, w, p)).map((f) => [f.workflow_id, Number(f[OVERVIEW_FIGURES[name]!])]);
      } else {
        const bucket: Bucket = p.days <= 92 ? 'hour' : 'day';
        const per = await this.series(t, w, name, windowOf(p, bucket), bucket, true);
        values = t.workflows.map((wf) => [wf, round4(totalOf(name, per.get(wf) ?? []) ?? 0)]);
      }
      const slices = values.map(([id, v]) => ({ key: id, label: t.names.get(id) ?? id, value: v })).sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
      return { ...out, pie: { breakdown, metric: name, unit: m.unit, slices } };
    }
    const summaries = (await this.summaries(w, p, t)).map((s) => s.summary);
    const sum = (read: (s: Summary) => number) => summaries.reduce((n, s) => n + read(s), 0);
    if (breakdown === 'outcome') {
      const slices = [
        { key: 'converted', label: 'Converted', value: sum((s) => s.goals_achieved) },
        { key: 'completed', label: 'Completed without a goal', value: sum((s) => s.completed - s.goals_achieved) },
        { key: 'active', label: 'Active', value: sum((s) => s.currently_active) },
        { key: 'exited', label: 'Exited', value: sum((s) => s.exited) },
        { key: 'failed', label: 'Failed', value: sum((s) => s.errored) },
      ];
      return { ...out, pie: { breakdown, metric: null, unit: 'executions', slices } };
    }
    const field = ({ exit_reasons: 'exit_reasons', error_types: 'error_types', enrollment_sources: 'enrollment_sources', goals: 'goal_breakdown' } as const)[breakdown];
    const counts = new Map<string, number>();
    for (const s of summaries) for (const [k, n] of Object.entries(s[field])) counts.set(k, (counts.get(k) ?? 0) + n);
    const slices = [...counts].map(([k, n]) => ({ key: k, label: k, value: n })).sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
    return { ...out, pie: { breakdown, metric: null, unit: 'executions', slices } };
  }
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

/** A watched metric over a window: counts and sums add up; a rate is Σ(value × volume) ÷ Σ volume (its volume is its denominator). */
export function totalOf(name: string, points: readonly SeriesPoint[]): number | null {
  const m = metric(name);
  if (m.kind === 'count' || m.kind === 'sum') return round4(points.reduce((s, pt) => s + (pt.value ?? 0), 0));
  if (m.kind === 'rate') {
    const volume = points.reduce((s, pt) => s + (pt.value === null ? 0 : pt.volume), 0);
    const part = points.reduce((s, pt) => s + (pt.value === null ? 0 : (pt.value * pt.volume) / 100), 0);
    return volume > 0 ? percent(Math.round(part), volume) : null;
  }
  return null;
}

/** A summary figure over several workflows' summaries: counts summed, rates from the summed counts, means weighted by their counts. */
export function combineSummaries(name: string, summaries: readonly Summary[]): { value: number | null; note: string | null } {
  const f = SUMMARY_FIGURES[name]!;
  if (summaries.length === 1) return { value: f.read(summaries[0]!), note: null };
  switch (f.combine) {
    case 'count':
      return { value: summaries.reduce((s, x) => s + (f.read(x) ?? 0), 0), note: null };
    case 'rate':
      return { value: percent(summaries.reduce((s, x) => s + f.numerator!(x), 0), summaries.reduce((s, x) => s + f.denominator!(x), 0)), note: null };
    case 'mean': {
      const parts = summaries.filter((x) => f.read(x) !== null && f.weight!(x) > 0);
      const weight = parts.reduce((s, x) => s + f.weight!(x), 0);
      const value = weight > 0 ? round2(parts.reduce((s, x) => s + f.read(x)! * f.weight!(x), 0) / weight) : null;
      return { value, note: `The mean over ${summaries.length} workflows: each workflow's mean (2 decimals) weighted by its executions.` };
    }
    case 'percentile':
      return { value: null, note: `A percentile of several workflows is not made of theirs: name one workflow to see it.` };
  }
}
