/**
 * The funnel (CONTRACT §6) over the cohort: per step entered / completed / dropped off, conversion,
 * time in step (mean, p50, p95), share of the cohort that reached it; drop-off points, bottleneck,
 * slowest step. Steps in catalog order, then steps the catalog does not name by first appearance.
 */
import type { Funnel, FunnelStep, Summary } from '../contract/index.js';
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { getWorkflowVersion, type WorkflowVersion } from '../catalog/catalog.js';
import type { Period } from './period.js';
import { STATUS } from './definitions.js';
import { COHORT, countsOf, factsFilter, params, percent, round2, type Scope } from './scope.js';

/** The funnel's types are the API contract's (src/contract/analytics.ts). */
export type { Funnel, FunnelStep };

interface StepRow {
  step_id: string;
  entered: number;
  completed: number;
  in_progress: number;
  time_sum: number;
  time_n: number;
  q: number[];
  first_seen: number;
}

/** Executions lost after a step: ended without completing the workflow after completing it and entering no later step (catalog order). */
interface LossRow {
  step_id: string;
  lost_after: number;
  lost_after_reasons: [string[], number[]];
}

/** Ended (exited or failed) without completing the workflow. */
const ENDED = `(${STATUS.exited} OR ${STATUS.failed})`;
/** How an ended execution ended: its exit reason, or 'failed'. */
const ENDING = `if(${STATUS.exited}, toString(exit_reason), 'failed')`;
/**
 * A step's place in the catalog's order ({order}, 1-based; 0: not in it). `transform` looks the id up in a hash
 * table built once per block; `indexOf` scanned the order for every step element (at 300k enrollments, 30 days:
 * ≈8 against ≈35 ms of CPU for the whole cohort).
 */
const PLACE = (id: string) => `transform(${id}, {order:Array(String)}, arrayEnumerate({order:Array(String)}), 0)`;
/**
 * The place in the catalog's order of the furthest step an execution entered, × 2, plus 1 when it completed that
 * step (0: it entered none of them): both in one pass over its steps, reading only the three subcolumns it needs
 * (the losses at 1M, 30 days: 43 → 38 ms against the whole `steps` tuples).
 */
const FURTHEST_CODE = `arrayMax(arrayMap((id, started, done) -> if(started > 0, ${PLACE('id')} * 2 + (done = 1), 0), steps.id, steps.started_ms, steps.completed))`;
/** The place in the catalog's order of the furthest step an execution entered (0: none of them). */
const FURTHEST_ENTERED = `intDiv(${FURTHEST_CODE}, 2)`;
/**
 * The step s of an execution was the last it got to, in the catalog's order ({order}): it completed s, entered
 * no step placed after it, and ended without completing the workflow. `furthest` is FURTHEST_ENTERED, or a column
 * holding it. (A completion implies an entry, so s is then the step at `furthest` itself — for a step outside
 * the order, `furthest` is 0.)
 */
const lostAfter = (furthest: string) => `(s.completed = 1 AND ${ENDED} AND ${furthest} <= ${PLACE('s.id')})`;
/**
 * Per step of {order} (the furthest catalog step an execution entered and completed), the executions lost after it
 * and how they ended. Only ended executions are read past the filter, and the furthest step is found once per
 * execution, then grouped, so no step element carries it: at 1M enrollments over 30 days (106k of 334k executions
 * ended) this costs ≈39 ms against ≈70 ms as columns of the step query (which also replicated it to every step
 * element), measured in process.
 */
const LOSSES_SQL = (filter: string) => `
SELECT {order:Array(String)}[intDiv(furthest_code, 2)] AS step_id, sum(n) AS lost_after, sumMap([ending], [n]) AS lost_after_reasons
FROM (SELECT ${FURTHEST_CODE} AS furthest_code, ${ENDING} AS ending, count() AS n
      FROM ${FACTS} WHERE ${COHORT} AND ${filter} AND ${ENDED} GROUP BY furthest_code, ending)
WHERE furthest_code >= 3 AND furthest_code % 2 = 1
GROUP BY step_id`;

/**
 * Where an execution stands at a step `s` of its `steps` (conditions on s and the execution's facts): what the
 * funnel counts per step and what a drill-down from a funnel figure lists — one definition for both.
 * dropped_off = entered − completed (a completion implies an entry in the facts); in_progress + exited = dropped_off.
 */
