/**
 * The analytics panels' response bodies (summary + trends, funnel, actions), with the previous period
 * when asked: shared by the HTTP routes, the JSON and PDF exports and the scheduled reports.
 */
import type { WorkflowVersion } from '../ingest/catalog.js';
import type { Store } from '../store/store.js';
import { actions } from './actions.js';
import { funnel, totalsOf, type CohortTotals } from './funnel.js';
import { previousPeriod, type Period } from './period.js';
import type { Scope } from './scope.js';
import { summariesWithTrends, summaryChanges, type Summary } from './summary.js';

export const PeriodOut = (p: Period) => ({ start_date: p.startDate, end_date: p.endDate, timezone: p.timezone, granularity: p.granularity });

/**
 * A panel's answer for the period and, with compare, for the period before under `comparison`. `compute`
 * answers for a list of periods (the summary does both in one query); `each` makes one from a single-period panel.
 */
async function withComparison<T extends object>(scope: Scope, period: Period, compare: boolean, compute: (periods: Period[]) => Promise<T[]>) {
  const [current, previous = null] = await compute(compare ? [period, previousPeriod(period)] : [period]);
  const body: Record<string, unknown> = { workflow_id: scope.workflow, period: PeriodOut(period), filters: filtersOf(scope), ...current! };
  if (previous) body.comparison = { period: PeriodOut(previousPeriod(period)), ...previous };
  return { body, current: current!, previous };
}

const each = <T>(one: (p: Period) => Promise<T>) => async (periods: Period[]) => {
  const out: T[] = [];
  for (const p of periods) out.push(await one(p));
  return out;
};

export async function summaryBody(store: Store, scope: Scope, period: Period, compare: boolean) {
  const { body, current, previous } = await withComparison(scope, period, compare, (periods) => summariesWithTrends(store, scope, periods));
  if (previous) (body.comparison as Record<string, unknown>).change_percent = summaryChanges(current.summary, previous.summary);
  return body;
}

/**
 * `inputs`: what the caller has already (cached): the scope's workflow version, and a period's cohort totals.
 * Each period reads what is not given.
 */
export async function funnelBody(store: Store, scope: Scope, period: Period, compare: boolean, inputs: { catalog?: Promise<WorkflowVersion | null>; totals?: (p: Period) => Promise<CohortTotals> | undefined } = {}) {
  const one = (p: Period) => funnel(store, scope, p, { catalog: inputs.catalog, totals: inputs.totals?.(p) });
  return (await withComparison(scope, period, compare, each(one))).body;
}

export async function actionsBody(store: Store, scope: Scope, period: Period, compare: boolean, catalog?: Promise<WorkflowVersion | null>) {
  return (await withComparison(scope, period, compare, each((p) => actions(store, scope, p, { catalog })))).body;
}

/** The cohort totals a summary body (summaryBody) holds, for its period and, with compare, the period before; undefined for others. */
export function totalsIn(summary: Record<string, unknown>, period: Period): (p: Period) => Promise<CohortTotals> | undefined {
  const body = summary as { summary: Summary; comparison?: { summary: Summary } };
  const before = previousPeriod(period);
  const same = (a: Period, b: Period) => a.from.getTime() === b.from.getTime() && a.to.getTime() === b.to.getTime();
  return (p) => {
    if (same(p, period)) return Promise.resolve(totalsOf(body.summary));
    if (body.comparison && same(p, before)) return Promise.resolve(totalsOf(body.comparison.summary));
    return undefined;
  };
}

function filtersOf(scope: Scope) {
  return { version: scope.version ?? null, variant: scope.variant ?? null };
}
