/**
 * Sharing a dashboard (its owner and admins): with users or roles of the account, to read or to edit; the origins
 * allowed to frame its embed page; and public read-only links — made with an optional expiry, shown once to copy
 * (the server keeps only a hash), listed with their state, revoked at once.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { dashboardApi, dashboardQueries, type DashboardOut, type PublicLinkCreated, type ShareOut } from '../dashboard-queries.js';
import { formatInstant } from '../format.js';
import { DataTable } from './DataTable.js';
import { errorAt, fieldErrors, FormProblem } from './FormErrors.js';
import { ErrorState, QueryState } from './States.js';

const EXPIRIES = [
  ['', 'Never (until revoked)'],
  ['1', '1 day'],
  ['7', '7 days'],
  ['30', '30 days'],
] as const;

export function ShareDialog({ dashboard, locale, onClose }: { dashboard: DashboardOut; locale?: string | undefined; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const client = useQueryClient();
  const id = dashboard.dashboard_id;
  const [shares, setShares] = useState<ShareOut[]>(dashboard.shares);
  const [origins, setOrigins] = useState(dashboard.allowed_origins.join('\n'));
  const [expiry, setExpiry] = useState('');
  const [made, setMade] = useState<PublicLinkCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const links = useQuery(dashboardQueries.links(id));

  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    return () => d.close();
  }, []);

  const saveSharing = useMutation({
    mutationFn: () => dashboardApi.share(id, { shares, allowed_origins: origins.split(/\s+/).map((o) => o.trim()).filter(Boolean) }),
    onSuccess: (d) => {
      client.setQueryData(dashboardQueries.detail(id).queryKey, d);
      void client.invalidateQueries({ queryKey: ['dashboards', 'list'] });
    },
  });
  const createLink = useMutation({
    mutationFn: () => dashboardApi.createLink(id, expiry ? new Date(Date.now() + Number(expiry) * 86_400_000).toISOString() : null),
    onSuccess: (link) => {
      setMade(link);
      setCopied(false);
      void client.invalidateQueries({ queryKey: ['dashboards', id, 'links'] });
    },
  });
  const revoke = useMutation({ mutationFn: (linkId: string) => dashboardApi.revokeLink(id, linkId), onSuccess: () => void client.invalidateQueries({ queryKey: ['dashboards', id, 'links'] }) });
  const url = made ? `${window.location.origin}${made.url}` : '';
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  const setShare = (i: number, change: Partial<ShareOut>) => setShares(shares.map((s, j) => (j === i ? { ...s, ...change } : s)));
  // the API's field errors beside the row or box they are about
  const shareErrors = fieldErrors(saveSharing.error);

  return (
    <dialog ref={ref} className="share-dialog" aria-label={`Share ${dashboard.name}`} onCancel={onClose}>
      <div className="panel-head">
        <h2>Share “{dashboard.name}”</h2>
        <button type="button" className="button button-quiet" onClick={onClose}>
          Close
        </button>
      </div>

      <section aria-label="People and roles">
        <h3>People and roles of the account</h3>
        {shares.length === 0 && <p className="muted small">Only you and the account's admins see it.</p>}
        <ul className="share-list">
          {shares.map((s, i) => (
            <li key={i} data-share={`${s.kind}:${s.id}`}>
              <select aria-label="Share with" value={s.kind} onChange={(e) => setShare(i, { kind: e.target.value as ShareOut['kind'], id: e.target.value === 'role' ? 'viewer' : '' })}>
                <option value="user">User</option>
                <option value="role">Everyone with the role</option>
              </select>
              {s.kind === 'role' ? (
                <select aria-label="Role" value={s.id} onChange={(e) => setShare(i, { id: e.target.value })}>
                  <option value="viewer">viewer</option>
                  <option value="member">member</option>
                  <option value="admin">admin</option>
                </select>
              ) : (
                <input type="text" aria-label="User id" placeholder="user id" value={s.id} maxLength={128} onChange={(e) => setShare(i, { id: e.target.value })} />
              )}
              <select aria-label="Access" value={s.access} onChange={(e) => setShare(i, { access: e.target.value as ShareOut['access'] })}>
                <option value="read">can read</option>
                <option value="edit">can edit</option>
              </select>
              <button type="button" className="button button-quiet" onClick={() => setShares(shares.filter((_, j) => j !== i))} aria-label="Remove">
                ×
              </button>
              {errorAt(shareErrors, `/shares/${i}`) && (
                <span className="form-error small" data-field-error="">
                  {errorAt(shareErrors, `/shares/${i}`)}
                </span>
              )}
            </li>
          ))}
        </ul>
        <button type="button" className="button" onClick={() => setShares([...shares, { kind: 'user', id: '', access: 'read' }])}>
          Add a person or role
        </button>
        <h3>Embedding</h3>
        <label className="field">
          <span className="field-label">Origins allowed to frame the embed page (one per line; none: it cannot be framed)</span>
          <textarea name="allowed_origins" rows={3} value={origins} onChange={(e) => setOrigins(e.target.value)} placeholder="https://intranet.example.com" aria-invalid={errorAt(shareErrors, '/allowed_origins') ? true : undefined} />
          {errorAt(shareErrors, '/allowed_origins') && (
            <span className="form-error small" data-field-error="">
              {errorAt(shareErrors, '/allowed_origins')}
            </span>
          )}
        </label>
        <div className="head-actions">
          <button type="button" className="button button-primary" onClick={() => saveSharing.mutate()} disabled={saveSharing.isPending}>
            Save sharing
          </button>
          {saveSharing.isSuccess && !saveSharing.isPending && <span className="muted small" role="status">Saved.</span>}
        </div>
        <FormProblem error={saveSharing.error} shown={['/shares', '/allowed_origins']} />
      </section>

      <section aria-label="Public links">
        <h3>Public read-only links</h3>
        <p className="muted small">
          Anyone with a link sees this dashboard's figures of {dashboard.workflow_ids.length > 0 ? `its ${dashboard.workflow_ids.length} workflow${dashboard.workflow_ids.length > 1 ? 's' : ''}` : 'the workflows it names (name some first)'}, and nothing else, without signing in.
        </p>
        <div className="head-actions">
          <label className="inline small">
            Expires
            <select name="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRIES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
            </select>
          </label>
          <button type="button" className="button" onClick={() => createLink.mutate()} disabled={createLink.isPending}>
            Create a public link
          </button>
        </div>
        {createLink.isError && <ErrorState error={createLink.error} />}
        {made && (
          <div className="made-link" role="status">
            <label className="field">
              <span className="field-label">The link (shown this once: copy it now)</span>
              <input type="text" name="public-url" readOnly value={url} onFocus={(e) => e.target.select()} />
            </label>
            <div className="head-actions">
              <button type="button" className="button" onClick={() => void copy()}>
                {copied ? 'Copied' : 'Copy'}
              </button>
              <code className="small embed-snippet">{`<iframe src="${url}" width="100%" height="600" style="border:0"></iframe>`}</code>
            </div>
          </div>
        )}
        <QueryState query={links} skeleton={60} label="Loading links" empty={(d) => d.links.length === 0 && 'No public link yet.'}>
          {(d) => (
            <DataTable
              label="Public links"
              rows={d.links}
              rowKey={(l) => l.link_id}
              rowData={(l) => ({ link: l.link_id, status: l.status })}
              columns={[
                { label: 'Link', cell: (l) => <code>/embed/{l.prefix}…</code> },
                { label: 'Created', cell: (l) => formatInstant(l.created_at, locale) },
                { label: 'Expires', cell: (l) => (l.expires_at ? formatInstant(l.expires_at, locale) : 'never') },
                { label: 'State', cell: (l) => <span className={`badge link-${l.status}`}>{l.status}</span> },
                {
                  label: <span className="visually-hidden">Actions</span>,
                  cell: (l) =>
                    l.status === 'active' && (
                      <button type="button" className="button button-quiet" onClick={() => revoke.mutate(l.link_id)} disabled={revoke.isPending}>
                        Revoke
                      </button>
                    ),
                },
              ]}
            />
          )}
        </QueryState>
      </section>
    </dialog>
  );
}
