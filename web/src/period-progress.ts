/**
 * Whether a period answered by an endpoint that does not say how far it has run (the platform pages') is over: a
 * period whose last date is today or later in its timezone includes now, so its figures are "so far". The
 * workflow summary says it itself (period.complete, src/metrics/period-progress.ts).
 */
import { localDate, startOfLocalDay } from './calendar.js';

export function periodComplete(period: { end_date: string; timezone: string; complete?: boolean | undefined } | undefined, now = Date.now()): boolean | undefined {
  if (!period) return undefined;
  if (period.complete !== undefined) return period.complete;
  return period.end_date < localDate(now, period.timezone);
}

/**
 * The buckets of an answer that have begun by now (a period that includes now lists its later buckets with zeros:
 * they are the future, not data, and are not drawn). A bucket's date is a local date (days, weeks, months) or an
 * instant (minutes, hours).
 */
export function begunBuckets<T extends { date: string }>(rows: readonly T[], timeZone: string, now = Date.now()): T[] {
  const start = (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? startOfLocalDay(d, timeZone) : Date.parse(d));
  return rows.filter((r) => !(start(r.date) > now));
}
