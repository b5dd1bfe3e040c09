/**
 * The PostgreSQL reference's write side after the load (benchmark only): the workflow service's writes of new
 * events, and the seed's aggregation worker that keeps the pre-aggregated daily tables current.
 *
 * The seed (000 "Real-time Update Architecture"; 001 "Milestone 3") has the service write events to
 * PostgreSQL and publish them, and a periodic worker (Celery) "process events incrementally", idempotently.
 * Modelled here as: the service writes the execution row and the step events and, in the same transaction,
 * queues the (workflow, UTC day) each event touches; every `intervalMs` the worker takes the queue and
 * re-derives those days of workflow_step_metrics and workflow_analytics from the rows (derive.sql's
 * statements restricted to the days), in one transaction. A late event is the same: its day is re-derived.
 *
 * Its cost is measured on the PostgreSQL backend that runs it: CPU from /proc/<backend pid>/stat (the server
 * runs on this machine), with parallel query off so the whole statement runs in that backend.
 */
import fs from 'node:fs';
import type pg from 'pg';

/** The worker's queue and the indexes its re-derive of a day needs (each marked added: in the README). */
export const WORKER_SETUP = [
  'CREATE TABLE IF NOT EXISTS aggregation_queue (workflow_id TEXT NOT NULL, date DATE NOT NULL)',
  // added: the re-derive of a day reads that day's step events, and the executions enrolled, completed and
  // converted on it; without these each run scans the whole table
  'CREATE INDEX IF NOT EXISTS idx_step_events_workflow_time ON workflow_step_events (workflow_id, occurred_at)',
  'CREATE INDEX IF NOT EXISTS idx_executions_workflow_completed ON workflow_executions (workflow_id, completed_at)',
  'CREATE INDEX IF NOT EXISTS idx_executions_workflow_goal ON workflow_executions (workflow_id, goal_achieved_at)',
];

const DAY_BOUNDS = `unnest($2::date[]) AS d(day),
  LATERAL (SELECT d.day::timestamp AT TIME ZONE 'UTC' AS lo, (d.day + 1)::timestamp AT TIME ZONE 'UTC' AS hi) b`;

/** derive.sql's per-step, per-day statement for the days $2 of workflow $1. */
export const STEP_METRICS_SQL = `
INSERT INTO workflow_step_metrics (workflow_id, step_id, date, entered, completed, dropped_off, step_conversion_rate,
                                   average_time_in_step_seconds, executions, successes, failures, step_type, action_type,
                                   duration_sum_ms, duration_n)
SELECT workflow_id, step_id, date, entered, completed, greatest(entered - completed, 0),
       CASE WHEN entered > 0 THEN least(round(100.0 * completed / entered, 2), 999.99) END,
       CASE WHEN duration_n > 0 THEN round(duration_sum_ms / duration_n / 1000) END,
       completed + failed, completed, failed, step_type, action_type, duration_sum_ms, duration_n
FROM (
  SELECT e.workflow_id, e.step_id, d.day AS date,
         max(e.step_type) AS step_type, max(e.action_type) AS action_type,
         count(*) FILTER (WHERE e.event_type = 'step.started') AS entered,
         count(*) FILTER (WHERE e.event_type = 'step.completed') AS completed,
         count(*) FILTER (WHERE e.event_type = 'step.failed') AS failed,
         coalesce(sum(coalesce(e.duration_ms, CASE WHEN s.first_start <= e.occurred_at THEN extract(epoch FROM e.occurred_at - s.first_start) * 1000 END))
                    FILTER (WHERE e.event_type <> 'step.started'), 0) AS duration_sum_ms,
         count(coalesce(e.duration_ms, CASE WHEN s.first_start <= e.occurred_at THEN 0 END))
                    FILTER (WHERE e.event_type <> 'step.started') AS duration_n
  FROM ${DAY_BOUNDS}
  JOIN workflow_step_events e ON e.workflow_id = $1 AND e.occurred_at >= b.lo AND e.occurred_at < b.hi
  LEFT JOIN LATERAL (
    SELECT min(f.occurred_at) AS first_start FROM workflow_step_events f
    WHERE e.duration_ms IS NULL AND e.event_type <> 'step.started'
      AND f.execution_id = e.execution_id AND f.step_id = e.step_id AND f.event_type = 'step.started'
  ) s ON true
  GROUP BY 1, 2, 3
) x`;

/** derive.sql's per-day workflow statement for the days $2 of workflow $1. */
export const ANALYTICS_SQL = `
INSERT INTO workflow_analytics (workflow_id, date, new_enrollments, completions, conversions)
SELECT $1, day, e, c, v FROM (
  SELECT d.day,
         (SELECT count(*) FROM workflow_executions WHERE workflow_id = $1 AND enrolled_at >= b.lo AND enrolled_at < b.hi) AS e,
         (SELECT count(*) FROM workflow_executions WHERE workflow_id = $1 AND status IN ('completed', 'goal_achieved')
            AND completed_at >= b.lo AND completed_at < b.hi) AS c,
         (SELECT count(*) FROM workflow_executions WHERE workflow_id = $1 AND status = 'goal_achieved'
            AND goal_achieved_at >= b.lo AND goal_achieved_at < b.hi) AS v
  FROM ${DAY_BOUNDS}
) x WHERE e + c + v > 0`;

