/**
 * Authorization, in one place (CONTRACT §2). Every /api/ route declares in its config what it does
 * (`access: { action, workflow? }`); one hook calls `authorize` before the handler runs, and a route
 * that declares nothing is refused. Handlers never check roles themselves.
 *
 * Roles: admin (everything in its account), member (workflows it owns or that are shared with it; may
 * ingest), viewer (read-only on workflows shared with it), ingest (events only). The operator key may
 * do everything, in any account. Another account's workflow is 404; one of the same account that the
 * key may not use is 403.
 */
import type { FastifyRequest } from 'fastify';
import { Forbidden, NotFound } from '../errors/domain-errors.js';
import type { Store } from '../store/store.js';
import type { Role } from './keys.js';
import { principalOf, type Principal } from './principal.js';
import { workflowGrant, type WorkflowGrant } from './workflow-access.js';

export type Action =
  | 'ingest' // send events
  | 'list' // see the account's workflows and jobs (filtered to what the key may read)
  | 'read' // analytics and details of one workflow
  | 'register' // register a version (of a new workflow, or of one the key may write)
  | 'write' // change an existing workflow: refresh its derived tables
  | 'share' // change who a workflow is shared with
  | 'manage_keys'
  | 'manage_account' // account settings, contact deletion, the audit log
  | 'manage_accounts' // create accounts (operator only)
  | 'use_dashboard' // sign in to the dashboard, sign out
  | 'read_integrations' // see the account's integrations (never their credentials), their sync runs
  | 'manage_integrations' // create, change, delete integrations, start a sync
  | 'whoami'; // see who the key or session is

const ROLES_FOR: Record<Action, readonly Role[]> = {
  ingest: ['admin', 'member', 'ingest'],
  list: ['admin', 'member', 'viewer'],
  read: ['admin', 'member', 'viewer'],
  register: ['admin', 'member'],
  write: ['admin', 'member'],
  share: ['admin', 'member'],
  manage_keys: ['admin'],
  manage_account: ['admin'],
  manage_accounts: [],
  use_dashboard: ['admin', 'member', 'viewer'],
  read_integrations: ['admin', 'member'],
  manage_integrations: ['admin'],
  whoami: ['admin', 'member', 'viewer', 'ingest'],
};

const VERBS: Record<Action, string> = {
  ingest: 'send events',
  list: 'list workflows',
  read: 'read workflow analytics',
  register: 'register workflows',
  write: 'change workflows',
  share: 'share workflows',
  manage_keys: 'manage API keys',
  manage_account: 'manage the account',
  manage_accounts: 'create accounts',
  use_dashboard: 'use the dashboard (its role only sends events)',
  read_integrations: 'see integrations',
  manage_integrations: 'manage integrations',
  whoami: 'see who it is',
};

/**
 * Which workflow an action is on: `'param'` = the route's `:workflow_id`; a function resolves it
 * from the request (e.g. a job's workflow), returning null when the thing does not exist (404).
 */
export type WorkflowOf = 'param' | ((request: FastifyRequest, store: Store) => Promise<string | null | undefined>);

export interface AccessRule {
  action: Action;
  workflow?: WorkflowOf;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route does, for `authorize`. Every /api/ route must declare it. */
    access?: AccessRule;
  }
  interface FastifyRequest {
    /** Set by `authorize` when the route acts on one workflow. */
    workflowGrant?: WorkflowGrant;
  }
}

/** May this principal do `action` on a workflow with this grant? (The role check comes first.) */
export function allowedOnWorkflow(p: Principal, action: Action, grant: WorkflowGrant): boolean {
  if (p.isOperator || p.role === 'admin') return true;
  const mine = p.userId !== '' && grant.ownerUserId === p.userId;
  const shared = p.userId !== '' && grant.sharedWith.includes(p.userId);
  switch (p.role) {
    case 'member':
      if (action === 'share') return mine;
      if (action === 'register' && !grant.exists) return true; // a new workflow
      return mine || shared;
    case 'viewer':
      return (action === 'read' || action === 'list') && shared;
    default:
      return false;
  }
}

/** Throws 401/403/404 unless the caller may do what the route declares; returns the caller. */
export async function authorize(request: FastifyRequest, rule: AccessRule, store: Store): Promise<Principal> {
  const p = principalOf(request);
  if (!p.isOperator && !ROLES_FOR[rule.action].includes(p.role)) {
    throw new Forbidden(`A key with role "${p.role}" may not ${VERBS[rule.action]}`);
  }
  if (!rule.workflow) return p;
  const workflow =
    rule.workflow === 'param' ? (request.params as { workflow_id?: string }).workflow_id : await rule.workflow(request, store);
  if (workflow === null) throw new NotFound(`${request.url.split('?')[0]} does not exist`);
  if (workflow === undefined) return p; // the resource is not tied to a workflow
  const grant = await workflowGrant(store, p.accountId, workflow);
  if (!grant.exists && rule.action !== 'register') throw new NotFound(`Workflow ${workflow} does not exist`);
  if (!allowedOnWorkflow(p, rule.action, grant)) {
    throw new Forbidden(
      p.userId
        ? `Workflow ${workflow} is neither owned by nor shared with user "${p.userId}", so this key may not ${VERBS[rule.action]} on it`
        : `This key has no user id, so it may only use workflows as an admin; it may not ${VERBS[rule.action]} on workflow ${workflow}`,
    );
  }
  request.workflowGrant = grant;
  return p;
}
