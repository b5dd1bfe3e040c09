/**
 * Step timing of one workflow: every step event whose own timestamp is in the period. Per step:
 * starts, completions, failures, skips, failure rate (failed ÷ (completed + failed)), duration mean/
 * p50/p95 (exact, over step.completed and step.failed: `duration_ms` when sent, else the time since the
 * step's first step.started in that execution, kept in step_durations_from_timestamps), total time and its share.
 * The bottleneck is the step with the most total time, wait steps aside (a wait is a deliberate delay).
 */
import type { Store } from '../../store/store.js';
import { getWorkflowVersion } from '../../catalog/catalog.js';
import type { Period } from '../period.js';
import { countsOf, percent } from '../scope.js';
import { EVENTS_OF, r2, spanOf, targetParams, type Target } from './target.js';

const COUNTS_SQL = (t: Target) => `
SELECT toString(step_id) AS step_id, anyLast(toString(step_type)) AS step_type,
       anyIf(toString(action_type), action_type != '') AS action_type,
       countIf(type = 'step.started') AS started, countIf(type = 'step.completed') AS completed,
       countIf(type = 'step.failed') AS failed, countIf(type = 'step.skipped') AS skipped,
       sumMapIf([toString(error_type)], [toUInt64(1)], type = 'step.failed') AS errors
FROM events
WHERE ${EVENTS_OF(t)} AND type IN ('step.started', 'step.completed', 'step.failed', 'step.skipped')
GROUP BY step_id`;

const DURATIONS_SQL = (t: Target) => `
SELECT step_id, count() AS n, sum(d) AS total, quantilesExact(0.5, 0.95)(d) AS q
FROM (
    SELECT toString(step_id) AS step_id, assumeNotNull(duration_ms) AS d FROM events
    WHERE ${EVENTS_OF(t)} AND type IN ('step.completed', 'step.failed') AND duration_ms IS NOT NULL
    UNION ALL
    SELECT toString(step_id) AS step_id, assumeNotNull(duration_ms) AS d FROM step_durations_from_timestamps FINAL
    WHERE ${EVENTS_OF(t)} AND duration_ms IS NOT NULL
)
GROUP BY step_id`;

export interface StepRow {
  step_id: string;
  step_name: string;
  step_type: string;
  action_type: string | null;
  started: number;
  completed: number;
  failed: number;
  skipped: number;
  failure_rate: number;
  duration_ms: { mean: number | null; p50: number | null; p95: number | null };
  timed_events: number;
  total_time_ms: number;
  time_share_percent: number;
  error_types: Record<string, number>;
}

export async function stepsReport(store: Store, t: Target, p: Period) {
  const params = targetParams(t, spanOf(p));
  const [counts, durations, catalog] = await Promise.all([
    store.query<{ step_id: string; step_type: string; action_type: string; started: number; completed: number; failed: number; skipped: number; errors: [string[], number[]] }>(COUNTS_SQL(t), params),
    store.query<{ step_id: string; n: number; total: number; q: number[] }>(DURATIONS_SQL(t), params),
    getWorkflowVersion(store, t.account, t.workflows[0]!, t.version),
  ]);
  const timing = new Map(durations.map((d) => [d.step_id, d]));
  const allTime = durations.reduce((s, d) => s + d.total, 0);
  const steps = catalog?.steps ?? [];
  const position = new Map(steps.map((s, i) => [s.step_id, i]));
  const rows: StepRow[] = counts
    .map((c) => {
      const d = timing.get(c.step_id);
      const n = Number(d?.n ?? 0);
      const known = steps.find((s) => s.step_id === c.step_id);
      const done = Number(c.completed) + Number(c.failed);
      return {
        step_id: c.step_id,
        step_name: known?.name ?? c.step_id,
        step_type: c.step_type || known?.type || '',
        action_type: c.action_type || known?.action_type || null,
        started: Number(c.started),
        completed: Number(c.completed),
        failed: Number(c.failed),
        skipped: Number(c.skipped),
        failure_rate: percent(Number(c.failed), done),
        duration_ms: n > 0 ? { mean: r2(d!.total / n), p50: r2(d!.q[0]), p95: r2(d!.q[1]) } : { mean: null, p50: null, p95: null },
        timed_events: n,
        total_time_ms: r2(d?.total ?? 0) ?? 0,
        time_share_percent: percent(d?.total ?? 0, allTime),
        error_types: countsOf(c.errors),
      };
    })
    .sort((a, b) => (position.get(a.step_id) ?? 1e9) - (position.get(b.step_id) ?? 1e9) || a.step_id.localeCompare(b.step_id));
  const candidates = rows.filter((r) => r.step_type !== 'wait' && r.total_time_ms > 0);
  const top = (f: (r: StepRow) => number) => candidates.reduce<StepRow | null>((best, r) => (best === null || f(r) > f(best) ? r : best), null);
  return {
    steps: rows,
    bottleneck_step: top((r) => r.total_time_ms)?.step_id ?? null,
    slowest_step_p95: top((r) => r.duration_ms.p95 ?? 0)?.step_id ?? null,
    most_failing_step: rows.filter((r) => r.failed > 0).reduce<StepRow | null>((best, r) => (best === null || r.failure_rate > best.failure_rate ? r : best), null)?.step_id ?? null,
  };
}
