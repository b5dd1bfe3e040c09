/**
 * Calendar and timezone arithmetic, pure: local dates (YYYY-MM-DD strings) in an IANA timezone turned into UTC
 * instants and back, DST-correct through Intl (the platform's tz database, which the engine's agrees with).
 * Used by the analytics periods (metrics/period.ts), the scheduled reports and the cost forecast.
 */

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** Calendar arithmetic on YYYY-MM-DD strings (no timezone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from date a to date b. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a string is a real calendar date, YYYY-MM-DD. */
export function validDate(s: string): boolean {
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

/**
 * The first instant of a local date in a timezone (DST-correct): local midnight, or, where the clocks skip midnight
 * (Santiago, 2026-09-06: 00:00 → 01:00), the first instant after the skip. Two candidates come from the offsets
 * before and after; the earliest that falls on the date wins.
 */
export function startOfLocalDay(date: string, timezone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const first = guess - offsetMs(guess, timezone);
  const second = guess - offsetMs(first, timezone);
  const onDate = [first, second].filter((t) => localDate(new Date(t), timezone) === date);
  return new Date(onDate.length > 0 ? Math.min(...onDate) : second);
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


/** The Monday of a date's week. */
export function mondayOf(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

/** The first day of the month after a date's. */
export function nextMonth(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}
