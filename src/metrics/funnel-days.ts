/**
 * The funnel's counts from per-UTC-day states that any window and timezone reuses (issue 30: a new window of the
 * funnel panel should cost what its new days cost). The state of day d — the executions enrolled in it — holds:
 * - the cohort's size and how many of it completed;
 * - per step: entered, completed, still in it, the sum and count of its times, the first time it was entered;
 * - per step of the catalog's order: the executions lost after it, by how they ended (the 'loss' branch below).
 * Every one adds up (or, for the first entry, takes the minimum) across days, so a period's counts are its days'
 * states merged with the state of its rest (edges off UTC midnight, today, days not kept yet), all counted in one
 * statement. What does not add up, the steps' exact p50 and p95 time, is counted over the period each time
 * (STEP_TIMES_SQL: a branch of that statement, or a statement of its own when every day is kept). The states of
 * closed days are kept across data generations while no stored batch touched the day
 * (MetricsQueryService.dayStatesOf, as the summary's history states and the monthly cohort matrix's).
 */
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { quantilesOfRuns } from '../stats/sorted-runs.js';
import { DAY_MS } from '../time/calendar.js';
import { dayRouter, IN_RANGES, rangeParams } from './cohort-month-keys.js';
import { STATUS } from './definitions.js';
import { ENDED, ENDING, FURTHEST_CODE, STEP_STAGES } from './funnel-sql.js';
import type { Period } from './period.js';
import { COHORT, factsFilter, filterParams, params, type Scope } from './scope.js';

/** One step's counts (of a day, a period's rest, or a whole period). */
export interface StepCounts {
  entered: number;
  completed: number;
  in_progress: number;
  time_sum: number;
  time_n: number;
  /** The first time (epoch ms) an execution entered it; Infinity when none did. */
  first_seen: number;
}

/** The executions lost after a step, and how they ended (exit reason, or 'failed'). */
export interface StepLosses {
  n: number;
  reasons: Map<string, number>;
}

export interface FunnelCounts {
  total: number;
  completed: number;
  steps: Map<string, StepCounts>;
  /** By the step of the catalog order counted with (the order is part of what the states are kept under). */
  losses: Map<string, StepLosses>;
  /**
   * Counted with the times themselves (`values`): per step, the time (time_sum / time_n) of every execution that spent
   * time in it, ascending, one run per UTC day of enrolment — the runs a period's exact p50 and p95 are selected
   * across (src/stats/sorted-runs.ts), the elements STEP_TIMES_SQL's quantilesExact gives.
   */
  times?: Map<string, Float64Array[]>;
}

export const emptyFunnelCounts = (values = false): FunnelCounts => ({ total: 0, completed: 0, steps: new Map(), losses: new Map(), ...(values ? { times: new Map() } : {}) });

const UTC_DAY = `intDiv(toUnixTimestamp64Milli(enrolled_at), ${DAY_MS})`;

/**
 * An execution's time in a step (seconds), the mean of its visits, from the step's time sum and visit count (columns
 * or aliases), and when it has one: what the step percentiles are over, whether the engine or the days' runs select them.
 */
const STEP_TIME = { value: (sum: string, n: string) => `${sum} / ${n}`, where: (n: string) => `${n} > 0` };
/** The step percentiles' levels. */
const STEP_LEVELS = [0.5, 0.95];

/**
 * Each step's exact p50 and p95 time over the period's cohort ({from}, {to}), reading only the three step subcolumns
 * it needs (`part` 'time', in the columns of FUNNEL_DAYS_SQL).
 */
export const STEP_TIMES_SQL = (filter: string) => `
SELECT 'time' AS part, toInt64(0) AS day, id AS step_id, toUInt64(0) AS a, toUInt64(0) AS b, toUInt64(0) AS c, toFloat64(0) AS time_sum,
       toUInt64(0) AS time_n, toInt64(0) AS first_seen, CAST(([], []), 'Tuple(Array(String), Array(UInt64))') AS reasons,
       quantilesExactIf(${STEP_LEVELS.join(', ')})(${STEP_TIME.value('t', 'n')}, ${STEP_TIME.where('n')}) AS q
FROM (SELECT steps.id AS ids, steps.time_sum AS ts, steps.time_n AS ns FROM ${FACTS} WHERE ${COHORT} AND ${filter})
ARRAY JOIN ids AS id, ts AS t, ns AS n
GROUP BY step_id`;

