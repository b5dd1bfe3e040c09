/**
 * The figures a live dashboard shows for a period, flattened so that two snapshots can be compared
 * field by field; and the difference between two snapshots (only what changed), as sent in
 * `metrics_update` events.
 */
import { funnel } from '../metrics/funnel.js';
import type { Period } from '../metrics/period.js';
import type { Scope } from '../metrics/scope.js';
import { summary } from '../metrics/summary.js';
import { trends } from '../metrics/trends.js';
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

export async function liveFigures(store: Store, scope: Scope, period: Period): Promise<Figures> {
  const [s, t, f] = [await summary(store, scope, period), await trends(store, scope, period), await funnel(store, scope, period)];
  const sum = (k: 'new_enrollments' | 'completions' | 'conversions') => t.reduce((n, r) => n + r[k], 0);
  return {
    total_enrolled: s.total_enrolled,
    currently_active: s.currently_active,
    completed: s.completed,
    completion_rate: s.completion_rate,
    goals_achieved: s.goals_achieved,
    conversion_rate: s.conversion_rate,
    exited: s.exited,
    errored: s.errored,
    average_duration_hours: s.average_duration_hours,
    new_enrollments: sum('new_enrollments'),
    completions: sum('completions'),
    conversions: sum('conversions'),
    steps: Object.fromEntries(f.funnel_steps.map((x) => [x.step_id, { entered: x.entered, completed: x.completed, dropped_off: x.dropped_off }])),
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
