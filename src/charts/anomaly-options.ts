/**
 * ECharts options for a watched metric's anomaly bands (GET /api/v1/workflows/{id}/analytics/anomalies): the
 * value per bucket, the expected value dashed, the expected range as a band (a transparent lower series with the
 * band's width stacked on it and filled), and the anomalous buckets as red dots. A suppressed point (warming up,
 * low volume, no data) is never drawn as an anomaly. Pure data → options, like options.ts.
 */
import { PALETTE } from './options.js';

/** One bucket of the anomalies endpoint's `points[]`. */
export interface AnomalyPointLike {
  t: string;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  score: number | null;
  anomaly: boolean;
  suppressed: string | null;
}

export interface AnomalyChoice {
  /** The metric's label: the value line's name. */
  name: string;
  /** A bucket's label on the axis (default: the UTC instant as "YYYY-MM-DD HH:MM"). */
  label?: (t: string) => string;
  /** A value in the metric's unit, for the axis and the tooltip (e.g. "12.5%"). */
  format?: (n: number) => string;
  accent?: string;
}

/** Whether a point is drawn as an anomaly: flagged, judged (not suppressed), with a value. */
export const isAnomaly = (p: AnomalyPointLike): boolean => p.anomaly && p.suppressed === null && p.value !== null;

/**
 * The buckets that have ended by `now`. The anomalies endpoint answers every bucket of the period, the running one
 * and those still to come included (a count reads 0 there, far below its band); they are not judged yet.
 */
export function completeBuckets<T extends { t: string }>(points: readonly T[], bucketMs: number, now: number): T[] {
  return points.filter((p) => Date.parse(p.t) + bucketMs <= now);
}

export const ANOMALY_NAMES = { expected: 'Expected', band: 'Expected range', anomaly: 'Anomaly' } as const;

const defaultLabel = (t: string) => t.slice(0, 16).replace('T', ' ');
const round = (n: number) => String(Math.round(n * 100) / 100);

export function anomalyOptions(points: readonly AnomalyPointLike[], choice: AnomalyChoice) {
  const label = choice.label ?? defaultLabel;
  const format = choice.format ?? round;
  const accent = choice.accent ?? PALETTE.primary;
  const banded = (p: AnomalyPointLike) => p.lower !== null && p.upper !== null && Number.isFinite(p.lower) && Number.isFinite(p.upper);
  const tooltip = (params: Array<{ dataIndex: number }> | { dataIndex: number }) => {
    const i = Array.isArray(params) ? params[0]?.dataIndex : params.dataIndex;
    const p = i === undefined ? undefined : points[i];
    if (!p) return '';
    const lines = [`<strong>${label(p.t)}</strong>`, `${choice.name}: ${p.value === null ? 'no data' : format(p.value)}`];
    if (p.expected !== null) lines.push(`${ANOMALY_NAMES.expected}: ${format(p.expected)}`);
    if (banded(p)) lines.push(`${ANOMALY_NAMES.band}: ${format(p.lower!)}–${format(p.upper!)}`);
    if (isAnomaly(p)) lines.push(`<span style="color:${PALETTE.danger}">Anomaly${p.score !== null ? ` (score ${round(p.score)})` : ''}</span>`);
    else if (p.suppressed) lines.push(`not judged: ${p.suppressed.replaceAll('_', ' ')}`);
    return lines.join('<br/>');
  };
  return {
    animation: false,
    textStyle: { fontFamily: 'Helvetica, Arial, sans-serif', color: PALETTE.text },
    grid: { left: 16, right: 16, top: 36, bottom: 32, containLabel: true },
    legend: { top: 4, left: 'center', itemWidth: 14, textStyle: { fontSize: 11 }, data: [choice.name, ANOMALY_NAMES.expected, ANOMALY_NAMES.band, ANOMALY_NAMES.anomaly] },
    tooltip: { trigger: 'axis', formatter: tooltip },
    xAxis: { type: 'category', data: points.map((p) => label(p.t)), axisLabel: { fontSize: 10, hideOverlap: true }, axisLine: { lineStyle: { color: PALETTE.muted } } },
    yAxis: { type: 'value', axisLabel: { fontSize: 10, formatter: (n: number) => format(n) }, splitLine: { lineStyle: { color: PALETTE.grid } } },
    series: [
      // the band: its lower edge, invisible, and its width stacked on it (stacked whatever the signs)
      { name: 'band-lower', type: 'line', stack: 'band', stackStrategy: 'all', data: points.map((p) => (banded(p) ? p.lower : null)), symbol: 'none', lineStyle: { opacity: 0 }, silent: true },
      {
        name: ANOMALY_NAMES.band, type: 'line', stack: 'band', stackStrategy: 'all', data: points.map((p) => (banded(p) ? p.upper! - p.lower! : null)),
        symbol: 'none', color: accent, lineStyle: { opacity: 0 }, areaStyle: { color: accent, opacity: 0.16 }, silent: true,
      },
      { name: ANOMALY_NAMES.expected, type: 'line', data: points.map((p) => p.expected), symbol: 'none', color: PALETTE.muted, lineStyle: { type: 'dashed', width: 1.5 } },
      { name: choice.name, type: 'line', data: points.map((p) => p.value), symbol: 'none', color: accent, lineStyle: { width: 2 } },
      {
        name: ANOMALY_NAMES.anomaly, type: 'scatter', data: points.map((p) => (isAnomaly(p) ? p.value : null)), color: PALETTE.danger, symbol: 'circle', symbolSize: 9, z: 5,
        itemStyle: { color: PALETTE.danger, borderColor: '#fff', borderWidth: 1.5 },
      },
    ],
  };
}
