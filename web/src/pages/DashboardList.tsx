/**
 * `/dashboards`: the dashboards the caller may see (own, shared with it, all for admins), a form to start one —
 * blank or from a template (executive overview, operations, costs) —, and per dashboard duplicate and delete.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { browserTimezone, dashboardApi, dashboardQueries, type DashboardOut } from '../dashboard-queries.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorState, QueryState } from '../components/States.js';
import { formatInstant } from '../format.js';
import { linkProps, navigate } from '../router.js';
import '../dashboards.css';
import { usePageTitle } from '../use-page-title.js';

const ACCESS: Record<DashboardOut['your_access'], string> = { owner: 'yours', admin: 'admin', edit: 'shared, edit', read: 'shared, read' };

export function DashboardList({ locale, canChange }: { locale?: string | undefined; canChange: boolean }) {
  const client = useQueryClient();
  const list = useQuery(dashboardQueries.list());
  usePageTitle('Dashboards');
  const templates = useQuery(dashboardQueries.templates());
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('');
  const [confirm, setConfirm] = useState<string | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ['dashboards', 'list'] });
  const create = useMutation({
    mutationFn: () => dashboardApi.create({ name: name.trim(), ...(template ? { template } : {}), timezone: browserTimezone() }),
    onSuccess: (d) => {
      refresh();
      navigate(`/dashboards/${encodeURIComponent(d.dashboard_id)}`);
    },
  });
  const duplicate = useMutation({ mutationFn: (id: string) => dashboardApi.duplicate(id), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: (id: string) => dashboardApi.remove(id),
    onSuccess: () => {
      setConfirm(null);
      refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate();
  };
  return (
    <>
      <div className="page-head">
        <h1>Dashboards</h1>
      </div>
      {canChange && (
        <section className="panel" aria-label="New dashboard">
          <form className="new-dashboard" onSubmit={submit}>
            <label className="field">
              <span className="field-label">Name</span>
              <input type="text" name="dashboard-name" value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} placeholder="Weekly growth" />
            </label>
            <label className="field">
              <span className="field-label">Start from</span>
              <select name="template" value={template} onChange={(e) => setTemplate(e.target.value)}>
                <option value="">A blank grid</option>
                {templates.data?.templates.map((t) => (
                  <option key={t.template} value={t.template} title={t.description}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button button-primary" disabled={!name.trim() || create.isPending}>
              Create dashboard
            </button>
          </form>
          {template && <p className="muted small">{templates.data?.templates.find((t) => t.template === template)?.description}</p>}
          {create.isError && <ErrorState error={create.error} />}
        </section>
      )}
      <section className="panel">
        {(duplicate.isError || remove.isError) && <ErrorState error={duplicate.error ?? remove.error} />}
        <QueryState query={list} skeleton={160} label="Loading dashboards" retry empty={(d) => d.dashboards.length === 0 && (canChange ? 'No dashboards yet: create one above.' : 'No dashboard is shared with you yet.')}>
          {(d) => (
            <DataTable
              label="Dashboards"
              rows={d.dashboards}
              rowKey={(x) => x.dashboard_id}
              rowData={(x) => ({ dashboard: x.dashboard_id, access: x.your_access })}
              columns={[
                {
                  label: 'Dashboard',
                  cell: (x) => (
                    <>
                      <a className="strong" {...linkProps(`/dashboards/${encodeURIComponent(x.dashboard_id)}`)}>
                        {x.name}
                      </a>
                      {x.description && <div className="muted small">{x.description}</div>}
                    </>
                  ),
                },
                { label: 'Widgets', numeric: true, cell: (x) => x.widgets.length, value: (x) => x.widgets.length },
                { label: 'Workflows', cell: (x) => (x.workflow_ids.length === 0 ? <span className="muted">every readable one</span> : x.workflow_ids.join(', ')) },
                { label: 'Access', cell: (x) => <span className="badge">{ACCESS[x.your_access]}</span> },
                { label: 'Changed', cell: (x) => formatInstant(x.updated_at, locale), value: (x) => x.updated_at },
                {
                  label: <span className="visually-hidden">Actions</span>,
                  cell: (x) => (
                    <span className="row-actions">
                      {canChange && (
                        <button type="button" className="button button-quiet" onClick={() => duplicate.mutate(x.dashboard_id)} disabled={duplicate.isPending}>
                          Duplicate
                        </button>
                      )}
                      {(x.your_access === 'owner' || x.your_access === 'admin') &&
                        (confirm === x.dashboard_id ? (
                          <span className="confirm">
                            <button type="button" className="button button-danger" onClick={() => remove.mutate(x.dashboard_id)}>
                              Delete “{x.name}”
                            </button>
                            <button type="button" className="button button-quiet" onClick={() => setConfirm(null)}>
                              Keep
                            </button>
                          </span>
                        ) : (
                          <button type="button" className="button button-quiet" onClick={() => setConfirm(x.dashboard_id)}>
                            Delete…
                          </button>
                        ))}
                    </span>
                  ),
                },
              ]}
            />
          )}
        </QueryState>
      </section>
    </>
  );
}