export const STEP_STAGES = {
  entered: 's.started_ms > 0',
  completed: 's.completed = 1',
  dropped_off: 's.started_ms > 0 AND s.completed != 1',
  in_progress: `s.started_ms > 0 AND s.completed != 1 AND ${STATUS.active}`,
  exited: `s.started_ms > 0 AND s.completed != 1 AND NOT ${STATUS.active}`,
  /** Completed s, entered no later step of {order}, ended: lost between s and the next step (lost_before of the next). */
  lost_after: lostAfter(FURTHEST_ENTERED),
} as const;
export type StepStage = keyof typeof STEP_STAGES;

const STEPS_SQL = (filter: string) => `
SELECT
    s.id AS step_id,
    countIf(${STEP_STAGES.entered}) AS entered,
    countIf(${STEP_STAGES.completed}) AS completed,
    countIf(${STEP_STAGES.in_progress}) AS in_progress,
    sum(s.time_sum) AS time_sum,
    sum(s.time_n) AS time_n,
    quantilesExactIf(0.5, 0.95)(s.time_sum / s.time_n, s.time_n > 0) AS q,
    minIf(s.started_ms, s.started_ms > 0) AS first_seen
FROM (SELECT steps, status FROM ${FACTS} WHERE ${COHORT} AND ${filter})
ARRAY JOIN steps AS s
GROUP BY step_id`;

/**
 * The funnel's one statement: per step, its counts and times (STEPS_SQL, over every step element of the cohort) and,
 * in rows of their own (`part` = 'losses'), the losses after it (LOSSES_SQL). One statement rather than two: one
 * plan, and the engine runs the two branches side by side (at 1M enrollments, 30 days, in process: 95 ms against
 * 103 ms as two statements and 126 ms with the losses as columns of the step query; 80 days: 198 against 284 ms).
 */
export const FUNNEL_SQL = (filter: string) => `
SELECT 'steps' AS part, step_id, entered, completed, in_progress, time_sum, time_n, q, first_seen,
       toUInt64(0) AS lost_after, CAST(([], []), 'Tuple(Array(String), Array(UInt64))') AS lost_after_reasons
FROM (${STEPS_SQL(filter)})
UNION ALL
SELECT 'losses', step_id, toUInt64(0), toUInt64(0), toUInt64(0), toFloat64(0), toUInt64(0), CAST([], 'Array(Float64)'), toInt64(0),
       toUInt64(lost_after), CAST(lost_after_reasons, 'Tuple(Array(String), Array(UInt64))')
FROM (${LOSSES_SQL(filter)})`;

export const COHORT_TOTALS_SQL = (filter: string) => `
SELECT count() AS total, countIf(${STATUS.succeeded}) AS completed
FROM ${FACTS} WHERE ${COHORT} AND ${filter}`;

export interface CohortTotals {
  total: number;
  completed: number;
}

/** The cohort's size and how many of it completed (the summary's total_enrolled and completed). */
export async function cohortTotals(store: Store, scope: Scope, period: Period): Promise<CohortTotals> {
  const [row] = await store.query<CohortTotals>(COHORT_TOTALS_SQL(factsFilter(scope)), params(scope, period));
  return { total: Number(row!.total), completed: Number(row!.completed) };
}

/** The cohort totals that a summary of the same period and scope holds already. */
export const totalsOf = (s: Summary): CohortTotals => ({ total: s.total_enrolled, completed: s.completed });

/** What a caller may already have (cached, or from the summary of the same period); read from the store when omitted. */
export interface FunnelInputs {
  /** The scope's workflow version, which names and orders the steps. */
  catalog?: Promise<WorkflowVersion | null>;
  /** The period's cohort totals. */
  totals?: Promise<CohortTotals>;
}

