/**
 * The funnel (CONTRACT §6) over the cohort: per step entered / completed / dropped off, conversion,
 * time in step (mean, p50, p95), share of the cohort that reached it; drop-off points, bottleneck,
 * slowest step. Steps in catalog order, then steps the catalog does not name by first appearance.
 *
 * Its counts (funnel-days.ts: the cohort, each step, the losses after each step of the catalog's order) add up
 * across days, so the query service answers them from kept per-day states; each step's exact p50 and p95 time does
 * not, and is counted over the period every time: in the counting statement when it runs, alone when every day is
 * kept.
 */
import type { Funnel, FunnelStep } from '../contract/index.js';
import type { Store } from '../store/store.js';
import { FACTS } from '../store/execution-facts.js';
import { getWorkflowVersion, type WorkflowVersion } from '../catalog/catalog.js';
import type { Period } from './period.js';
import { STATUS } from './definitions.js';
import { countFunnelDays, stepTimes, type FunnelCounts, type StepTimes } from './funnel-days.js';
import { COHORT, countsOf, factsFilter, params, percent, round2, type Scope } from './scope.js';

/** The funnel's types are the API contract's (src/contract/analytics.ts). */
export type { Funnel, FunnelStep };
export { STEP_STAGES, type StepStage } from './funnel-sql.js';

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

/**
 * A period's funnel counts with the losses after the steps of `order` (FunnelInputs.counts); with `times`, also the
 * steps' times over the period when a statement counted anything (in the same statement), else null.
 */
export type FunnelCounter = (period: Period, order: readonly string[], times: boolean) => Promise<{ counts: FunnelCounts; times: StepTimes | null }>;

/** What a caller may already have (cached) or keeps (per-day states); read from the store when omitted. */
export interface FunnelInputs {
  /** The scope's workflow version, which names and orders the steps. */
  catalog?: Promise<WorkflowVersion | null>;
  /** The period's counts (by default counted over the period in one statement). */
  counts?: FunnelCounter;
}

/** The counts of a period counted over it in one statement (no states kept). */
export const countOnce = (store: Store, scope: Scope): FunnelCounter => async (period, order, times) => {
  const { rest, times: t } = await countFunnelDays(store, scope, order, [[period.from.getTime(), period.to.getTime()]], [], [], times ? period : undefined);
  return { counts: rest, times: t };
};

export async function funnel(store: Store, scope: Scope, period: Period, inputs: FunnelInputs = {}): Promise<Funnel> {
  // the catalog's order first (cached per generation): the counts include the losses between its steps
  const version = await (inputs.catalog ?? getWorkflowVersion(store, scope.account, scope.workflow, scope.version));
  const catalogOrder = (version?.steps ?? []).map((s) => s.step_id);
  const count = inputs.counts ?? countOnce(store, scope);
  // the steps' times come with the counts when a statement counts anything, else in one of their own
  const counted = await count(period, catalogOrder, true);
  const counts = counted.counts;
  const q = counted.times ?? (await stepTimes(store, scope, period));
  const total = counts.total;
  const byId = counts.steps;
  const ordered: { id: string; name: string; type: string | null; delay: number | null }[] = (version?.steps ?? []).map((s) => ({ id: s.step_id, name: s.name, type: s.type, delay: s.type === 'wait' ? (s.delay_seconds ?? null) : null }));
  const known = new Set(ordered.map((s) => s.id));
  const extra = [...byId].filter(([id, r]) => !known.has(id) && r.entered > 0).sort(([a, ra], [b, rb]) => ra.first_seen - rb.first_seen || a.localeCompare(b));
  for (const [id] of extra) ordered.push({ id, name: id, type: null, delay: null });

  // Steps the catalog does not name go after its steps, in an order only known now: the losses are counted again
  // with the whole order, so that they include the losses between those steps too
  const losses = extra.length === 0 ? counts.losses : (await count(period, ordered.map((s) => s.id), false)).counts.losses;
  const lost = ordered.map((_, i) => {
    const r = i === 0 ? undefined : losses.get(ordered[i - 1]!.id);
    return { n: r?.n ?? 0, reasons: countsOf(r ? [[...r.reasons.keys()], [...r.reasons.values()]] : undefined) };
  });

  const enteredOf = (i: number) => byId.get(ordered[i]!.id)?.entered ?? 0;
  const steps: FunnelStep[] = ordered.map((s, i) => {
    const r = byId.get(s.id);
    const entered = r?.entered ?? 0;
    const completed = r?.completed ?? 0;
    const inProgress = r?.in_progress ?? 0;
    const timeN = r?.time_n ?? 0;
    const [p50, p95] = q.get(s.id) ?? [];
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
      p50_time_seconds: timeN > 0 && p50 !== undefined ? round2(p50) : null,
      p95_time_seconds: timeN > 0 && p95 !== undefined ? round2(p95) : null,
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
    overall_conversion: percent(counts.completed, total),
    drop_off_points: dropOff,
    bottleneck_step: dropOff[0] ?? null,
    slowest_step: slowest?.step_id ?? null,
    biggest_loss_step: biggestLoss?.step_id ?? null,
    slowest_working_step: slowestOf(timed.filter((s) => s.step_type !== 'wait'))?.step_id ?? null,
  };
}
