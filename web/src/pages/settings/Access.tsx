/**
 * Settings › Access: who, besides its owner, may read a workflow (GET/PUT /workflows/{id}/access) — the user ids of
 * member and viewer keys. Admins edit every workflow's list, members those of the workflows they own (what the API
 * lets them change); dashboards are shared from their own page, with the same pattern (ShareDialog).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.js';
import { errorAt, Field, fieldErrors, FormProblem } from '../../components/FormErrors.js';
import { Empty, QueryState } from '../../components/States.js';
import { formatInstant } from '../../format.js';
import { linkProps } from '../../router.js';
import { settingsApi, settingsQueries, type AccessOut } from '../../settings-queries.js';
import type { SettingsRights } from './rights.js';

type Listed = { workflow_id: string; name: string; owner_user_id: string | null };

export function AccessSettings({ rights, locale }: { rights: SettingsRights; locale?: string | undefined }) {
  const catalog = useQuery({ queryKey: ['settings', 'workflows'], queryFn: ({ signal }) => api<{ workflows: Listed[] }>('/api/v1/workflows', { signal }) });
  const shareable = (catalog.data?.workflows ?? [])
    .filter((w) => rights.admin || (rights.userId !== '' && w.owner_user_id === rights.userId))
    .sort((a, b) => a.name.localeCompare(b.name));
  const [chosen, setChosen] = useState('');
  const workflow = shareable.find((w) => w.workflow_id === chosen) ?? shareable[0];
  return (
    <section className="panel" aria-label="Workflow access">
      <div className="panel-head">
        <h2>Who may read a workflow</h2>
        <a className="small" {...linkProps('/dashboards')}>
          Dashboards are shared from their own page
        </a>
      </div>
      <p className="muted small">Besides its owner and the admins, the users listed here (the user ids of member and viewer keys) see the workflow; members may also change it. Changes take effect at once.</p>
      {catalog.isSuccess && shareable.length === 0 ? (
        <Empty>{rights.admin ? 'No workflow yet.' : 'You own no workflow, so there is nothing for you to share.'}</Empty>
      ) : (
        <>
          <Field label="Workflow">
            {(p) => (
              <select {...p} name="workflow" value={workflow?.workflow_id ?? ''} onChange={(e) => setChosen(e.target.value)}>
                {shareable.map((w) => (
                  <option key={w.workflow_id} value={w.workflow_id}>
                    {w.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {workflow && <AccessEditor key={workflow.workflow_id} workflowId={workflow.workflow_id} locale={locale} />}
        </>
      )}
    </section>
  );
}

function AccessEditor({ workflowId, locale }: { workflowId: string; locale?: string | undefined }) {
  const access = useQuery(settingsQueries.access(workflowId));
  return (
    <QueryState query={access} skeleton={80} label="Loading access">
      {(d) => <AccessForm access={d} locale={locale} />}
    </QueryState>
  );
}

function AccessForm({ access, locale }: { access: AccessOut; locale?: string | undefined }) {
  const client = useQueryClient();
  const [users, setUsers] = useState<string[]>(access.user_ids);
  const save = useMutation({
    mutationFn: () => settingsApi.saveAccess(access.workflow_id, users.map((u) => u.trim())),
    onSuccess: (d) => client.setQueryData(settingsQueries.access(access.workflow_id).queryKey, d),
  });
  const errors = fieldErrors(save.error);
  return (
    <form
      className="settings-form"
      aria-label="Access list"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <p className="small">
        Owner: <strong>{access.owner_user_id ?? 'none (admins only)'}</strong>
        {access.updated_at && (
          <span className="muted">
            {' '}
            · changed {formatInstant(access.updated_at, locale)} by {access.updated_by}
          </span>
        )}
      </p>
      {users.length === 0 && <p className="muted small">Shared with nobody.</p>}
      <ul className="share-list">
        {users.map((u, i) => (
          <li key={i} data-user={u}>
            <Field label={`User ${i + 1}`} error={errorAt(errors, `/user_ids/${i}`)}>
              {(p) => <input {...p} type="text" name="user_id" value={u} maxLength={128} onChange={(e) => setUsers(users.map((x, j) => (j === i ? e.target.value : x)))} />}
            </Field>
            <button type="button" className="button button-quiet" aria-label={`Remove ${u || `user ${i + 1}`}`} onClick={() => setUsers(users.filter((_, j) => j !== i))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {errorAt(errors, '/user_ids') && !users.some((_, i) => errorAt(errors, `/user_ids/${i}`)) && <p className="form-error small">{errorAt(errors, '/user_ids')}</p>}
      <div className="head-actions">
        <button type="button" className="button" onClick={() => setUsers([...users, ''])}>
          Add a user
        </button>
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          Save access
        </button>
        {save.isSuccess && !save.isPending && (
          <span className="muted small" role="status">
            Saved.
          </span>
        )}
      </div>
      <FormProblem error={save.error} shown={['/user_ids']} />
    </form>
  );
}
