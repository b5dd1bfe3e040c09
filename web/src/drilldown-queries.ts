/**
 * The drill-down's and the insights panel's queries, defined once. Keys start with ['wf', id], so the live stream's
 * invalidation of the workflow refreshes them with the figures (the list's total stays the figure's).
 */
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api, query, type ExecutionsPageResponse, type ExecutionTimelineResponse, type InsightsResponse } from './api.js';

type Params = Record<string, string | number | undefined>;

const base = (id: string) => `/api/v1/workflows/${encodeURIComponent(id)}`;

/** Rows a page of the list asks for ("Load more" asks the next as many). */
export const PAGE_SIZE = 50;

export const drilldownQueries = {
  executions: (id: string, p: Params) =>
    infiniteQueryOptions({
      queryKey: ['wf', id, 'executions', p],
      queryFn: ({ signal, pageParam }) => api<ExecutionsPageResponse>(`${base(id)}/executions${query({ ...p, limit: PAGE_SIZE, cursor: pageParam ?? undefined })}`, { signal }),
      initialPageParam: null as string | null,
      getNextPageParam: (last) => last.next_cursor,
    }),
  timeline: (id: string, execution: string) =>
    queryOptions({ queryKey: ['wf', id, 'execution', execution], queryFn: ({ signal }) => api<ExecutionTimelineResponse>(`${base(id)}/executions/${encodeURIComponent(execution)}`, { signal }) }),
  insights: (id: string, p: Params) =>
    queryOptions({ queryKey: ['wf', id, 'insights', p], queryFn: ({ signal }) => api<InsightsResponse>(`${base(id)}/analytics/insights${query(p)}`, { signal }) }),
};

/** The CSV of a whole selection (the same filters; every execution, not only the pages loaded). */
export function executionsCsvUrl(id: string, p: Params): string {
  return `${base(id)}/executions${query({ ...p, format: 'csv' })}`;
}
