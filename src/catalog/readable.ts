/** The workflows of the caller's account that the caller may read (admins and the operator: all). */
import { listWorkflows, type WorkflowListItem } from '../ingest/catalog.js';
import type { Store } from '../store/store.js';
import { allowedOnWorkflow } from './authorize.js';
import type { Principal } from './principal.js';
import { sharesOf } from './workflow-access.js';

export async function readableWorkflows(store: Store, p: Principal): Promise<WorkflowListItem[]> {
  const all = await listWorkflows(store, p.accountId);
  if (p.isOperator || p.role === 'admin') return all;
  const shares = await sharesOf(store, p.accountId);
  return all.filter((w) => allowedOnWorkflow(p, 'read', { exists: true, ownerUserId: w.owner_user_id ?? '', sharedWith: shares.get(w.workflow_id) ?? [] }));
}
