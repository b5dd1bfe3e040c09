/**
 * Drill-down: the executions behind a figure. The cohort of a period (executions enrolled in it, as the summary
 * and the funnel count them), narrowed by what the figure is about — a status group of the catalog, an exit
 * reason, an error type, an enrollment source, a goal type, where the execution stands at a step (the funnel's own
 * conditions, STEP_STAGES), an enrolment window (a trend's bucket) — listed newest first with keyset pagination
 * (the cursor is the last row's enrolment time and id: pages stay stable while events arrive, and no page scans
 * the ones before it), with the total the figure shows. An execution's timeline is its events in time order.
 */
import { InvalidInput } from '../errors/domain-errors.js';
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { isoUtc } from '../store/params.js';
import { HOURS, statusCondition, type StatusGroup } from './definitions.js';
import { STEP_STAGES, type StepStage } from './funnel.js';
import type { Period } from './period.js';
import { COHORT, factsFilter, filterSql, IN_PERIOD, params, type Scope } from './scope.js';

export const DRILL_STATUSES = ['active', 'succeeded', 'converted', 'exited', 'failed'] as const satisfies readonly StatusGroup[];

export interface Drill {
  status?: StatusGroup;
  exit_reason?: string;
  error_type?: string;
  enrollment_source?: string;
  goal_type?: string;
  /** A step and where the execution stands at it (lost_after needs the catalog's step order). */
  step?: { id: string; stage: StepStage; order?: string[] };
  /** Enrolled within [from, to) as well (a trend's bucket). */
  enrolled?: { from: Date; to: Date };
}

/** An action row's figure: its runs (step.completed / step.failed of the action step, by their own time in the period). */
export interface ActionDrill {
  id: string;
  outcome?: 'success' | 'failure';
}

/**
 * The drill's conditions on the execution facts (values as parameters `d_*`); `f` prefixes the columns where the
 * facts are read under an alias whose output names shadow them (the CSV export's `f.`).
 */
export function drillSql(d: Drill, f = ''): string {
  const c: string[] = [];
  if (d.status) c.push(statusCondition(d.status, `${f}status`));
  if (d.exit_reason !== undefined) c.push(`${statusCondition('exited', `${f}status`)} AND ${f}exit_reason = {d_exit:String}`);
  if (d.error_type !== undefined) c.push(`${statusCondition('failed', `${f}status`)} AND ${f}error_type = {d_error:String}`);
  if (d.enrollment_source !== undefined) c.push(`${f}enrollment_source = {d_source:String}`);
  if (d.goal_type !== undefined) c.push(`has(${f}goal_types, {d_goal:String})`);
  if (d.step) c.push(`arrayExists(s -> s.id = {d_step:String} AND (${STEP_STAGES[d.step.stage]}), ${f}steps)`);
  if (d.enrolled) c.push(`${f}enrolled_at >= {d_from:DateTime64(3, 'UTC')} AND ${f}enrolled_at < {d_to:DateTime64(3, 'UTC')}`);
  return c.length ? c.map((x) => `(${x})`).join(' AND ') : '1';
}

export function drillParams(d: Drill): Record<string, unknown> {
  return {
    ...(d.exit_reason !== undefined ? { d_exit: d.exit_reason } : {}),
    ...(d.error_type !== undefined ? { d_error: d.error_type } : {}),
    ...(d.enrollment_source !== undefined ? { d_source: d.enrollment_source } : {}),
    ...(d.goal_type !== undefined ? { d_goal: d.goal_type } : {}),
    ...(d.step ? { d_step: d.step.id, order: d.step.order ?? [] } : {}),
    ...(d.enrolled ? { d_from: d.enrolled.from, d_to: d.enrolled.to } : {}),
  };
}

export interface ExecutionRow {
  execution_id: string;
  contact_id: string;
  enrolled_at: string;
  status: string;
  completed_at: string | null;
  goal_achieved_at: string | null;
  duration_hours: number | null;
  exit_reason: string | null;
  error_type: string | null;
  current_step_id: string | null;
  workflow_version: number;
  variant: string | null;
  enrollment_source: string;
  cost_usd: number;
}

/** One run of an action (an action drill-down lists runs: an execution retrying the action appears once per run). */
export interface ActionRun {
  at: string;
  outcome: 'success' | 'failure';
  duration_ms: number | null;
  error_type: string | null;
}

export interface ExecutionsPage {
  total: number;
  executions: Array<ExecutionRow & { run?: ActionRun }>;
  next_cursor: string | null;
}

function encodeCursor(row: { enrolled_ms: number; execution_id: string }): string {
  return Buffer.from(JSON.stringify([row.enrolled_ms, row.execution_id])).toString('base64url');
}

