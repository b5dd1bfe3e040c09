/**
 * Who may see a workflow: its owner (the catalog's owner_user_id of the latest version) and the users
 * it is shared with (PUT /api/v1/workflows/{id}/access). Read fresh on every request, so a change
 * takes effect at once on every instance.
 */
import type { Store } from '../store/store.js';
import { isoUtc } from '../store/params.js';

export interface WorkflowGrant {
  /** Registered in the catalog or named by any event of the account. */
  exists: boolean;
  /** '' when nobody owns it. */
  ownerUserId: string;
  sharedWith: string[];
}

export async function workflowGrant(store: Store, account: string, workflow: string): Promise<WorkflowGrant> {
  const [row] = await store.query<{ exists: number; owner: string; shared: string[] }>(
    `SELECT
        (SELECT count() FROM (
            SELECT 1 FROM workflows WHERE account_id = {a:String} AND workflow_id = {w:String}
            UNION ALL
            SELECT 1 FROM workflows_seen WHERE account_id = {a:String} AND workflow_id = {w:String}
            LIMIT 1)) AS exists,
        (SELECT argMax(owner_user_id, version) FROM workflows FINAL
          WHERE account_id = {a:String} AND workflow_id = {w:String}) AS owner,
        (SELECT argMax(user_ids, updated_at) FROM workflow_access
          WHERE account_id = {a:String} AND workflow_id = {w:String}) AS shared`,
    { a: account, w: workflow },
  );
  return { exists: (row?.exists ?? 0) > 0, ownerUserId: row?.owner ?? '', sharedWith: row?.shared ?? [] };
}

/** Every shared workflow of the account with its user ids (for filtering lists). */
export async function sharesOf(store: Store, account: string): Promise<Map<string, string[]>> {
  const rows = await store.query<{ workflow_id: string; user_ids: string[] }>(
    `SELECT workflow_id, argMax(user_ids, updated_at) AS user_ids FROM workflow_access
     WHERE account_id = {a:String} GROUP BY workflow_id`,
    { a: account },
  );
  return new Map(rows.map((r) => [r.workflow_id, r.user_ids]));
}

export interface AccessList {
  workflow_id: string;
  owner_user_id: string | null;
  user_ids: string[];
  updated_by: string | null;
  updated_at: string | null;
}

export async function readAccess(store: Store, account: string, workflow: string): Promise<AccessList> {
  const grant = await workflowGrant(store, account, workflow);
  const [row] = await store.query<{ by: string; at: string }>(
    `SELECT argMax(wa.updated_by, wa.updated_at) AS by, toString(max(wa.updated_at)) AS at
     FROM workflow_access AS wa WHERE account_id = {a:String} AND workflow_id = {w:String} HAVING count() > 0`,
    { a: account, w: workflow },
  );
  return {
    workflow_id: workflow,
    owner_user_id: grant.ownerUserId || null,
    user_ids: grant.sharedWith,
    updated_by: row?.by ?? null,
    updated_at: isoUtc(row?.at ?? null),
  };
}

let lastWrite = 0;

/** Replaces the list of users a workflow is shared with. */
export async function writeAccess(store: Store, account: string, workflow: string, userIds: string[], updatedBy: string): Promise<void> {
  const unique = [...new Set(userIds)].sort();
  // Strictly increasing, so two changes within one millisecond still replace in order.
  lastWrite = Math.max(Date.now(), lastWrite + 1);
  await store.insert('workflow_access', [
    { account_id: account, workflow_id: workflow, user_ids: unique, updated_by: updatedBy, updated_at: new Date(lastWrite).toISOString() },
  ]);
}
