/**
 * The unified report of a workflow: `GET /api/v1/workflows/{id}/analytics/unified` (src/integrations/unified-report.ts).
 * Internal figures through the metrics query service; outside ones from the synced records.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { WorkflowId } from '../../contract/index.js';
import { UnifiedResponse } from '../../contract/unified.js';
import { unifiedReport } from '../../integrations/unified-report.js';
import { parsePeriod } from '../../metrics/period.js';
import { scopeOf } from '../../metrics/scope.js';
import type { AppDeps } from '../deps.js';
import { PeriodParams, VersionFilter } from '../schemas.js';

// no granularity: the report has no buckets (the summary it reads counts daily trends it does not show)
const { granularity: _buckets, ...PeriodOnly } = PeriodParams;

export const UnifiedQuery = Type.Object(
  {
    ...PeriodOnly,
    ...VersionFilter,
    model: Type.Optional(Type.Union([Type.Literal('first_touch'), Type.Literal('last_touch'), Type.Literal('linear')], { description: 'attribution model of the CRM figures: first_touch, last_touch or linear (default)' })),
  },
  { additionalProperties: false },
);

export const unifiedRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/workflows/:workflow_id/analytics/unified',
      {
        config: { access: { action: 'read', workflow: 'param' }, audit: 'analytics.read', rateLimitGroup: 'analytics' as const },
        schema: {
          tags: ['analytics'],
          summary: 'Unified report: the workflow\'s figures beside GA4 traffic and CRM deals',
          description: 'For the cohort of the period: enrolled, completed, converted, conversion rate and cost (as the summary and costs count them); GA4 sessions, users and key events of the workflow\'s campaigns (utm_campaign = workflow id, or the GA4 integration\'s campaign_map) on the period\'s dates; deals closed won in the period and their revenue per currency credited to the workflow by the attribution model (first_touch, last_touch, linear); cost per deal, revenue and sessions per enrolment; each outside figure\'s integration and its last successful sync. Sections are null, and not_connected names what to connect, when no such integration exists.',
          params: WorkflowId,
          querystring: UnifiedQuery,
          response: { 200: UnifiedResponse },
        },
      },
      async (request) => {
        const q = request.query;
        const scope = scopeOf(principalOf(request).accountId, request.params.workflow_id, q);
        const period = parsePeriod(q);
        const summary = async () => (await (await deps.queries.workflow(scope, period, false)).summary()).summary;
        return unifiedReport({ store: deps.store, summary }, scope, period, q.model ?? 'linear');
      },
    );
  };
