/**
 * The figures a live dashboard shows for a period, flattened so that two snapshots can be compared
 * field by field; and the difference between two snapshots (only what changed), as sent in
 * `metrics_update` events.
 */
import type { Period } from '../metrics/period.js';
import { countSql, HOURS, STATUS } from '../metrics/definitions.js';
import { COHORT, factsFilter, IN_PERIOD, mean2, params, percent, type Scope } from '../metrics/scope.js';
import { FACTS, NEAR_PERIOD } from '../store/execution-facts.js';
import type { Store } from '../store/store.js';

export interface StepCounts {
  entered: number;
  completed: number;
  dropped_off: number;
}

export interface Figures {
  total_enrolled: number;
  currently_active: number;
  completed: number;
  completion_rate: number;
  goals_achieved: number;
  conversion_rate: number;
  exited: number;
  errored: number;
  average_duration_hours: number | null;
  /** Counted by their own time within the period (the trends' sums). */
  new_enrollments: number;
  completions: number;
  conversions: number;
  steps: Record<string, StepCounts>;
}


/**
 * Every live figure in one pass over the facts (each statement costs the embedded engine tens of ms, so
 * one query instead of the five the panels use keeps ingest-to-screen latency low). The definitions are
 * the panels' (summary.ts, trends.ts, funnel.ts); the stream test checks they agree.
 */
export const LIVE_SQL = (filter: string) => `
SELECT
    ${countSql('enrolled', COHORT)} AS total,
    ${countSql('active', COHORT)} AS active,
    ${countSql('completed', COHORT)} AS completed,
    ${countSql('converted', COHORT)} AS goals,
    ${countSql('exited', COHORT)} AS exited,
    ${countSql('failed', COHORT)} AS errored,
    sumIf(${HOURS('enrolled_at', 'completed_at')}, ${COHORT} AND ${STATUS.succeeded}) AS dur_sum,
    ${countSql('completions', IN_PERIOD('ifNull(completed_at, enrolled_at)'))} AS completions,
    ${countSql('conversions', IN_PERIOD('ifNull(goal_achieved_at, enrolled_at)'))} AS conversions,
    sumMapIf(arrayMap(s -> s.id, steps), arrayMap(s -> toUInt64(s.started_ms > 0), steps), ${COHORT}) AS entered,
    sumMapIf(arrayMap(s -> s.id, steps), arrayMap(s -> toUInt64(s.completed = 1), steps), ${COHORT}) AS step_completed
FROM ${FACTS}
WHERE (${COHORT} OR ${IN_PERIOD('completed_at')} OR ${IN_PERIOD('goal_achieved_at')}) AND ${NEAR_PERIOD} AND ${filter}`;

interface LiveRow {
  total: number;
  active: number;
  completed: number;
  goals: number;
  exited: number;
  errored: number;
  dur_sum: number;
  completions: number;
  conversions: number;
  entered: [string[], number[]];
  step_completed: [string[], number[]];
}

export async function liveFigures(store: Store, scope: Scope, period: Period): Promise<Figures> {
  const [r] = await store.query<LiveRow>(LIVE_SQL(factsFilter(scope)), params(scope, period));
  const row = r!;
  const done = new Map(row.step_completed[0].map((id, i) => [id, Number(row.step_completed[1][i])]));
  const steps: Record<string, StepCounts> = {};
  row.entered[0].forEach((id, i) => {
    const entered = Number(row.entered[1][i]);
    const completed = done.get(id) ?? 0;
    steps[id] = { entered, completed, dropped_off: entered - completed };
  });
  return {
    total_enrolled: row.total,
    currently_active: row.active,
    completed: row.completed,
    completion_rate: percent(row.completed, row.total),
    goals_achieved: row.goals,
    conversion_rate: percent(row.goals, row.total),
    exited: row.exited,
    errored: row.errored,
    average_duration_hours: mean2(row.dur_sum, row.completed),
    new_enrollments: row.total,
    completions: row.completions,
    conversions: row.conversions,
    steps,
  };
}

export type Changes = Partial<Omit<Figures, 'steps'>> & { steps?: Record<string, Partial<StepCounts>>; new_enrollments_delta?: number };

/** What changed from `prev` to `next` (every figure when there is no `prev`); null when nothing did. */
export function changesBetween(prev: Figures | null, next: Figures): Changes | null {
  if (!prev) return { ...next };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(next) as Array<keyof Figures>) {
    if (k === 'steps') continue;
    if (next[k] !== prev[k]) out[k] = next[k];
  }
  const steps: Record<string, Partial<StepCounts>> = {};
  for (const [id, counts] of Object.entries(next.steps)) {
    const before = prev.steps[id];
    const changed: Partial<StepCounts> = {};
    for (const f of ['entered', 'completed', 'dropped_off'] as const) if (!before || before[f] !== counts[f]) changed[f] = counts[f];
    if (Object.keys(changed).length > 0) steps[id] = changed;
  }
  if (Object.keys(steps).length > 0) out.steps = steps;
  if (next.total_enrolled !== prev.total_enrolled) out.new_enrollments_delta = next.total_enrolled - prev.total_enrolled;
  return Object.keys(out).length > 0 ? (out as Changes) : null;
}
