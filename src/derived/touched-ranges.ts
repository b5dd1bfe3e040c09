/**
 * Which instants a stored batch can have changed the figures of, per workflow, so that answers about a closed
 * period survive the batches that did not touch it (MetricsQueryService keeps them across generations).
 *
 * Every instant a figure of an execution X is placed at is the timestamp of one of X's events: its enrolment
 * (the first execution.started: cohort figures — summary, funnel, cohorts, segments), its completion and
 * conversion (trends), each event's own time (actions: rollups and raw events) and the times of its untimed step
 * events (their durations from timestamps). A batch holding events of X changes X's facts row from old values to
 * new ones, both among X's event timestamps, and adds its own events at their times. So the batch touches at
 * most, per execution, [low, high] where
 * - high = X's latest event time (execution_state.last_event_at, the batch's events included), and
 * - low = the earliest of the batch's events of X and of X's enrolment, completion and conversion times as
 *   execution_state holds them after the batch: each of those is a minimum over X's events, so it is at or before
 *   both the old and the new value of that figure (an old enrolment superseded by an earlier execution.started,
 *   an old first completion superseded by an earlier one); a duration from timestamps changes only when an
 *   earlier step.started came in the batch, and only for the step events at or after that start.
 * Ranges are whole UTC hours, coalesced: a superset of what changed, never less.
 *
 * Figures placed at the enrolment alone (states of the executions enrolled on a day: the funnel's counts, the monthly
 * matrix's keyed counts) are touched by less: per execution, the hours of its execution.started events, the earliest
 * of which is its enrolment before and after the batch (execution_state.start_times holds them all). An execution
 * without one (no enrolment: in no cohort) counts with its whole span, as above.
 */
import type { Store } from '../store/store.js';
import { stringList, stringListValue } from '../store/params.js';

/** A touched time range [from, to) in epoch ms. */
export type Range = readonly [from: number, to: number];

const HOUR = 3_600_000;
/** Beyond this many ranges for one write, they are folded into the one range from the first to the last. */
const MAX_RANGES = 64;
/** Generations remembered per workflow; an answer older than that is recomputed (as before this existed). */
const MAX_RUNS = 4096;

/** The hours of `instants` (epoch ms) as coalesced ranges, with `spans` (already hour-aligned) merged in. */
export function coalesce(hours: Iterable<number>, spans: Iterable<Range> = []): Range[] {
  const all: [number, number][] = [];
  for (const t of hours) {
    const h = Math.floor(t / HOUR) * HOUR;
    all.push([h, h + HOUR]);
  }
  for (const [a, b] of spans) all.push([a, b]);
  all.sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  if (out.length > MAX_RANGES) return [[out[0]![0], out[out.length - 1]![1]]];
  return out;
}

const MS = (c: string) => `toUnixTimestamp64Milli(${c})`;
const EARLIEST = (c: string) => `if(isNull(${c}), high, ${MS(`assumeNotNull(${c})`)})`;

// Per listed execution of {account}/{workflow} (ids in {ids:String}): its latest event time and the earliest of its
// enrolment, completion and conversion times, epoch ms (see the top of this file).
const SPANS_SQL = `
SELECT execution_id, ${MS('max(last_event_at)')} AS high,
       least(high, ${EARLIEST('min(enrolled_at)')}, ${EARLIEST('min(completed_at)')}, ${EARLIEST('min(first_goal_at)')}) AS low,
       groupUniqArrayArray(start_times) AS starts, if(length(starts) = 0, -1, ${MS('arrayMin(starts)')}) AS first_start,
       if(length(starts) = 0, -1, ${MS('arrayMax(starts)')}) AS last_start
FROM execution_state
WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND execution_id IN ${stringList('ids')}
GROUP BY execution_id`;

/** What a write touched: every figure's instants (`all`), and those of the figures placed at the enrolment (`cohort`). */
export interface Touched {
  all: readonly Range[];
  cohort: readonly Range[];
}

