/**
 * Settings › API keys (admins): the account's keys with their role, user and state; a new key made in a form, its
 * secret shown this once with a Copy button (the server keeps only a hash); a key revoked after a confirmation.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { DataTable } from '../../components/DataTable.js';
import { errorAt, Field, fieldErrors, FormProblem } from '../../components/FormErrors.js';
import { QueryState } from '../../components/States.js';
import { formatInstant } from '../../format.js';
import { settingsApi, settingsQueries, type ApiKeyOut } from '../../settings-queries.js';

const ROLES: Array<[ApiKeyOut['role'], string]> = [
  ['viewer', 'viewer — reads the workflows shared with its user'],
  ['member', 'member — its own and shared workflows; sends events'],
  ['admin', 'admin — everything in the account'],
  ['ingest', 'ingest — only sends events'],
];

export function ApiKeys({ locale }: { locale?: string | undefined }) {
  const client = useQueryClient();
  const keys = useQuery(settingsQueries.keys());
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyOut['role']>('viewer');
  const [userId, setUserId] = useState('');
  const [expires, setExpires] = useState('');
  const [made, setMade] = useState<{ id: string; key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      settingsApi.createKey({
        name: name.trim(),
        role,
        ...(userId.trim() ? { user_id: userId.trim() } : {}),
        // the end of the chosen day, in the browser's timezone
        ...(expires ? { expires_at: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      }),
    onSuccess: (k) => {
      setMade({ ...k, name: name.trim() });
      setCopied(false);
      setName('');
      setUserId('');
      setExpires('');
      void client.invalidateQueries({ queryKey: ['settings', 'keys'] });
    },
  });
  const revoke = useMutation({ mutationFn: (id: string) => settingsApi.revokeKey(id), onSuccess: () => void client.invalidateQueries({ queryKey: ['settings', 'keys'] }) });
  const errors = fieldErrors(create.error);
  const copy = async () => {
    if (!made) return;
    try {
      await navigator.clipboard.writeText(made.key);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <>
      <section className="panel" aria-label="New API key">
        <h2>New API key</h2>
        <p className="muted small">A key signs in to the dashboard and calls the API with its role. Members and viewers see the workflows they own or that are shared with their user id (Access).</p>
        <form
          className="settings-form"
          aria-label="New API key"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <div className="form-grid">
            <Field label="Name" error={errorAt(errors, '/name')}>
              {(p) => <input {...p} name="name" type="text" value={name} maxLength={256} onChange={(e) => setName(e.target.value)} placeholder="e.g. Marketing dashboard" />}
            </Field>
            <Field label="Role" error={errorAt(errors, '/role')}>
              {(p) => (
                <select {...p} name="role" value={role} onChange={(e) => setRole(e.target.value as ApiKeyOut['role'])}>
                  {ROLES.map(([v, l]) => (
                    <option key={v} value={v}>
                      {l}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="User id (optional)" error={errorAt(errors, '/user_id')} hint="whom workflows are shared with">
              {(p) => <input {...p} name="user_id" type="text" value={userId} maxLength={128} onChange={(e) => setUserId(e.target.value)} />}
            </Field>
            <Field label="Expires (optional)" error={errorAt(errors, '/expires_at')}>
              {(p) => <input {...p} name="expires" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />}
            </Field>
          </div>
          <div className="head-actions">
            <button type="submit" className="button button-primary" disabled={create.isPending}>
              Create key
            </button>
          </div>
          <FormProblem error={create.error} shown={['/name', '/role', '/user_id', '/expires_at']} />
        </form>
        {made && (
          <div className="made-link" role="status" data-new-key={made.id}>
            <Field label={`The secret of “${made.name}” (shown this once: copy it now)`}>
              {(p) => <input {...p} name="secret" type="text" readOnly value={made.key} onFocus={(e) => e.target.select()} autoFocus />}
            </Field>
            <div className="head-actions">
              <button type="button" className="button" onClick={() => void copy()}>
                {copied ? 'Copied' : 'Copy'}
              </button>
              <button type="button" className="button button-quiet" onClick={() => setMade(null)}>
                Done
              </button>
            </div>
          </div>
        )}
      </section>
      <section className="panel" aria-label="API keys">
        <h2>API keys</h2>
        <QueryState query={keys} skeleton={120} label="Loading keys" empty={(d) => d.api_keys.length === 0 && 'No key yet.'}>
          {(d) => (
            <DataTable
              label="API keys"
              rows={d.api_keys}
              rowKey={(k) => k.key_id}
              rowData={(k) => ({ key: k.key_id, role: k.role })}
              columns={[
                { label: 'Name', cell: (k) => k.name },
                { label: 'Role', cell: (k) => (k.is_operator ? 'operator' : k.role) },
                { label: 'User', cell: (k) => k.user_id || '—' },
                { label: 'Key', cell: (k) => <code>{k.prefix}…</code> },
                { label: 'Created', cell: (k) => formatInstant(k.created_at, locale) },
                { label: 'Expires', cell: (k) => (k.expires_at ? formatInstant(k.expires_at, locale) : 'never') },
                {
                  label: <span className="visually-hidden">Actions</span>,
                  cell: (k) =>
                    !k.is_operator && (
                      <ConfirmButton label="Revoke" question={`Revoke “${k.name}”? It stops working at once.`} confirm="Yes, revoke" onConfirm={() => revoke.mutate(k.key_id)} disabled={revoke.isPending} />
                    ),
                },
              ]}
            />
          )}
        </QueryState>
        <FormProblem error={revoke.error} />
      </section>
    </>
  );
}
