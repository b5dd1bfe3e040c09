/**
 * Report schedules: daily, weekly (on a weekday) or monthly (on a day of the month) at a local time in
 * an IANA timezone. A run at an occurrence covers the last complete period before it: the previous day,
 * the previous 7 days, or the previous calendar month (dates in the schedule's timezone).
 */
import { addDays, localDate, offsetMs } from '../time/calendar.js';

export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Schedule {
  frequency: Frequency;
  /** Local time HH:MM. */
  time: string;
  timezone: string;
  /** weekly: 1 = Monday … 7 = Sunday. */
  day_of_week?: number;
  /** monthly: 1–28. */
  day_of_month?: number;
}

/** The instant a local date and HH:MM time happen in a timezone (DST-correct). */
export function localInstant(date: string, time: string, timezone: string): Date {
  const guess = Date.parse(`${date}T${time}:00Z`);
  let t = guess - offsetMs(guess, timezone);
  const second = guess - offsetMs(t, timezone);
  if (second !== t) t = second;
  return new Date(t);
}

const isoWeekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

function matches(s: Schedule, date: string): boolean {
  if (s.frequency === 'daily') return true;
  if (s.frequency === 'weekly') return isoWeekday(date) === (s.day_of_week ?? 1);
  return Number(date.slice(8, 10)) === (s.day_of_month ?? 1);
}

/** The latest occurrence at or before `now`: its instant and local date. */
export function lastOccurrence(s: Schedule, now: Date): { at: Date; date: string } {
  let date = localDate(now, s.timezone);
  for (let i = 0; i < 40; i++) {
    if (matches(s, date)) {
      const at = localInstant(date, s.time, s.timezone);
      if (at.getTime() <= now.getTime()) return { at, date };
    }
    date = addDays(date, -1);
  }
  throw new Error('no occurrence within 40 days');
}

/** The period a run on local date `date` covers. */
export function coveredPeriod(s: Schedule, date: string): { start_date: string; end_date: string } {
  if (s.frequency === 'daily') return { start_date: addDays(date, -1), end_date: addDays(date, -1) };
  if (s.frequency === 'weekly') return { start_date: addDays(date, -7), end_date: addDays(date, -1) };
  const firstOfThis = `${date.slice(0, 8)}01`;
  const end = addDays(firstOfThis, -1);
  return { start_date: `${end.slice(0, 8)}01`, end_date: end };
}
