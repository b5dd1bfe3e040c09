/**
 * The hooks every request passes: authentication (the Bearer key → request.principal), authorization
 * (the route's declared `access`, checked by the one `authorize` function; a /api/ route that declares
 * nothing is refused) and the audit trail (routes that declare `audit` are recorded with their outcome).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../auth/authorize.js';
import { principalFromKey } from '../auth/principal.js';
import type { AppDeps } from './deps.js';
import { HttpProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Record requests to this route in the audit log under this action name. */
    audit?: string;
    /** Body fields worth recording with the entry (never secrets). */
    auditBody?: string[];
  }
  interface FastifyRequest {
    /** Set by a handler to record these parameters instead of the request's (e.g. without personal data). */
    auditParams?: Record<string, unknown>;
  }
}

// CORS preflights (OPTIONS) carry no credentials; @fastify/cors answers them.
const isApi = (request: FastifyRequest) => request.url.startsWith('/api/') && request.method !== 'OPTIONS';

export function registerGuards(app: FastifyInstance, deps: AppDeps): void {
  app.addHook('onRequest', async (request) => {
    if (!isApi(request)) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S{1,512})$/i.exec(header) : null;
    const unauthorized = (detail: string) => new HttpProblem(401, detail, undefined, { 'WWW-Authenticate': 'Bearer' });
    if (!match) throw unauthorized('Send your API key as "Authorization: Bearer <key>"');
    const key = await deps.keys.verify(match[1]!);
    if (!key) throw unauthorized('The API key is not valid (unknown, revoked or expired)');
    request.principal = principalFromKey(key);
  });

  app.addHook('preValidation', async (request) => {
    if (!isApi(request) || request.is404) return;
    const rule = request.routeOptions.config.access;
    if (!rule) throw new HttpProblem(403, 'This route declares no access rule, so nobody may call it');
    await authorize(request, rule, deps.store);
  });

  app.addHook('onResponse', async (request, reply) => {
    const action = request.routeOptions.config?.audit;
    const p = request.principal;
    if (!action || !p) return;
    const params: Record<string, unknown> = request.auditParams ?? { ...(request.params as object), ...(request.query as object) };
    const body = request.body as Record<string, unknown> | undefined;
    for (const field of request.routeOptions.config.auditBody ?? []) {
      if (body && typeof body === 'object' && body[field] !== undefined) params[field] = body[field];
    }
    deps.audit.record({
      account_id: p.accountId,
      key_id: p.keyId,
      user_id: p.userId,
      role: p.isOperator ? 'operator' : p.role,
      action,
      method: request.method,
      path: request.auditParams ? (request.routeOptions.url ?? '') : request.url.split('?')[0]!,
      workflow_id: (request.params as { workflow_id?: string } | undefined)?.workflow_id ?? '',
      params,
      status: reply.statusCode,
      ip: request.ip,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    });
  });
}
