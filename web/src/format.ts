/** Numbers, percentages, durations and changes as people read them, in the browser's locale. */

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
