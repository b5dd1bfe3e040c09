/** The cohort summary (CONTRACT §6): enrolled, active, completed, goals, rates, durations, breakdowns. */
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { changePercent } from './change.js';

export { changePercent };
import type { Period } from './period.js';
import { COHORT, countsOf, factsFilter, mean2, params, percent, round2, type Scope } from './scope.js';

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

interface Row {
  total: number;
  active: number;
  completed: number;
  goals: number;
  exited: number;
  errored: number;
  dur_sum: number;
  dur_q: number[];
  conv_sum: number;
  conv_q: number[];
  exit_reasons: [string[], number[]];
  error_types: [string[], number[]];
  sources: [string[], number[]];
  goal_types: [string[], number[]];
  goal_value: number;
}

export const HOURS = (a: string, b: string) => `(toUnixTimestamp64Milli(assumeNotNull(${b})) - toUnixTimestamp64Milli(${a})) / 3600000`;
export const DONE = "status IN ('completed', 'goal_achieved')";
export const GOAL = "status = 'goal_achieved'";

export const SUMMARY_SQL = (filter: string) => `
SELECT
    count() AS total,
    countIf(status = 'active') AS active,
    countIf(${DONE}) AS completed,
    countIf(${GOAL}) AS goals,
    countIf(status = 'exited') AS exited,
    countIf(status = 'error') AS errored,
    sumIf(${HOURS('enrolled_at', 'completed_at')}, ${DONE}) AS dur_sum,
    quantilesExactIf(0.5, 0.9, 0.95)(${HOURS('enrolled_at', 'completed_at')}, ${DONE}) AS dur_q,
    sumIf(${HOURS('enrolled_at', 'goal_achieved_at')}, ${GOAL}) AS conv_sum,
    quantilesExactIf(0.5, 0.9, 0.95)(${HOURS('enrolled_at', 'goal_achieved_at')}, ${GOAL}) AS conv_q,
    sumMapIf([toString(exit_reason)], [toUInt64(1)], status = 'exited') AS exit_reasons,
    sumMapIf([toString(error_type)], [toUInt64(1)], status = 'error') AS error_types,
    sumMap([toString(enrollment_source)], [toUInt64(1)]) AS sources,
    sumMap(arrayMap(t -> toString(t), goal_types), arrayMap(t -> toUInt64(1), goal_types)) AS goal_types,
    sum(goal_value) AS goal_value
FROM ${FACTS}
WHERE ${COHORT} AND ${filter}`;

function percentiles(q: number[], n: number): Percentiles {
  if (n === 0) return { p50: null, p90: null, p95: null };
  return { p50: round2(q[0]!), p90: round2(q[1]!), p95: round2(q[2]!) };
}

export async function summary(store: Store, scope: Scope, period: Period): Promise<Summary> {
  const [r] = await store.query<Row>(SUMMARY_SQL(factsFilter(scope)), params(scope, period));
  const row = r!;
  return {
    total_enrolled: row.total,
    currently_active: row.active,
    completed: row.completed,
    completion_rate: percent(row.completed, row.total),
    goals_achieved: row.goals,
    conversion_rate: percent(row.goals, row.total),
    average_duration_hours: mean2(row.dur_sum, row.completed),
    duration_hours: percentiles(row.dur_q, row.completed),
    time_to_conversion_hours: mean2(row.conv_sum, row.goals),
    time_to_conversion_percentiles_hours: percentiles(row.conv_q, row.goals),
    exited: row.exited,
    errored: row.errored,
    exit_reasons: countsOf(row.exit_reasons),
    error_types: countsOf(row.error_types),
    enrollment_sources: countsOf(row.sources),
    goal_breakdown: countsOf(row.goal_types),
    goal_value: round2(row.goal_value),
  };
}

const COMPARED = ['total_enrolled', 'currently_active', 'completed', 'completion_rate', 'goals_achieved', 'conversion_rate', 'average_duration_hours', 'time_to_conversion_hours'] as const;

export function summaryChanges(now: Summary, before: Summary): Record<string, number | null> {
  return Object.fromEntries(COMPARED.map((k) => [k, changePercent(now[k], before[k])]));
}
