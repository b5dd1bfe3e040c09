/**
 * A rule's detector on its metric's series (src/metrics/series.ts): the verdict on the last complete bucket —
 * static threshold, relative change against an earlier bucket, or the seasonal anomaly band — with the
 * minimum-volume rule, from the pure detectors of src/stats/anomaly.ts. Rates are tested as fractions (their
 * binomial noise floors the anomaly band) and answered in percent; `summary` says what moved, by how much,
 * against what, in the metric's words.
 */
import { formatMetricValue } from '../format/index.js';
import { metric } from '../metrics/definitions.js';
import { BUCKET_MS, type SeriesPoint } from '../metrics/series.js';
import { relativeChange, seasonalAnomalies, seasonalVerdict, staticThreshold, type AnomalyPoint, type Verdict } from '../stats/anomaly.js';
import { offsetMs, DAY_MS } from '../time/calendar.js';
import type { AlertRule } from './rules.js';

export interface Evaluation {
  breached: boolean;
  /** Start of the bucket judged (epoch ms). */
  bucket: number;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  score: number | null;
  volume: number;
  summary: string;
}

const WEEKS = 8;

/** How many buckets of history a rule's detector reads before the bucket it judges. */
export function lookbackBuckets(rule: Pick<AlertRule, 'detector' | 'bucket'>): number {
  const perDay = DAY_MS / BUCKET_MS[rule.bucket];
  if (rule.detector.type === 'threshold') return 0;
  if (rule.detector.type === 'change') return rule.detector.against === 'week_before' ? 7 * perDay : rule.detector.against === 'day_before' ? perDay : 1;
  return (rule.bucket === 'hour' ? WEEKS : 2 * WEEKS) * 7 * perDay - 1;
}

/** How a metric's values are written in sentences: the shared formats in the metric's unit ("12.5%", "$0.85", "2 h 5 min"). */
export function formatter(metricName: string): (v: number) => string {
  const unit = metric(metricName).unit;
  return (v) => formatMetricValue(v, unit, 'en-US');
}

/** Whether the detectors read the metric as a fraction (rates: value ÷ 100). */
const asFraction = (metricName: string) => metric(metricName).series?.detect === 'proportion';

function seasonalOptions(rule: AlertRule, direction: 'above' | 'below' | 'both', sensitivity: 'low' | 'medium' | 'high') {
  const m = metric(rule.metric);
  const fraction = asFraction(rule.metric);
  const f = formatter(rule.metric);
  return {
    bucketMs: BUCKET_MS[rule.bucket],
    timezoneOffsetMinutes: (t: number) => offsetMs(t, rule.timezone) / 60_000,
    sensitivity,
    direction,
    minVolume: rule.min_volume,
    kind: m.series!.detect,
    label: m.label.toLowerCase(),
    format: fraction ? (v: number) => f(v * 100) : f,
  };
}

const toDetector = (p: SeriesPoint, fraction: boolean) => ({ t: p.t, value: p.value === null ? null : fraction ? p.value / 100 : p.value, volume: p.volume });
const fromDetector = (x: number | null, fraction: boolean) => (x === null ? null : fraction ? x * 100 : x);

/** The verdict of a rule on the last point of `series` (every earlier point is history). */
export function evaluate(rule: AlertRule, series: readonly SeriesPoint[]): Evaluation {
  const last = series[series.length - 1];
  const m = metric(rule.metric);
  const label = m.label.toLowerCase();
  const format = formatter(rule.metric);
  if (!last) return { breached: false, bucket: 0, value: null, expected: null, lower: null, upper: null, score: null, volume: 0, summary: `no data for ${label}` };
  const d = rule.detector;
  let v: Verdict;
  if (d.type === 'threshold') {
    v = staticThreshold({ value: last.value, threshold: d.threshold, direction: d.direction, volume: last.volume, minVolume: rule.min_volume, label, format });
  } else if (d.type === 'change') {
    const back = lookbackBuckets(rule);
    const earlier = series[series.length - 1 - back];
    const against = d.against === 'week_before' ? 'the same bucket a week before' : d.against === 'day_before' ? 'the same bucket a day before' : 'the bucket before';
    v = relativeChange({ value: last.value, previous: earlier?.value ?? null, previousVolume: earlier?.volume ?? 0, percent: d.percent, direction: d.direction, volume: last.volume, minVolume: rule.min_volume, label, format });
    v = { ...v, reason: `${v.reason} (against ${against})` };
  } else {
    const fraction = asFraction(rule.metric);
    const s = seasonalVerdict(series.map((p) => toDetector(p, fraction)), seasonalOptions(rule, d.direction ?? 'both', d.sensitivity ?? 'medium'));
    v = { ...s, value: fromDetector(s.value, fraction), expected: fromDetector(s.expected, fraction), lower: fromDetector(s.lower, fraction), upper: fromDetector(s.upper, fraction) };
  }
  const summary = v.reason.charAt(0).toUpperCase() + v.reason.slice(1);
  return { breached: v.breached, bucket: last.t, value: v.value, expected: v.expected, lower: v.lower, upper: v.upper, score: v.score, volume: last.volume, summary };
}

/** Anomaly bands for a whole series (the anomalies endpoint and the trend charts): one point per bucket. */
export function anomalyBands(metricName: string, series: readonly SeriesPoint[], o: { bucket: 'hour' | 'day'; timezone: string; sensitivity: 'low' | 'medium' | 'high'; minVolume: number }): AnomalyPoint[] {
  const fraction = asFraction(metricName);
  const rule = { metric: metricName, bucket: o.bucket, timezone: o.timezone, min_volume: o.minVolume } as AlertRule;
  return seasonalAnomalies(series.map((p) => toDetector(p, fraction)), seasonalOptions(rule, 'both', o.sensitivity)).map((p) => ({
    ...p, value: fromDetector(p.value, fraction), expected: fromDetector(p.expected, fraction), lower: fromDetector(p.lower, fraction), upper: fromDetector(p.upper, fraction),
  }));
}
