/**
 * The funnel's conditions in SQL, shared by its counts (funnel-days.ts), its drill-down (drilldown.ts: STEP_STAGES)
 * and its losses: how an execution ended, the furthest step of the catalog's order it got to, where it stands at a step.
 */
import { STATUS } from './definitions.js';

/** Ended (exited or failed) without completing the workflow. */
export const ENDED = `(${STATUS.exited} OR ${STATUS.failed})`;
/** How an ended execution ended: its exit reason, or 'failed'. */
export const ENDING = `if(${STATUS.exited}, toString(exit_reason), 'failed')`;
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
export const FURTHEST_CODE = `arrayMax(arrayMap((id, started, done) -> if(started > 0, ${PLACE('id')} * 2 + (done = 1), 0), steps.id, steps.started_ms, steps.completed))`;
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
