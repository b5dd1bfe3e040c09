/** GET /api/v1/metrics: the metric catalog, the source of choices for dashboards, alerts and experiments. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MetricsResponse } from '../../contract/metrics.js';
import { COMPARABLE, METRICS } from '../../metrics/definitions.js';

export const metricRoutes = (): FastifyPluginAsyncTypebox =>
  async (app) => {
    // what the API answers: the definitions without their SQL (an implementation detail the engine reads)
    const body: MetricsResponse = { metrics: METRICS.map(({ sql: _sql, perExecution: _perExecution, series, ...m }) => ({ ...m, comparable: (COMPARABLE as readonly string[]).includes(m.name), watchable: series !== undefined })) };
    app.get(
      '/api/v1/metrics',
      {
        config: { access: { action: 'list' } },
        schema: {
          tags: ['analytics'],
          summary: 'Every metric Flowlens answers: meaning, unit, kind, which way is better, exactness, where it appears',
          description: 'The metric catalog (src/metrics/definitions.ts). `population` says which executions or events a value is about; `answered_by` names the API fields that answer it; `exact: false` comes with `error`.',
          response: { 200: MetricsResponse },
        },
      },
      async () => body,
    );
  };
