/**
 * What every platform analytics route shares: the query parameters (CONTRACT §6 period parameters,
 * plus an optional workflow), the workflows the caller may read (an account-wide figure only ever
 * counts those: admins all, members what they own or is shared with them, viewers what is shared with
 * them — the rule of GET /api/v1/workflows: src/catalog/readable.ts), waiting until derived tables hold every
 * stored event, and the result cache (kept until one of the workflows receives events): the metrics query
 * service's (src/metrics/query-service.ts).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../../../auth/principal.js';
import { parsePeriod, type Period } from '../../../metrics/period.js';
import type { Target } from '../../../metrics/platform/target.js';
import type { AppDeps } from '../../deps.js';

export { PeriodParams } from '../../schemas.js';

export const WorkflowFilter = {
  workflow_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'only this workflow (default: every workflow the key may read)' })),
};

export const readConfig = { access: { action: 'list' as const }, audit: 'analytics.read', rateLimitGroup: 'analytics' as const, etag: true };
export const workflowReadConfig = { access: { action: 'read' as const, workflow: 'param' as const }, audit: 'analytics.read', rateLimitGroup: 'analytics' as const, etag: true };

export { PeriodOut } from '../../../metrics/panels.js';

/**
 * The platform routes' side of the metrics query service: the caller's target (the named workflows, checked,
 * or every readable one) once its data is settled, the period, and answers cached by generation.
 */
export class PlatformContext {
  constructor(readonly deps: AppDeps) {}

  /** The caller's target, once each workflow's derived tables hold every event acknowledged before the request. */
  async target(request: FastifyRequest, named: string[] | undefined, param = 'workflow_id'): Promise<Target> {
    const target = await this.deps.queries.targetFor(principalOf(request), named, param);
    await this.deps.queries.settled(target);
    return target;
  }

  /** The caller's target and the period the request asks about (read first: a bad period is refused at once). */
  async prepare(request: FastifyRequest, named: string[] | undefined, param = 'workflow_id', periodQuery: object = request.query as object) {
    const period = parsePeriod(periodQuery);
    return { period, target: await this.target(request, named, param) };
  }

  /** A result kept until one of the target's workflows receives events. */
  cached<T>(name: string, target: Target, period: Period, extra: unknown, compute: () => Promise<T>): Promise<T> {
    return this.deps.queries.cached(name, target, period, extra, compute);
  }
}
