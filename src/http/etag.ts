/**
 * Polling without waste: routes with `config.etag` answer with a strong ETag (a hash of the body) and
 * `304 Not Modified` when the client's If-None-Match already names it. Bodies come from the result
 * cache, so an unchanged answer costs no query.
 */
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    etag?: boolean;
  }
}

export function registerEtags(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.routeOptions.config?.etag || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const tag = `"${crypto.createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
    reply.header('ETag', tag);
    reply.header('Cache-Control', 'private, no-cache');
    const match = request.headers['if-none-match'];
    if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === tag || t.trim() === '*')) {
      reply.code(304);
      reply.removeHeader('content-type');
      return '';
    }
    return payload;
  });
}
