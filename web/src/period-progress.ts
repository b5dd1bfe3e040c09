/** How far a page's period has run: whether its changes are judged, and which of its buckets have begun. */
import { localDate, startOfLocalDay } from './calendar.js';
import { changesJudged } from './format.js';

/**
 * Whether a period's changes are judged (changesJudged, src/format/changes.ts): the workflow summary says how far
 * its period has run (as_of); a platform page's period does not, and is read against today's date in its timezone.
 */
export function periodJudged(period: { start_date: string; end_date: string; timezone: string; complete?: boolean | undefined; as_of?: string | undefined } | undefined, now = Date.now()): boolean | undefined {
  if (!period) return undefined;
  return changesJudged(period, period.as_of ? undefined : localDate(now, period.timezone));
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
