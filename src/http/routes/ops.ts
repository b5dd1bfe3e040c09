/** Operations: health, Prometheus metrics. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../deps.js';
import { HttpProblem } from '../problem.js';

export const opsRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/healthz', { schema: { tags: ['operations'], summary: 'Ready to serve (store open, schema migrated)' } }, async () => {
      try {
        await deps.store.query('SELECT 1 AS ok');
      } catch {
        throw new HttpProblem(503, 'The store does not answer');
      }
      return { status: 'ok', store: deps.store.kind, pending_events: deps.buffer.pendingRows, ...(deps.eventIdIndex ? { event_id_index: deps.eventIdIndex() } : {}), ...(deps.dayStates ? { day_states: deps.dayStates() } : {}) };
    });

    app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics of this server' } }, async (_request, reply) => {
      reply.type(deps.ops.registry.contentType);
      return deps.ops.registry.metrics();
    });
  };
