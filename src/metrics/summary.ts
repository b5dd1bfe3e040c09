/**
 * The cohort summary (CONTRACT §6): enrolled, active, completed, goals, rates, durations, breakdowns; with
 * the trends of the period, which the same pass over the facts counts.
 */
import type { Store } from '../store/store.js';
import { FACTS, NEAR_PERIOD } from '../store/execution-facts.js';
import { ANY_MOMENT_IN_PERIOD, TREND_COUNTS_SQL, trendRows, type TrendRow } from './trends.js';
import { changePercent } from './change.js';

export { changePercent };
import { buckets, type Period } from './period.js';
import { COHORT, countsOf, DONE, factsFilter, GOAL, mean2, params, percent, round2, type Scope } from './scope.js';

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
}

export interface Summary {
  total_enrolled: number;
  currently_active: number;
  completed: number;
  completion_rate: number;
  goals_achieved: number;
  conversion_rate: number;
  average_duration_hours: number | null;
  duration_hours: Percentiles;
  time_to_conversion_hours: number | null;
  time_to_conversion_percentiles_hours: Percentiles;
  exited: number;
  errored: number;
  exit_reasons: Record<string, number>;
  error_types: Record<string, number>;
  enrollment_sources: Record<string, number>;
  goal_breakdown: Record<string, number>;
  goal_value: number;
}

/** One combination of outcome columns in the cohort and how many executions have it. */
type Outcome = [status: string, exit_reason: string, error_type: string, source: string, goal_types: string[]];
type Combo = [...Outcome, n: number];

interface Row {
  total: number;
  /** Each outcome (the JSON array of execution_facts.outcome, migration 018) with its count. */
  outcomes: [outcome: string, n: number][];
  dur_sum: number;
  dur_q: number[];
  conv_sum: number;
  conv_q: number[];
  goal_value: number;
  e: number[];
  c: number[];
  v: number[];
}

export const HOURS = (a: string, b: string) => `(toUnixTimestamp64Milli(assumeNotNull(${b})) - toUnixTimestamp64Milli(${a})) / 3600000`;

// One pass over the facts of executions enrolled, completed or converted in the period (enrolled within the
// workflow's longest span of it): the cohort (in_cohort) grouped by its outcome — one LowCardinality
// column, grouped by dictionary position, a few dozen values — with the trend series counted alongside.
// Folded into one row: counts and breakdowns are sums over the outcomes (done in JS), the exact
// percentiles merge each outcome's quantile state, the trend counts are summed per bucket.
export const SUMMARY_SQL = (p: Period, filter: string) => `
SELECT
    sum(n) AS total,
    groupArrayIf((toString(outcome), n), n > 0) AS outcomes,
    sum(dur_sum) AS dur_sum,
    quantilesExactMerge(0.5, 0.9, 0.95)(dur_q) AS dur_q,
    sum(conv_sum) AS conv_sum,
    quantilesExactMerge(0.5, 0.9, 0.95)(conv_q) AS conv_q,
    sum(value) AS goal_value,
    sumForEach(e) AS e, sumForEach(c) AS c, sumForEach(v) AS v
FROM (
    SELECT outcome, countIf(in_cohort) AS n,
        sumIf(${HOURS('enrolled_at', 'completed_at')}, ${DONE} AND in_cohort) AS dur_sum,
        quantilesExactStateIf(0.5, 0.9, 0.95)(${HOURS('enrolled_at', 'completed_at')}, ${DONE} AND in_cohort) AS dur_q,
        sumIf(${HOURS('enrolled_at', 'goal_achieved_at')}, ${GOAL} AND in_cohort) AS conv_sum,
        quantilesExactStateIf(0.5, 0.9, 0.95)(${HOURS('enrolled_at', 'goal_achieved_at')}, ${GOAL} AND in_cohort) AS conv_q,
        sumIf(goal_value, in_cohort) AS value,
        ${TREND_COUNTS_SQL(p)}
    FROM (SELECT *, ${COHORT} AS in_cohort FROM ${FACTS} WHERE ${ANY_MOMENT_IN_PERIOD} AND ${NEAR_PERIOD} AND ${filter})
    GROUP BY outcome)`;

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
export async function summaryWithTrends(store: Store, scope: Scope, period: Period): Promise<{ summary: Summary; trends: TrendRow[] }> {
  const all = buckets(period);
  const [r] = await store.query<Row>(SUMMARY_SQL(period, factsFilter(scope)), { ...params(scope, period), buckets: all.length });
  const row = r!;
  return { summary: summaryOf(row), trends: trendRows(all, row.e, row.c, row.v) };
}

function summaryOf(row: Row): Summary {
  const combos = row.outcomes.map(([outcome, n]) => [...(JSON.parse(outcome) as Outcome), Number(n)] as Combo);
  const count = (status: (s: string) => boolean) => combos.reduce((sum, c) => sum + (status(c[0]) ? Number(c[5]) : 0), 0);
  const total = Number(row.total);
  const completed = count((s) => s === 'completed' || s === 'goal_achieved');
  const goals = count((s) => s === 'goal_achieved');
  return {
    total_enrolled: total,
    currently_active: count((s) => s === 'active'),
    completed,
    completion_rate: percent(completed, total),
    goals_achieved: goals,
    conversion_rate: percent(goals, total),
    average_duration_hours: mean2(row.dur_sum, completed),
    duration_hours: percentiles(row.dur_q, completed),
    time_to_conversion_hours: mean2(row.conv_sum, goals),
    time_to_conversion_percentiles_hours: percentiles(row.conv_q, goals),
    exited: count((s) => s === 'exited'),
    errored: count((s) => s === 'error'),
    exit_reasons: countBy(combos, (c) => (c[0] === 'exited' ? c[1] : null)),
    error_types: countBy(combos, (c) => (c[0] === 'error' ? c[2] : null)),
    enrollment_sources: countBy(combos, (c) => c[3]),
    goal_breakdown: countBy(combos, (c) => c[4]),
    goal_value: round2(row.goal_value),
  };
}

const COMPARED = ['total_enrolled', 'currently_active', 'completed', 'completion_rate', 'goals_achieved', 'conversion_rate', 'average_duration_hours', 'time_to_conversion_hours'] as const;

export function summaryChanges(now: Summary, before: Summary): Record<string, number | null> {
  return Object.fromEntries(COMPARED.map((k) => [k, changePercent(now[k], before[k])]));
}
