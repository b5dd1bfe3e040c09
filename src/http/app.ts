/**
 * buildApp: the Fastify app with every route, without listening. main (src/server.ts) listens;
 * tests call app.inject on the real app with a real store.
 */
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerDeadlines } from './deadline.js';
import type { AppDeps } from './deps.js';
import { registerEagerSerializers } from './eager-serializers.js';
import { registerEtags } from './etag.js';
import { registerGuards } from './guard.js';
import { clientErrorHandler, errorHandler, frameworkErrorDetail, sendProblem } from './problem.js';
import { finiteValidatorFactory } from './validation.js';
import { registerRateLimits } from './rate-limit.js';
import { accessRoutes } from './routes/access.js';
import { accountRoutes } from './routes/accounts.js';
import { analyticsRoutes } from './routes/analytics.js';
import { cohortRoutes } from './routes/cohorts.js';
import { segmentRoutes } from './routes/segments.js';
import { auditRoutes } from './routes/audit.js';
import { eventRoutes } from './routes/events.js';
import { opsRoutes } from './routes/ops.js';
import { platformRoutes } from './routes/platform/index.js';
import { metricRoutes } from './routes/metrics.js';
import { overviewRoutes } from './routes/overview.js';
import { unifiedRoutes } from './routes/unified.js';
import { exportRoutes } from './routes/exports.js';
import { experimentRoutes } from './routes/experiments.js';
import { alertRoutes } from './routes/alerts.js';
import { drilldownRoutes } from './routes/drilldown.js';
import { dashboardRoutes } from './routes/dashboards.js';
import { insightRoutes } from './routes/insights.js';
import { integrationRoutes } from './routes/integrations.js';
import { privacyRoutes } from './routes/privacy.js';
import { reportRoutes } from './routes/reports.js';
import { sessionRoutes } from './routes/session.js';
import { streamRoutes } from './routes/stream.js';
import { workflowRoutes } from './routes/workflows.js';
import { registerWeb, webDirectory } from './web.js';
import { RequestLog } from './request-log.js';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.config.logLevel,
      // through process.stdout, which writes synchronously on Linux (files, terminals, pipes): the lines come out in
      // the order written, so none lands after the start banner (pino's own asynchronous destination reordered them)
      stream: process.stdout,
      // a contact deletion names the contact in its URL; logs must not keep it
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.replace(/^\/api\/v1\/contacts\/[^?]*/, '/api/v1/contacts/<redacted>') }),
      },
    },
    // a request's log lines (incoming, completed) only when asked for: errors and warnings are logged either way
    logController: new RequestLog(deps.config.logRequests),
    bodyLimit: 1024 * 1024,
    // ids are at most 128 characters; percent-encoded they may take three times as many
    routerOptions: { maxParamLength: 512 },
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: true } },
    schemaController: { compilersFactory: { buildValidator: finiteValidatorFactory() } },
    // the router's own refusals (a malformed percent-encoding, a path parameter over maxParamLength) and the
    // HTTP parser's (headers or URL over 16 KB, a malformed request) answer problem+json like every other error
    frameworkErrors: (err, _request, reply) => sendProblem(reply, err.statusCode === 414 ? 414 : 400, frameworkErrorDetail(err)),
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(errorHandler);
  const dashboard = await registerWeb(app, webDirectory(deps.config.webDir));
  app.setNotFoundHandler((request, reply) => {
    if (dashboard(request, reply)) return;
    sendProblem(reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}`);
  });

  app.addHook('onResponse', async (request, reply) => {
    deps.ops.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(cookie);
  registerGuards(app, deps);
  registerEtags(app);
  if (deps.config.compileSerializers) registerEagerSerializers(app);
  await registerRateLimits(app, deps.config, deps.redis, (msg, err) => app.log.warn({ err }, msg));
  await app.register(helmet, {
    // the API answers JSON; /docs (Swagger UI) loads its scripts and styles from this origin only
    // served over plain HTTP by default: asking browsers to upgrade to HTTPS would break a LAN address
    contentSecurityPolicy: { directives: { 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"], 'upgrade-insecure-requests': null } },
  });
  await app.register(cors, { origin: deps.config.corsOrigins.length > 0 ? deps.config.corsOrigins : false, credentials: true });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Flowlens API',
        version: '0.1.0',
        description: 'Workflow-automation analytics: ingestion, catalog, analytics, live streams (SSE), exports, scheduled reports, access control and audit. Authenticate with "Authorization: Bearer <API key>". Errors are RFC 9457 problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: (csp) => csp.replace(/\s*upgrade-insecure-requests;?/, '') });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerDeadlines(app, deps.config.requestTimeoutS);
  await app.register(opsRoutes(deps));
  await app.register(eventRoutes(deps));
  await app.register(workflowRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(analyticsRoutes(deps));
  await app.register(cohortRoutes(deps));
  await app.register(segmentRoutes(deps));
  await app.register(accessRoutes(deps));
  await app.register(auditRoutes(deps));
  await app.register(privacyRoutes(deps));
  await app.register(streamRoutes(deps));
  await app.register(exportRoutes(deps));
  await app.register(experimentRoutes(deps));
  await app.register(alertRoutes(deps));
  await app.register(drilldownRoutes(deps));
  await app.register(dashboardRoutes(deps));
  await app.register(insightRoutes(deps));
  await app.register(reportRoutes(deps));
  await app.register(platformRoutes(deps));
  await app.register(sessionRoutes(deps));
  await app.register(overviewRoutes(deps));
  await app.register(unifiedRoutes(deps));
  await app.register(integrationRoutes(deps));
  await app.register(metricRoutes());
  return app;
}
