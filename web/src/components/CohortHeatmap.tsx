/**
 * The workflow page's cohort matrix (GET …/analytics/cohorts): a row per enrolment week or month of the page's
 * period with its size, a column per period since enrolment, each cell the share of the cohort that had
 * completed, converted or failed by then (or was still active), shaded by that share; empty where the period
 * has not begun. The cohort unit, the metric and the day weeks start on are chosen here.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { CohortsResponse } from '../../../src/contract/cohorts.js';
import { api, query } from '../api.js';
import { formatCount } from '../format.js';
import type { Params } from '../workflow-queries.js';
import { Empty, QueryState } from './States.js';

const METRICS = [
  { key: 'completed', label: 'Completed' },
  { key: 'converted', label: 'Converted' },
  { key: 'active', label: 'Still active' },
  { key: 'errored', label: 'Failed' },
] as const;

type Choice = { cohort: 'week' | 'month'; metric: (typeof METRICS)[number]['key']; week_start: 'monday' | 'sunday' };

/** The page's period, timezone and filters (buckets and the comparison do not apply), with the choices made here. */
function cohortParams(p: Params, c: Choice) {
  return { range: p.range, start_date: p.start_date, end_date: p.end_date, timezone: p.timezone, version: p.version, variant: p.variant, enrollment_source: p.enrollment_source, exit_reason: p.exit_reason, ...c };
}

/** A cell's background: the share as the strength of the accent colour (white text past the middle); the users' retention shades alike. */
export function shade(share: number): { background: string; color: string } {
  const a = Math.max(0.06, Math.min(1, share / 100));
  return { background: `rgba(37, 99, 235, ${a.toFixed(2)})`, color: a > 0.55 ? '#fff' : 'inherit' };
}

export function CohortHeatmap({ workflowId, params, locale }: { workflowId: string; params: Params; locale?: string | undefined }) {
  const [choice, setChoice] = useState<Choice>({ cohort: 'week', metric: 'completed', week_start: 'monday' });
  const q = cohortParams(params, choice);
  const cohorts = useQuery({
    queryKey: ['wf', workflowId, 'cohorts', q],
    queryFn: ({ signal }) => api<CohortsResponse>(`/api/v1/workflows/${encodeURIComponent(workflowId)}/analytics/cohorts${query(q)}`, { signal }),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="panel" aria-label="Cohorts">
      <div className="panel-head">
        <h2>Cohorts</h2>
        <div className="chart-controls">
          <label className="small">
            Cohort{' '}
            <select value={choice.cohort} onChange={(e) => setChoice({ ...choice, cohort: e.target.value as Choice['cohort'] })}>
              <option value="week">by week</option>
              <option value="month">by month</option>
            </select>
          </label>
          {choice.cohort === 'week' && (
            <label className="small">
              Weeks start{' '}
              <select value={choice.week_start} onChange={(e) => setChoice({ ...choice, week_start: e.target.value as Choice['week_start'] })}>
                <option value="monday">Monday</option>
                <option value="sunday">Sunday</option>
              </select>
            </label>
          )}
          <label className="small">
            Show{' '}
            <select value={choice.metric} onChange={(e) => setChoice({ ...choice, metric: e.target.value as Choice['metric'] })}>
              {METRICS.map((m) => <option key={m.key} value={m.key}>{m.label}</option>)}
            </select>
          </label>
        </div>
      </div>
      <div className={cohorts.isPlaceholderData ? 'is-stale' : ''}>
        <QueryState query={cohorts} skeleton={200} label="Loading cohorts" retry>
          {(d) => (d.matrix.every((r) => r.size === 0) ? <Empty>No enrolments in this period.</Empty> : <Matrix data={d} locale={locale} />)}
        </QueryState>
      </div>
    </section>
  );
}

function Matrix({ data, locale }: { data: CohortsResponse; locale?: string | undefined }) {
  const unit = data.cohort === 'week' ? 'Week' : 'Month';
  const label = METRICS.find((m) => m.key === data.metric)!.label.toLowerCase();
  return (
    <>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`Cohorts: share ${label} by ${data.cohort} since enrolment (scrolls sideways)`}>
        <table className="table cohort-matrix" aria-label={`Cohorts: share ${label} by ${data.cohort} since enrolment`}>
          <thead>
            <tr>
              <th scope="col">Cohort</th>
              <th scope="col" className="num">Size</th>
              {Array.from({ length: data.columns }, (_, k) => <th scope="col" key={k} className="num">{unit} {k}</th>)}
            </tr>
          </thead>
          <tbody>
            {data.matrix.map((row) => (
              <tr key={row.cohort}>
                <th scope="row">{row.cohort}</th>
                <td className="num">{formatCount(row.size, locale)}</td>
                {row.cells.map((c, k) =>
                  c === null || row.size === 0 ? (
                    <td key={k} aria-label="not begun" />
                  ) : (
                    <td key={k} className="num" style={shade(c.share)} title={`${formatCount(c.count, locale)} of ${formatCount(row.size, locale)} ${label}`}>
                      {c.share}%
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        Each cell: the share of the cohort {data.metric === 'active' ? 'still active at the end of' : `${label} by the end of`} that {data.cohort} since
        enrolment ({unit.toLowerCase()} 0 is the enrolment {data.cohort}); in the timezone {data.period.timezone}.
      </p>
    </>
  );
}
