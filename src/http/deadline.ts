/**
 * Every read of the API (GET and HEAD under /api/) answers within a time limit: when its handler has not
 * answered after FLOWLENS_REQUEST_TIMEOUT_S, the caller gets a 503 problem with Retry-After, and the work left
 * behind stops at the engine's own per-query limit (store/limits.ts). Live streams (which answer for as long as
 * they are open) and writes (an ingestion request answers once its events are stored, and must not be told
 * otherwise) are not cut.
 */
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { Busy } from '../errors/domain-errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Not cut by the request time limit (a response that lasts, such as a live stream). */
    noDeadline?: boolean;
  }
}

const READS = new Set(['GET', 'HEAD']);

export function registerDeadlines(app: FastifyInstance, seconds: number): void {
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (!route.url.startsWith('/api/') || !methods.every((m) => READS.has(m)) || route.config?.noDeadline || route.config?.streamToken) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function withDeadline(this: FastifyInstance, request, reply) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Busy(`This request took longer than ${seconds} s (FLOWLENS_REQUEST_TIMEOUT_S) and was stopped; ask for a shorter period or fewer workflows, or try again later`, 5)),
          seconds * 1000,
        );
      });
      try {
        return await Promise.race([handler.call(this, request, reply), deadline]);
      } finally {
        clearTimeout(timer);
      }
    };
  });
}
