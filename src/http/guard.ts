/**
 * The hooks every request passes: authentication (the Bearer key → request.principal), authorization
 * (the route's declared `access`, checked by the one `authorize` function; a /api/ route that declares
 * nothing is refused) and the audit trail (routes that declare `audit` are recorded with their outcome).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../auth/authorize.js';
import type { ApiKeyRecord } from '../auth/keys.js';
import { SESSION_COOKIE, type Session } from '../auth/sessions.js';
import { principalFromKey, type Principal } from '../auth/principal.js';
import { StreamTokenError, verifyStreamToken } from '../realtime/stream-token.js';
import type { AppDeps } from './deps.js';
import { afterAcknowledged } from '../ingest/read-point.js';
import { forbidden, HttpProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Record requests to this route in the audit log under this action name. */
    audit?: string;
    /** Body fields worth recording with the entry (never secrets). */
    auditBody?: string[];
    /** The route also accepts a stream token in `?access_token=` (EventSource cannot send headers). */
    streamToken?: boolean;
    /** Open to anyone (signing in): no key is asked for. */
    public?: boolean;
    /** Answers without credentials too (request.principal left unset); a missing or ended session is not an error. */
    optionalAuth?: boolean;
  }
  interface FastifyRequest {
    /** Set by a handler to record these parameters instead of the request's (e.g. without personal data). */
    auditParams?: Record<string, unknown>;
    /** The key the caller was authenticated with (Bearer, or behind the session cookie). */
    apiKey?: ApiKeyRecord;
    /** Set when the caller was authenticated by the dashboard's session cookie, not a Bearer key. */
    session?: Session;
    /** The account whose acknowledged events the guard waited for before the handler (read-point.ts). */
    acknowledgedFor?: string;
  }
}

// CORS preflights (OPTIONS) carry no credentials; @fastify/cors answers them.
const isApi = (request: FastifyRequest) => request.url.startsWith('/api/') && request.method !== 'OPTIONS';
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The caller behind the dashboard's session cookie. A cookie is sent by the browser whatever page asks,
 * so a changing request must also carry `X-Requested-With: flowlens`, which another site's page cannot
 * add without a CORS preflight (that this server refuses unless its origin is allowed).
 */
async function principalFromSession(deps: AppDeps, request: FastifyRequest, sessionId: string): Promise<Principal> {
  const session = await deps.sessions.resolve(sessionId);
  if (!session) throw new HttpProblem(401, 'Your dashboard session has ended (signed out, expired, or its key was revoked); sign in again', undefined, { 'WWW-Authenticate': 'Bearer' });
  if (!SAFE_METHODS.has(request.method) && request.headers['x-requested-with'] !== 'flowlens') {
    throw forbidden('A request authenticated by the session cookie that changes something must send "X-Requested-With: flowlens"');
  }
  request.session = session;
  request.apiKey = session.key;
  return principalFromKey(session.key);
}

/** The caller behind a stream token: 401 when not genuine, expired or its key is gone; 403 for another workflow. */
async function principalFromStreamToken(deps: AppDeps, token: string, workflow: string): Promise<Principal> {
  const unauthorized = (detail: string) => new HttpProblem(401, detail, undefined, { 'WWW-Authenticate': 'Bearer' });
  let claims;
  try {
    claims = verifyStreamToken(deps.streamSecret, token);
  } catch (err) {
    if (err instanceof StreamTokenError) throw unauthorized(err.message);
    throw err;
  }
  const key = await deps.keys.validById(claims.keyId);
  if (!key || key.account_id !== claims.account) throw unauthorized('The key this stream token was issued to is revoked or expired');
  if (claims.workflow !== workflow) throw forbidden(`This stream token is for workflow ${claims.workflow}, not ${workflow}`);
  return principalFromKey(key);
}

export function registerGuards(app: FastifyInstance, deps: AppDeps): void {
  app.addHook('onRequest', async (request) => {
    if (!isApi(request) || request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S{1,512})$/i.exec(header) : null;
    const unauthorized = (detail: string) => new HttpProblem(401, detail, undefined, { 'WWW-Authenticate': 'Bearer' });
    const token = (request.query as { access_token?: unknown } | undefined)?.access_token;
    if (!match && request.routeOptions.config?.streamToken && typeof token === 'string') {
      request.principal = await principalFromStreamToken(deps, token, (request.params as { workflow_id?: string }).workflow_id ?? '');
      return;
    }
    const sessionId = request.cookies?.[SESSION_COOKIE];
    const optional = request.routeOptions.config?.optionalAuth === true;
    if (!match && sessionId) {
      try {
        request.principal = await principalFromSession(deps, request, sessionId);
      } catch (err) {
        if (!optional || !(err instanceof HttpProblem) || err.status !== 401) throw err;
      }
      return;
    }
    if (!match && optional) return;
    if (!match) throw unauthorized('Send your API key as "Authorization: Bearer <key>"');
    const key = await deps.keys.verify(match[1]!);
    if (!key) throw unauthorized('The API key is not valid (unknown, revoked or expired)');
    request.apiKey = key;
    request.principal = principalFromKey(key);
  });

  app.addHook('preValidation', async (request) => {
    // an unknown /api/ path may reach the dashboard's file server (`/*`), which answers it with a 404
    if (!isApi(request) || request.is404 || !request.routeOptions.url?.startsWith('/api/') || request.routeOptions.config.public) return;
    if (request.routeOptions.config.optionalAuth && !request.principal) return;
    const rule = request.routeOptions.config.access;
    if (!rule) throw new HttpProblem(403, 'This route declares no access rule, so nobody may call it');
    // read your writes: events acknowledged at the write-ahead log are in the store before the account's next
    // request is answered (even whether a workflow exists, which authorizing may ask)
    if (rule.action !== 'ingest' && request.principal) {
      await deps.buffer.ingested(request.principal.accountId);
      request.acknowledgedFor = request.principal.accountId;
    }
    await authorize(request, rule, deps.store);
  });

  // ... and only those: the waits further down do not wait again for events acknowledged since (read-point.ts)
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.acknowledgedFor !== undefined) afterAcknowledged(request.acknowledgedFor, done);
    else done();
  });

  app.addHook('onResponse', async (request, reply) => recordAudit(deps, request, reply.statusCode, reply.elapsedTime));
}

/**
 * Writes the audit entry of a request to a route that declares `audit` (called when the response is
 * sent; a hijacked response, like a stream, calls it itself).
 */
export function recordAudit(deps: AppDeps, request: FastifyRequest, status: number, elapsedMs: number): void {
  const action = request.routeOptions.config?.audit;
  const p = request.principal;
  if (!action || !p) return;
  const params: Record<string, unknown> = request.auditParams ?? { ...(request.params as object), ...(request.query as object) };
  delete params.access_token;
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
    status,
    ip: request.ip,
    duration_ms: Math.round(elapsedMs * 100) / 100,
  });
}