/**
 * What stored batches of a workflow touched, as coalesced whole hours: per execution, from the earliest of the
 * batches' events of it (`first`: execution id → epoch ms) and its enrolment, completion and conversion, to its
 * latest event; for cohort figures, its execution.started hours. One statement. null when an execution is not found
 * (then everything counts as touched).
 */
export async function touchedRanges(store: Store, account: string, workflow: string, first: ReadonlyMap<string, number>): Promise<Touched | null> {
  if (first.size === 0) return { all: [], cohort: [] };
  const rows = await store.query<{ execution_id: string; high: number; low: number; first_start: number; last_start: number }>(SPANS_SQL, { account, workflow, ids: stringListValue([...first.keys()]) });
  if (rows.length < first.size) return null;
  const hours = (a: number, b: number): Range => [Math.floor(a / HOUR) * HOUR, (Math.floor(b / HOUR) + 1) * HOUR];
  const spans: Range[] = rows.map((r) => hours(Math.min(Number(r.low), first.get(r.execution_id) ?? -Infinity), Number(r.high)));
  const starts: Range[] = rows.map((r, i) => (Number(r.first_start) < 0 ? spans[i]! : hours(Number(r.first_start), Number(r.last_start))));
  if ([...spans, ...starts].some(([a, b]) => !Number.isFinite(a) || !Number.isFinite(b))) return null;
  return { all: coalesce([], spans), cohort: coalesce([], starts) };
}

const same = (a: readonly Range[], b: readonly Range[]) => a === b || (a.length === b.length && a.every((r, i) => r[0] === b[i]![0] && r[1] === b[i]![1]));

/** Generations lo..hi of a workflow, each of which touched only `ranges` (and, of cohort figures, only `cohort`). */
interface Run {
  lo: number;
  hi: number;
  ranges: readonly Range[];
  cohort: readonly Range[];
}

/**
 * Per workflow, the generations whose changes are known precisely (a stored batch whose facts are written and
 * whose touched ranges are known). Every other generation — a rebuild, a privacy delete, a catalog change,
 * another instance's change, a catch-up or a write of executions received since a time, a batch whose facts are
 * not written yet — is a gap, which counts as touching everything.
 */
export class TouchLog {
  private runs = new Map<string, Run[]>();

  /** Generation `gen` of workflow `k` changed only `ranges`, and of cohort figures only `cohort` (a subset). */
  record(k: string, gen: number, ranges: readonly Range[], cohort: readonly Range[] = ranges): void {
    const runs = this.runs.get(k) ?? [];
    const last = runs[runs.length - 1];
    if (last && last.hi + 1 === gen && same(last.ranges, ranges) && same(last.cohort, cohort)) last.hi = gen;
    else if (!last || last.hi < gen) runs.push({ lo: gen, hi: gen, ranges, cohort });
    else if (!runs.some((r) => r.lo <= gen && gen <= r.hi)) {
      // resolved out of order (a retried write): keep the runs sorted
      const i = runs.findIndex((r) => r.lo > gen);
      if (i === -1) runs.push({ lo: gen, hi: gen, ranges, cohort });
      else runs.splice(i, 0, { lo: gen, hi: gen, ranges, cohort });
    }
    if (runs.length > MAX_RUNS) runs.splice(0, runs.length - MAX_RUNS);
    this.runs.set(k, runs);
  }

  /**
   * Whether every generation of `k` after `since` up to `now` is known and touched nothing of [from, to) (epoch ms)
   * — of the figures placed at the enrolment only, with `cohort`.
   */
  unchanged(k: string, since: number, now: number, from: number, to: number, cohort = false): boolean {
    if (since >= now) return true;
    const runs = this.runs.get(k);
    if (!runs) return false;
    // walk back from `now` to `since + 1`: each generation must be in a run, contiguously
    let want = now;
    for (let i = runs.length - 1; i >= 0 && want > since; i--) {
      const r = runs[i]!;
      if (r.lo > want) continue;
      if (r.hi < want) return false; // a gap
      if ((cohort ? r.cohort : r.ranges).some(([a, b]) => a < to && from < b)) return false;
      want = r.lo - 1;
    }
    return want <= since;
  }
}
