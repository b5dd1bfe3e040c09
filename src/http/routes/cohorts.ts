/**
 * GET /api/v1/workflows/{workflow_id}/analytics/cohorts: the workflow's enrolment cohorts (week or month, in the
 * request's timezone) against the periods since enrolment, a cell counting those of the cohort that had
 * completed, converted or failed by then, or were still active (src/metrics/cohorts.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { CohortsResponse, WorkflowId } from '../../contract/index.js';
import { COHORT_METRICS, COHORT_UNITS, WEEK_STARTS } from '../../metrics/cohorts.js';
import { parsePeriod } from '../../metrics/period.js';
import { scopeOf } from '../../metrics/scope.js';
import type { AppDeps } from '../deps.js';
import { PeriodParams, VersionFilter } from '../schemas.js';

const oneOf = <T extends readonly string[]>(values: T, description: string) =>
  Type.Optional(Type.Union(values.map((v) => Type.Literal(v)), { description }));

export const CohortsQuery = Type.Object(
  {
    ...PeriodParams,
    cohort: oneOf(COHORT_UNITS, 'week (default) or month of enrolment, in timezone'),
    metric: oneOf(COHORT_METRICS, 'completed (default), converted, active or errored'),
    week_start: oneOf(WEEK_STARTS, 'the day weeks start on: monday (default) or sunday'),
    ...VersionFilter,
  },
  { additionalProperties: false },
);

export const cohortRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/workflows/:workflow_id/analytics/cohorts',
      {
        config: { access: { action: 'read', workflow: 'param' }, audit: 'analytics.read', rateLimitGroup: 'analytics', etag: true },
        schema: {
          tags: ['analytics'],
          params: WorkflowId,
          querystring: CohortsQuery,
          summary: 'Cohort matrix of a workflow',
          description:
            'Rows: the weeks or months (in timezone) executions enrolled in during the period, each with its size. Columns: periods since ' +
            'enrolment (0 = the enrolment week or month). A cell: how many of the cohort had completed, converted or failed by the end of ' +
            'that period (cumulative), or were still active then, and their share of the cohort; null where the period has not begun.',
          response: { 200: CohortsResponse },
        },
      },
      async (request) => {
        const q = request.query;
        const scope = scopeOf(principalOf(request).accountId, request.params.workflow_id, q);
        return deps.queries.cohorts(scope, parsePeriod(q), { unit: q.cohort ?? 'week', metric: q.metric ?? 'completed', weekStart: q.week_start ?? 'monday' });
      },
    );
  };
