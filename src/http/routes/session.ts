/**
 * Dashboard sign-in: `POST /api/v1/session` trades an API key for an HTTP-only session cookie (the key
 * never stays in the browser), `GET` says who is signed in, `DELETE` signs out.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../auth/sessions.js';
import type { AppDeps } from '../deps.js';
import { forbidden, HttpProblem } from '../problem.js';

const Who = Type.Object({
  signed_in: Type.Boolean(),
  account_id: Type.String(),
  role: Type.String(),
  user_id: Type.String(),
  key_name: Type.String(),
  is_operator: Type.Boolean(),
  expires_at: Type.Union([Type.String(), Type.Null()], { description: 'when the session ends (null for a Bearer key without expiry)' }),
  brand_name: Type.Union([Type.String(), Type.Null()]),
  accent_color: Type.Union([Type.String(), Type.Null()]),
});

const SIGNED_IN_HINT = 'flowlens_signed_in';

function cookieOptions(request: FastifyRequest, expiresAt?: Date) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    ...(expiresAt ? { expires: expiresAt } : {}),
  };
}

export const sessionRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    async function who(accountId: string, key: { name: string; role: string; user_id: string; is_operator: boolean }, expiresAt: string | null) {
      const settings = await deps.accountSettings.get(accountId);
      return {
        signed_in: true,
        account_id: accountId,
        role: key.is_operator ? 'operator' : key.role,
        user_id: key.user_id,
        key_name: key.name,
        is_operator: key.is_operator,
        expires_at: expiresAt,
        brand_name: settings.brand_name ?? null,
        accent_color: settings.accent_color ?? null,
      };
    }

    app.post(
      '/api/v1/session',
      {
        config: { public: true, audit: 'session.sign_in' },
        schema: {
          tags: ['session'],
          summary: 'Sign in to the dashboard with an API key',
          description: 'Checks the key and sets the HTTP-only `flowlens_session` cookie (SameSite=Strict). The session acts with the key\'s rights and ends at sign-out, after FLOWLENS_SESSION_TTL_HOURS, or when the key is revoked or expires. Ingest keys may not sign in. Cookie-authenticated requests that change something must send `X-Requested-With: flowlens`.',
          security: [],
          body: Type.Object({ api_key: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
          response: { 201: Who },
        },
      },
      async (request, reply) => {
        const key = await deps.keys.verify(request.body.api_key.trim());
        if (!key) throw new HttpProblem(401, 'The API key is not valid (unknown, revoked or expired)');
        if (!key.is_operator && key.role === 'ingest') throw forbidden('An ingest key may only send events; sign in with an admin, member or viewer key');
        request.principal = { keyId: key.key_id, accountId: key.account_id, role: key.role, userId: key.user_id, isOperator: key.is_operator };
        const session = await deps.sessions.open(key);
        reply.setCookie(SESSION_COOKIE, session.id, cookieOptions(request, session.expiresAt));
        // no secret: only tells the page's script that a session probably exists (to start loading figures at once)
        reply.setCookie(SIGNED_IN_HINT, '1', { ...cookieOptions(request, session.expiresAt), httpOnly: false });
        return reply.status(201).send(await who(key.account_id, key, session.expiresAt.toISOString()));
      },
    );

    app.get(
      '/api/v1/session',
      {
        config: { access: { action: 'whoami' }, optionalAuth: true },
        schema: {
          tags: ['session'],
          summary: 'Who is signed in (or who the Bearer key is)',
          description: 'Without a session cookie (or with one that has ended), `200 {"signed_in": false}`, so the dashboard can tell without an error. A Bearer key that is not valid is still a 401.',
          response: { 200: Type.Union([Who, Type.Object({ signed_in: Type.Literal(false) })]) },
        },
      },
      async (request) => {
        const key = request.apiKey;
        if (!request.principal || !key) return { signed_in: false as const };
        return who(key.account_id, key, request.session ? request.session.expiresAt.toISOString() : key.expires_at);
      },
    );

    app.delete(
      '/api/v1/session',
      {
        config: { access: { action: 'use_dashboard' }, audit: 'session.sign_out' },
        schema: { tags: ['session'], summary: 'Sign out: end the session and clear its cookie' },
      },
      async (request, reply: FastifyReply) => {
        const sessionId = request.cookies[SESSION_COOKIE];
        if (sessionId) await deps.sessions.end(sessionId);
        reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
        reply.clearCookie(SIGNED_IN_HINT, { ...cookieOptions(request), httpOnly: false });
        return reply.status(204).send();
      },
    );
  };
