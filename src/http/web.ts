/**
 * The dashboard: the static files Vite builds from web/ (index.html and hashed assets), served at `/`.
 * The app's pages (e.g. /workflows/abc) get index.html, so links into the app work; the app routes
 * them in the browser. A browser asking for any other page (a GET that accepts HTML, outside /api/) gets
 * index.html with status 404, and the app shows its own not-found page; other unknown paths (the API's,
 * a missing asset, a script's request) stay 404 problems. Without a build, `/` says how to make one.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The built dashboard: the configured folder, else dist/web next to this code (built or run from src). */
export function webDirectory(configured: string | undefined): string | null {
  const candidates = configured ? [path.resolve(configured)] : [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? null;
}

/** The app's pages (web/src/main.tsx routes them); any other path stays a 404. */
const APP_PAGES = /^\/(sign-in|overview|costs|activity|errors|alerts|settings(?:\/[^/?]+)?|experiments(?:\/[^/?]+)?|dashboards(?:\/[^/?]+)?|embed\/[^/?]+|workflows\/[^/?]+)?\/?(\?|$)/;

/** A browser navigating to a page (it accepts HTML) outside the API: the app answers it, with its not-found page. */
const wantsPage = (request: FastifyRequest) => !request.url.startsWith('/api/') && !request.url.startsWith('/assets/') && /\btext\/html\b/.test(request.headers.accept ?? '');

export async function registerWeb(app: FastifyInstance, webDir: string | null): Promise<(request: FastifyRequest, reply: FastifyReply) => boolean> {
  if (webDir) {
    await app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      // files are looked up per request, so a rebuilt app (new hashed names) is served without a restart
      wildcard: true,
      index: false,
      // hashed assets never change; index.html must be revalidated to pick up a new build
      setHeaders: (res, file) => res.header('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
    // the root is a directory to the file server; it is the app's first page
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.header('Cache-Control', 'no-cache').sendFile('index.html'));
  }
  /** Answers a GET for an app page with index.html; false when the request is not for the dashboard. */
  return (request, reply) => {
    if (request.method !== 'GET') return false;
    const page = APP_PAGES.test(request.url);
    if (!page && !wantsPage(request)) return false;
    if (!webDir) {
      void reply.type('text/plain; charset=utf-8').status(404).send('The dashboard is not built. Run `npm run build` (npm start does it for you).\n');
      return true;
    }
    void reply.status(page ? 200 : 404).header('Cache-Control', 'no-cache').sendFile('index.html');
    return true;
  };
}