/**
 * The counts of the executions enrolled in the ranges (IN_RANGES, epoch ms), per UTC day of enrolment: the cohort
 * (`part` 'cohort'), each step ('step') and the losses after each step of {order} ('loss'), in one statement; with
 * `times`, also each step's p50 and p95 time over the period (STEP_TIMES_SQL), which then costs no statement of its own;
 * with `values`, each step's row holds its times themselves, ascending (in `q`).
 */
export const FUNNEL_DAYS_SQL = (filter: string, ranges: number, times: boolean, values = false) => `
SELECT 'cohort' AS part, ${UTC_DAY} AS day, '' AS step_id, count() AS a, countIf(${STATUS.succeeded}) AS b, toUInt64(0) AS c,
       toFloat64(0) AS time_sum, toUInt64(0) AS time_n, toInt64(0) AS first_seen, CAST(([], []), 'Tuple(Array(String), Array(UInt64))') AS reasons,
       CAST([], 'Array(Float64)') AS q
FROM ${FACTS} WHERE ${IN_RANGES('enrolled_at', ranges)} AND ${filter}
GROUP BY day
UNION ALL
SELECT 'step', day, s.id, countIf(${STEP_STAGES.entered}), countIf(${STEP_STAGES.completed}), countIf(${STEP_STAGES.in_progress}),
       sum(s.time_sum), sum(s.time_n), minIf(s.started_ms, s.started_ms > 0), CAST(([], []), 'Tuple(Array(String), Array(UInt64))'),
       ${values ? `arraySort(groupArrayIf(${STEP_TIME.value('s.time_sum', 's.time_n')}, ${STEP_TIME.where('s.time_n')}))` : "CAST([], 'Array(Float64)')"}
FROM (SELECT ${UTC_DAY} AS day, steps, status FROM ${FACTS} WHERE ${IN_RANGES('enrolled_at', ranges)} AND ${filter})
ARRAY JOIN steps AS s
GROUP BY day, s.id
UNION ALL
SELECT 'loss', day, {order:Array(String)}[intDiv(furthest_code, 2)], sum(n), toUInt64(0), toUInt64(0), toFloat64(0), toUInt64(0), toInt64(0),
       CAST(sumMap([ending], [n]), 'Tuple(Array(String), Array(UInt64))'), CAST([], 'Array(Float64)')
FROM (SELECT ${UTC_DAY} AS day, ${FURTHEST_CODE} AS furthest_code, ${ENDING} AS ending, count() AS n
      FROM ${FACTS} WHERE ${IN_RANGES('enrolled_at', ranges)} AND ${filter} AND ${ENDED} GROUP BY day, furthest_code, ending)
WHERE furthest_code >= 3 AND furthest_code % 2 = 1
GROUP BY day, furthest_code${times ? `
UNION ALL
${STEP_TIMES_SQL(filter)}` : ''}`;

/** Each step's exact [p50, p95] time over a period. */
export type StepTimes = Map<string, number[]>;

interface Row {
  part: 'cohort' | 'step' | 'loss' | 'time';
  day: number;
  step_id: string;
  a: number;
  b: number;
  c: number;
  time_sum: number;
  time_n: number;
  first_seen: number;
  reasons: [string[], number[]];
  q: number[];
}

/** Adds one step's counts into a period's. */
function addStep(into: Map<string, StepCounts>, id: string, s: StepCounts): void {
  const t = into.get(id);
  if (!t) {
    into.set(id, { ...s });
    return;
  }
  t.entered += s.entered;
  t.completed += s.completed;
  t.in_progress += s.in_progress;
  t.time_sum += s.time_sum;
  t.time_n += s.time_n;
  t.first_seen = Math.min(t.first_seen, s.first_seen);
}

function addLosses(into: Map<string, StepLosses>, id: string, l: StepLosses): void {
  const t = into.get(id) ?? { n: 0, reasons: new Map<string, number>() };
  t.n += l.n;
  for (const [r, n] of l.reasons) t.reasons.set(r, (t.reasons.get(r) ?? 0) + n);
  into.set(id, t);
}

/** One more run of a step's times. */
function addRun(into: Map<string, Float64Array[]>, id: string, run: Float64Array): void {
  const runs = into.get(id);
  if (runs) runs.push(run);
  else into.set(id, [run]);
}

