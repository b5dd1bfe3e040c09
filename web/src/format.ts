/** Numbers, percentages, durations and changes as people read them, in the browser's locale. */
import { isLocalMidnight, localDate, nextMonth } from './calendar.js';

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = cache.get(k);
  if (!f) cache.set(k, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

export const DASH = '—';

/** 1234567 → "1,234,567" (en-US) or "1.234.567" (de-DE). */
export function formatCount(n: number | null | undefined, locale?: string): string {
  return n === null || n === undefined || !Number.isFinite(n) ? DASH : nf(locale, { maximumFractionDigits: 0 }).format(n);
}

/** Compact for tight spaces: 1234567 → "1.2M". */
export function formatCompact(n: number | null | undefined, locale?: string): string {
  return n === null || n === undefined || !Number.isFinite(n) ? DASH : nf(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** A percentage already in percent (39.17 → "39.2%"); one decimal. */
export function formatPercent(p: number | null | undefined, locale?: string): string {
  return p === null || p === undefined || !Number.isFinite(p) ? DASH : nf(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(p / 100);
}

/** Dollars with cents; amounts under a dollar keep up to 4 decimals (a cost per execution of $0.0035). */
export function formatUsd(n: number | null | undefined, locale?: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  const small = Math.abs(n) < 1 && n !== 0;
  return nf(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: small ? 4 : 2 }).format(n);
}

/** A duration in seconds, in the largest sensible units: "850 ms", "42 s", "3 min 20 s", "24.8 h", "3.2 d". */
export function formatDuration(seconds: number | null | undefined, locale?: string): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const one = (x: number) => nf(locale, { maximumFractionDigits: 1 }).format(x);
  const abs = Math.abs(seconds);
  if (abs < 1) return `${nf(locale, { maximumFractionDigits: 0 }).format(seconds * 1000)} ms`;
  if (abs < 60) return `${one(seconds)} s`;
  if (abs < 3600) {
    const m = Math.floor(abs / 60);
    const s = Math.round(abs - m * 60);
    return s === 0 ? `${m} min` : `${m} min ${s} s`;
  }
  if (abs < 72 * 3600) return `${one(seconds / 3600)} h`;
  return `${one(seconds / 86400)} d`;
}

export const formatHours = (h: number | null | undefined, locale?: string) => formatDuration(h === null || h === undefined ? h : h * 3600, locale);

/** A change in percent with its sign: +12.5%, −3.0%, or "—" when there was nothing to compare. */
export function formatChange(p: number | null | undefined, locale?: string): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  const s = nf(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(p / 100);
  return s.replace('-', '−');
}

/**
 * Change in percent from `before` to `now`, 2 decimals (null when there was nothing before): how the server
 * computes `change_percent` (changePercent in src/contract/common.ts), for a figure the server does not
 * compare (the median duration). A copy, because the dashboard imports the contract as types only;
 * src/contract/common.test.ts checks that both agree.
 */
export function changePercent(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return Math.round(((now - before) / Math.abs(before)) * 100 * 100) / 100;
}

/** Whether a change is good news: more enrollments are, longer durations are not. */
export function changeTone(p: number | null | undefined, higherIsBetter: boolean): 'up' | 'down' | 'flat' {
  if (p === null || p === undefined || !Number.isFinite(p) || p === 0) return 'flat';
  return p > 0 === higherIsBetter ? 'up' : 'down';
}

// ---- comparisons: versions and experiments ----

/** A number with its sign, a real minus, and `digits` decimals at most (1.5 → "+1.5", −2 → "−2", 0 → "0"). */
function signed(n: number, locale: string | undefined, options: Intl.NumberFormatOptions): string {
  return nf(locale, { ...options, signDisplay: 'exceptZero' }).format(n).replace('-', '−');
}

/**
 * A metric's value in the unit the metric catalog gives it (GET /api/v1/metrics): rates in percent
 * ("12.5%"), hours, seconds and milliseconds as a duration ("2.5 h", "850 ms"), USD as money; any other unit
 * (executions, events, credits) as a plain number.
 */
export function formatMetricValue(v: number | null | undefined, unit: string | undefined, locale?: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  if (unit === 'percent') return formatPercent(v, locale);
  if (unit === 'hours') return formatHours(v, locale);
  if (unit === 'milliseconds') return formatDuration(v / 1000, locale);
  if (unit === 'seconds') return formatDuration(v, locale);
  if (unit === 'usd') return formatUsd(v, locale);
  return nf(locale, { maximumFractionDigits: 2 }).format(v);
}

/**
 * The difference between two values of a metric, signed: percentage points for rates ("+2.5 pp"), a
 * duration for hours ("−30 min"), dollars for USD ("+$0.0012"); any other unit as a signed number.
 */
export function formatDifference(d: number | null | undefined, unit: string | undefined, locale?: string): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return DASH;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '';
  if (unit === 'percent') return `${signed(d, locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} pp`;
  if (unit === 'hours') return d === 0 ? '0 h' : sign + formatHours(Math.abs(d), locale);
  if (unit === 'milliseconds') return d === 0 ? '0 ms' : sign + formatDuration(Math.abs(d) / 1000, locale);
  if (unit === 'usd') return sign + formatUsd(Math.abs(d), locale);
  return signed(d, locale, { maximumFractionDigits: 2 });
}

/**
 * An amount of a metric's unit without sign (an expected loss): percentage points for rates, two significant
 * digits under one ("0.052 pp"), else two decimals; hours as a duration; USD as money.
 */
export function formatAmount(x: number | null | undefined, unit: string | undefined, locale?: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  if (unit === 'hours') return formatHours(x, locale);
  if (unit === 'usd') return formatUsd(x, locale);
  const n = Math.abs(x) < 1 && x !== 0 ? nf(locale, { maximumSignificantDigits: 2 }).format(x) : nf(locale, { maximumFractionDigits: 2 }).format(x);
  return unit === 'percent' ? `${n} pp` : n;
}

/** The interval of a difference, each end signed: "−17.4 to +67.4 pp", "−1.2 h to +30 min". */
export function formatInterval(ci: readonly [number, number] | null | undefined, unit: string | undefined, locale?: string): string {
  if (!ci || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return DASH;
  if (unit === 'percent') {
    const end = (x: number) => signed(x, locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    return `${end(ci[0])} to ${end(ci[1])} pp`;
  }
  return `${formatDifference(ci[0], unit, locale)} to ${formatDifference(ci[1], unit, locale)}`;
}

/** A p-value with three decimals, "< 0.001" below that. */
export function formatPValue(p: number | null | undefined, locale?: string): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  const three = nf(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  return p < 0.001 ? `< ${three.format(0.001)}` : three.format(p);
}

/** A p-value as a statement: "p = 0.285", "p < 0.001". */
export function formatP(p: number | null | undefined, locale?: string): string {
  const v = formatPValue(p, locale);
  return v === DASH ? `p ${DASH}` : v.startsWith('<') ? `p ${v}` : `p = ${v}`;
}

/** A probability in [0, 1] as a percentage that never rounds to certainty: 0.9999 → "> 99.9%", 0.0001 → "< 0.1%". */
export function formatProbability(x: number | null | undefined, locale?: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  if (x > 0.999) return `> ${formatPercent(99.9, locale)}`;
  if (x < 0.001) return `< ${formatPercent(0.1, locale)}`;
  return formatPercent(x * 100, locale);
}

/** A share given as a fraction of 1 (an experiment's variant shares): 0.5 → "50.0%". */
export function formatShare(f: number | null | undefined, locale?: string): string {
  return f === null || f === undefined ? DASH : formatPercent(f * 100, locale);
}

/** An instant (ISO string) as a date and time in a timezone: "Mar 2, 2026, 10:00 AM". */
export function formatInstant(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return DASH;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return DASH;
  return t.toLocaleString(locale, { ...(timeZone ? { timeZone } : {}), dateStyle: 'medium', timeStyle: 'short' });
}

/** A number of days, one decimal at most: "1 day", "3.5 days". */
export function formatDays(d: number | null | undefined, locale?: string): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return DASH;
  return `${nf(locale, { maximumFractionDigits: 1 }).format(d)} ${d === 1 ? 'day' : 'days'}`;
}

export type Verdict = 'better' | 'worse' | 'no_difference' | 'not_enough_data';

/** A comparison's verdict in words. */
export function verdictText(v: Verdict): string {
  return v === 'better' ? 'Better' : v === 'worse' ? 'Worse' : v === 'no_difference' ? 'No difference' : 'Not enough data';
}

/** The colour of a verdict (the classes of changeTone: better is good news, worse bad). */
export function verdictTone(v: Verdict): 'up' | 'down' | 'flat' {
  return v === 'better' ? 'up' : v === 'worse' ? 'down' : 'flat';
}

// ---- alerts and anomalies ----

/** The range a value was expected in, in the metric's unit: "2.1% – 5.9%" ("—" when there is none yet). */
export function formatBand(lower: number | null | undefined, upper: number | null | undefined, unit: string | undefined, locale?: string): string {
  if (lower === null || lower === undefined || upper === null || upper === undefined || !Number.isFinite(lower) || !Number.isFinite(upper)) return DASH;
  return `${formatMetricValue(lower, unit, locale)} – ${formatMetricValue(upper, unit, locale)}`;
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

// ---- drill-down: the executions behind a figure, an execution's timeline ----

/** A count with its noun, singular for exactly one: "1 execution", "42 executions", "1,204 executions". */
export function formatCountOf(n: number, singular: string, locale?: string, plural = `${singular}s`): string {
  return `${formatCount(n, locale)} ${n === 1 ? singular : plural}`;
}

/** An instant to the second, for a timeline (24-hour clock): "Mar 2, 2026, 10:01:02". */
export function formatInstantSeconds(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return DASH;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return DASH;
  return t.toLocaleString(locale, { ...(timeZone ? { timeZone } : {}), year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/** Time since an execution's start, signed: "+0 ms", "+1.5 s", "+3 min 20 s", "+2.1 h". */
export function formatElapsed(ms: number | null | undefined, locale?: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  return `${ms < 0 ? '−' : '+'}${formatDuration(Math.abs(ms) / 1000, locale)}`;
}

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
