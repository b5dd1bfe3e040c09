/** `GET /api/v1/analytics/workflows`: every workflow the caller may read, with its cohort figures and a sparkline. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { WorkflowsOverviewResponse } from '../../contract/index.js';
import { parsePeriod } from '../../metrics/period.js';
import type { AppDeps } from '../deps.js';
import { badRequest } from '../problem.js';
import { PeriodParams } from '../schemas.js';

const OverviewQuery = Type.Object(
  {
    ...PeriodParams,
    granularity: Type.Optional(Type.String({ maxLength: 16, description: 'buckets of the sparkline: hourly | daily | weekly | monthly, default daily' })),
  },
  { additionalProperties: false },
);

export const overviewRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/analytics/workflows',
      {
        config: { access: { action: 'list' }, audit: 'analytics.read', rateLimitGroup: 'analytics', etag: true },
        schema: {
          tags: ['analytics'],
          summary: 'Every workflow at a glance',
          description: 'For each workflow the key may read: name, the cohort figures of the period (total_enrolled, currently_active, completed, completion_rate, goals_achieved, conversion_rate, as defined for the summary) and `enrollments`, the new enrollments per bucket (a sparkline, the buckets\' dates in `bucket_dates`); failed and failure_rate, the cost recorded in the period, the last run (newest execution.started), the period before\'s figures (`previous`) and enrolled_change_percent.',
          querystring: OverviewQuery,
          response: { 200: WorkflowsOverviewResponse },
        },
      },
      async (request) => {
        if (request.query.granularity === 'minute') throw badRequest('granularity: minute buckets are not offered for every workflow at once; use hourly or coarser', [{ path: '/granularity', message: 'minute is not offered here' }]);
        return deps.queries.overview(principalOf(request), parsePeriod(request.query));
      },
    );
  };
