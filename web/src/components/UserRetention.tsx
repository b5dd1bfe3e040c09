/**
 * The activity page's users' retention (GET /api/v1/analytics/activity/cohorts): a row per week or month users were
 * first seen in during the page's period, with how many; a column per period since; each cell the share of them
 * active then, shaded like the workflow page's cohort heatmap; empty where the period has not begun.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ActivityCohortsResponse } from '../../../src/contract/activity-cohorts.js';
import { api, query } from '../api.js';
import { CohortMatrixTable, CohortUnitControls } from './CohortMatrix.js';
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
  return (
    <section className="panel" aria-label="Retention">
      <div className="panel-head">
        <h2>Retention</h2>
        <div className="chart-controls">
          <CohortUnitControls label="First seen" choice={choice} onChange={setChoice} />
        </div>
      </div>
      <div className={cohorts.isPlaceholderData ? 'is-stale' : ''}>
        <QueryState query={cohorts} skeleton={200} label="Loading retention" retry>
          {(d) =>
            d.matrix.every((r) => r.size === 0) ? (
              <Empty>Nobody was first seen in this period.</Empty>
            ) : (
              <CohortMatrixTable
                data={d}
                locale={locale}
                caption={`Users active by ${d.cohort} since first seen`}
                rowHeader="First seen"
                sizeHeader="Users"
                cellWord="active"
                note={
                  <>
                    Each cell: the share of the users first seen that {d.cohort} who were active in the {d.cohort} since ({d.cohort} 0 is
                    the one they were first seen in); in the timezone {d.period.timezone}. First seen: the earliest activity event kept (the raw window).
                  </>
                }
              />
            )
          }
        </QueryState>
      </div>
    </section>
  );
}