/** Adds counts into counts (days merged into a period), and their runs of times when `into` holds runs. */
function addFunnelCounts(into: FunnelCounts, c: FunnelCounts): void {
  into.total += c.total;
  into.completed += c.completed;
  for (const [id, s] of c.steps) addStep(into.steps, id, s);
  for (const [id, l] of c.losses) addLosses(into.losses, id, l);
  if (into.times) for (const [id, runs] of c.times!) for (const r of runs) addRun(into.times, id, r);
}

/** Counts merged: a period's, from its days' states and its rest's; with runs of times when every part holds them. */
export function mergeFunnelCounts(parts: readonly FunnelCounts[]): FunnelCounts {
  const out = emptyFunnelCounts(parts.every((p) => p.times !== undefined));
  for (const p of parts) addFunnelCounts(out, p);
  return out;
}

/** Each step's exact p50 and p95 time, selected across the runs of counts held with their times (`values`). */
export function stepTimesOfRuns(counts: FunnelCounts): StepTimes {
  if (!counts.times) throw new Error('stepTimesOfRuns: counts held without their times');
  const out: StepTimes = new Map();
  for (const [id, runs] of counts.times) {
    const q = quantilesOfRuns(runs, STEP_LEVELS);
    if (q[0] !== null && q[1] !== null) out.set(id, q as number[]);
  }
  return out;
}

/** About what counts hold in memory, in bytes (the service bounds its funnel day states by it). */
export function funnelCountsBytes(c: FunnelCounts): number {
  let bytes = 200 + c.steps.size * 160 + c.losses.size * 120;
  for (const l of c.losses.values()) bytes += l.reasons.size * 64;
  for (const runs of c.times?.values() ?? []) for (const r of runs) bytes += r.byteLength + 64;
  return bytes;
}

/** Each step's exact p50 and p95 time over a period, in a statement of its own. */
export async function stepTimes(store: Store, scope: Scope, period: Period): Promise<StepTimes> {
  const rows = await store.query<Row>(STEP_TIMES_SQL(factsFilter(scope)), params(scope, period));
  return new Map(rows.map((r) => [r.step_id, r.q]));
}

/**
 * The states of the days `wanted` (to keep), and the counts of what the ranges hold outside the days `kept` (the
 * period's rest), with the losses after the steps of `order`; with `timesOf`, also the steps' times over that period
 * (null when there was nothing to count: no statement ran); with `values`, each holding its steps' times themselves
 * (FunnelCounts.times).
 */
export async function countFunnelDays(store: Store, scope: Scope, order: readonly string[], ranges: readonly (readonly [number, number])[], wanted: readonly number[], kept: readonly number[], timesOf?: Period, values = false): Promise<{ byDay: Map<number, FunnelCounts>; rest: FunnelCounts; times: StepTimes | null }> {
  const rest = emptyFunnelCounts(values);
  const { stateOf, byDay } = dayRouter(wanted, kept, () => emptyFunnelCounts(values), rest);
  if (ranges.length === 0) return { byDay, rest, times: null };
  const rows = await store.query<Row>(FUNNEL_DAYS_SQL(factsFilter(scope), ranges.length, timesOf !== undefined, values), {
    account: scope.account, workflow: scope.workflow, order, ...filterParams(scope), ...rangeParams(ranges),
    ...(timesOf ? { from: timesOf.from, to: timesOf.to } : {}),
  });
  const times: StepTimes | null = timesOf ? new Map() : null;
  for (const r of rows) {
    if (r.part === 'time') {
      times!.set(r.step_id, r.q);
      continue;
    }
    const s = stateOf(Number(r.day));
    if (!s) continue;
    if (r.part === 'cohort') {
      s.total += Number(r.a);
      s.completed += Number(r.b);
    } else if (r.part === 'step') {
      const first = Number(r.first_seen);
      addStep(s.steps, r.step_id, { entered: Number(r.a), completed: Number(r.b), in_progress: Number(r.c), time_sum: Number(r.time_sum), time_n: Number(r.time_n), first_seen: Number(r.a) > 0 ? first : Infinity });
      if (s.times && r.q.length > 0) addRun(s.times, r.step_id, Float64Array.from(r.q));
    } else {
      addLosses(s.losses, r.step_id, { n: Number(r.a), reasons: new Map(r.reasons[0].map((k, i) => [k, Number(r.reasons[1][i])])) });
    }
  }
  return { byDay, rest, times };
}
