/**
 * A metric's value, difference, amount and interval in the unit the metric catalog gives it
 * (src/metrics/definitions.ts: percent, hours, milliseconds, seconds, usd, or a count such as executions).
 */
import { formatDuration } from './durations.js';
import { DASH, formatNumber, formatPercent, formatUsd, isNumber, minus, nf } from './numbers.js';

/** The units the catalog measures time in, as seconds per unit. */
const SECONDS_PER: Record<string, number> = { hours: 3600, seconds: 1, milliseconds: 0.001 };

/** Whether a unit counts things (executions, events, credits): its changes may be read relative to a base. */
export const isCountUnit = (unit: string | undefined) => unit === undefined || !(unit === 'percent' || unit === 'usd' || unit in SECONDS_PER);

/**
 * A value in its unit: rates in percent ("12.5%"), time as a duration ("2 h 30 min", "850 ms"), USD as money
 * ("$0.85"); any other unit (executions, events, credits) as a plain number ("1,234.57").
 */
export function formatMetricValue(v: number | null | undefined, unit: string | undefined, locale?: string): string {
  if (!isNumber(v)) return DASH;
  if (unit === 'percent') return formatPercent(v, locale);
  if (unit === 'usd') return formatUsd(v, locale);
  if (unit !== undefined && unit in SECONDS_PER) return formatDuration(v * SECONDS_PER[unit]!, locale);
  return formatNumber(v, locale);
}

/**
 * The difference between two values of a metric, signed: percentage points for rates ("+2.5 pp"), a duration
 * ("−30 min"), money ("+$0.0012"); any other unit as a signed number ("+183").
 */
export function formatDifference(d: number | null | undefined, unit: string | undefined, locale?: string): string {
  if (!isNumber(d)) return DASH;
  if (unit === 'percent') return `${minus(nf(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(d))} pp`;
  if (d === 0) return formatMetricValue(0, unit, locale);
  return `${d > 0 ? '+' : '−'}${formatMetricValue(Math.abs(d), unit, locale)}`;
}

/**
 * An amount of a metric's unit without sign (an expected loss): percentage points for rates, two significant
 * digits under one ("0.052 pp"), else two decimals; time as a duration; USD as money.
 */
export function formatAmount(x: number | null | undefined, unit: string | undefined, locale?: string): string {
  if (!isNumber(x)) return DASH;
  if (unit === 'usd' || (unit !== undefined && unit in SECONDS_PER)) return formatMetricValue(x, unit, locale);
  const n = Math.abs(x) < 1 && x !== 0 ? nf(locale, { maximumSignificantDigits: 2 }).format(x) : nf(locale, { maximumFractionDigits: 2 }).format(x);
  return unit === 'percent' ? `${n} pp` : n;
}

/** A range of values of a unit, low–high with an en dash: "$0.68–$1.99", "2.1%–5.9%" ("—" without both ends). */
export function formatRange(low: number | null | undefined, high: number | null | undefined, unit: string | undefined, locale?: string): string {
  if (!isNumber(low) || !isNumber(high)) return DASH;
  return `${formatMetricValue(low, unit, locale)}–${formatMetricValue(high, unit, locale)}`;
}

/** The interval of a difference, each end signed: "−17.4 to +67.4 pp", "−1 h 12 min to +30 min". */
export function formatInterval(ci: readonly [number, number] | null | undefined, unit: string | undefined, locale?: string): string {
  if (!ci || !isNumber(ci[0]) || !isNumber(ci[1])) return DASH;
  if (unit === 'percent') {
    const end = (x: number) => minus(nf(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(x));
    return `${end(ci[0])} to ${end(ci[1])} pp`;
  }
  return `${formatDifference(ci[0], unit, locale)} to ${formatDifference(ci[1], unit, locale)}`;
}

/** ROI above this (in percent) reads as a multiple of the cost: a percentage of 1,149,942.6% tells nobody anything. */
export const ROI_AS_MULTIPLE_ABOVE = 1000;

/**
 * A return on investment, (value − cost) ÷ cost × 100: in whole percent up to 1,000% ("+245%", "−40%"), above
 * as how many times the cost the value is ("11,500× cost"), which is what so large a return says.
 */
export function formatRoi(roiPercent: number | null | undefined, locale?: string): string {
  if (!isNumber(roiPercent)) return DASH;
  if (roiPercent > ROI_AS_MULTIPLE_ABOVE) {
    const times = roiPercent / 100 + 1;
    return `${nf(locale, { maximumFractionDigits: times < 100 ? 1 : 0 }).format(times)}× cost`;
  }
  return minus(nf(locale, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(roiPercent / 100));
}

/** The range a value was expected in (an alert's or anomaly's band): formatRange under the name those pages use. */
export const formatBand = formatRange;
