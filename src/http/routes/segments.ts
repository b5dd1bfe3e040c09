/**
 * GET /api/v1/workflows/{workflow_id}/analytics/segments: the workflow's cohort of the period split by
 * enrollment source, version, variant, exit reason or an attribute of the execution.started event (a key of its
 * metadata), per segment the catalog's cohort figures, the largest first (src/metrics/segments.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { SegmentsResponse, WorkflowId } from '../../contract/index.js';
import { parsePeriod } from '../../metrics/period.js';
import { scopeOf } from '../../metrics/scope.js';
import { ATTRIBUTE_PATTERN, MAX_TOP, SEGMENT_BY } from '../../metrics/segments.js';
import type { AppDeps } from '../deps.js';
import { badRequest } from '../problem.js';
import { PeriodParams, VersionFilter } from '../schemas.js';

export const SegmentsQuery = Type.Object(
  {
    ...PeriodParams,
    by: Type.Union(SEGMENT_BY.map((v) => Type.Literal(v)), { description: 'what tells the segments apart: enrollment_source, version, variant, exit_reason, or attribute (a key of the execution.started event\'s metadata, named by `attribute`)' }),
    attribute: Type.Optional(Type.String({ pattern: ATTRIBUTE_PATTERN, maxLength: 64, description: 'with by=attribute: a top-level key of execution.started\'s metadata (letters, digits, _ . -; at most 64)', examples: ['plan'] })),
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TOP, description: `the largest segments shown (default 10, at most ${MAX_TOP}); the others are folded into \`other\`` })),
    ...VersionFilter,
  },
  { additionalProperties: false },
);

export const segmentRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/workflows/:workflow_id/analytics/segments',
      {
        config: { access: { action: 'read', workflow: 'param' }, audit: 'analytics.read', rateLimitGroup: 'analytics', etag: true },
        schema: {
          tags: ['analytics'],
          params: WorkflowId,
          querystring: SegmentsQuery,
          summary: 'Segments of a workflow\'s cohort',
          description:
            'The executions enrolled in the period (after the filters), split by enrollment source, version, A/B variant, exit reason, or ' +
            'an attribute of their execution.started event (a top-level key of its metadata: a string as sent, another JSON value as its ' +
            'JSON text; read from the raw events, so only within the raw window). Per segment: enrolled, completed, completion rate, ' +
            'converted, conversion rate, failed (the metric catalog\'s definitions) and its share of enrolled; the largest `top` by ' +
            'enrolled, the rest together in `other`; `totals` equal the summary\'s figures of the same request.',
          response: { 200: SegmentsResponse },
        },
      },
      async (request) => {
        const q = request.query;
        if ((q.by === 'attribute') !== (q.attribute !== undefined)) {
          throw badRequest('attribute goes with by=attribute', [{ path: '/attribute', message: q.by === 'attribute' ? 'name the metadata key' : 'only with by=attribute' }]);
        }
        const scope = scopeOf(principalOf(request).accountId, request.params.workflow_id, q);
        return deps.queries.segments(scope, parsePeriod(q), { by: q.by, ...(q.attribute !== undefined ? { attribute: q.attribute } : {}), top: q.top ?? 10 });
      },
    );
  };
