/**
 * Numbers as people read them, in a locale: counts, compact counts, percentages and money. The one place the
 * dashboard, the PDF exports and the alert and experiment texts take their number formats from (pure: no DOM, no
 * project imports).
 *
 * Money has one precision per magnitude (the same amount reads the same everywhere):
 *   0 → $0.00 · under $0.01 → two significant digits ($0.0035) · under $1,000 → cents ($0.85, $12.40)
 *   under $1M → whole dollars ($1,234) · from $1M → compact, one decimal ($1.2M)
 */

const cache = new Map<string, Intl.NumberFormat>();
/** A cached Intl.NumberFormat (formatters are costly to build, and a table asks thousands of times). */
export function nf(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = cache.get(k);
  if (!f) cache.set(k, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** What a missing value reads as. */
export const DASH = '—';

/** A real minus sign instead of the hyphen Intl writes. */
export const minus = (s: string) => s.replace('-', '−');

export const isNumber = (n: number | null | undefined): n is number => n !== null && n !== undefined && Number.isFinite(n);

/** 1234567 → "1,234,567" (en-US) or "1.234.567" (de-DE). */
export function formatCount(n: number | null | undefined, locale?: string): string {
  return isNumber(n) ? minus(nf(locale, { maximumFractionDigits: 0 }).format(n)) : DASH;
}

/** Compact for tight spaces: 1234567 → "1.2M". */
export function formatCompact(n: number | null | undefined, locale?: string): string {
  return isNumber(n) ? minus(nf(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n)) : DASH;
}

/** A plain number, two decimals at most: 1234.567 → "1,234.57". */
export function formatNumber(n: number | null | undefined, locale?: string): string {
  return isNumber(n) ? minus(nf(locale, { maximumFractionDigits: 2 }).format(n)) : DASH;
}

/** A percentage already in percent (39.17 → "39.2%"); one decimal. */
export function formatPercent(p: number | null | undefined, locale?: string): string {
  return isNumber(p) ? minus(nf(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(p / 100)) : DASH;
}

/** The money formats by magnitude (see the module's comment). */
function moneyOptions(abs: number): Intl.NumberFormatOptions {
  const usd = { style: 'currency', currency: 'USD' } as const;
  if (abs === 0) return { ...usd, minimumFractionDigits: 2, maximumFractionDigits: 2 };
  if (abs < 0.01) return { ...usd, minimumSignificantDigits: 1, maximumSignificantDigits: 2 };
  // 999.995 rounds to 1,000.00: it is read as a thousand, in whole dollars
  if (abs < 999.995) return { ...usd, minimumFractionDigits: 2, maximumFractionDigits: 2 };
  if (abs < 999_999.5) return { ...usd, minimumFractionDigits: 0, maximumFractionDigits: 0 };
  return { ...usd, notation: 'compact', maximumFractionDigits: 1 };
}

/** US dollars at the precision of their magnitude: $0.0035, $0.85, $12.40, $1,234, $1.2M. */
export function formatUsd(n: number | null | undefined, locale?: string): string {
  return isNumber(n) ? minus(nf(locale, moneyOptions(Math.abs(n))).format(n)) : DASH;
}
