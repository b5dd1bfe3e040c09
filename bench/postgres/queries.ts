/**
 * The PostgreSQL reference's read side: the seed's formulas as SQL (summary, trends, funnel, actions for a
 * UTC period of whole days), shaped into the figures CONTRACT §6 defines, so they can be compared with
 * Flowlens' answers field by field.
 */
import type pg from 'pg';

export interface Figures {
  summary: Record<string, unknown>;
  trends: { date: string; new_enrollments: number; completions: number; conversions: number }[];
  funnel: { steps: { step_id: string; entered: number; completed: number; dropped_off: number; conversion_rate: number; average_time_seconds: number | null }[]; overall_conversion: number; drop_off_points: string[]; bottleneck_step: string | null; slowest_step: string | null };
  actions: { action_id: string; executions: number; successes: number; failures: number; success_rate: number; average_duration_ms: number | null }[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const percent = (part: number, whole: number) => (whole > 0 ? round2((part / whole) * 100) : 0);
const n = (x: unknown) => Number(x ?? 0);

// The seed's formulas: completion_rate = completed / total_enrolled, conversion_rate = goals / total_enrolled,
// average_duration = AVG(completed_at - enrolled_at) WHERE status IN ('completed', 'goal_achieved').
// (date_part gives double precision; extract gives numeric, which is ≈3× slower here.)
export const SUMMARY_SQL = `
SELECT count(*) AS total,
       count(*) FILTER (WHERE status = 'active') AS active,
       count(*) FILTER (WHERE status IN ('completed', 'goal_achieved')) AS completed,
       count(*) FILTER (WHERE status = 'goal_achieved') AS goals,
       avg(date_part('epoch', completed_at - enrolled_at) / 3600)
         FILTER (WHERE status IN ('completed', 'goal_achieved') AND completed_at IS NOT NULL) AS avg_duration_hours,
       avg(date_part('epoch', goal_achieved_at - enrolled_at) / 3600) FILTER (WHERE status = 'goal_achieved') AS ttc_hours
FROM workflow_executions
WHERE workflow_id = $1 AND enrolled_at >= $2 AND enrolled_at < $3`;

export const BREAKDOWN_SQL = `
SELECT 'exit' AS kind, exit_reason AS key, count(*) AS n FROM workflow_executions
 WHERE workflow_id = $1 AND enrolled_at >= $2 AND enrolled_at < $3 AND status = 'exited' GROUP BY exit_reason
UNION ALL
SELECT 'source', enrollment_source, count(*) FROM workflow_executions
 WHERE workflow_id = $1 AND enrolled_at >= $2 AND enrolled_at < $3 GROUP BY enrollment_source
UNION ALL
SELECT 'goal', goal_type, count(*) FROM workflow_executions
 WHERE workflow_id = $1 AND enrolled_at >= $2 AND enrolled_at < $3 AND status = 'goal_achieved' GROUP BY goal_type`;

// Trends from the daily aggregate (workflow_analytics); $2/$3 are the first and the last day.
export const TRENDS_SQL = `
SELECT to_char(date, 'YYYY-MM-DD') AS date, new_enrollments, completions, conversions
FROM workflow_analytics WHERE workflow_id = $1 AND date BETWEEN $2::date AND $3::date ORDER BY date`;

// The cohort funnel: the period's executions joined to their step events; per step, executions that
// entered (a step.started) and completed it (also a step.completed); time in step from duration_ms, or
// first completion − first start for completions without it.
export const FUNNEL_SQL = `
WITH cohort AS (
  SELECT id FROM workflow_executions WHERE workflow_id = $1 AND enrolled_at >= $2 AND enrolled_at < $3
), per AS (
  SELECT e.execution_id, e.step_id,
         min(e.occurred_at) FILTER (WHERE e.event_type = 'step.started') AS first_start,
         min(e.occurred_at) FILTER (WHERE e.event_type = 'step.completed') AS first_done,
         count(*) FILTER (WHERE e.event_type = 'step.completed') AS n_done,
         count(e.duration_ms) FILTER (WHERE e.event_type = 'step.completed') AS n_timed,
         coalesce(sum(e.duration_ms) FILTER (WHERE e.event_type = 'step.completed'), 0) AS timed_ms
  FROM workflow_step_events e JOIN cohort c ON c.id = e.execution_id
  GROUP BY e.execution_id, e.step_id
)
SELECT step_id,
       count(*) FILTER (WHERE first_start IS NOT NULL) AS entered,
       count(*) FILTER (WHERE first_start IS NOT NULL AND n_done > 0) AS completed,
       sum(timed_ms / 1000 + CASE WHEN first_start IS NOT NULL AND first_done IS NOT NULL
                                  THEN (n_done - n_timed) * greatest(date_part('epoch', first_done - first_start), 0) ELSE 0 END) AS time_sum,
       sum(n_timed + CASE WHEN first_start IS NOT NULL AND first_done IS NOT NULL THEN n_done - n_timed ELSE 0 END) AS time_n
FROM per GROUP BY step_id`;

export const COHORT_TOTALS_SQL = `
SELECT count(*) AS total, count(*) FILTER (WHERE status IN ('completed', 'goal_achieved')) AS completed
FROM workflow_executions WHERE workflow_id = $1 AND enrolled_at >= $2 AND enrolled_at < $3`;

// Actions from the per-day step metrics; $2/$3 are the first and the last day.
export const ACTIONS_SQL = `
SELECT step_id, sum(successes) AS successes, sum(failures) AS failures,
       sum(duration_sum_ms) AS dur_sum, sum(duration_n) AS dur_n
FROM workflow_step_metrics
WHERE workflow_id = $1 AND step_type = 'action' AND date BETWEEN $2::date AND $3::date
GROUP BY step_id`;

export const STEPS_SQL = 'SELECT step_id, step_order FROM workflow_steps WHERE workflow_id = $1 ORDER BY step_order';

export interface UtcPeriod {
  startDate: string;
  endDate: string;
}

const bounds = (p: UtcPeriod) => [`${p.startDate}T00:00:00Z`, new Date(Date.parse(`${p.endDate}T00:00:00Z`) + 86_400_000).toISOString()];

function days(p: UtcPeriod): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${p.startDate}T00:00:00Z`); t <= Date.parse(`${p.endDate}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function counts(rows: { kind: string; key: string | null; n: string }[], kind: string): Record<string, number> {
  const e = rows.filter((r) => r.kind === kind && r.key).map((r) => [r.key!, n(r.n)] as const);
  e.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return Object.fromEntries(e);
}

export async function pgSummary(db: pg.ClientBase, workflow: string, p: UtcPeriod) {
  const [from, to] = bounds(p);
  const s = await db.query(SUMMARY_SQL, [workflow, from, to]);
  const b = await db.query(BREAKDOWN_SQL, [workflow, from, to]);
  const t = await db.query(TRENDS_SQL, [workflow, p.startDate, p.endDate]);
  const r = s.rows[0];
  const byDay = new Map(t.rows.map((x) => [x.date as string, x]));
  return {
    summary: {
      total_enrolled: n(r.total), currently_active: n(r.active), completed: n(r.completed),
      completion_rate: percent(n(r.completed), n(r.total)), goals_achieved: n(r.goals), conversion_rate: percent(n(r.goals), n(r.total)),
      average_duration_hours: r.avg_duration_hours === null ? null : round2(Number(r.avg_duration_hours)),
      time_to_conversion_hours: r.ttc_hours === null ? null : round2(Number(r.ttc_hours)),
      exit_reasons: counts(b.rows, 'exit'), enrollment_sources: counts(b.rows, 'source'), goal_breakdown: counts(b.rows, 'goal'),
    },
    trends: days(p).map((d) => {
      const x = byDay.get(d);
      return { date: d, new_enrollments: n(x?.new_enrollments), completions: n(x?.completions), conversions: n(x?.conversions) };
    }),
  };
}

export async function pgFunnel(db: pg.ClientBase, workflow: string, p: UtcPeriod): Promise<Figures['funnel']> {
  const [from, to] = bounds(p);
  const f = await db.query(FUNNEL_SQL, [workflow, from, to]);
  const t = await db.query(COHORT_TOTALS_SQL, [workflow, from, to]);
  const c = await db.query(STEPS_SQL, [workflow]);
  const byId = new Map(f.rows.map((r) => [r.step_id as string, r]));
  const steps = c.rows.map((s) => {
    const r = byId.get(s.step_id);
    const entered = n(r?.entered);
    const completed = n(r?.completed);
    const timeN = n(r?.time_n);
    return { step_id: s.step_id as string, order: n(s.step_order), entered, completed, dropped_off: entered - completed, conversion_rate: percent(completed, entered), average_time_seconds: timeN > 0 ? round2(Number(r.time_sum) / timeN) : null };
  });
  // drop_off_points: ORDER BY step_drop_off_rate DESC LIMIT 3 (the seed's formula)
  const dropOff = steps.filter((s) => s.dropped_off > 0).sort((a, b) => b.dropped_off / b.entered - a.dropped_off / a.entered || a.order - b.order).slice(0, 3).map((s) => s.step_id);
  const timed = steps.filter((s) => s.average_time_seconds !== null);
  const slowest = timed.reduce<(typeof steps)[number] | null>((best, s) => (best === null || s.average_time_seconds! > best.average_time_seconds! ? s : best), null);
  return {
    steps: steps.map(({ order: _o, ...s }) => s),
    overall_conversion: percent(n(t.rows[0].completed), n(t.rows[0].total)),
    drop_off_points: dropOff, bottleneck_step: dropOff[0] ?? null, slowest_step: slowest?.step_id ?? null,
  };
}

export async function pgActions(db: pg.ClientBase, workflow: string, p: UtcPeriod): Promise<Figures['actions']> {
  const a = await db.query(ACTIONS_SQL, [workflow, p.startDate, p.endDate]);
  const c = await db.query(STEPS_SQL, [workflow]);
  const order = new Map(c.rows.map((s) => [s.step_id as string, n(s.step_order)]));
  a.rows.sort((x, y) => (order.get(x.step_id) ?? 1e9) - (order.get(y.step_id) ?? 1e9) || String(x.step_id).localeCompare(y.step_id));
  return a.rows.map((r) => {
    const executions = n(r.successes) + n(r.failures);
    return { action_id: r.step_id, executions, successes: n(r.successes), failures: n(r.failures), success_rate: percent(n(r.successes), executions), average_duration_ms: n(r.dur_n) > 0 ? round2(Number(r.dur_sum) / n(r.dur_n)) : null };
  });
}

/** The compared figures of Flowlens' (or the floor's) answers. */
export function flowlensFigures(summaryBody: any, funnelBody: any, actionsBody: any): Figures {
  const s = summaryBody.summary;
  return {
    summary: {
      total_enrolled: s.total_enrolled, currently_active: s.currently_active, completed: s.completed, completion_rate: s.completion_rate,
      goals_achieved: s.goals_achieved, conversion_rate: s.conversion_rate, average_duration_hours: s.average_duration_hours,
      time_to_conversion_hours: s.time_to_conversion_hours, exit_reasons: s.exit_reasons, enrollment_sources: s.enrollment_sources, goal_breakdown: s.goal_breakdown,
    },
    trends: summaryBody.trends.map((t: any) => ({ date: t.date, new_enrollments: t.new_enrollments, completions: t.completions, conversions: t.conversions })),
    funnel: {
      steps: funnelBody.funnel_steps.map((x: any) => ({ step_id: x.step_id, entered: x.entered, completed: x.completed, dropped_off: x.dropped_off, conversion_rate: x.conversion_rate, average_time_seconds: x.average_time_seconds })),
      overall_conversion: funnelBody.overall_conversion, drop_off_points: funnelBody.drop_off_points, bottleneck_step: funnelBody.bottleneck_step, slowest_step: funnelBody.slowest_step,
    },
    actions: actionsBody.actions.map((a: any) => ({ action_id: a.action_id, executions: a.executions, successes: a.successes, failures: a.failures, success_rate: a.success_rate, average_duration_ms: a.average_duration_ms })),
  };
}

/**
 * Differences between two sets of figures: counts and ids must be equal; rounded means and rates may
 * differ by 0.01 (the engines sum floating-point durations in different orders, which can move the
 * second decimal at a rounding edge).
 */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    const tolerance = Number.isInteger(a) && Number.isInteger(b) && !/(rate|hours|seconds|_ms|conversion)$/.test(path) ? 0 : 0.0100001;
    return Math.abs(a - b) <= tolerance ? [] : [`${path}: ${a} ≠ ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} items ≠ ${b.length} items (${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)})`];
    return a.flatMap((x, i) => differences(x, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differences((a as any)[k], (b as any)[k], path ? `${path}.${k}` : k));
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}
