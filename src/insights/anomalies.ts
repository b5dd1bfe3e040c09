/**
 * Insights from the alert engine's anomaly detector: the days of the period whose failure rate (of the executions
 * that finished that day) or enrollments fell outside the seasonal band learnt from the 16 weeks before — one
 * observation per metric, naming the most extreme day.
 */
import { anomalyBands } from '../alerts/detect.js';
import type { InsightOut } from '../contract/insights.js';
import { formatCount, formatPercent } from '../format/index.js';
import { metric } from '../metrics/definitions.js';
import type { Period } from '../metrics/period.js';
import type { MetricsQueryService } from '../metrics/query-service.js';
import type { Scope } from '../metrics/scope.js';
import { bucketStart } from '../metrics/series.js';
import { DAY_MS } from '../time/calendar.js';

const WATCHED = [
  { name: 'execution_failure_rate', minVolume: 20, format: (x: number) => formatPercent(x, 'en-US') },
  { name: 'new_enrollments', minVolume: 0, format: (x: number) => formatCount(x, 'en-US') },
] as const;

export async function alertsAnomalyBands(queries: MetricsQueryService, scope: Scope, period: Period): Promise<InsightOut[]> {
  if (scope.version !== undefined || scope.variant !== undefined) return []; // the rollups' series do not know variants
  const from = bucketStart(period.from.getTime(), 'day');
  const to = bucketStart(period.to.getTime() - 1, 'day') + DAY_MS;
  const out: InsightOut[] = [];
  for (const w of WATCHED) {
    const all = (await queries.series({ account: scope.account, workflows: [scope.workflow] }, w.name, { from: new Date(from - 16 * 7 * DAY_MS), to: new Date(to) }, 'day', true)).get(scope.workflow) ?? [];
    const bands = anomalyBands(w.name, all, { bucket: 'day', timezone: 'UTC', sensitivity: 'medium', minVolume: w.minVolume });
    // UTC days of the period: those whose middle falls in it (a day mostly outside a period in another timezone is not reported)
    const inPeriod = (t: number) => t + DAY_MS / 2 >= period.from.getTime() && t + DAY_MS / 2 < period.to.getTime();
    const flagged = bands.filter((p) => inPeriod(p.t) && p.anomaly && p.value !== null && p.expected !== null);
    if (flagged.length === 0) continue;
    const worst = flagged.reduce((a, b) => (Math.abs(b.score ?? 0) > Math.abs(a.score ?? 0) ? b : a));
    const m = metric(w.name);
    const up = worst.value! > worst.expected!;
    const day = new Date(worst.t).toISOString().slice(0, 10);
    const volume = all.find((p) => p.t === worst.t)?.volume ?? 0;
    const good = m.better === 'neither' ? null : up === (m.better === 'higher');
    out.push({
      kind: 'anomaly', tone: good === null ? 'info' : good ? 'good' : 'bad', metric: w.name,
      title: `${m.label} ${up ? 'unusually high' : 'unusually low'} on ${day}`,
      text: `${m.label}: ${w.format(worst.value!)} on ${day} (UTC) against an expected ${w.format(worst.expected!)} (usual range ${w.format(worst.lower ?? worst.expected!)}–${w.format(worst.upper ?? worst.expected!)} from the seasonal baseline)${flagged.length > 1 ? `; ${flagged.length} days of the period were outside their range` : ''}.`,
      impact: Math.round(m.unit === 'percent' ? (Math.abs(worst.value! - worst.expected!) / 100) * volume : Math.abs(worst.value! - worst.expected!)),
      numbers: { value: worst.value, expected: worst.expected, lower: worst.lower, upper: worst.upper, score: worst.score, days: flagged.length },
      drill: `enrolled_from=${new Date(worst.t).toISOString()}&enrolled_to=${new Date(worst.t + DAY_MS).toISOString()}${w.name === 'execution_failure_rate' ? '&status=failed' : ''}`,
      // enrollments of that day are what the list holds; a failure rate counts the executions that finished that day
      drill_total: w.name === 'new_enrollments' ? Math.round(worst.value!) : null,
    });
  }
  return out;
}
