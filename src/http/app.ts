/**
 * buildApp: the Fastify app with every route, without listening. main (src/server.ts) listens;
 * tests call app.inject on the real app with a real store.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { principalFromKey } from '../auth/principal.js';
import type { AppDeps } from './deps.js';
import { errorHandler, HttpProblem, sendProblem } from './problem.js';
import { accountRoutes } from './routes/accounts.js';
import { analyticsRoutes } from './routes/analytics.js';
import { eventRoutes } from './routes/events.js';
import { opsRoutes } from './routes/ops.js';
import { workflowRoutes } from './routes/workflows.js';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.config.logLevel },
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}`));

  app.addHook('onResponse', async (request, reply) => {
    deps.ops.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  // Authentication: every /api/ request carries a valid key (authorization is per route).
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const unauthorized = (detail: string) => new HttpProblem(401, detail, undefined, { 'WWW-Authenticate': 'Bearer' });
    if (!match) throw unauthorized('Send your API key as "Authorization: Bearer <key>"');
    const key = await deps.keys.verify(match[1]!);
    if (!key) throw unauthorized('The API key is not valid (unknown, revoked or expired)');
    request.principal = principalFromKey(key);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Flowlens API',
        version: '0.1.0',
        description: 'Workflow-automation analytics: ingestion, catalog, analytics. Errors are RFC 9457 problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(opsRoutes(deps));
  await app.register(eventRoutes(deps));
  await app.register(workflowRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(analyticsRoutes(deps));
  return app;
}
