/**
 * User activity (`activity` events, CONTRACT §4) of an account in a period, by each event's own time:
 * logins, feature usage (by `action`), active users per bucket and on average per day/week/month,
 * sessions (per user and session_id: from the first event to the end of the last one, i.e. its
 * timestamp + duration_ms) and active time (the sum of duration_ms); and engagement scores.
 */
import type { Store } from '../../store/store.js';
import { localDate } from '../../time/calendar.js';
import { buckets, bucketSql, type Period } from '../period.js';
import { percent } from '../scope.js';
import { IN_SPAN, r2 } from './target.js';

const ACTIVITY = `account_id = {account:String} AND workflow_id = '' AND type = 'activity' AND ${IN_SPAN('ts')}`;
const SESSION_S = '(max(toUnixTimestamp64Milli(ts) + ifNull(duration_ms, 0)) - min(toUnixTimestamp64Milli(ts))) / 1000';

const params = (account: string, p: Period) => ({ account, from: p.from, to: p.to, tz: p.timezone });

const TOTALS_SQL = `
SELECT count() AS events, countIf(action = 'login') AS logins, uniqExact(user_id) AS users,
       sum(ifNull(duration_ms, 0)) / 1000 AS active_seconds, uniqExact(action) AS features
FROM events WHERE ${ACTIVITY}`;

// One pass over the period's activity, counted by several keys at once; \`g\` tells which key a row is for
// (GROUPING's bitmask: 1 for each key the row is not grouped by).
const GROUPS = { bucket: 0b0111111, total: 0b1111111, day: 0b1011111, week: 0b1101111, month: 0b1110111, feature: 0b1111011, login_hour: 0b1111100 } as const;
const REPORT_SQL = (p: Period) => `
SELECT grouping(b, dk, wk, mk, feature, h, wd) AS g, b, dk, wk, mk, feature, h, wd,
       count() AS events, countIf(action = 'login') AS logins, uniqExact(user_id) AS users,
       uniqExactIf((user_id, session_id), session_id != '') AS sessions,
       sum(ifNull(duration_ms, 0)) / 1000 AS active_seconds, uniqExact(action) AS features
FROM (
    SELECT user_id, session_id, action, duration_ms, toString(action) AS feature, ${bucketSql('ts', p.granularity)} AS b,
           toString(toDate(ts, {tz:String})) AS dk, toString(toMonday(ts, {tz:String})) AS wk,
           toString(toStartOfMonth(ts, {tz:String})) AS mk, toHour(ts, {tz:String}) AS h, toDayOfWeek(ts, 0, {tz:String}) AS wd
    FROM events WHERE ${ACTIVITY})
GROUP BY GROUPING SETS ((b), (), (dk), (wk), (mk), (feature), (h, wd))`;

const SESSIONS_SQL = `
SELECT count() AS sessions, avg(len) AS mean, quantilesExact(0.5, 0.95)(len) AS q, avg(n) AS per_session
FROM (SELECT ${SESSION_S} AS len, count() AS n FROM events WHERE ${ACTIVITY} AND session_id != '' GROUP BY user_id, session_id)`;

type Num = number;

interface ReportRow {
  g: Num;
  b: string;
  feature: string;
  h: Num;
  wd: Num;
  events: Num;
  logins: Num;
  users: Num;
  sessions: Num;
  active_seconds: Num;
  features: Num;
}

export async function activityReport(store: Store, account: string, p: Period) {
  const ps = params(account, p);
  const [rows, [sessions]] = await Promise.all([
    store.query<ReportRow>(REPORT_SQL(p), ps),
    store.query<{ sessions: Num; mean: Num; q: Num[]; per_session: Num }>(SESSIONS_SQL, ps),
  ]);
  const of = (g: number) => rows.filter((r) => Number(r.g) === g);
  const byKey = new Map(of(GROUPS.bucket).map((r) => [r.b, r]));
  const totals = of(GROUPS.total)[0];
  // mean distinct users per day / week / month of the period (partial weeks and months at the edges count as one)
  const average = (g: number, count: number) => r2(of(g).reduce((s, r) => s + Number(r.users), 0) / count);
  const weeks = buckets({ ...p, granularity: 'weekly' }).length;
  const months = buckets({ ...p, granularity: 'monthly' }).length;
  const byHour = new Array(24).fill(0) as number[];
  const byWeekday = new Array(7).fill(0) as number[];
  for (const l of of(GROUPS.login_hour)) {
    byHour[Number(l.h)]! += Number(l.logins);
    byWeekday[Number(l.wd) - 1]! += Number(l.logins);
  }
  const features = of(GROUPS.feature).sort((a, b) => Number(b.events) - Number(a.events) || a.feature.localeCompare(b.feature));
  const n = Number(sessions?.sessions ?? 0);
  return {
    totals: {
      events: Number(totals?.events ?? 0),
      logins: Number(totals?.logins ?? 0),
      active_users: Number(totals?.users ?? 0),
      active_time_seconds: r2(totals?.active_seconds ?? 0) ?? 0,
      features_used: Number(totals?.features ?? 0),
    },
    active_users: { daily_average: average(GROUPS.day, p.days), weekly_average: average(GROUPS.week, weeks), monthly_average: average(GROUPS.month, months), period: Number(totals?.users ?? 0) },
    sessions: {
      sessions: n,
      length_seconds: n > 0 ? { mean: r2(sessions!.mean), p50: r2(sessions!.q[0]), p95: r2(sessions!.q[1]) } : { mean: null, p50: null, p95: null },
      events_per_session: n > 0 ? r2(sessions!.per_session) : null,
    },
    features: features.map((f) => ({ action: f.feature, events: Number(f.events), users: Number(f.users), share_percent: percent(Number(f.events), Number(totals?.events ?? 0)) })),
    login_patterns: { by_hour: byHour, by_weekday: byWeekday },
    buckets: buckets(p).map((b) => {
      const r = byKey.get(b.key);
      return { date: b.date, events: Number(r?.events ?? 0), logins: Number(r?.logins ?? 0), active_users: Number(r?.users ?? 0), sessions: Number(r?.sessions ?? 0), active_time_seconds: r2(r?.active_seconds ?? 0) ?? 0 };
    }),
  };
}

