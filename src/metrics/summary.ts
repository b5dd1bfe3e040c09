/**
 * The cohort summary (CONTRACT §6): enrolled, active, completed, goals, rates, durations, breakdowns; with
 * the trends of the period, which the same pass over the facts counts.
 */
import { changePercent, COMPARED, type Percentiles, type Summary, type SummaryAndTrends, type SummaryChange } from '../contract/index.js';
import type { Store } from '../store/store.js';
import { FACTS, NEAR } from '../store/execution-facts.js';
import { ANY_MOMENT_IN, periodSuffix, TREND_COUNTS_SQL, trendRows } from './trends.js';
import { buckets, type Period } from './period.js';
import { HOURS, inStatus, STATUS, type StatusGroup } from './definitions.js';
import { COHORT_IN, countsOf, factsFilter, mean2, params, percent, round2, type Scope } from './scope.js';

/** The summary's types are the API contract's (src/contract/analytics.ts). */
export type { Percentiles, Summary, SummaryAndTrends };

/** One combination of outcome columns in the cohort and how many executions have it. */
type Outcome = [status: string, exit_reason: string, error_type: string, source: string, goal_types: string[]];
type Combo = [...Outcome, n: number];

/** One period's columns of the SUMMARY_SQL row (the first period's names; the i-th's end in i); summary-days.ts makes one from day states. */
export interface SummaryRow {
  total: number;
  /** Each outcome (the JSON array of execution_facts.outcome, migration 018) with its count. */
  outcomes: [outcome: string, n: number][];
  dur_sum: number;
  dur_q: number[];
  conv_sum: number;
  conv_q: number[];
  goal_value: number;
  /** The trend series: counts per bucket. */
  e: number[];
  c: number[];
  v: number[];
}



// One pass over the facts of executions enrolled, completed or converted in any of the periods (read as
// the one range [{lo}, {hi}) they lie in, enrolled within the workflow's longest span of it). Each period's
// cohort (in<i>) is grouped by its outcome — one LowCardinality column, grouped by dictionary position, a
// few dozen values — and each period's trend series are counted alongside. Folded into one row: counts and
// breakdowns are sums over the outcomes (done in JS), the exact percentiles merge each outcome's quantile
// state, the trend counts are summed per bucket. A period and the one before it (compare) cost one pass.
export const SUMMARY_SQL = (periods: Period[], filter: string) => {
  const outer = periods.map((_, i) => periodSuffix(i)).map((x) => `
    sum(n${x}) AS total${x},
    groupArrayIf((toString(outcome), n${x}), n${x} > 0) AS outcomes${x},
    sum(dur_sum${x}) AS dur_sum${x},
    quantilesExactMerge(0.5, 0.9, 0.95)(dur_q${x}) AS dur_q${x},
    sum(conv_sum${x}) AS conv_sum${x},
    quantilesExactMerge(0.5, 0.9, 0.95)(conv_q${x}) AS conv_q${x},
    sum(value${x}) AS goal_value${x},
    sumForEach(e${x}) AS e${x}, sumForEach(c${x}) AS c${x}, sumForEach(v${x}) AS v${x}`);
  const inner = periods.map((p, i) => [periodSuffix(i), TREND_COUNTS_SQL(p, i)] as const).map(([x, trends]) => `
        countIf(in${x}) AS n${x},
        sumIf(${HOURS('enrolled_at', 'completed_at')}, ${STATUS.succeeded} AND in${x}) AS dur_sum${x},
        quantilesExactStateIf(0.5, 0.9, 0.95)(${HOURS('enrolled_at', 'completed_at')}, ${STATUS.succeeded} AND in${x}) AS dur_q${x},
        sumIf(${HOURS('enrolled_at', 'goal_achieved_at')}, ${STATUS.converted} AND in${x}) AS conv_sum${x},
        quantilesExactStateIf(0.5, 0.9, 0.95)(${HOURS('enrolled_at', 'goal_achieved_at')}, ${STATUS.converted} AND in${x}) AS conv_q${x},
        sumIf(goal_value, in${x}) AS value${x},${trends}`);
  const cohorts = periods.map((_, i) => `${COHORT_IN(`from${periodSuffix(i)}`, `to${periodSuffix(i)}`)} AS in${periodSuffix(i)}`);
  return `
SELECT${outer.join(',')}
FROM (
    SELECT outcome,${inner.join(',')}
    FROM (SELECT *, ${cohorts.join(', ')} FROM ${FACTS} WHERE ${ANY_MOMENT_IN('lo', 'hi')} AND ${NEAR('lo', 'hi')} AND ${filter})
    GROUP BY outcome)`;
};

