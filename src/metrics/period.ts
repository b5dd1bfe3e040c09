/**
 * The period an analytics request asks about (CONTRACT §6): local dates in an IANA timezone turned
 * into UTC instants [from, to), the granularity of its buckets, and the previous period of equal length.
 * Timezone arithmetic uses Intl (the platform's tz database); ClickHouse buckets with the same names.
 */
import { InvalidInput } from '../errors/domain-errors.js';
import { resolveTimezone } from '../time/timezones.js';

export const GRANULARITIES = ['minute', 'hourly', 'daily', 'weekly', 'monthly'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const RANGES = ['today', 'last_7_days', 'last_30_days', 'last_90_days'] as const;
export const MAX_DAYS = 732;
export const MAX_BUCKETS = 50_000;

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

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Calendar arithmetic on YYYY-MM-DD strings (no timezone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a timezone. */
function wallClock(t: number, timezone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** Offset of the timezone from UTC at an instant, in ms (Kolkata: +19,800,000). */
export function offsetMs(t: number, timezone: string): number {
  const w = wallClock(t, timezone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** The first instant of a local date in a timezone (DST-correct). */
export function startOfLocalDay(date: string, timezone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  let t = guess - offsetMs(guess, timezone);
  const second = guess - offsetMs(t, timezone);
  if (second !== t) t = second;
  return new Date(t);
}

/** Today's date in a timezone. */
export function localDate(t: Date, timezone: string): string {
  const w = wallClock(t.getTime(), timezone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** RFC 3339 with the timezone's offset at that instant: 2026-11-01T01:00:00-05:00. */
export function rfc3339InZone(t: number, timezone: string): string {
  const off = offsetMs(t, timezone);
  const w = wallClock(t, timezone);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  return `${w.year}-${p2(w.month)}-${p2(w.day)}T${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}${sign}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
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
      const days = { today: 1, last_7_days: 7, last_30_days: 30, last_90_days: 90 }[q.range as (typeof RANGES)[number]];
      startDate = addDays(endDate, -(days - 1));
    }
  } else {
    if (startDate === undefined) errors.push({ path: '/start_date', message: 'required (YYYY-MM-DD), or give range' });
    else if (!validDate(startDate)) errors.push({ path: '/start_date', message: `"${startDate}" is not a date (YYYY-MM-DD)` });
    if (endDate === undefined) errors.push({ path: '/end_date', message: 'required (YYYY-MM-DD), or give range' });
    else if (!validDate(endDate)) errors.push({ path: '/end_date', message: `"${endDate}" is not a date (YYYY-MM-DD)` });
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
  if (!(p.days >= 1 && p.days <= MAX_DAYS)) throw new InvalidInput(`a period spans at most ${MAX_DAYS} days, not ${p.days}`, [{ path: '/end_date', message: `at most ${MAX_DAYS} days` }]);
  const out: Bucket[] = [];
  const from = p.from.getTime();
  const to = p.to.getTime();
  if (p.granularity === 'minute' || p.granularity === 'hourly') {
    const step = p.granularity === 'minute' ? 60_000 : 3_600_000;
    // hourly buckets start on the local hour (Kolkata: at :30 UTC); the period starts on one
    if ((to - from) / step > MAX_BUCKETS) throw new InvalidInput(`at most ${MAX_BUCKETS} buckets, choose a coarser granularity`, [{ path: '/granularity', message: `at most ${MAX_BUCKETS} buckets` }]);
    for (let t = from; t < to; t += step) out.push({ key: String(t / 1000), date: rfc3339InZone(t, p.timezone), hours: step / 3_600_000 });
    return out;
  }
  let date = p.granularity === 'weekly' ? mondayOf(p.startDate) : p.granularity === 'monthly' ? `${p.startDate.slice(0, 7)}-01` : p.startDate;
  while (date <= p.endDate) {
    const next = p.granularity === 'daily' ? addDays(date, 1) : p.granularity === 'weekly' ? addDays(date, 7) : nextMonth(date);
    const hours = (startOfLocalDay(next, p.timezone).getTime() - startOfLocalDay(date, p.timezone).getTime()) / 3_600_000;
    out.push({ key: date, date, hours });
    date = next;
  }
  return out;
}

function mondayOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

function nextMonth(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}
