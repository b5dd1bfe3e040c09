/**
 * Integrations: `/api/v1/integrations` (list, create), `/api/v1/integrations/{integration_id}` (read, change,
 * delete), `POST …/sync` (a sync on demand: 202 with its queued run), `GET …/runs` (history with reports and the
 * success rate). Handlers parse, call the integrations service (src/integrations/integrations.ts) and answer.
 * Admins manage integrations; admins and members read them (never their credentials).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../../auth/principal.js';
import { IntegrationIdParams, IntegrationInput, IntegrationOut, IntegrationPatch, IntegrationsResponse, RunsResponse, SyncAccepted } from '../../contract/integrations.js';
import type { AppDeps } from '../deps.js';

const read = { access: { action: 'read_integrations' as const } };
const manage = { access: { action: 'manage_integrations' as const } };
const RunsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'newest first; default 50' })) }, { additionalProperties: false });

export const integrationRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const svc = deps.integrations;
    const tags = ['integrations'];
    const account = (request: Parameters<typeof principalOf>[0]) => principalOf(request).accountId;

    app.get('/api/v1/integrations', { config: read, schema: { tags, summary: 'The account\'s integrations, each with its last run and sync success rate', response: { 200: IntegrationsResponse } } }, async (request) => ({
      integrations: await svc.list(account(request)),
    }));

    app.post(
      '/api/v1/integrations',
      {
        config: { ...manage, audit: 'integration.create', auditBody: ['kind', 'name', 'schedule_minutes'] },
        schema: {
          tags, summary: 'Connect an outside service (hubspot, salesforce, ga4)',
          description: 'Credentials are stored encrypted (AES-256-GCM, FLOWLENS_INTEGRATIONS_KEY) and never returned: answers name the credentials set. Each kind requires its own credentials (hubspot: access_token; salesforce: client_id, client_secret, refresh_token).',
          body: IntegrationInput, response: { 201: IntegrationOut },
        },
      },
      async (request, reply) => reply.status(201).send(await svc.create(account(request), request.body)),
    );

    app.get('/api/v1/integrations/:integration_id', { config: read, schema: { tags, summary: 'One integration', params: IntegrationIdParams, response: { 200: IntegrationOut } } }, async (request) =>
      svc.get(account(request), request.params.integration_id));

    app.patch(
      '/api/v1/integrations/:integration_id',
      {
        config: { ...manage, audit: 'integration.update', auditBody: ['name', 'schedule_minutes', 'enabled'] },
        schema: { tags, summary: 'Change an integration (credentials named are replaced, the others kept)', params: IntegrationIdParams, body: IntegrationPatch, response: { 200: IntegrationOut } },
      },
      async (request) => svc.update(account(request), request.params.integration_id, request.body),
    );

    app.delete(
      '/api/v1/integrations/:integration_id',
      { config: { ...manage, audit: 'integration.delete' }, schema: { tags, summary: 'Delete an integration with its synced records and runs', params: IntegrationIdParams } },
      async (request, reply) => {
        await svc.remove(account(request), request.params.integration_id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/v1/integrations/:integration_id/sync',
      {
        config: { ...manage, audit: 'integration.sync' },
        schema: { tags, summary: 'Sync now: queues a run and answers at once (poll GET …/runs for its progress and report)', params: IntegrationIdParams, response: { 202: SyncAccepted } },
      },
      async (request, reply) => {
        const run = await svc.sync(account(request), request.params.integration_id);
        return reply.status(202).send({ run_id: run.run_id, integration_id: run.integration_id, status: run.status });
      },
    );

    app.get(
      '/api/v1/integrations/:integration_id/runs',
      { config: read, schema: { tags, summary: 'Sync history, newest first: status, progress, cursors, per-object counts, data-quality findings, report; and the success rate', params: IntegrationIdParams, querystring: RunsQuery, response: { 200: RunsResponse } } },
      async (request) => svc.runs(account(request), request.params.integration_id, request.query.limit ?? 50),
    );
  };
