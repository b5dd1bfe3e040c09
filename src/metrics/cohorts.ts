/**
 * Cohort matrices (issue 31, PRD "Cohort Analysis"): the executions enrolled in the period, grouped by the week
 * (starting Monday or Sunday) or month of their enrolment in the request's timezone; for each cohort and each
 * period since enrolment (0 = the enrolment week or month), how many of the cohort had, by the end of that
 * period, completed (or converted: a conversion completes), converted, failed — or were still active. Counted in
 * the engine over the execution facts (kept as long as the daily aggregates), one pass: each execution gives
 * its cohort and the index of the period its event fell in, and -Resample counts the indexes per cohort.
 */
import type { CohortsResponse } from '../contract/cohorts.js';
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { addDays, localDate, nextMonth } from '../time/calendar.js';
import { STATUS } from './definitions.js';
import type { Period } from './period.js';
import { COHORT, factsFilter, filtersOut, params, percent, type Scope } from './scope.js';

export const COHORT_UNITS = ['week', 'month'] as const;
export type CohortUnit = (typeof COHORT_UNITS)[number];
export const COHORT_METRICS = ['completed', 'converted', 'active', 'errored'] as const;
export type CohortMetric = (typeof COHORT_METRICS)[number];
export const WEEK_STARTS = ['monday', 'sunday'] as const;
export type WeekStart = (typeof WEEK_STARTS)[number];

export interface CohortRequest {
  unit: CohortUnit;
  metric: CohortMetric;
  weekStart: WeekStart;
}

/** At most this many periods since enrolment are counted (columns): three years of months, a year of weeks. */
export const MAX_COLUMNS: Record<CohortUnit, number> = { week: 53, month: 36 };

/**
 * When the execution did what the metric counts (null: it has not). For `active`, when it stopped being
 * active (ended: completed, converted, failed or exited); facts written before migration 024 have no end
 * time, their last received event stands in for it.
 */
export const EVENT_AT: Record<CohortMetric, string> = {
  completed: `if(${STATUS.succeeded}, completed_at, NULL)`,
  converted: `if(${STATUS.converted}, goal_achieved_at, NULL)`,
  errored: `if(${STATUS.failed}, coalesce(ended_at, last_received_at), NULL)`,
  active: `if(${STATUS.active}, NULL, coalesce(ended_at, completed_at, last_received_at))`,
};

/** The start (a Date in the timezone) of the week or month a time falls in. */
const startOf = (unit: CohortUnit, t: string) =>
  unit === 'week' ? `toStartOfWeek(${t}, {week_mode:UInt8}, {tz:String})` : `toStartOfMonth(${t}, {tz:String})`;

/** Periods from the cohort's start to the one `t` falls in. */
const periodsSince = (unit: CohortUnit, t: string) =>
  unit === 'week' ? `intDiv(dateDiff('day', cohort, ${startOf(unit, t)}), 7)` : `dateDiff('month', cohort, ${startOf(unit, t)})`;

export const COHORTS_SQL = (r: CohortRequest, filter: string) => `
SELECT toString(cohort) AS cohort, count() AS size, countResample(0, {columns:UInt32}, 1)(k) AS counts
FROM (
    SELECT ${startOf(r.unit, 'enrolled_at')} AS cohort, ${EVENT_AT[r.metric]} AS at,
           if(at IS NULL, -1, toInt64(${periodsSince(r.unit, 'assumeNotNull(at)')})) AS k
    FROM ${FACTS}
    WHERE ${COHORT} AND ${filter})
GROUP BY cohort
ORDER BY cohort`;

/** A cohort of COHORTS_SQL: its first day, its size, and per period since enrolment (k in [0, columns)) how many did it then. */
export interface CohortRow {
  cohort: string;
  size: number;
  counts: number[];
}

/** Where a matrix's rows come from: COHORTS_SQL by default; monthly matrices from per-day states (cohort-month-keys.ts). */
export type CohortRows = (scope: Scope, period: Period, r: CohortRequest, columns: number) => Promise<CohortRow[]>;

/** The rows of a matrix in one pass over the facts of its period. */
export const cohortRowsOnePass = (store: Store): CohortRows => (scope, period, r, columns) =>
  store.query<CohortRow>(COHORTS_SQL(r, factsFilter(scope)), { ...params(scope, period), columns, week_mode: r.weekStart === 'monday' ? 1 : 0 });

