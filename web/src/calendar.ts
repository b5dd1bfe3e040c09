/**
 * Local dates and wall clocks in an IANA timezone, DST-correct through Intl: the few functions of the server's
 * src/time/calendar.ts the dashboard needs (a trend bucket's bounds, a window read as whole days). A copy, because
 * the web may import only the contract and the chart options of src/ (one difference: a day whose midnight the clocks
 * skip, see startOfLocalDay). calendar.test.ts checks the cases, DST days included.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock fields of an instant in a timezone. */
export function wallClock(t: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts as unknown as WallClock;
}

/** Offset of the timezone from UTC at an instant, in ms (Kolkata: +19,800,000). */
export function offsetMs(t: number, timeZone: string): number {
  const w = wallClock(t, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The first instant of a local date (YYYY-MM-DD) in a timezone, in ms. Where the clocks skip midnight (Santiago's
 * DST day starts at 01:00) the day starts at its first instant, as the engine's toDate() puts it: the server's
 * copy lands an hour early there, on the previous day's 23:00.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`);
  let t = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(t, timeZone);
  if (second !== t) t = second;
  if (localDate(t, timeZone) < date) {
    const w = wallClock(t, timeZone);
    t += (86_400 - (w.hour * 3600 + w.minute * 60 + w.second)) * 1000;
  }
  return t;
}

/** Calendar arithmetic on YYYY-MM-DD strings. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The first day of the month after a date's. */
export function nextMonth(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/** The local date (YYYY-MM-DD) of an instant in a timezone. */
export function localDate(t: number, timeZone: string): string {
  const w = wallClock(t, timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** Whether an instant is a local midnight in a timezone. */
export function isLocalMidnight(t: number, timeZone: string): boolean {
  return startOfLocalDay(localDate(t, timeZone), timeZone) === t;
}
