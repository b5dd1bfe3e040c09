/**
 * Platform users' retention (issue 31, PRD "Cohort Analysis"): the account's users grouped by the week (or
 * month) they were first seen — their earliest `activity` event kept — in the request's timezone, for users
 * first seen in the period; for each cohort and each week since, how many of its users were active (any activity
 * event) in that week, and their share of the cohort. Counted in the engine in one pass over the activity events;
 * the week grid, the triangle of periods not begun and the shares are cohorts.ts's (the workflow cohorts).
 * Activity events are raw events: kept for the raw window only, so "first seen" is the earliest one still kept.
 */
import type { ActivityCohortsResponse } from '../../contract/activity-cohorts.js';
import type { Store } from '../../store/store.js';
import { averageShares, cohortGrid, columnsBegun, type CohortRequest, type CohortUnit } from '../cohorts.js';
import type { Period } from '../period.js';
import { percent } from '../scope.js';

const ACTIVITY = `account_id = {account:String} AND workflow_id = '' AND type = 'activity' AND user_id != ''`;

const startOf = (unit: CohortUnit, t: string) =>
  unit === 'week' ? `toStartOfWeek(${t}, {week_mode:UInt8}, {tz:String})` : `toStartOfMonth(${t}, {tz:String})`;
const periodsSince = (unit: CohortUnit, cohort: string, at: string) =>
  unit === 'week' ? `intDiv(dateDiff('day', ${cohort}, ${at}), 7)` : `dateDiff('month', ${cohort}, ${at})`;

/** Per cohort and period since: the distinct users active then (period 0 holds every user of the cohort). */
export const ACTIVITY_COHORTS_SQL = (unit: CohortUnit) => `
SELECT toString(f.cohort) AS cohort, toUInt32(${periodsSince(unit, 'f.cohort', 'a.at')}) AS k, uniqExact(a.user_id) AS users
FROM (
    SELECT user_id, ${startOf(unit, 'min(ts)')} AS cohort
    FROM events WHERE ${ACTIVITY}
    GROUP BY user_id
    HAVING min(ts) >= {from:DateTime64(3, 'UTC')} AND min(ts) < {to:DateTime64(3, 'UTC')}) AS f
INNER JOIN (
    SELECT DISTINCT user_id, ${startOf(unit, 'ts')} AS at
    FROM events WHERE ${ACTIVITY} AND ts >= {from:DateTime64(3, 'UTC')}) AS a ON a.user_id = f.user_id
WHERE k < {columns:UInt32}
GROUP BY cohort, k`;

export async function activityCohorts(store: Store, account: string, period: Period, r: Omit<CohortRequest, 'metric'>, periodOut: ActivityCohortsResponse['period'], now = new Date()): Promise<ActivityCohortsResponse> {
  const grid = cohortGrid(period, r, now);
  const { starts, columns } = grid;
  const rows = starts.length === 0 ? [] : await store.query<{ cohort: string; k: number; users: number }>(ACTIVITY_COHORTS_SQL(r.unit), {
    account, from: period.from, to: period.to, tz: period.timezone, columns, week_mode: r.weekStart === 'monday' ? 1 : 0,
  });
  const counts = new Map<string, number>();
  for (const x of rows) counts.set(`${x.cohort}/${Number(x.k)}`, Number(x.users));
  const matrix = starts.map((start, i) => {
    const size = counts.get(`${start}/0`) ?? 0;
    const begun = columnsBegun(grid, i);
    const cells = Array.from({ length: columns }, (_, k) => {
      if (k >= begun) return null;
      const count = counts.get(`${start}/${k}`) ?? 0;
      return { count, share: percent(count, size) };
    });
    return { cohort: start, size, cells };
  });
  const average_share = averageShares(matrix, columns);
  return { period: periodOut, cohort: r.unit, week_start: r.weekStart, columns, source: 'events (activity; kept for the raw window)', matrix, average_share };
}
