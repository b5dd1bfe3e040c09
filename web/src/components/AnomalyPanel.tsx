/**
 * The workflow page's anomaly chart: for the page's period, a watched metric (new enrollments unless `?metric=`
 * says otherwise, as alert links do) per hour (periods up to 14 days) or day, what the seasonal baseline expected,
 * the expected range as a band, and the anomalous buckets marked — the detector alert rules use. A suppressed
 * bucket (warming up, low volume, no data) is not an anomaly. The anomalous buckets are also listed in words.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { anomalyOptions, completeBuckets, isAnomaly } from '../../../src/charts/anomaly-options.js';
import type { AnomaliesResponse } from '../api.js';
import { formatBand, formatBucket, formatCount, formatMetricValue } from '../format.js';
import { metricCatalog, metricInfo } from '../metric-catalog.js';
import { anomalyBucket, type View } from '../view-state.js';
import { workflowQueries, type AnomalyParams } from '../workflow-queries.js';
import { LazyChart } from './LazyChart.js';
import { Empty, QueryState } from './States.js';

export const DEFAULT_WATCH = 'new_enrollments';
const SENSITIVITIES = ['low', 'medium', 'high'] as const;
/** Rates, means and percentiles are not judged on fewer executions than this (the rules' default minimum volume). */
const RATED_MIN_VOLUME = 20;
const SUPPRESSED: Record<string, string> = { warming_up: 'warming up (not enough history yet)', low_volume: `with too few executions (under ${RATED_MIN_VOLUME})`, no_data: 'with no data' };

export function AnomalyPanel({ workflowId, view, onChange, locale, accent }: { workflowId: string; view: View; onChange: (v: View) => void; locale?: string | undefined; accent?: string | undefined }) {
  const catalog = useQuery(metricCatalog);
  const [sensitivity, setSensitivity] = useState<(typeof SENSITIVITIES)[number]>('medium');
  const watchable = catalog.data?.metrics.filter((m) => m.watchable) ?? [];
  const metric = view.watch ?? DEFAULT_WATCH;
  const info = metricInfo(catalog.data, metric);
  const kind = catalog.data?.metrics.find((m) => m.name === metric)?.kind;
  const bucket = anomalyBucket(view);
  const params: AnomalyParams = {
    ...(view.range ? { range: view.range } : { start_date: view.start ?? undefined, end_date: view.end ?? undefined }),
    timezone: view.timezone,
    metric,
    bucket,
    sensitivity,
    ...(kind === 'rate' || kind === 'mean' || kind === 'percentile' ? { min_volume: RATED_MIN_VOLUME } : {}),
  };
  // the minimum volume depends on the metric's kind: ask once the catalog says it
  const bands = useQuery({ ...workflowQueries.anomalies(workflowId, params), enabled: catalog.data !== undefined || catalog.isError, placeholderData: keepPreviousData });
  const label = (t: string) => formatBucket(t, bucket, locale, view.timezone);
  const format = (n: number) => formatMetricValue(n, info.unit, locale);
  // the running bucket and those still to come are not judged yet
  const points = useMemo(() => (bands.data ? completeBuckets(bands.data.points, bucket === 'hour' ? 3_600_000 : 86_400_000, Date.now()) : []), [bands.data, bucket]);
  const options = useMemo(() => anomalyOptions(points, { name: info.label, label, format, ...(accent ? { accent } : {}) }), [points, info.label, info.unit, locale, view.timezone, accent]);
  const flagged = points.filter(isAnomaly);
  return (
    <section className="panel" aria-label="Anomalies" data-metric={metric} data-bucket={bucket}>
      <div className="panel-head">
        <h2>Anomalies</h2>
        <div className="chart-controls">
          <label className="inline">
            <span className="muted small">Metric</span>
            <select aria-label="Watched metric" value={metric} onChange={(e) => onChange({ ...view, watch: e.target.value === DEFAULT_WATCH ? null : e.target.value })}>
              {!watchable.some((m) => m.name === metric) && <option value={metric}>{info.label}</option>}
              {watchable.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          <div className="segmented small" role="group" aria-label="Sensitivity">
            {SENSITIVITIES.map((s) => (
              <button key={s} type="button" aria-pressed={sensitivity === s} onClick={() => setSensitivity(s)}>
                {s}
              </button>
            ))}
          </div>
        </div>
      </div>
      <p className="muted small">
        {info.label} per {bucket === 'hour' ? `hour (${view.timezone})` : 'day (UTC days)'}, against what the seasonal baseline expected; the shaded band is the expected range at {sensitivity} sensitivity, red dots are anomalies. Complete {bucket}s only; all versions and variants.
      </p>
      <div className={bands.isPlaceholderData ? 'is-stale' : ''}>
        <QueryState query={bands} skeleton={300} label="Loading anomaly bands" retry empty={() => points.length === 0 && `No complete ${bucket} in this period yet.`}>
          {() => (
            <>
              <LazyChart options={options} label={`${info.label} per ${bucket} with its expected range; ${flagged.length} anomalous ${flagged.length === 1 ? 'bucket' : 'buckets'}`} />
              <AnomalyList points={points} flagged={flagged} label={label} unit={info.unit} locale={locale} />
            </>
          )}
        </QueryState>
      </div>
    </section>
  );
}

type Point = AnomaliesResponse['points'][number];

function AnomalyList({ points, flagged, label, unit, locale }: { points: Point[]; flagged: Point[]; label: (t: string) => string; unit: string | undefined; locale?: string | undefined }) {
  const suppressed = new Map<string, number>();
  for (const p of points) if (p.suppressed) suppressed.set(p.suppressed, (suppressed.get(p.suppressed) ?? 0) + 1);
  const notJudged = [...suppressed].map(([why, n]) => `${formatCount(n, locale)} ${SUPPRESSED[why] ?? why.replaceAll('_', ' ')}`).join(', ');
  return (
    <>
      {flagged.length === 0 ? (
        <Empty>No anomaly in this period: every judged bucket is within its expected range.</Empty>
      ) : (
        <ul className="anomaly-list" aria-label="Anomalous buckets">
          {flagged.map((p) => (
            <li key={p.t} data-t={p.t} data-value={p.value ?? ''}>
              <strong>{label(p.t)}</strong>: {formatMetricValue(p.value, unit, locale)} <span className="muted">(expected {formatMetricValue(p.expected, unit, locale)}, range {formatBand(p.lower, p.upper, unit, locale)})</span>
            </li>
          ))}
        </ul>
      )}
      {notJudged && <p className="muted small">Buckets not judged: {notJudged}.</p>}
    </>
  );
}