const TICKS = 100; // getconf CLK_TCK on Linux
/** CPU milliseconds (user + system) a process has used, from /proc; null where /proc cannot be read. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS; // utime, stime: fields 14 and 15
  } catch {
    return null;
  }
}

export interface Refresh {
  days: number;
  ms: number;
  /** CPU of the backend that ran it; null when its /proc entry is not readable (then only `ms` is known). */
  cpuMs: number | null;
}

/** Re-derives the days of a workflow in both pre-aggregated tables, in one transaction, on `db`. */
export async function refreshDays(db: pg.ClientBase, backendPid: number, workflow: string, days: string[]): Promise<Refresh> {
  const cpu0 = processCpuMs(backendPid);
  const t = performance.now();
  await db.query('BEGIN');
  try {
    await db.query('DELETE FROM workflow_step_metrics WHERE workflow_id = $1 AND date = ANY($2::date[])', [workflow, days]);
    await db.query(STEP_METRICS_SQL, [workflow, days]);
    await db.query('DELETE FROM workflow_analytics WHERE workflow_id = $1 AND date = ANY($2::date[])', [workflow, days]);
    await db.query(ANALYTICS_SQL, [workflow, days]);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
  const ms = performance.now() - t;
  const cpu1 = processCpuMs(backendPid);
  return { days: days.length, ms, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

/** Opens the worker's session on `db`: its queue and indexes, parallel query off; returns its backend's pid. */
export async function prepareWorker(db: pg.ClientBase): Promise<{ pid: number; setupMs: number }> {
  const t = performance.now();
  for (const s of WORKER_SETUP) await db.query(s);
  await db.query('ANALYZE workflow_step_events');
  await db.query('ANALYZE workflow_executions');
  await db.query("SET work_mem = '256MB'");
  await db.query('SET max_parallel_workers_per_gather = 0');
  // a day's re-derive reads thousands of rows, but the planner's estimates reach JIT's threshold: compiling cost
  // ≈2.4 s of a 2.7 s run at 100K enrollments
  await db.query('SET jit = off');
  const r = await db.query('SELECT pg_backend_pid() AS pid');
  return { pid: Number(r.rows[0].pid), setupMs: performance.now() - t };
}

/**
 * The periodic aggregation worker: every `intervalMs` (fixed rate, like a scheduled job) it takes the queue and
 * re-derives the days in it. `runs` records each run that had work.
 */
export class AggregationWorker {
  readonly runs: Refresh[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  constructor(private readonly db: pg.ClientBase, private readonly pid: number, readonly intervalMs: number) {}

  start(): void {
    const started = performance.now();
    this.loop = (async () => {
      for (let k = 1; !this.stopped; k++) {
        const wait = started + k * this.intervalMs - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (this.stopped) break;
        await this.tick();
      }
    })();
  }

  /** One run: the queue's days, re-derived; false when the queue was empty. */
  async tick(): Promise<boolean> {
    const q = await this.db.query('DELETE FROM aggregation_queue RETURNING workflow_id, to_char(date, \'YYYY-MM-DD\') AS date');
    if (!q.rowCount) return false;
    const byWorkflow = new Map<string, Set<string>>();
    for (const r of q.rows) byWorkflow.set(r.workflow_id, (byWorkflow.get(r.workflow_id) ?? new Set()).add(r.date));
    for (const [wf, days] of byWorkflow) this.runs.push(await refreshDays(this.db, this.pid, wf, [...days]));
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

const utcDay = (iso: string) => iso.slice(0, 10);

/**
 * The workflow service's write of a new execution that entered and completed one step (all at `at`): its
 * execution row, its step events, and the days they touch queued for the worker, in one transaction.
 */
export async function recordNewExecution(db: pg.ClientBase, e: { workflow: string; execution: string; step: string; stepType: string; actionType: string | null; at: string; durationMs: number }) {
  await db.query('BEGIN');
  await db.query(`INSERT INTO workflow_executions (id, workflow_id, contact_id, status, current_step_id, enrolled_at, enrollment_source)
                  VALUES ($1, $2, $3, 'active', $4, $5, 'trigger')`, [e.execution, e.workflow, `c-${e.execution}`, e.step, e.at]);
  await db.query(`INSERT INTO workflow_step_events VALUES ($1, $2, $3, $4, $5, 'step.started', $6, NULL), ($1, $2, $3, $4, $5, 'step.completed', $6, $7)`,
    [e.execution, e.workflow, e.step, e.stepType, e.actionType, e.at, e.durationMs]);
  await db.query('INSERT INTO aggregation_queue VALUES ($1, $2)', [e.workflow, utcDay(e.at)]);
  await db.query('COMMIT');
}

/** The service's write of a late step event of an existing execution, and its day queued. */
export async function recordStepEvent(db: pg.ClientBase, e: { workflow: string; execution: string; step: string; stepType: string; actionType: string | null; type: string; at: string; durationMs: number | null }) {
  await db.query('BEGIN');
  await db.query('INSERT INTO workflow_step_events VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [e.execution, e.workflow, e.step, e.stepType, e.actionType, e.type, e.at, e.durationMs]);
  await db.query('INSERT INTO aggregation_queue VALUES ($1, $2)', [e.workflow, utcDay(e.at)]);
  await db.query('COMMIT');
}
