/**
 * Durations in one adaptive style, everywhere (cards, tables, tooltips, the PDF, alert texts): the two largest
 * units that matter, so values side by side read in the same words — "850 ms", "42 s", "1.5 s", "3 min 20 s",
 * "2 h 5 min", "1 d 23 h", "4 d". Each value is rounded to its smaller unit first (47.4 h is "1 d 23 h",
 * 86,451.8 s is "1 d").
 */
import { DASH, isNumber, minus, nf } from './numbers.js';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

function unsigned(abs: number, locale: string | undefined): string {
  const whole = (x: number) => nf(locale, { maximumFractionDigits: 0 }).format(x);
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) => (small === 0 ? `${whole(big)} ${bigUnit}` : `${whole(big)} ${bigUnit} ${whole(small)} ${smallUnit}`);
  if (abs < 1 && Math.round(abs * 1000) < 1000) return `${whole(abs * 1000)} ms`;
  if (abs < MINUTE && Math.round(abs * 10) < MINUTE * 10) return `${nf(locale, { maximumFractionDigits: 1 }).format(abs)} s`;
  const seconds = Math.round(abs);
  if (seconds < HOUR) return pair(Math.floor(seconds / MINUTE), 'min', seconds % MINUTE, 's');
  const minutes = Math.round(abs / MINUTE);
  if (minutes < DAY / MINUTE) return pair(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(abs / HOUR);
  return pair(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

/** A duration in seconds: "850 ms", "42 s", "3 min 20 s", "2 h 5 min", "1 d 23 h" (a negative one with "−"). */
export function formatDuration(seconds: number | null | undefined, locale?: string): string {
  if (!isNumber(seconds)) return DASH;
  return `${seconds < 0 ? '−' : ''}${minus(unsigned(Math.abs(seconds), locale))}`;
}

/** A duration in hours (the summary's unit), as formatDuration writes it. */
export function formatHours(h: number | null | undefined, locale?: string): string {
  return isNumber(h) ? formatDuration(h * HOUR, locale) : DASH;
}

/** A duration in milliseconds (actions' and steps' unit), as formatDuration writes it. */
export function formatMilliseconds(ms: number | null | undefined, locale?: string): string {
  return isNumber(ms) ? formatDuration(ms / 1000, locale) : DASH;
}
