/**
 * The activity page's users' retention (GET /api/v1/analytics/activity/cohorts): a row per week or month users were
 * first seen in during the page's period, with how many; a column per period since; each cell the share of them
 * active then, shaded like the workflow page's cohort heatmap; empty where the period has not begun.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ActivityCohortsResponse } from '../../../src/contract/activity-cohorts.js';
import { api, query } from '../api.js';
import { formatCount } from '../format.js';
import { shade } from './CohortHeatmap.js';
import { Empty, QueryState } from './States.js';

type Choice = { cohort: 'week' | 'month'; week_start: 'monday' | 'sunday' };

export function UserRetention({ params, locale }: { params: Record<string, string | number | undefined>; locale?: string | undefined }) {
  const [choice, setChoice] = useState<Choice>({ cohort: 'week', week_start: 'monday' });
  const q = { range: params.range, start_date: params.start_date, end_date: params.end_date, timezone: params.timezone, ...choice };
  const cohorts = useQuery({
    queryKey: ['platform', 'activity-cohorts', q],
    queryFn: ({ signal }) => api<ActivityCohortsResponse>(`/api/v1/analytics/activity/cohorts${query(q)}`, { signal }),
    placeholderData: keepPreviousData,
  });
  const unit = choice.cohort === 'week' ? 'Week' : 'Month';
  return (
    <section className="panel" aria-label="Retention">
      <div className="panel-head">
        <h2>Retention</h2>
        <div className="chart-controls">
          <label className="small">
            First seen{' '}
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
        </div>
      </div>
      <div className={cohorts.isPlaceholderData ? 'is-stale' : ''}>
        <QueryState query={cohorts} skeleton={200} label="Loading retention" retry>
          {(d) =>
            d.matrix.every((r) => r.size === 0) ? (
              <Empty>Nobody was first seen in this period.</Empty>
            ) : (
              <>
                <div className="table-scroll" tabIndex={0} role="region" aria-label={`Users active by ${d.cohort} since first seen (scrolls sideways)`}>
                  <table className="table cohort-matrix" aria-label={`Users active by ${d.cohort} since first seen`}>
                    <thead>
                      <tr>
                        <th scope="col">First seen</th>
                        <th scope="col" className="num">Users</th>
                        {Array.from({ length: d.columns }, (_, k) => <th scope="col" key={k} className="num">{unit} {k}</th>)}
                      </tr>
                    </thead>
                    <tbody>
                      {d.matrix.map((row) => (
                        <tr key={row.cohort}>
                          <th scope="row">{row.cohort}</th>
                          <td className="num">{formatCount(row.size, locale)}</td>
                          {row.cells.map((c, k) =>
                            c === null || row.size === 0 ? (
                              <td key={k} aria-label="not begun" />
                            ) : (
                              <td key={k} className="num" style={shade(c.share)} title={`${formatCount(c.count, locale)} of ${formatCount(row.size, locale)} active`}>
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
                  Each cell: the share of the users first seen that {d.cohort} who were active in the {d.cohort} since ({unit.toLowerCase()} 0 is
                  the one they were first seen in); in the timezone {d.period.timezone}. First seen: the earliest activity event kept (the raw window).
                </p>
              </>
            )
          }
        </QueryState>
      </div>
    </section>
  );
}
