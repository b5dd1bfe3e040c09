/**
 * The analytics panels' response bodies (summary + trends, funnel, actions), with the previous period
 * when asked: shared by the HTTP routes, the JSON and PDF exports and the scheduled reports. Their types are
 * the API contract's (src/contract/analytics.ts), which the routes declare as their responses.
 */
import type { ActionsResponse, Filters, FunnelResponse, PeriodOut as PeriodBody, SummaryResponse } from '../contract/index.js';
import type { WorkflowVersion } from '../catalog/catalog.js';
import type { Store } from '../store/store.js';
import { actions } from './actions.js';
import { cohortTotals, funnel, type FunnelCounter } from './funnel.js';
import { rfc3339InZone } from '../time/calendar.js';
import { previousPeriod, type Period } from './period.js';
import { periodProgress } from './period-progress.js';
import { filtersOut, type Scope } from './scope.js';
import { summariesWithTrends, summaryChanges, type SummaryAndTrends } from './summary.js';

/**
 * How a caller keeps each period's part of a panel on its own (the query service: a closed period's part — the
 * previous period of a compare — outlives the events that do not touch it). Answers `periods`, computing only
 * those it does not keep, with `compute` (which answers a list of periods, in order).
 */
export type PeriodParts = <T>(panel: string, periods: Period[], compute: (missing: Period[]) => Promise<T[]>) => Promise<T[]>;

export const PeriodOut = (p: Period): PeriodBody => ({ start_date: p.startDate, end_date: p.endDate, timezone: p.timezone, granularity: p.granularity });

/**
 * A panel's answer for the period and, with compare, for the period before under `comparison` (with what
 * `more` adds from both). `compute` answers for a list of periods (the summary does both in one query);
 * `each` makes one from a single-period panel. Properties come in the order of the contract's schemas
 * (the serializer writes them in that order).
 */
async function withComparison<T extends object, M extends object>(scope: Scope, period: Period, compare: boolean, compute: (periods: Period[]) => Promise<T[]>, more: (now: T, before: T) => M, parts?: { panel: string; of: PeriodParts }) {
  const before = previousPeriod(period);
  const periods = compare ? [period, before] : [period];
  const [current, previous] = await (parts ? parts.of(parts.panel, periods, compute) : compute(periods));
  return {
    workflow_id: scope.workflow,
    period: PeriodOut(period),
    filters: filtersOf(scope),
    ...current!,
    ...(previous ? { comparison: { period: PeriodOut(before), ...previous, ...more(current!, previous) } } : {}),
  };
}

const each = <T>(one: (p: Period) => Promise<T>) => async (periods: Period[]) => {
  const out: T[] = [];
  for (const p of periods) out.push(await one(p));
  return out;
};

/**
 * The summary with trends; its periods say how far they have run at `now` (withPeriodProgress). `parts`: how the
 * caller keeps each period's summary and trends (the periods it does not keep are counted in one query); `count`: how
 * the periods' summaries are counted (the query service answers history periods from day states, summary-days.ts).
 */
export async function summaryBody(store: Store, scope: Scope, period: Period, compare: boolean, now = new Date(), parts?: PeriodParts, count: (periods: Period[]) => Promise<SummaryAndTrends[]> = (periods) => summariesWithTrends(store, scope, periods)): Promise<SummaryResponse> {
  const body: SummaryResponse = await withComparison(scope, period, compare, count, (current, before) => ({ change_percent: summaryChanges(current.summary, before.summary) }), parts && { panel: 'summary', of: parts });
  // while the period runs, its enrollments so far against the previous period's up to the same point (like with like)
  if (body.comparison && !periodProgress(period, now).complete) {
    const before = previousPeriod(period);
    const until = new Date(before.from.getTime() + Math.max(0, now.getTime() - period.from.getTime()));
    const { total } = await cohortTotals(store, scope, { ...before, to: until });
    body.comparison = { ...body.comparison, same_elapsed: { until: rfc3339InZone(until.getTime(), period.timezone), total_enrolled: total } };
  }
  return withPeriodProgress(body, period, now);
}

/** A summary's periods with how far they have run at `now` (periodProgress): set again when a cached summary is served. */
export function withPeriodProgress(body: SummaryResponse, period: Period, now = new Date()): SummaryResponse {
  const { comparison, ...rest } = body;
  return {
    ...rest,
    period: { ...body.period, ...periodProgress(period, now) },
    ...(comparison ? { comparison: { ...comparison, period: { ...comparison.period, ...periodProgress(previousPeriod(period), now) } } } : {}),
  };
}

/**
 * `inputs`: what the caller has already (cached) or keeps: the scope's workflow version, and how a period's counts
 * are had (the query service merges kept per-day states, funnel-days.ts). Each period reads what is not given.
 */
export async function funnelBody(store: Store, scope: Scope, period: Period, compare: boolean, inputs: { catalog?: Promise<WorkflowVersion | null>; counts?: FunnelCounter; parts?: PeriodParts } = {}): Promise<FunnelResponse> {
  const one = (p: Period) => funnel(store, scope, p, { ...(inputs.catalog ? { catalog: inputs.catalog } : {}), ...(inputs.counts ? { counts: inputs.counts } : {}) });
  return withComparison(scope, period, compare, each(one), () => ({}), inputs.parts && { panel: 'funnel', of: inputs.parts });
}

export async function actionsBody(store: Store, scope: Scope, period: Period, compare: boolean, catalog?: Promise<WorkflowVersion | null>, parts?: PeriodParts): Promise<ActionsResponse> {
  return withComparison(scope, period, compare, each((p) => actions(store, scope, p, { catalog })), () => ({}), parts && { panel: 'actions', of: parts });
}


function filtersOf(scope: Scope): Filters {
  return filtersOut(scope);
}
