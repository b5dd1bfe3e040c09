/** The insights panel: `GET /api/v1/workflows/{id}/analytics/insights` (src/insights/insights.ts). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { InsightsResponse, WorkflowId } from '../../contract/index.js';
import { insights } from '../../insights/insights.js';
import { parsePeriod } from '../../metrics/period.js';
import { scopeOf } from '../../metrics/scope.js';
import type { AppDeps } from '../deps.js';
import { PeriodParams, VersionFilter } from '../schemas.js';

export const insightRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/workflows/:workflow_id/analytics/insights',
      {
        config: { access: { action: 'read', workflow: 'param' }, audit: 'analytics.read', rateLimitGroup: 'analytics' as const },
        schema: {
          tags: ['analytics'],
          summary: 'Automated observations about a workflow, most impact first',
          description: 'Rates that moved against the previous period (two-proportion z, Holm), where executions leave and the largest loss between steps, steps whose median time grew, actions whose error rate rose (z test), versions or variants significantly better or worse (the versions comparison\'s tests), days outside the seasonal band of failure rate or enrollments. Each in plain words with its numbers and the drill-down query of the executions it concerns.',
          params: WorkflowId,
          querystring: Type.Object({ ...PeriodParams, ...VersionFilter, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })) }, { additionalProperties: false }),
          response: { 200: InsightsResponse },
        },
      },
      async (request) => {
        const q = request.query;
        return insights(deps.queries, scopeOf(principalOf(request).accountId, request.params.workflow_id, q), parsePeriod(q), q.limit ?? 10);
      },
    );
  };
