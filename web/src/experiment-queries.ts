/** The experiment pages' queries, defined once (keys start with 'experiments', so one invalidation refreshes them all). */
import { queryOptions } from '@tanstack/react-query';
import { api, query, type DecisionsResponse, type ExperimentOut, type ExperimentResultsResponse, type ExperimentsResponse } from './api.js';

const base = '/api/v1/experiments';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const experimentQueries = {
  list: (workflowId: string | null) =>
    queryOptions({ queryKey: ['experiments', 'list', workflowId], queryFn: ({ signal }) => api<ExperimentsResponse>(`${base}${query({ workflow_id: workflowId })}`, { signal }) }),
  detail: (id: string) => queryOptions({ queryKey: ['experiments', id, 'detail'], queryFn: ({ signal }) => api<ExperimentOut>(one(id), { signal }) }),
  results: (id: string) => queryOptions({ queryKey: ['experiments', id, 'results'], queryFn: ({ signal }) => api<ExperimentResultsResponse>(`${one(id)}/results`, { signal }) }),
  decisions: (id: string) => queryOptions({ queryKey: ['experiments', id, 'decisions'], queryFn: ({ signal }) => api<DecisionsResponse>(`${one(id)}/decisions`, { signal }) }),
};

/** The action endpoints of an experiment: POST …/{action}. */
export const experimentAction = (id: string, action: 'start' | 'stop' | 'evaluate' | 'rollback' | 'decide', body?: unknown) =>
  api<unknown>(`${one(id)}/${action}`, { method: 'POST', ...(body === undefined ? {} : { body }) });

/** The experiment id of an app path (/experiments/{id}), or null. */
export function experimentOfPath(path: string): string | null {
  const m = /^\/experiments\/([^/]+)\/?$/.exec(path);
  return m ? decodeURIComponent(m[1]!) : null;
}
