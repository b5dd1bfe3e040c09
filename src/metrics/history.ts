/**
 * What a panel's answer says about history (issue 31) when its period reaches back before the raw window:
 * where its figures come from, at what resolution, and what can no longer be given. Within the daily window the
 * cohort panels (summary, trends, funnel, cohorts) read the execution facts, kept per execution: exact at any
 * day boundary. The funnel's and cohorts' percentiles are exact; the summary of such a period is answered from
 * per-day states (summary-days.ts), its percentiles within 0.5 % (logarithmic buckets). The actions panel reads the
 * daily rollups for whole UTC days: a part day before the raw window (a timezone off UTC's days) has no hourly
 * rollups or raw events left.
 */
import type { PeriodHistory } from '../contract/common.js';
import type { RetentionHorizons } from '../store/retention.js';
import type { Period } from './period.js';
import { DAY_MS } from '../time/calendar.js';
import { RELATIVE_ERROR } from '../stats/log-buckets.js';

export type HistoryPanel = 'summary' | 'cohort' | 'actions';

const date = (d: Date) => d.toISOString().slice(0, 10);

const SOURCES: Record<HistoryPanel, string> = {
  summary: `execution_facts: one row per execution, kept for the daily window, counted per UTC day; counts and trends exact at any day boundary of the timezone, duration and time-to-conversion percentiles within ${RELATIVE_ERROR * 100} % (logarithmic buckets)`,
  cohort: 'execution_facts: one row per execution, kept for the daily window; exact at any day boundary of the timezone, percentiles exact',
  actions: 'workflow_events_daily for whole UTC days before raw_detail_since (the raw detail after it); duration percentiles from t-digest states',
};

/** The percentiles' stated relative error: the summary's buckets; ClickHouse's documented bound for t-digest. */
const PERCENTILE_ERROR: Record<HistoryPanel, number | null> = { summary: RELATIVE_ERROR, cohort: null, actions: 0.01 };

/** Whether a period from `from` on lies inside the raw window (its figures exact from the raw detail and day states). */
export const insideRawWindow = (from: Date, h: RetentionHorizons): boolean => !h.raw || from.getTime() >= h.raw.getTime();

export function historyOf(period: Period, h: RetentionHorizons, panel: HistoryPanel): PeriodHistory | undefined {
  if (!h.raw || insideRawWindow(period.from, h)) return undefined; // (!h.raw again: the raw horizon known below)
  const beforeDaily = h.daily !== null && period.from.getTime() < h.daily.getTime();
  const unavailable: string[] = [];
  if (panel !== 'actions') {
    if (beforeDaily) unavailable.push(`executions enrolled before ${date(h.daily!)}: their cohort figures expired with the daily window (the monthly event counts remain)`);
  } else {
    if (beforeDaily) unavailable.push(`action runs before ${date(h.daily!)}: the daily rollups expired (the monthly ones remain)`);
    const partDay = period.from.getTime() % DAY_MS !== 0 || (period.to.getTime() < h.raw.getTime() && period.to.getTime() % DAY_MS !== 0);
    if (partDay) unavailable.push(`the part UTC days before ${date(h.raw)} at the period's edges (timezone ${period.timezone}): their hourly rollups and raw events expired`);
  }
  return {
    raw_detail_since: h.raw.toISOString(),
    daily_since: h.daily ? h.daily.toISOString() : null,
    source: SOURCES[panel],
    resolution: panel === 'actions' ? 'utc_day' : 'execution',
    percentile_error: PERCENTILE_ERROR[panel],
    unavailable,
  };
}
