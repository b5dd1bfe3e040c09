/**
 * The dashboards' queries and changes, defined once (keys start with 'dashboards', so one invalidation refreshes
 * them all), their paths in the app (/dashboards/{id}, /embed/{token}), and the types of the contract they read
 * (src/contract/dashboards.ts, imported as types only).
 */
import { queryOptions } from '@tanstack/react-query';
import type {
  DashboardDataResponse, DashboardOut, DashboardsResponse, DashboardTemplatesResponse, PublicDashboardResponse, PublicLinkCreated, PublicLinksResponse, ShareOut, WidgetDataOut, WidgetKindOut, WidgetOut,
} from '../../src/contract/index.js';
import { api, ApiError } from './api.js';

export type { DashboardDataResponse, DashboardOut, DashboardTemplatesResponse, PublicDashboardResponse, PublicLinkCreated, PublicLinksResponse, ShareOut, WidgetDataOut, WidgetKindOut, WidgetOut };
export type WidgetType = WidgetOut['type'];

const base = '/api/v1/analytics/dashboards';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

/** What the builder saves: everything of a dashboard but its sharing. */
export interface DashboardDraft {
  name: string;
  description: string;
  workflow_ids: string[];
  widgets: WidgetOut[];
}

export const dashboardQueries = {
  list: () => queryOptions({ queryKey: ['dashboards', 'list'], queryFn: ({ signal }) => api<DashboardsResponse>(base, { signal }) }),
  templates: () => queryOptions({ queryKey: ['dashboards', 'templates'], queryFn: ({ signal }) => api<DashboardTemplatesResponse>(`${base}/templates`, { signal }), staleTime: Infinity }),
  detail: (id: string) => queryOptions({ queryKey: ['dashboards', id, 'detail'], queryFn: ({ signal }) => api<DashboardOut>(one(id), { signal }) }),
  /** Every saved widget's data; `version` (the dashboard's updated_at) asks again after a save. */
  data: (id: string, version: string) => queryOptions({ queryKey: ['dashboards', id, 'data', version], queryFn: ({ signal }) => api<DashboardDataResponse>(`${one(id)}/data`, { signal }) }),
  /** A widget not saved as it is (new, or its query changed): its data from the preview endpoint. */
  preview: (widget: WidgetOut, workflowIds: string[]) =>
    queryOptions({
      queryKey: ['dashboards', 'preview', queryOf(widget), workflowIds],
      queryFn: ({ signal }) => api<WidgetDataOut>(`${base}/widget-data`, { method: 'POST', body: { widget: queryOf(widget), workflow_ids: workflowIds }, signal }),
    }),
  links: (id: string) => queryOptions({ queryKey: ['dashboards', id, 'links'], queryFn: ({ signal }) => api<PublicLinksResponse>(`${one(id)}/links`, { signal }) }),
  /** The public view of a token: no session needed. */
  public: (token: string) =>
    queryOptions({ queryKey: ['public-dashboard', token], queryFn: ({ signal }) => api<PublicDashboardResponse>(`/api/v1/public/dashboards/${encodeURIComponent(token)}`, { signal }), retry: false }),
};

export const dashboardApi = {
  create: (body: { name: string; template?: string; timezone?: string; workflow_ids?: string[] }) => api<DashboardOut>(base, { method: 'POST', body }),
  save: (id: string, draft: DashboardDraft) => api<DashboardOut>(one(id), { method: 'PUT', body: draft }),
  remove: (id: string) => api<void>(one(id), { method: 'DELETE' }),
  duplicate: (id: string) => api<DashboardOut>(`${one(id)}/duplicate`, { method: 'POST' }),
  share: (id: string, body: { shares: ShareOut[]; allowed_origins: string[] }) => api<DashboardOut>(`${one(id)}/sharing`, { method: 'PUT', body }),
  createLink: (id: string, expiresAt: string | null) => api<PublicLinkCreated>(`${one(id)}/links`, { method: 'POST', body: expiresAt ? { expires_at: expiresAt } : {} }),
  revokeLink: (id: string, linkId: string) => api<void>(`${one(id)}/links/${encodeURIComponent(linkId)}`, { method: 'DELETE' }),
};

/** A widget without its place and title: what its data depends on. */
export function queryOf(w: WidgetOut): Omit<WidgetOut, 'x' | 'y' | 'w' | 'h' | 'title'> {
  const { x: _x, y: _y, w: _w, h: _h, title: _t, ...query } = w;
  return query;
}

/** Whether two widgets ask the same data. */
export const sameQuery = (a: WidgetOut, b: WidgetOut): boolean => JSON.stringify(queryOf(a)) === JSON.stringify(queryOf(b));

/** The dashboard id of an app path (/dashboards/{id}), or null. */
export function dashboardOfPath(path: string): string | null {
  const m = /^\/dashboards\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** The token of an embed page's path (/embed/{token}), or null. */
export function embedTokenOfPath(path: string): string | null {
  const m = /^\/embed\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** What a failed public view says to its reader. */
export function publicProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return 'This link does not open any dashboard.';
  if (error instanceof ApiError && error.status === 410) return `This link no longer works. ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The browser's timezone (the default of new dashboards' widgets). */
export const browserTimezone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
