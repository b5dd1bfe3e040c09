/** Statistics as people read them: p-values, probabilities, shares, counts with their noun, verdicts. */
import { DASH, formatCount, formatPercent, isNumber, nf } from './numbers.js';

/** A p-value with three decimals, "< 0.001" below that. */
export function formatPValue(p: number | null | undefined, locale?: string): string {
  if (!isNumber(p)) return DASH;
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
  if (!isNumber(x)) return DASH;
  if (x > 0.999) return `> ${formatPercent(99.9, locale)}`;
  if (x < 0.001) return `< ${formatPercent(0.1, locale)}`;
  return formatPercent(x * 100, locale);
}

/** A share given as a fraction of 1 (an experiment's variant shares): 0.5 → "50.0%". */
export function formatShare(f: number | null | undefined, locale?: string): string {
  return f === null || f === undefined ? DASH : formatPercent(f * 100, locale);
}

/** A count with its noun, singular for exactly one: "1 execution", "42 executions", "1,204 executions". */
export function formatCountOf(n: number, singular: string, locale?: string, plural = `${singular}s`): string {
  return `${formatCount(n, locale)} ${n === 1 ? singular : plural}`;
}

export type Verdict = 'better' | 'worse' | 'no_difference' | 'not_enough_data';

/** A comparison's verdict in words. */
export function verdictText(v: Verdict): string {
  return v === 'better' ? 'Better' : v === 'worse' ? 'Worse' : v === 'no_difference' ? 'No difference' : 'Not enough data';
}

/** The colour of a verdict (the classes of the change tones: better is good news, worse bad). */
export function verdictTone(v: Verdict): 'up' | 'down' | 'flat' {
  return v === 'better' ? 'up' : v === 'worse' ? 'down' : 'flat';
}
