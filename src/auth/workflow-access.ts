/**
 * Who may see a workflow: its owner (the catalog's owner_user_id of the latest version) and the users
 * it is shared with (PUT /api/v1/workflows/{id}/access). Grants of existing workflows are remembered
 * for 2 s (10,000 dashboards opening streams at once must not cost 10,000 queries); a change made
 * through this instance forgets them at once, other instances see it within those 2 s.
 */
import type { Store } from '../store/store.js';
import { isoUtc, replacingStamp } from '../store/params.js';

export interface WorkflowGrant {
  /** Registered in the catalog or named by any event of the account. */
  exists: boolean;
  /** '' when nobody owns it. */
  ownerUserId: string;
  sharedWith: string[];
}

const GRANT_CACHE_MS = 2_000;
const grants = new Map<string, { grant: WorkflowGrant; at: number }>();
const grantKey = (account: string, workflow: string) => `${account}\u0000${workflow}`;

/** Forgets what is remembered about a workflow's grant (after its owner or sharing changed). */
export function forgetGrant(account: string, workflow: string): void {
  grants.delete(grantKey(account, workflow));
}

export async function workflowGrant(store: Store, account: string, workflow: string): Promise<WorkflowGrant> {
  const k = grantKey(account, workflow);
  const hit = grants.get(k);
  if (hit && Date.now() - hit.at < GRANT_CACHE_MS) return hit.grant;
  const grant = await readGrant(store, account, workflow);
  // only existing workflows: one that appears with its first event must be found at once
  if (grant.exists) {
    if (grants.size > 10_000) grants.clear();
    grants.set(k, { grant, at: Date.now() });
  }
  return grant;
}

async function readGrant(store: Store, account: string, workflow: string): Promise<WorkflowGrant> {
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
  const grant = await readGrant(store, account, workflow);
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

/** Replaces the list of users a workflow is shared with. */
export async function writeAccess(store: Store, account: string, workflow: string, userIds: string[], updatedBy: string): Promise<void> {
  const unique = [...new Set(userIds)].sort();
  await store.insert('workflow_access', [
    { account_id: account, workflow_id: workflow, user_ids: unique, updated_by: updatedBy, updated_at: replacingStamp() },
  ]);
  forgetGrant(account, workflow);
}
