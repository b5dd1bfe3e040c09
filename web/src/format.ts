/**
 * The dashboard's formats: the one formatting module of Flowlens (src/format/, shared with the PDF exports and the
 * alert and experiment texts), plus what needs the web's calendar (an enrolment window read as days).
 */
import { DASH } from '../../src/format/index.js';
import { isLocalMidnight, localDate, nextMonth } from './calendar.js';

export * from '../../src/format/index.js';

/**
 * An enrolment window [from, to) in a timezone, as short as it reads: one local day ("Mar 2, 2026"), a month
 * ("March 2026"), several whole days (their first and last: "Mar 2 – 8, 2026"), else the instants ("Mar 2, 2026,
 * 10:00 – 11:00"). A trend bucket's window, or an insight's day.
 */
export function formatWindow(fromIso: string, toIso: string, locale?: string, timeZone = 'UTC'): string {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) return DASH;
  if (isLocalMidnight(from, timeZone) && isLocalMidnight(to, timeZone)) {
    const first = localDate(from, timeZone);
    const last = localDate(to - 1, timeZone);
    const day = (d: string) => new Date(`${d}T12:00:00Z`);
    if (first === last) return day(first).toLocaleDateString(locale, { timeZone: 'UTC', dateStyle: 'medium' });
    if (first.endsWith('-01') && localDate(to, timeZone) === nextMonth(first)) return day(first).toLocaleDateString(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' });
    return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium' }).formatRange(day(first), day(last));
  }
  return new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatRange(new Date(from), new Date(to));
}

/** A time of day on the 24-hour clock, for "as of 10:42" and "Updated 10:42" ("—" before any). */
export function formatClock(ms: number | null | undefined, locale?: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return DASH;
  return new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}
