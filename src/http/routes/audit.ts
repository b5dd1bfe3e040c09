/** The audit log, newest first, for admins (GET /api/v1/audit-log). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AuditLog, type AuditEntry } from '../../audit/audit-log.js';
import { AuditLogResponse, type AuditEntryOut, type Equivalent } from '../../contract/index.js';
import { principalOf } from '../../auth/principal.js';
import type { AppDeps } from '../deps.js';
import { badRequest } from '../problem.js';

true satisfies Equivalent<AuditEntry, AuditEntryOut>;

const Filter = (description: string) => Type.Optional(Type.String({ maxLength: 128, description }));

export const auditRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api/v1/audit-log',
      {
        config: { access: { action: 'manage_account' } },
        schema: {
          tags: ['access'],
          summary: 'The audit log of the account',
          description:
            'Every analytics read, export, report run, key change, access change and contact deletion: who (key, user, role), what (action, method, path, workflow, parameters), when, and the outcome (success, denied, not_found, rejected, rate_limited, error). Newest first; pass `next_before` back as `before` for the next page.',
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
              before: Type.Optional(Type.String({ maxLength: 128, description: 'next_before of the previous page, or an RFC 3339 time' })),
              action: Filter('e.g. analytics.read, api_key.create, access.update, contact.delete'),
              user_id: Filter('only entries made by keys of this user'),
              key_id: Filter('only entries made with this key'),
              workflow_id: Filter('only entries about this workflow'),
              outcome: Filter('success | denied | not_found | rejected | rate_limited | error'),
              account_id: Filter('operator only: another account'),
            },
            { additionalProperties: false },
          ),
          response: { 200: AuditLogResponse },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const { account_id, limit, before, ...filters } = request.query;
        if (before !== undefined && !AuditLog.validCursor(before)) {
          throw badRequest('before must be a next_before cursor or an RFC 3339 time', [{ path: '/before', message: 'is not a cursor or a time' }]);
        }
        const account = p.isOperator && account_id ? account_id : p.accountId;
        return deps.audit.list(account, { limit: limit ?? 100, ...(before ? { before } : {}), ...filters });
      },
    );
  };