const USERS_SQL = `
SELECT user_id, count() AS events, uniqExact(toDate(ts, {tz:String})) AS active_days, uniqExact(action) AS features,
       toString(max(ts)) AS last_seen, uniqExactIf(session_id, session_id != '') AS sessions,
       sum(ifNull(duration_ms, 0)) / 1000 AS active_seconds
FROM events WHERE ${ACTIVITY} AND user_id != '' GROUP BY user_id`;

export const ENGAGEMENT_WEIGHTS = { recency: 0.4, frequency: 0.4, breadth: 0.2 } as const;

/**
 * Engagement per user, 0–100: 100 × (0.4·R + 0.4·F + 0.2·B), where, with `ref` = the end of the period
 * or now if earlier,
 *   R (recency)   = 1 − (ref − last activity) ÷ (ref − period start), within [0, 1];
 *   F (frequency) = days with activity ÷ days of the period elapsed by `ref`;
 *   B (breadth)   = distinct actions the user did ÷ distinct actions anyone in the account did in the period.
 * Levels: high ≥ 70, medium ≥ 40, else low.
 */
export async function engagementReport(store: Store, account: string, p: Period, now = new Date()) {
  const ps = params(account, p);
  const [users, [totals]] = await Promise.all([
    store.query<{ user_id: string; events: Num; active_days: Num; features: Num; last_seen: string; sessions: Num; active_seconds: Num }>(USERS_SQL, ps),
    store.query<{ features: Num }>(TOTALS_SQL, ps),
  ]);
  const ref = Math.min(p.to.getTime(), now.getTime());
  const span = ref - p.from.getTime();
  const elapsedDays = ref >= p.to.getTime() ? p.days : Math.max(1, dayCount(p.startDate, localDate(new Date(ref), p.timezone)));
  const available = Number(totals?.features ?? 0);
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const rows = users.map((u) => {
    const last = Date.parse(`${u.last_seen.replace(' ', 'T')}Z`);
    const recency = span > 0 ? clamp(1 - (ref - last) / span) : 0;
    const frequency = clamp(Number(u.active_days) / elapsedDays);
    const breadth = available > 0 ? clamp(Number(u.features) / available) : 0;
    const score = r2(100 * (ENGAGEMENT_WEIGHTS.recency * recency + ENGAGEMENT_WEIGHTS.frequency * frequency + ENGAGEMENT_WEIGHTS.breadth * breadth))!;
    return {
      user_id: u.user_id,
      score,
      level: score >= 70 ? 'high' : score >= 40 ? 'medium' : 'low',
      components: { recency: r4(recency), frequency: r4(frequency), breadth: r4(breadth) },
      events: Number(u.events),
      active_days: Number(u.active_days),
      features_used: Number(u.features),
      sessions: Number(u.sessions),
      active_time_seconds: r2(u.active_seconds) ?? 0,
      last_seen: new Date(last).toISOString(),
    };
  });
  rows.sort((a, b) => b.score - a.score || a.user_id.localeCompare(b.user_id));
  return {
    formula: 'score = 100 × (0.4 × recency + 0.4 × frequency + 0.2 × breadth); recency = 1 − (ref − last activity) / (ref − period start); frequency = active days / elapsed days of the period; breadth = actions used / actions used in the account; ref = period end or now if earlier',
    weights: ENGAGEMENT_WEIGHTS,
    features_available: available,
    elapsed_days: elapsedDays,
    users: rows,
  };
}

/** Days from `from` to `to` (YYYY-MM-DD), both counted. */
function dayCount(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

function r4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
