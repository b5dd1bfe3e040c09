/**
 * What every platform analytics route shares: the query parameters (CONTRACT §6 period parameters,
 * plus an optional workflow), the workflows the caller may read (an account-wide figure only ever
 * counts those: admins all, members what they own or is shared with them, viewers what is shared with
 * them — the rule of GET /api/v1/workflows), waiting until derived tables hold every stored event,
 * and the result cache (kept until one of the workflows receives events).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { principalOf, type Principal } from '../../../auth/principal.js';
import { checkReadable as checkReadableIn, readableWorkflows as readableWorkflowList } from '../../../catalog/readable.js';
import { ResultCache } from '../../../metrics/cache.js';
import { parsePeriod, type Period } from '../../../metrics/period.js';
import type { Target } from '../../../metrics/platform/target.js';
import type { AppDeps } from '../../deps.js';

export { PeriodParams } from '../../schemas.js';

export const WorkflowFilter = {
  workflow_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'only this workflow (default: every workflow the key may read)' })),
};

export const readConfig = { access: { action: 'list' as const }, audit: 'analytics.read', rateLimitGroup: 'analytics' as const, etag: true };
export const workflowReadConfig = { access: { action: 'read' as const, workflow: 'param' as const }, audit: 'analytics.read', rateLimitGroup: 'analytics' as const, etag: true };

export const PeriodOut = (p: Period) => ({ start_date: p.startDate, end_date: p.endDate, timezone: p.timezone, granularity: p.granularity });

/** The account's workflows this caller may read (ids). */
export async function readableWorkflows(deps: AppDeps, p: Principal): Promise<string[]> {
  return (await readableWorkflowList(deps.store, p)).map((w) => w.workflow_id);
}

/** Named workflows: each must exist in the account (else 404) and be readable by the caller (else 403). */
export const checkReadable = (deps: AppDeps, p: Principal, ids: string[], param: string): Promise<void> => checkReadableIn(deps.store, p, ids, param);

export class PlatformContext {
  private readonly cache = new ResultCache();

  constructor(readonly deps: AppDeps) {}

  /**
   * The caller's target for a request: the named workflows (checked), or every readable one; and the
   * period. Waits until each workflow's derived tables hold every event stored before the request.
   */
  async prepare(request: FastifyRequest, named: string[] | undefined, param = 'workflow_id', periodQuery: object = request.query as object) {
    const principal = principalOf(request);
    const period = parsePeriod(periodQuery);
    let workflows: string[];
    if (named) {
      await checkReadable(this.deps, principal, named, param);
      workflows = named;
    } else workflows = await readableWorkflows(this.deps, principal);
    await Promise.all(workflows.map((w) => this.deps.derived.settled(principal.accountId, w)));
    const target: Target = { account: principal.accountId, workflows };
    return { principal, period, target };
  }

  /** A result kept until one of the target's workflows receives events. */
  cached<T>(name: string, target: Target, period: Period, extra: unknown, compute: () => Promise<T>): Promise<T> {
    const generation = target.workflows.reduce((s, w) => s + this.deps.derived.generation(target.account, w), 0);
    const key = JSON.stringify([name, target, period.startDate, period.endDate, period.timezone, period.granularity, extra]);
    return this.cache.get(key, generation, compute);
  }
}