/** Sums n over the combinations, by a key (skipping those `key` gives null for). */
function countBy(combos: Combo[], key: (c: Combo) => string | string[] | null): Record<string, number> {
  const counts = new Map<string, number>();
  for (const c of combos) {
    const k = key(c);
    for (const one of k === null ? [] : Array.isArray(k) ? k : [k]) counts.set(one, (counts.get(one) ?? 0) + Number(c[5]));
  }
  return countsOf([[...counts.keys()], [...counts.values()]]);
}

function percentiles(q: number[], n: number): Percentiles {
  if (n === 0) return { p50: null, p90: null, p95: null };
  return { p50: round2(q[0]!), p90: round2(q[1]!), p95: round2(q[2]!) };
}

/** The summary and the trends of a period: one query. */
export async function summaryWithTrends(store: Store, scope: Scope, period: Period): Promise<SummaryAndTrends> {
  return (await summariesWithTrends(store, scope, [period]))[0]!;
}

/**
 * The summary and the trends of each of several periods of one timezone and granularity (a period and the
 * one before it, for compare), in one query.
 */
export async function summariesWithTrends(store: Store, scope: Scope, periods: Period[]): Promise<SummaryAndTrends[]> {
  const first = periods[0]!;
  if (periods.some((p) => p.timezone !== first.timezone || p.granularity !== first.granularity)) throw new Error('summariesWithTrends: the periods must share timezone and granularity');
  const all = periods.map(buckets);
  const values: Record<string, unknown> = {
    ...params(scope, first),
    lo: new Date(Math.min(...periods.map((p) => p.from.getTime()))),
    hi: new Date(Math.max(...periods.map((p) => p.to.getTime()))),
  };
  periods.forEach((p, i) => Object.assign(values, { [`from${periodSuffix(i)}`]: p.from, [`to${periodSuffix(i)}`]: p.to, [`buckets${periodSuffix(i)}`]: all[i]!.length }));
  const [r] = await store.query<Record<string, unknown>>(SUMMARY_SQL(periods, factsFilter(scope)), values);
  return periods.map((_, i) => {
    const row = Object.fromEntries(COLUMNS.map((c) => [c, r![`${c}${periodSuffix(i)}`]])) as unknown as SummaryRow;
    return { summary: summaryFromRow(row), trends: trendRows(all[i]!, row.e, row.c, row.v) };
  });
}

const COLUMNS = ['total', 'outcomes', 'dur_sum', 'dur_q', 'conv_sum', 'conv_q', 'goal_value', 'e', 'c', 'v'] as const;

/** The summary of a period's row: counts and breakdowns summed over its outcomes. */
export function summaryFromRow(row: SummaryRow): Summary {
  const combos = row.outcomes.map(([outcome, n]) => [...(JSON.parse(outcome) as Outcome), Number(n)] as Combo);
  const count = (group: StatusGroup) => combos.reduce((sum, c) => sum + (inStatus(group, c[0]) ? Number(c[5]) : 0), 0);
  const total = Number(row.total);
  const completed = count('succeeded');
  const goals = count('converted');
  return {
    total_enrolled: total,
    currently_active: count('active'),
    completed,
    completion_rate: percent(completed, total),
    goals_achieved: goals,
    conversion_rate: percent(goals, total),
    average_duration_hours: mean2(row.dur_sum, completed),
    duration_hours: percentiles(row.dur_q, completed),
    time_to_conversion_hours: mean2(row.conv_sum, goals),
    time_to_conversion_percentiles_hours: percentiles(row.conv_q, goals),
    exited: count('exited'),
    errored: count('failed'),
    exit_reasons: countBy(combos, (c) => (inStatus('exited', c[0]) ? c[1] : null)),
    error_types: countBy(combos, (c) => (inStatus('failed', c[0]) ? c[2] : null)),
    enrollment_sources: countBy(combos, (c) => c[3]),
    goal_breakdown: countBy(combos, (c) => c[4]),
    goal_value: round2(row.goal_value),
  };
}

/** The change in percent of each COMPARED figure, in that order. */
export function summaryChanges(now: Summary, before: Summary): SummaryChange {
  return Object.fromEntries(COMPARED.map((k) => [k, changePercent(now[k], before[k])])) as SummaryChange;
}