/** The first day (YYYY-MM-DD) of the week or month a local date falls in. */
export function cohortStart(date: string, r: Pick<CohortRequest, 'unit' | 'weekStart'>): string {
  if (r.unit === 'month') return `${date.slice(0, 8)}01`;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  const back = r.weekStart === 'sunday' ? weekday : (weekday + 6) % 7;
  return addDays(date, -back);
}

const nextStart = (start: string, unit: CohortUnit) => (unit === 'week' ? addDays(start, 7) : nextMonth(start));

/** The cohorts of a period and its columns: shared by the workflow cohorts and the users' retention. */
export interface CohortGrid {
  /** The first day of every cohort the period touches, up to today. */
  starts: string[];
  /** Periods from the first cohort's to the one today falls in. */
  total: number;
  /** Columns shown: `total`, at most MAX_COLUMNS. */
  columns: number;
}

export function cohortGrid(period: Period, r: Pick<CohortRequest, 'unit' | 'weekStart'>, now: Date): CohortGrid {
  const today = localDate(now, period.timezone);
  const last = period.endDate < today ? period.endDate : today;
  const starts: string[] = [];
  for (let s = cohortStart(period.startDate, r); s <= last; s = nextStart(s, r.unit)) starts.push(s);
  let total = 0;
  for (let s = starts[0]; s !== undefined && s <= today; s = nextStart(s, r.unit)) total++;
  return { starts, total, columns: Math.min(total, MAX_COLUMNS[r.unit]) };
}

/** How many of cohort i's columns have begun: its period k is cohort i + k's start, begun when that is today or earlier. */
export const columnsBegun = (grid: CohortGrid, i: number): number => Math.max(0, Math.min(grid.columns, grid.total - i));

/** Per column, the size-weighted share over the cohorts that reached it (null when none has). */
export function averageShares(matrix: { size: number; cells: ({ count: number } | null)[] }[], columns: number): (number | null)[] {
  return Array.from({ length: columns }, (_, k) => {
    const reached = matrix.filter((row) => row.cells[k] !== null);
    const size = reached.reduce((s, row) => s + row.size, 0);
    return reached.length === 0 ? null : percent(reached.reduce((s, row) => s + row.cells[k]!.count, 0), size);
  });
}

/**
 * The matrix: a row per cohort of the period (empty ones too), a column per period since enrolment up to the
 * last one any cohort has begun (at most MAX_COLUMNS). A cell counts the cohort's executions by the end of that
 * period (cumulative; `active`: still active then) with their share of the cohort; null where the period has
 * not begun yet.
 */
export async function cohortMatrix(store: Store, scope: Scope, period: Period, r: CohortRequest, now = new Date(), rowsOf: CohortRows = cohortRowsOnePass(store)): Promise<CohortsResponse['matrix']> {
  const grid = cohortGrid(period, r, now);
  const { starts, columns } = grid;
  const rows = starts.length === 0 ? [] : await rowsOf(scope, period, r, columns);
  const found = new Map(rows.map((x) => [x.cohort, x]));
  return starts.map((start, i) => {
    const row = found.get(start);
    const size = Number(row?.size ?? 0);
    const begun = columnsBegun(grid, i);
    let running = 0;
    const cells = Array.from({ length: columns }, (_, k) => {
      if (k >= begun) return null;
      running += Number(row?.counts[k] ?? 0);
      const count = r.metric === 'active' ? size - running : running;
      return { count, share: percent(count, size) };
    });
    return { cohort: start, size, cells };
  });
}

/** The answer of GET …/analytics/cohorts: the matrix and, per column, the size-weighted share over the cohorts that reached it. */
export async function cohortsAnswer(store: Store, scope: Scope, period: Period, r: CohortRequest, periodOut: CohortsResponse['period'], now = new Date(), rowsOf?: CohortRows): Promise<CohortsResponse> {
  const matrix = await cohortMatrix(store, scope, period, r, now, rowsOf);
  const columns = matrix[0]?.cells.length ?? 0;
  const average_share = averageShares(matrix, columns);
  return {
    workflow_id: scope.workflow,
    period: periodOut,
    filters: filtersOut(scope),
    cohort: r.unit,
    week_start: r.weekStart,
    metric: r.metric,
    columns,
    source: 'execution_facts',
    matrix,
    average_share,
  };
}