function decodeCursor(cursor: string): { ms: number; id: string } {
  try {
    const [ms, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if (typeof ms === 'number' && Number.isSafeInteger(ms) && typeof id === 'string' && id.length <= 256) return { ms, id };
  } catch {
    // answered below
  }
  throw new InvalidInput('cursor is not one this API gave', [{ path: '/cursor', message: 'pass the next_cursor of the previous page unchanged' }]);
}

// Output names differ from the columns they are computed from (o_…): ClickHouse would otherwise read the alias
// in place of the column in the WHERE and ORDER BY clauses (enrolled_at as text, exit_reason as NULL…).
const ROW = `
  execution_id, contact_id, toString(enrolled_at) AS o_enrolled_at, toUnixTimestamp64Milli(enrolled_at) AS enrolled_ms, toString(status) AS o_status,
  if(${statusCondition('succeeded')}, toString(completed_at), NULL) AS o_completed_at, toString(goal_achieved_at) AS o_goal_achieved_at,
  if(${statusCondition('succeeded')} AND completed_at IS NOT NULL, ${HOURS('enrolled_at', 'completed_at')}, NULL) AS duration_hours,
  if(${statusCondition('exited')}, toString(exit_reason), NULL) AS o_exit_reason, if(${statusCondition('failed')}, toString(error_type), NULL) AS o_error_type,
  if(${statusCondition('active')}, current_step_id, NULL) AS o_current_step_id, workflow_version, nullIf(toString(variant), '') AS o_variant,
  toString(enrollment_source) AS o_enrollment_source, cost_usd`;

interface RawRow {
  execution_id: string; contact_id: string; o_enrolled_at: string; enrolled_ms: number; o_status: string; o_completed_at: string | null; o_goal_achieved_at: string | null;
  duration_hours: number | null; o_exit_reason: string | null; o_error_type: string | null; o_current_step_id: string | null; workflow_version: number;
  o_variant: string | null; o_enrollment_source: string; cost_usd: number;
}

const iso = (x: string | null) => (x === null ? null : (isoUtc(x) ?? x));
const rowOf = (r: RawRow): ExecutionRow => ({
  execution_id: r.execution_id, contact_id: r.contact_id, enrolled_at: iso(r.o_enrolled_at)!, status: r.o_status, completed_at: iso(r.o_completed_at),
  goal_achieved_at: iso(r.o_goal_achieved_at), duration_hours: r.duration_hours, exit_reason: r.o_exit_reason, error_type: r.o_error_type,
  current_step_id: r.o_current_step_id, workflow_version: Number(r.workflow_version), variant: r.o_variant, enrollment_source: r.o_enrollment_source, cost_usd: Number(r.cost_usd),
});

/** A page of the executions a drill selects, newest first, and how many it selects in all. */
export async function executionsPage(store: Store, scope: Scope, period: Period, d: Drill, limit: number, cursor?: string): Promise<ExecutionsPage> {
  const where = `${COHORT} AND ${factsFilter(scope)} AND ${drillSql(d)}`;
  const after = cursor ? decodeCursor(cursor) : null;
  const p = { ...params(scope, period), ...drillParams(d), limit: limit + 1, ...(after ? { c_ms: after.ms, c_id: after.id } : {}) };
  const [rows, count] = await Promise.all([
    store.query<RawRow>(
      `SELECT ${ROW} FROM ${FACTS}
       WHERE ${where} ${after ? 'AND (toUnixTimestamp64Milli(enrolled_at), execution_id) < ({c_ms:Int64}, {c_id:String})' : ''}
       ORDER BY enrolled_at DESC, execution_id DESC LIMIT {limit:UInt32}`,
      p,
    ),
    store.query<{ n: number }>(`SELECT count() AS n FROM ${FACTS} WHERE ${where}`, p),
  ]);
  return {
    total: Number(count[0]?.n ?? 0),
    executions: rows.slice(0, limit).map(rowOf),
    next_cursor: rows.length > limit ? encodeCursor(rows[limit - 1]!) : null,
  };
}

/**
 * The runs of an action behind an action row's figures (executions, failures: events by their own time in the
 * period, as the actions panel counts them), newest first, each with its execution as the drill-down lists it.
 */
export async function actionRunsPage(store: Store, scope: Scope, period: Period, a: ActionDrill, limit: number, cursor?: string): Promise<ExecutionsPage> {
  const outcome = a.outcome === 'failure' ? "AND type = 'step.failed'" : a.outcome === 'success' ? "AND type = 'step.completed'" : '';
  const where = `account_id = {account:String} AND workflow_id = {workflow:String} AND ${IN_PERIOD('ts')}
    AND type IN ('step.completed', 'step.failed') AND step_type = 'action' AND step_id = {d_action:String} ${outcome} AND ${filterSql(scope, 'events')}`;
  const after = cursor ? decodeCursor(cursor) : null;
  const p = { ...params(scope, period), d_action: a.id, limit: limit + 1, ...(after ? { c_ms: after.ms, c_id: after.id } : {}) };
  const [runs, count] = await Promise.all([
    store.query<{ execution_id: string; at: string; ms: number; type: string; duration_ms: number | null; error_type: string | null }>(
      `SELECT execution_id, toString(ts) AS at, toUnixTimestamp64Milli(ts) AS ms, toString(type) AS type, duration_ms, nullIf(toString(error_type), '') AS error_type
       FROM events WHERE ${where} ${after ? 'AND (toUnixTimestamp64Milli(ts), execution_id) < ({c_ms:Int64}, {c_id:String})' : ''}
       ORDER BY ts DESC, execution_id DESC LIMIT {limit:UInt32}`,
      p,
    ),
    store.query<{ n: number }>(`SELECT count() AS n FROM events WHERE ${where}`, p),
  ]);
  const page = runs.slice(0, limit);
  const ids = [...new Set(page.map((r) => r.execution_id))];
  const facts = ids.length === 0 ? [] : await store.query<RawRow>(`SELECT ${ROW} FROM ${FACTS} WHERE execution_id IN {ids:Array(String)}`, { account: scope.account, workflow: scope.workflow, ids });
  const byId = new Map(facts.map((f) => [f.execution_id, rowOf(f)]));
  return {
    total: Number(count[0]?.n ?? 0),
    executions: page.flatMap((r) => {
      const row = byId.get(r.execution_id);
      const run: ActionRun = { at: iso(r.at)!, outcome: r.type === 'step.failed' ? 'failure' : 'success', duration_ms: r.duration_ms, error_type: r.error_type };
      return row ? [{ ...row, run }] : [];
    }),
    next_cursor: runs.length > limit ? encodeCursor({ enrolled_ms: Number(runs[limit - 1]!.ms), execution_id: runs[limit - 1]!.execution_id }) : null,
  };
}

export interface TimelineEvent {
  at: string;
  type: string;
  step_id: string | null;
  step_type: string | null;
  action_type: string | null;
  duration_ms: number | null;
  error_type: string | null;
  error_message: string | null;
  exit_reason: string | null;
  goal_id: string | null;
  goal_value: number | null;
  amount_usd: number;
  credits: number;
}

/**
 * An execution's events in time order (every step and action with its outcome, duration, cost; goals; the end),
 * from a day before its enrolment (events may come out of order) to a year after: the events are read by time
 * within the workflow (their sort key), not across all of its history.
 */
export async function timeline(store: Store, account: string, workflow: string, execution: string, enrolledAt: Date): Promise<TimelineEvent[]> {
  const rows = await store.query<TimelineEvent>(
    `SELECT toString(ts) AS at, toString(type) AS type, nullIf(toString(step_id), '') AS step_id, nullIf(toString(step_type), '') AS step_type,
            nullIf(toString(action_type), '') AS action_type, duration_ms, nullIf(toString(error_type), '') AS error_type, nullIf(error_message, '') AS error_message,
            nullIf(toString(exit_reason), '') AS exit_reason, nullIf(toString(goal_id), '') AS goal_id, goal_value, amount_usd, credits
     FROM events
     WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND execution_id = {execution:String}
       AND ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
     ORDER BY ts, multiIf(type = 'execution.started', 0, type = 'step.started', 1, type IN ('step.completed', 'step.failed', 'step.skipped'), 2,
                          type IN ('goal.achieved', 'cost.recorded'), 3, 4), step_id
     LIMIT 10000`,
    { account, workflow, execution, from: new Date(enrolledAt.getTime() - 86_400_000), to: new Date(enrolledAt.getTime() + 366 * 86_400_000) },
  );
  return rows.map((r) => ({ ...r, at: isoUtc(r.at) ?? r.at }));
}

/** The execution's facts row (as a drill-down lists it), or undefined. */
export async function executionRow(store: Store, account: string, workflow: string, execution: string): Promise<ExecutionRow | undefined> {
  const [r] = await store.query<RawRow>(`SELECT ${ROW} FROM ${FACTS} WHERE execution_id = {execution:String} LIMIT 1`, { account, workflow, execution });
  return r ? rowOf(r) : undefined;
}
