/**
 * A watched metric per time bucket (hour or day, UTC) over a window: its value, its volume, for one workflow,
 * each workflow of a target, or the target's workflows together — what alert rules evaluate and anomaly bands
 * draw. The aggregates come from the catalog (MetricDefinition.series), counted in the engine over the hourly
 * or daily rollups (or the execution facts); buckets without rows are filled here (0 for counts and sums, no
 * value for rates and percentiles), so a workflow that goes silent shows as zeros, not as a gap.
 */
import type { Store } from '../store/store.js';
import { metric, type MetricDefinition } from './definitions.js';
import { filterParams, filterSql, type Target } from './scope.js';

export type Bucket = 'hour' | 'day';
export const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };

export interface SeriesPoint {
  /** Bucket start, epoch ms (UTC). */
  t: number;
  value: number | null;
  volume: number;
}

export interface SeriesWindow {
  /** Bucket-aligned, inclusive. */
  from: Date;
  /** Bucket-aligned, exclusive. */
  to: Date;
}

/** The bucket start at or before an instant. */
export function bucketStart(t: number, bucket: Bucket): number {
  return Math.floor(t / BUCKET_MS[bucket]) * BUCKET_MS[bucket];
}

function definition(name: string): MetricDefinition & { series: NonNullable<MetricDefinition['series']> } {
  const m = metric(name);
  if (!m.series) throw new Error(`${name} cannot be watched`);
  return m as MetricDefinition & { series: NonNullable<MetricDefinition['series']> };
}

/** Whether an empty bucket is 0 (counts, sums) or has no value (rates, means, percentiles). */
const emptyValue = (m: MetricDefinition): number | null => (m.kind === 'count' || m.kind === 'sum' ? 0 : null);

/**
 * The series of a metric for the target's workflows: one per workflow (`perWorkflow`), or one for them all
 * (key ''). Every bucket of the window is present, in order.
 */
export async function metricSeries(store: Store, target: Target, name: string, window: SeriesWindow, bucket: Bucket, perWorkflow: boolean): Promise<Map<string, SeriesPoint[]>> {
  const m = definition(name);
  const s = m.series;
  const group = perWorkflow ? 'workflow_id' : "''";
  const sql =
    s.from === 'rollup'
      ? `SELECT ${group} AS w, toUnixTimestamp(bucket) * 1000 AS t, ${s.value} AS value, ${s.volume} AS volume
         FROM ${bucket === 'hour' ? 'workflow_events_hourly' : 'workflow_events_daily'}
         WHERE account_id = {account:String} AND workflow_id IN {workflows:Array(String)}
           AND bucket >= {from:DateTime64(3, 'UTC')} AND bucket < {to:DateTime64(3, 'UTC')} AND ${filterSql(target, 'rollup')}
         GROUP BY w, t ORDER BY w, t`
      : `SELECT ${group} AS w, toUnixTimestamp(${bucket === 'hour' ? 'toStartOfHour' : 'toStartOfDay'}(${s.time})) * 1000 AS t, ${s.value} AS value, ${s.volume} AS volume
         FROM execution_facts FINAL
         WHERE account_id = {account:String} AND workflow_id IN {workflows:Array(String)}
           AND ${s.time} >= {from:DateTime64(3, 'UTC')} AND ${s.time} < {to:DateTime64(3, 'UTC')} AND ${filterSql(target, 'facts')}
         GROUP BY w, t ORDER BY w, t`;
  const rows = target.workflows.length === 0 ? [] : await store.query<{ w: string; t: number; value: number | null; volume: number }>(sql, {
    account: target.account, workflows: target.workflows, from: window.from, to: window.to, ...filterParams(target),
  });
  const found = new Map<string, Map<number, { value: number | null; volume: number }>>();
  for (const r of rows) {
    const byT = found.get(r.w) ?? new Map();
    byT.set(Number(r.t), { value: r.value === null ? null : Number(r.value), volume: Number(r.volume) });
    found.set(r.w, byT);
  }
  const keys = perWorkflow ? target.workflows : [''];
  const step = BUCKET_MS[bucket];
  const empty = emptyValue(m);
  const out = new Map<string, SeriesPoint[]>();
  for (const w of keys) {
    const byT = found.get(w);
    const points: SeriesPoint[] = [];
    for (let t = window.from.getTime(); t < window.to.getTime(); t += step) {
      const p = byT?.get(t);
      points.push({ t, value: p ? (p.value ?? (p.volume === 0 ? empty : null)) : empty, volume: p?.volume ?? 0 });
    }
    out.set(w, points);
  }
  return out;
}
