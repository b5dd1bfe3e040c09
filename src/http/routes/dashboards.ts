/**
 * Dashboards: `/api/v1/analytics/dashboards` (list, create — blank, from a template —, read, change, delete,
 * duplicate), the widgets' data, sharing, public links; the public read-only view `/api/v1/public/dashboards/{token}`
 * and the embed page `/embed/{token}`. Handlers parse, call the dashboards service (src/dashboards/dashboards.ts)
 * and answer. Access rules: reading is for keys that read figures (`list`), changing for admins and members
 * (`write`); which dashboard a key may see, edit or manage (owner, admins, shares) the service decides, and answers
 * 404 for one the key may not see.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import fs from 'node:fs';
import path from 'node:path';
import { principalOf } from '../../auth/principal.js';
import {
  DashboardDataResponse, DashboardOut, DashboardsResponse, DashboardTemplatesResponse, PublicDashboardResponse, PublicLinkCreated, PublicLinksResponse, WidgetDataOut,
} from '../../contract/index.js';
import { DashboardInput, LinkInput, SharingInput, WidgetInput } from '../../dashboards/model.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem, notFound } from '../problem.js';
import { webDirectory } from '../web.js';

const DashboardId = Type.Object({ dashboard_id: Type.String({ minLength: 1, maxLength: 64 }) });
const WidgetParams = Type.Object({ dashboard_id: Type.String({ minLength: 1, maxLength: 64 }), widget_id: Type.String({ minLength: 1, maxLength: 64 }) });
const LinkParams = Type.Object({ dashboard_id: Type.String({ minLength: 1, maxLength: 64 }), link_id: Type.String({ minLength: 1, maxLength: 64 }) });
const Token = Type.Object({ token: Type.String({ minLength: 1, maxLength: 128, description: 'the link\'s token (43 characters, base64url)' }) });

const read = { access: { action: 'list' as const } };
const write = { access: { action: 'write' as const } };
/**
 * The public routes' access rule, explicitly: no API key and no session (the guard lets `public` routes through);
 * the token in the path is the credential, checked by the service (unknown: 404; revoked, expired or its dashboard
 * deleted: 410), and what it opens is decided by the dashboard alone — the workflows it names, of its own account,
 * read-only. Counted per client address by the analytics rate limit (there is no key to count by).
 */
const PUBLIC_BY_TOKEN = { public: true, rateLimitGroup: 'analytics' as const };

/** The app's Content-Security-Policy with frame-ancestors set to what the dashboard allows. */
export function embedPolicy(appPolicy: string | undefined, ancestors: string): string {
  const directives = (appPolicy ?? "default-src 'self'").split(';').map((d) => d.trim()).filter((d) => d !== '' && !/^frame-ancestors\b/i.test(d));
  return [...directives, `frame-ancestors ${ancestors}`].join(';');
}

