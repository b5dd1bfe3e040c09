/**
 * The workflow page's queries, defined once: the page uses them, and the app's entry starts them before
 * the first render when it opens on a workflow page, so the figures do not wait for the sign-in check.
 */
import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { api, query, type ActionsResponse, type AnomaliesResponse, type FunnelResponse, type SummaryResponse, type VersionsResponse, type WorkflowDetail } from './api.js';
import { analyticsParams, parseView } from './view-state.js';

export type Params = ReturnType<typeof analyticsParams>;

/** The anomaly bands' parameters: the page's period and timezone, a watched metric, the bucket, the sensitivity, the minimum volume judged. */
export type AnomalyParams = Record<string, string | number | undefined> & { metric: string; bucket: 'hour' | 'day'; sensitivity: 'low' | 'medium' | 'high' };

const base = (id: string) => `/api/v1/workflows/${encodeURIComponent(id)}`;

/** The page shows the previous period only beside the summary and trends: the funnel and actions are asked without it (each comparison costs a second computation on the server). */
const withoutCompare = ({ compare: _compare, ...p }: Params): Params => p;

export const workflowQueries = {
  detail: (id: string) => queryOptions({ queryKey: ['wf', id, 'detail'], queryFn: ({ signal }) => api<WorkflowDetail>(base(id), { signal }) }),
  summary: (id: string, p: Params) => queryOptions({ queryKey: ['wf', id, 'summary', p], queryFn: ({ signal }) => api<SummaryResponse>(`${base(id)}/analytics${query(p)}`, { signal }) }),
  funnel: (id: string, p: Params) => queryOptions({ queryKey: ['wf', id, 'funnel', withoutCompare(p)], queryFn: ({ signal }) => api<FunnelResponse>(`${base(id)}/analytics/funnel${query(withoutCompare(p))}`, { signal }) }),
  actions: (id: string, p: Params) => queryOptions({ queryKey: ['wf', id, 'actions', withoutCompare(p)], queryFn: ({ signal }) => api<ActionsResponse>(`${base(id)}/analytics/actions${query(withoutCompare(p))}`, { signal }) }),
  anomalies: (id: string, p: AnomalyParams) => queryOptions({ queryKey: ['wf', id, 'anomalies', p], queryFn: ({ signal }) => api<AnomaliesResponse>(`${base(id)}/analytics/anomalies${query(p)}`, { signal }) }),
  versions: (id: string, p: Params) => queryOptions({ queryKey: ['wf', id, 'versions', versionsParams(p)], queryFn: ({ signal }) => api<VersionsResponse>(`${base(id)}/analytics/versions${query(versionsParams(p))}`, { signal }) }),
};

/** The versions compared are asked for the page's period, timezone and variant only (the version filter and buckets do not apply). */
function versionsParams(p: Params): Params {
  return { range: p.range, start_date: p.start_date, end_date: p.end_date, timezone: p.timezone, variant: p.variant, enrollment_source: p.enrollment_source, exit_reason: p.exit_reason };
}

/** The workflow id of an app path (/workflows/{id}), or null. */
export function workflowOfPath(path: string): string | null {
  const m = /^\/workflows\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** Starts the page's four requests for a location (a no-op elsewhere). */
export function prefetchWorkflowPage(client: QueryClient, path: string, search: string): void {
  const id = workflowOfPath(path);
  if (!id) return;
  const p = analyticsParams(parseView(search));
  void client.prefetchQuery(workflowQueries.detail(id));
  void client.prefetchQuery(workflowQueries.summary(id, p));
  void client.prefetchQuery(workflowQueries.funnel(id, p));
  void client.prefetchQuery(workflowQueries.actions(id, p));
}
