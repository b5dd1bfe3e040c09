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
import type { Params } from '../workflow-queries.js';
import { CohortMatrixTable, CohortUnitControls } from './CohortMatrix.js';
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
          <CohortUnitControls label="Cohort" choice={choice} onChange={setChoice} />
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
  const unit = data.cohort === 'week' ? 'week' : 'month';
  const label = METRICS.find((m) => m.key === data.metric)!.label.toLowerCase();
  return (
    <CohortMatrixTable
      data={data}
      locale={locale}
      caption={`Cohorts: share ${label} by ${data.cohort} since enrolment`}
      rowHeader="Cohort"
      sizeHeader="Size"
      cellWord={label}
      note={
        <>
          Each cell: the share of the cohort {data.metric === 'active' ? 'still active at the end of' : `${label} by the end of`} that {data.cohort} since
          enrolment ({unit} 0 is the enrolment {data.cohort}); in the timezone {data.period.timezone}.
        </>
      }
    />
  );
}
