/** Accounts (operator) and API keys (admins in their account; the operator in any). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ROLES, type ApiKeyRecord } from '../../auth/keys.js';
import { ApiKeysResponse, type ApiKeyOut, type Equivalent } from '../../contract/index.js';
import { principalOf } from '../../auth/principal.js';
import type { AppDeps } from '../deps.js';
import { badRequest, notFound } from '../problem.js';
import { ProblemSchema } from '../schemas.js';

true satisfies Equivalent<ApiKeyRecord, ApiKeyOut>;

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const accountRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/api/v1/accounts',
      {
        config: { access: { action: 'manage_accounts' }, audit: 'account.create', auditBody: ['name'] },
        schema: {
          tags: ['accounts'],
          summary: 'Create an account (operator only)',
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
          response: { 201: Type.Object({ account_id: Type.String() }), 403: ProblemSchema },
        },
      },
      async (request, reply) => {
        const account_id = await deps.keys.createAccount(request.body.name);
        return reply.status(201).send({ account_id });
      },
    );

    app.post(
      '/api/v1/api-keys',
      {
        config: { access: { action: 'manage_keys' }, audit: 'api_key.create', auditBody: ['account_id', 'role', 'name', 'user_id', 'expires_at'] },
        schema: {
          tags: ['accounts'],
          summary: 'Create an API key',
          description: 'The secret is returned once and stored only as a hash.',
          body: Type.Object(
            {
              account_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
              role: Role,
              name: Type.String({ minLength: 1, maxLength: 256 }),
              user_id: Type.Optional(Type.String({ maxLength: 128 })),
              expires_at: Type.Optional(Type.String({ format: 'date-time' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ id: Type.String(), key: Type.String() }), 403: ProblemSchema },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const accountId = request.body.account_id ?? p.accountId;
        if (accountId !== p.accountId && !p.isOperator) throw notFound(`Account ${accountId} does not exist`);
        if (!(await deps.keys.accountExists(accountId))) throw notFound(`Account ${accountId} does not exist`);
        let expiresAt: Date | undefined;
        if (request.body.expires_at) {
          expiresAt = new Date(request.body.expires_at);
          if (Number.isNaN(expiresAt.getTime())) throw badRequest('expires_at is not a date-time', [{ path: '/expires_at', message: 'must be RFC 3339' }]);
        }
        const created = await deps.keys.createKey({
          accountId,
          role: request.body.role,
          name: request.body.name,
          ...(request.body.user_id ? { userId: request.body.user_id } : {}),
          ...(expiresAt ? { expiresAt } : {}),
        });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api/v1/api-keys',
      {
        config: { access: { action: 'manage_keys' } },
        schema: { tags: ['accounts'], summary: 'List the account\'s keys (secrets are never shown again)', response: { 200: ApiKeysResponse } },
      },
      async (request) => {
        const p = principalOf(request);
        return { api_keys: await deps.keys.list(p.accountId) };
      },
    );

    app.delete(
      '/api/v1/api-keys/:id',
      {
        config: { access: { action: 'manage_keys' }, audit: 'api_key.revoke' },
        schema: {
          tags: ['accounts'],
          summary: 'Revoke an API key (takes effect at once)',
          params: Type.Object({ id: Type.String({ maxLength: 128 }) }),
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const key = await deps.keys.find(request.params.id);
        if (!key || (key.account_id !== p.accountId && !p.isOperator)) throw notFound(`API key ${request.params.id} does not exist`);
        await deps.keys.revoke(key);
        return reply.status(204).send();
      },
    );
  };
