/**
 * Dates and instants one way per locale, in axes, tooltips and tables alike: a day is "Mar 2" on an axis and
 * "Mar 2, 2026" in a table or tooltip, an hour "Mar 2, 10:00" (24-hour clock), a month "Mar 2026"; instants
 * "Mar 2, 2026, 10:00 AM" in the page's timezone.
 */
import { formatDuration } from './durations.js';
import { DASH, isNumber, nf } from './numbers.js';

/** The wall clock a bucket's date names ("2026-03-02", or "2026-03-02T10:00:00+05:30": its local hour) as a UTC Date. */
function wallClockOf(date: string): { at: Date; hasTime: boolean } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(date);
  if (!m) return null;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)));
  return Number.isNaN(at.getTime()) ? null : { at, hasTime: m[4] !== undefined };
}

/**
 * A trend bucket's date (the API's: YYYY-MM-DD, or RFC 3339 with the period's offset for minutes and hours) as
 * the locale writes it, read on its own wall clock (no timezone to pass): "Mar 2" (`long`: "Mar 2, 2026"),
 * "Mar 2, 10:00", a monthly bucket "Mar 2026".
 */
export function formatBucketDate(date: string, locale?: string, opts: { monthly?: boolean; long?: boolean } = {}): string {
  const w = wallClockOf(date);
  if (!w) return date;
  const base = { timeZone: 'UTC' } as const;
  if (w.hasTime) return w.at.toLocaleString(locale, { ...base, ...(opts.long ? { year: 'numeric' } : {}), month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  if (opts.monthly) return w.at.toLocaleDateString(locale, { ...base, month: 'short', year: 'numeric' });
  return w.at.toLocaleDateString(locale, { ...base, month: 'short', day: 'numeric', ...(opts.long ? { year: 'numeric' } : {}) });
}

/** An instant (ISO string) as a date and time in a timezone: "Mar 2, 2026, 10:00 AM". */
export function formatInstant(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return DASH;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return DASH;
  return t.toLocaleString(locale, { ...(timeZone ? { timeZone } : {}), dateStyle: 'medium', timeStyle: 'short' });
}

/** An instant to the second, for a timeline (24-hour clock): "Mar 2, 2026, 10:01:02". */
export function formatInstantSeconds(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return DASH;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return DASH;
  return t.toLocaleString(locale, { ...(timeZone ? { timeZone } : {}), year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/**
 * A bucket's start as an axis label: an hour in the page's timezone ("Mar 2, 10:00"), a day as its UTC date
 * ("Mar 2": day buckets of the alert engine are UTC days).
 */
export function formatBucket(iso: string, bucket: 'hour' | 'day', locale?: string, timeZone?: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return DASH;
  if (bucket === 'day') return t.toLocaleDateString(locale, { timeZone: 'UTC', month: 'short', day: 'numeric' });
  return t.toLocaleString(locale, { ...(timeZone ? { timeZone } : {}), month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** How long ago an instant was, in the largest whole unit: "now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago". */
export function formatAgo(iso: string | null | undefined, now: number = Date.now(), locale?: string): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  const s = (t - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(s) < 45) return rtf.format(0, 'second');
  // each unit as long as it rounds below the next one: 59.9 minutes is "1 hour"
  const minutes = Math.round(s / 60);
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute');
  const hours = Math.round(s / 3600);
  if (Math.abs(hours) < 24) return rtf.format(hours, 'hour');
  return rtf.format(Math.round(s / 86_400), 'day');
}

/** Time since an execution's start, signed: "+0 ms", "+1.5 s", "+3 min 20 s", "+2 h 6 min". */
export function formatElapsed(ms: number | null | undefined, locale?: string): string {
  if (!isNumber(ms)) return DASH;
  return `${ms < 0 ? '−' : '+'}${formatDuration(Math.abs(ms) / 1000, locale)}`;
}

/** A number of days, one decimal at most: "1 day", "3.5 days". */
export function formatDays(d: number | null | undefined, locale?: string): string {
  if (!isNumber(d)) return DASH;
  return `${nf(locale, { maximumFractionDigits: 1 }).format(d)} ${d === 1 ? 'day' : 'days'}`;
}