export const dashboardRoutes = (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const svc = deps.dashboards;
    const tags = ['dashboards'];

    app.get('/api/v1/analytics/dashboards', { config: read, schema: { tags, summary: 'The dashboards the caller may see (own, shared with its user or role; admins: all of the account\'s)', response: { 200: DashboardsResponse } } }, async (request) => ({
      dashboards: await svc.list(principalOf(request)),
    }));

    app.get(
      '/api/v1/analytics/dashboards/templates',
      { config: read, schema: { tags, summary: 'The templates to start a dashboard from (executive overview, operations, costs) and the widget library', response: { 200: DashboardTemplatesResponse } } },
      async () => svc.templates(),
    );

    app.post(
      '/api/v1/analytics/dashboards',
      {
        config: { ...write, audit: 'dashboard.create', auditBody: ['name', 'template', 'workflow_ids'] },
        schema: {
          tags, summary: 'Create a dashboard (blank, with widgets, or from a template)',
          description: 'Widgets on a 12-column grid (x, y, w, h), each a metric card, line/area/bar chart (up to 6 metrics overlaid), funnel, table, heatmap of a metric by local weekday and hour, or pie, bound to a query: metrics of GET /api/v1/metrics by name, workflows (a subset of the dashboard\'s), version/variant filters, a period (a relative `range`, resolved when read in the widget\'s timezone, or fixed dates), granularity and compare. The workflows named must be readable by the caller. The caller owns it.',
          body: DashboardInput, response: { 201: DashboardOut },
        },
      },
      async (request, reply) => reply.status(201).send(await svc.create(principalOf(request), request.body)),
    );

    app.post(
      '/api/v1/analytics/dashboards/widget-data',
      {
        config: { ...read, rateLimitGroup: 'analytics' as const },
        schema: {
          tags, summary: 'The data of a widget not saved yet (the builder\'s preview)',
          description: 'The widget\'s query answered over `workflow_ids` (the dashboard\'s workflows; each must be readable by the caller; none: every workflow the caller may read).',
          body: Type.Object({ widget: WidgetInput, workflow_ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 50, uniqueItems: true })) }, { additionalProperties: false }),
          response: { 200: WidgetDataOut },
        },
      },
      async (request) => svc.preview(principalOf(request), request.body.widget, request.body.workflow_ids ?? []),
    );

    app.get('/api/v1/analytics/dashboards/:dashboard_id', { config: read, schema: { tags, summary: 'A dashboard', params: DashboardId, response: { 200: DashboardOut } } }, async (request) =>
      svc.get(principalOf(request), request.params.dashboard_id));

    app.put(
      '/api/v1/analytics/dashboards/:dashboard_id',
      {
        config: { ...write, audit: 'dashboard.update' },
        schema: { tags, summary: 'Change a dashboard: name, description, workflows, widgets and their layout (its owner, admins, members it is shared with to edit)', params: DashboardId, body: DashboardInput, response: { 200: DashboardOut } },
      },
      async (request) => svc.update(principalOf(request), request.params.dashboard_id, request.body),
    );

    app.delete(
      '/api/v1/analytics/dashboards/:dashboard_id',
      { config: { ...write, audit: 'dashboard.delete' }, schema: { tags, summary: 'Delete a dashboard and revoke its public links (its owner and admins)', params: DashboardId } },
      async (request, reply) => {
        await svc.remove(principalOf(request), request.params.dashboard_id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/api/v1/analytics/dashboards/:dashboard_id/duplicate',
      { config: { ...write, audit: 'dashboard.duplicate' }, schema: { tags, summary: 'Copy a dashboard the caller may see: the copy is the caller\'s, not shared, without links', params: DashboardId, response: { 201: DashboardOut } } },
      async (request, reply) => reply.status(201).send(await svc.duplicate(principalOf(request), request.params.dashboard_id)),
    );

    app.get(
      '/api/v1/analytics/dashboards/:dashboard_id/data',
      {
        config: { ...read, audit: 'dashboard.read', rateLimitGroup: 'analytics' as const },
        schema: {
          tags, summary: 'Every widget\'s data',
          description: 'Each widget\'s query answered now (a relative period ends today in the widget\'s timezone) over the workflows the caller may read among those it names; a widget that cannot be answered says why in `error`, the others still answer. The figures are the existing answers: summaries and trends, funnel, actions, the overview, and watched metrics per UTC hour or day.',
          params: DashboardId, response: { 200: DashboardDataResponse },
        },
      },
      async (request) => svc.data(principalOf(request), request.params.dashboard_id),
    );

    app.get(
      '/api/v1/analytics/dashboards/:dashboard_id/widgets/:widget_id/data',
      { config: { ...read, audit: 'dashboard.read', rateLimitGroup: 'analytics' as const }, schema: { tags, summary: 'One widget\'s data', params: WidgetParams, response: { 200: WidgetDataOut } } },
      async (request) => (await svc.data(principalOf(request), request.params.dashboard_id, request.params.widget_id)).widgets[0]!,
    );

    app.put(
      '/api/v1/analytics/dashboards/:dashboard_id/sharing',
      {
        config: { ...write, audit: 'dashboard.share', auditBody: ['shares', 'allowed_origins'] },
        schema: {
          tags, summary: 'Share a dashboard with users or roles (read or edit) and choose the origins that may frame its embed page (its owner and admins)',
          description: 'Replaces the shares and the allowed origins. A share names a user id or a role (admin, member, viewer) of the account; `edit` lets members change the widgets (a viewer key only reads). Origins go into the embed page\'s Content-Security-Policy frame-ancestors; none: the page may not be framed.',
          params: DashboardId, body: SharingInput, response: { 200: DashboardOut },
        },
      },
      async (request) => svc.setSharing(principalOf(request), request.params.dashboard_id, request.body),
    );

    app.get('/api/v1/analytics/dashboards/:dashboard_id/links', { config: write, schema: { tags, summary: 'A dashboard\'s public links (never their tokens; its owner and admins)', params: DashboardId, response: { 200: PublicLinksResponse } } }, async (request) => ({
      links: await svc.links(principalOf(request), request.params.dashboard_id),
    }));

    app.post(
      '/api/v1/analytics/dashboards/:dashboard_id/links',
      {
        config: { ...write, audit: 'dashboard.link_create', auditBody: ['expires_at'] },
        schema: {
          tags, summary: 'Make a public read-only link (its owner and admins)',
          description: 'A random 32-byte token (base64url), answered once and stored as its SHA-256 hash, optionally expiring. The link shows exactly the workflows the dashboard names (409 when it names none), each readable by the caller. Open it at `url` (/embed/{token}); frame it only from the dashboard\'s allowed origins.',
          params: DashboardId,
          body: LinkInput,
          response: { 201: PublicLinkCreated },
        },
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request, reply) => reply.status(201).send(await svc.createLink(principalOf(request), request.params.dashboard_id, request.body)),
    );

    app.delete(
      '/api/v1/analytics/dashboards/:dashboard_id/links/:link_id',
      { config: { ...write, audit: 'dashboard.link_revoke' }, schema: { tags, summary: 'Revoke a public link at once (its owner and admins)', params: LinkParams } },
      async (request, reply) => {
        await svc.revokeLink(principalOf(request), request.params.dashboard_id, request.params.link_id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/v1/public/dashboards/:token',
      {
        config: PUBLIC_BY_TOKEN,
        schema: {
          tags, summary: 'A public link\'s dashboard and its widgets\' data, read-only (no key)',
          description: 'Exactly the workflows the dashboard names, of its own account, with the account\'s white label (name, accent colour, logo). 404 for an unknown token; 410 once revoked, expired, or its dashboard deleted.',
          security: [], params: Token, response: { 200: PublicDashboardResponse },
        },
      },
      async (request, reply) => {
        const view = await svc.publicView(request.params.token);
        if (view.status === 'unknown') throw notFound('No dashboard is shared with this link');
        if (view.status === 'gone') throw new HttpProblem(410, view.reason);
        deps.audit.record({
          account_id: view.link.account_id, key_id: '', user_id: '', role: 'public', action: 'dashboard.public_view', method: 'GET', path: '/api/v1/public/dashboards/{token}',
          workflow_id: '', params: { dashboard_id: view.dashboard.dashboard_id, link_id: view.link.link_id }, status: 200, ip: request.ip, duration_ms: Math.round(reply.elapsedTime * 100) / 100,
        });
        void reply.header('Cache-Control', 'no-store');
        return view.body;
      },
    );

    // The embed page: the dashboard app, answered with the frame-ancestors its dashboard allows ('none' when it
    // allows none, or the token opens nothing), so a page of another origin cannot frame it.
    const webDir = webDirectory(deps.config.webDir);
    app.get('/embed/:token', { config: { rateLimitGroup: 'analytics' as const }, schema: { hide: true, params: Token } }, async (request, reply) => {
      const { status, value } = await svc.frameAncestorsFor(request.params.token);
      const appPolicy = reply.raw.getHeader('content-security-policy');
      reply.raw.removeHeader('x-frame-options');
      void reply
        .header('Content-Security-Policy', embedPolicy(typeof appPolicy === 'string' ? appPolicy : undefined, value))
        .header('Cache-Control', 'no-store')
        .header('Referrer-Policy', 'no-referrer');
      const index = webDir ? path.join(webDir, 'index.html') : null;
      if (!index || !fs.existsSync(index)) return reply.type('text/plain; charset=utf-8').status(404).send('The dashboard is not built. Run `npm run build` (npm start does it for you).\n');
      return reply.type('text/html; charset=utf-8').status(status === 'ok' ? 200 : status === 'gone' ? 410 : 404).send(await fs.promises.readFile(index, 'utf8'));
    });
  };
