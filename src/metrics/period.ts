/**
 * The period an analytics request asks about (CONTRACT §6): local dates in an IANA timezone turned
 * into UTC instants [from, to), the granularity of its buckets, and the previous period of equal length.
 * The calendar arithmetic is src/time/calendar.ts; ClickHouse buckets with the same timezone names.
 */
import { InvalidInput } from '../errors/domain-errors.js';
import { addDays, daysBetween, localDate, mondayOf, nextMonth, rfc3339InZone, startOfLocalDay, validDate } from '../time/calendar.js';
import { resolveTimezone } from '../time/timezones.js';


export const GRANULARITIES = ['minute', 'hourly', 'daily', 'weekly', 'monthly'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const RANGES = ['today', 'last_7_days', 'last_30_days', 'last_90_days', 'last_365_days'] as const;
export const MAX_DAYS = 732;
export const MAX_BUCKETS = 50_000;
/** The dates a period may span: the engine's DateTime64 holds 1900-01-01 to 2299-12-31. */
export const MIN_DATE = '1900-01-02';
export const MAX_DATE = '2299-12-30';

export interface PeriodQuery {
  start_date?: string;
  end_date?: string;
  range?: string;
  timezone?: string;
  granularity?: string;
}

export interface Period {
  startDate: string;
  endDate: string;
  timezone: string;
  granularity: Granularity;
  /** First instant of startDate in the timezone. */
  from: Date;
  /** First instant of the day after endDate in the timezone (exclusive). */
  to: Date;
  days: number;
}

function makePeriod(startDate: string, endDate: string, timezone: string, granularity: Granularity): Period {
  return {
    startDate, endDate, timezone, granularity,
    from: startOfLocalDay(startDate, timezone),
    to: startOfLocalDay(addDays(endDate, 1), timezone),
    days: daysBetween(startDate, endDate) + 1,
  };
}

/** Reads and checks the shared query parameters; a bad one is a 400 naming it. */
export function parsePeriod(q: PeriodQuery, now = new Date()): Period {
  const errors: { path: string; message: string }[] = [];
  const resolved = resolveTimezone(q.timezone ?? 'UTC');
  const timezone = resolved ?? 'UTC';
  if (resolved === undefined) errors.push({ path: '/timezone', message: `unknown timezone "${q.timezone}" (use an IANA name such as Europe/Paris)` });
  const granularity = (q.granularity ?? 'daily') as Granularity;
  if (!GRANULARITIES.includes(granularity)) errors.push({ path: '/granularity', message: `must be one of ${GRANULARITIES.join(', ')}` });
  let startDate = q.start_date;
  let endDate = q.end_date;
  if (q.range !== undefined) {
    if (!(RANGES as readonly string[]).includes(q.range)) errors.push({ path: '/range', message: `must be one of ${RANGES.join(', ')}` });
    else if (startDate !== undefined || endDate !== undefined) errors.push({ path: '/range', message: 'give either range or start_date and end_date, not both' });
    else if (errors.length === 0) {
      endDate = localDate(now, timezone);
      const days = { today: 1, last_7_days: 7, last_30_days: 30, last_90_days: 90, last_365_days: 365 }[q.range as (typeof RANGES)[number]];
      startDate = addDays(endDate, -(days - 1));
    }
  } else {
    if (startDate === undefined) errors.push({ path: '/start_date', message: 'required (YYYY-MM-DD), or give range' });
    else if (!validDate(startDate)) errors.push({ path: '/start_date', message: `"${startDate}" is not a date (YYYY-MM-DD)` });
    if (endDate === undefined) errors.push({ path: '/end_date', message: 'required (YYYY-MM-DD), or give range' });
    else if (!validDate(endDate)) errors.push({ path: '/end_date', message: `"${endDate}" is not a date (YYYY-MM-DD)` });
    for (const [name, d] of [['start_date', startDate], ['end_date', endDate]] as const) {
      if (d !== undefined && validDate(d) && (d < MIN_DATE || d > MAX_DATE)) errors.push({ path: `/${name}`, message: `${d} is outside the dates the store holds (${MIN_DATE} to ${MAX_DATE})` });
    }
    if (errors.length === 0 && startDate! > endDate!) errors.push({ path: '/start_date', message: `start_date ${startDate} is after end_date ${endDate}` });
  }
  if (errors.length === 0) {
    const days = daysBetween(startDate!, endDate!) + 1;
    if (days > MAX_DAYS) errors.push({ path: '/end_date', message: `the period spans ${days} days; at most ${MAX_DAYS}` });
    else {
      const period = makePeriod(startDate!, endDate!, timezone, granularity);
      const n = granularity === 'minute' ? (period.to.getTime() - period.from.getTime()) / 60_000 : granularity === 'hourly' ? (period.to.getTime() - period.from.getTime()) / 3_600_000 : 0;
      if (n > MAX_BUCKETS) errors.push({ path: '/granularity', message: `${granularity} buckets over ${days} days would be ${n.toLocaleString('en-US')} rows; at most ${MAX_BUCKETS.toLocaleString('en-US')}, choose a coarser granularity` });
      else return period;
    }
  }
  throw new InvalidInput(errors.map((e) => `${e.path.slice(1)}: ${e.message}`).join('; '), errors);
}

/** The equally long period just before. */
export function previousPeriod(p: Period): Period {
  return makePeriod(addDays(p.startDate, -p.days), addDays(p.startDate, -1), p.timezone, p.granularity);
}

export interface Bucket {
  /** The key the SQL bucket expression produces. */
  key: string;
  /** What the API shows: YYYY-MM-DD, or RFC 3339 with offset for minute and hourly. */
  date: string;
  /** Length in hours (a DST day has 23 or 25). */
  hours: number;
}

/** ClickHouse expression giving a bucket key for a DateTime64 column, in {tz:String}. */
export function bucketSql(column: string, g: Granularity): string {
  switch (g) {
    case 'minute': return `toString(toUnixTimestamp(toStartOfMinute(${column})))`;
    case 'hourly': return `toString(toUnixTimestamp(toStartOfHour(${column}, {tz:String})))`;
    case 'daily': return `toString(toDate(${column}, {tz:String}))`;
    case 'weekly': return `toString(toMonday(${column}, {tz:String}))`;
    case 'monthly': return `toString(toStartOfMonth(${column}, {tz:String}))`;
  }
}

/**
 * ClickHouse expression giving the index, in `buckets` order, of the bucket of the period that an instant
 * of a DateTime64 column at or after the period's start ({from}, or the parameter `fromParam` names) falls
 * in; {tz:String} for calendar buckets. Minute and hourly buckets step from the start as `buckets` does;
 * days, Monday weeks and months follow the timezone's calendar (a 25-hour DST day is one day).
 */
export function bucketIndexSql(column: string, g: Granularity, fromParam = 'from'): string {
  const from = `{${fromParam}:DateTime64(3, 'UTC')}`;
  switch (g) {
    case 'minute': return `intDiv(toUnixTimestamp(${column}) - toUnixTimestamp(${from}), 60)`;
    case 'hourly': return `intDiv(toUnixTimestamp(${column}) - toUnixTimestamp(${from}), 3600)`;
    case 'daily': return `(toInt64(toRelativeDayNum(${column}, {tz:String})) - toRelativeDayNum(${from}, {tz:String}))`;
    case 'weekly': return `(toInt64(toRelativeWeekNum(${column}, {tz:String})) - toRelativeWeekNum(${from}, {tz:String}))`;
    case 'monthly': return `(toInt64(toRelativeMonthNum(${column}, {tz:String})) - toRelativeMonthNum(${from}, {tz:String}))`;
  }
}

/** Every bucket of the period, in order (empty ones included). */
export function buckets(p: Period): Bucket[] {
  // sized by a request: parsePeriod refuses more, and a Period built another way is checked here again
  const tooMany = () => new InvalidInput(`at most ${MAX_BUCKETS} buckets, choose a coarser granularity or a shorter period`, [{ path: '/granularity', message: `at most ${MAX_BUCKETS} buckets` }]);
  const out: Bucket[] = [];
  const from = p.from.getTime();
  const to = p.to.getTime();
  if (p.granularity === 'minute' || p.granularity === 'hourly') {
    const step = p.granularity === 'minute' ? 60_000 : 3_600_000;
    // hourly buckets start on the local hour (Kolkata: at :30 UTC); the period starts on one
    if (!((to - from) / step <= MAX_BUCKETS)) throw tooMany();
    for (let t = from; t < to; t += step) out.push({ key: String(t / 1000), date: rfc3339InZone(t, p.timezone), hours: step / 3_600_000 });
    return out;
  }
  let date = p.granularity === 'weekly' ? mondayOf(p.startDate) : p.granularity === 'monthly' ? `${p.startDate.slice(0, 7)}-01` : p.startDate;
  while (date <= p.endDate) {
    if (out.length >= MAX_BUCKETS) throw tooMany();
    const next = p.granularity === 'daily' ? addDays(date, 1) : p.granularity === 'weekly' ? addDays(date, 7) : nextMonth(date);
    const hours = (startOfLocalDay(next, p.timezone).getTime() - startOfLocalDay(date, p.timezone).getTime()) / 3_600_000;
    out.push({ key: date, date, hours });
    date = next;
  }
  return out;
}


