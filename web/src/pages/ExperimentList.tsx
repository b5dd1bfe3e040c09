/** `/experiments`: the A/B experiments of the workflows the caller may read — status, primary metric, start, winner; `?workflow_id=` narrows to one workflow. */
import { useQuery } from '@tanstack/react-query';
import type { ExperimentOut } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { QueryState } from '../components/States.js';
import { experimentQueries } from '../experiment-queries.js';
import { DASH, formatInstant } from '../format.js';
import { useMetricInfo } from '../metric-catalog.js';
import { linkProps } from '../router.js';
import { useWorkflowNames } from './platform/common.js';
import { usePageTitle } from '../use-page-title.js';

export function StatusBadge({ status }: { status: ExperimentOut['status'] }) {
  return (
    <span className={`badge status status-${status}`} data-status={status}>
      {status}
    </span>
  );
}

export function ExperimentList({ search, locale }: { search: string; locale?: string | undefined }) {
  const workflow = new URLSearchParams(search).get('workflow_id') || null;
  const list = useQuery(experimentQueries.list(workflow));
  usePageTitle('Experiments');
  const name = useWorkflowNames();
  const info = useMetricInfo();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Experiments</h1>
          {workflow && (
            <p className="small">
              Of <a {...linkProps(`/workflows/${encodeURIComponent(workflow)}`)}>{name(workflow)}</a> ·{' '}
              <a {...linkProps('/experiments')}>all workflows</a>
            </p>
          )}
        </div>
      </div>
      <section className="panel">
        <QueryState
          query={list}
          skeleton={200}
          label="Loading experiments"
          retry
          empty={(d) => d.experiments.length === 0 && (workflow ? 'This workflow has no experiments.' : 'No experiments yet: define one with POST /api/v1/experiments (see API).')}
        >
          {(d) => (
            <DataTable
              label="Experiments"
              rows={d.experiments}
              rowKey={(e) => e.experiment_id}
              rowData={(e) => ({ experiment: e.experiment_id, status: e.status })}
              columns={[
                {
                  label: 'Experiment',
                  cell: (e) => (
                    <>
                      <a className="strong" {...linkProps(`/experiments/${encodeURIComponent(e.experiment_id)}`)}>
                        {e.name}
                      </a>
                      <div className="muted small">{e.variants.map((v) => v.key).join(' vs ')}</div>
                    </>
                  ),
                },
                {
                  label: 'Workflow',
                  cell: (e) => (
                    <a {...linkProps(`/experiments?workflow_id=${encodeURIComponent(e.workflow_id)}`)} title="Only this workflow's experiments">
                      {name(e.workflow_id)}
                    </a>
                  ),
                },
                { label: 'Status', cell: (e) => <StatusBadge status={e.status} /> },
                { label: 'Primary metric', cell: (e) => info(e.primary_metric).label },
                { label: 'Started', cell: (e) => formatInstant(e.started_at, locale), value: (e) => e.started_at },
                { label: 'Winner', cell: (e) => (e.winner ? <strong>{e.winner}</strong> : DASH), value: (e) => e.winner },
              ]}
            />
          )}
        </QueryState>
      </section>
    </>
  );
}
