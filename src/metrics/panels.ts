/**
 * The analytics panels' response bodies (summary + trends, funnel, actions), with the previous period
 * when asked: shared by the HTTP routes, the JSON and PDF exports and the scheduled reports.
 */
import type { Store } from '../store/store.js';
import { actions } from './actions.js';
import { funnel } from './funnel.js';
import { previousPeriod, type Period } from './period.js';
import type { Scope } from './scope.js';
import { summaryChanges, summaryWithTrends } from './summary.js';

export const PeriodOut = (p: Period) => ({ start_date: p.startDate, end_date: p.endDate, timezone: p.timezone, granularity: p.granularity });

/** A panel's answer for the period and, with compare, for the period before under `comparison`. */
async function withComparison<T extends object>(scope: Scope, period: Period, compare: boolean, compute: (p: Period) => Promise<T>) {
  const current = await compute(period);
  const body: Record<string, unknown> = { workflow_id: scope.workflow, period: PeriodOut(period), filters: filtersOf(scope), ...current };
  const previous = compare ? await compute(previousPeriod(period)) : null;
  if (previous) body.comparison = { period: PeriodOut(previousPeriod(period)), ...previous };
  return { body, current, previous };
}

export async function summaryBody(store: Store, scope: Scope, period: Period, compare: boolean) {
  const { body, current, previous } = await withComparison(scope, period, compare, (p) => summaryWithTrends(store, scope, p));
  if (previous) (body.comparison as Record<string, unknown>).change_percent = summaryChanges(current.summary, previous.summary);
  return body;
}

export async function funnelBody(store: Store, scope: Scope, period: Period, compare: boolean) {
  return (await withComparison(scope, period, compare, (p) => funnel(store, scope, p))).body;
}

export async function actionsBody(store: Store, scope: Scope, period: Period, compare: boolean) {
  return (await withComparison(scope, period, compare, (p) => actions(store, scope, p))).body;
}

function filtersOf(scope: Scope) {
  return { version: scope.version ?? null, variant: scope.variant ?? null };
}
