/**
 * Which workflows a caller may read: the one access-filtered listing (admins and the operator: all of the
 * account's; members and viewers: the ones they own or that are shared with them, by the rule of
 * auth/authorize.ts), and the check of workflows a request names.
 */
import { allowedOnWorkflow } from '../auth/authorize.js';
import type { Principal } from '../auth/principal.js';
import { sharesOf, workflowGrant } from '../auth/workflow-access.js';
import { Forbidden, NotFound } from '../errors/domain-errors.js';
import type { Store } from '../store/store.js';
import { listWorkflows, type WorkflowListItem } from './catalog.js';

export async function readableWorkflows(store: Store, p: Principal): Promise<WorkflowListItem[]> {
  const all = await listWorkflows(store, p.accountId);
  if (p.isOperator || p.role === 'admin') return all;
  const shares = await sharesOf(store, p.accountId);
  return all.filter((w) => allowedOnWorkflow(p, 'read', { exists: true, ownerUserId: w.owner_user_id ?? '', sharedWith: shares.get(w.workflow_id) ?? [] }));
}

/** Named workflows: each must exist in the account (else NotFound) and be readable by the caller (else Forbidden). */
export async function checkReadable(store: Store, p: Principal, ids: string[], param: string): Promise<void> {
  for (const id of ids) {
    const grant = await workflowGrant(store, p.accountId, id);
    if (!grant.exists) throw new NotFound(`Workflow ${id} (${param}) does not exist`);
    if (!allowedOnWorkflow(p, 'read', grant)) throw new Forbidden(`This key may not read workflow ${id} (${param})`);
  }
}