export async function funnel(store: Store, scope: Scope, period: Period, inputs: FunnelInputs = {}): Promise<Funnel> {
  // the catalog's order first (cached per generation): the step query counts the losses between its steps
  const version = await (inputs.catalog ?? getWorkflowVersion(store, scope.account, scope.workflow, scope.version));
  const catalogOrder = (version?.steps ?? []).map((s) => s.step_id);
  const [rows, totals] = await Promise.all([
    store.query<StepRow & LossRow & { part: 'steps' | 'losses' }>(FUNNEL_SQL(factsFilter(scope)), { ...params(scope, period), order: catalogOrder }),
    inputs.totals ?? cohortTotals(store, scope, period),
  ]);
  const stepRows: StepRow[] = rows.filter((r) => r.part === 'steps');
  const total = totals.total;
  const byId = new Map(stepRows.map((r) => [r.step_id, r]));
  const ordered: { id: string; name: string; type: string | null; delay: number | null }[] = (version?.steps ?? []).map((s) => ({ id: s.step_id, name: s.name, type: s.type, delay: s.type === 'wait' ? (s.delay_seconds ?? null) : null }));
  const known = new Set(ordered.map((s) => s.id));
  const extra = stepRows.filter((r) => !known.has(r.step_id) && r.entered > 0).sort((a, b) => a.first_seen - b.first_seen || a.step_id.localeCompare(b.step_id));
  for (const r of extra) ordered.push({ id: r.step_id, name: r.step_id, type: null, delay: null });

  // Steps the catalog does not name go after its steps, in an order only known now: the losses are counted again
  // with the whole order, so that they include the losses between those steps too
  const lossRows: LossRow[] = extra.length === 0
    ? rows.filter((r) => r.part === 'losses')
    : await store.query<LossRow>(LOSSES_SQL(factsFilter(scope)), { ...params(scope, period), order: ordered.map((s) => s.id) });
  const lossById = new Map(lossRows.map((r) => [r.step_id, r]));
  const lost = ordered.map((_, i) => {
    const r = i === 0 ? undefined : lossById.get(ordered[i - 1]!.id);
    return { n: Number(r?.lost_after ?? 0), reasons: countsOf(r?.lost_after_reasons) };
  });
  const enteredOf = (i: number) => byId.get(ordered[i]!.id)?.entered ?? 0;
  const steps: FunnelStep[] = ordered.map((s, i) => {
    const r = byId.get(s.id);
    const entered = r?.entered ?? 0;
    const completed = r?.completed ?? 0;
    const inProgress = Number(r?.in_progress ?? 0);
    const timeN = r?.time_n ?? 0;
    return {
      step_id: s.id,
      step_name: s.name,
      step_order: i + 1,
      step_type: s.type,
      entered,
      completed,
      dropped_off: entered - completed,
      conversion_rate: percent(completed, entered),
      drop_off_rate: percent(entered - completed, entered),
      reached_percent: percent(entered, total),
      average_time_seconds: timeN > 0 ? round2(r!.time_sum / timeN) : null,
      p50_time_seconds: timeN > 0 ? round2(r!.q[0]!) : null,
      p95_time_seconds: timeN > 0 ? round2(r!.q[1]!) : null,
      in_progress: inProgress,
      exited: entered - completed - inProgress,
      from_previous_rate: i === 0 ? null : percent(entered, enteredOf(i - 1)),
      from_start_rate: percent(entered, enteredOf(0)),
      lost_before: lost[i]!.n,
      lost_before_reasons: lost[i]!.reasons,
      lost: entered - completed - inProgress + lost[i]!.n,
      configured_delay_seconds: s.delay,
    };
  });
  const dropOff = steps
    .filter((s) => s.dropped_off > 0)
    .sort((a, b) => b.dropped_off / b.entered - a.dropped_off / a.entered || a.step_order - b.step_order)
    .slice(0, 3)
    .map((s) => s.step_id);
  const timed = steps.filter((s) => s.average_time_seconds !== null);
  const slowestOf = (candidates: FunnelStep[]) => candidates.reduce<FunnelStep | null>((best, s) => (best === null || s.average_time_seconds! > best.average_time_seconds! ? s : best), null);
  const slowest = slowestOf(timed);
  const biggestLoss = steps.reduce<FunnelStep | null>((best, s) => (s.lost > 0 && (best === null || s.lost > best.lost) ? s : best), null);
  return {
    total_enrolled: total,
    funnel_steps: steps,
    overall_conversion: percent(totals.completed, total),
    drop_off_points: dropOff,
    bottleneck_step: dropOff[0] ?? null,
    slowest_step: slowest?.step_id ?? null,
    biggest_loss_step: biggestLoss?.step_id ?? null,
    slowest_working_step: slowestOf(timed.filter((s) => s.step_type !== 'wait'))?.step_id ?? null,
  };
}
