/**
 * The alerting queries and actions, defined once. Keys start with 'alerts', so one invalidation (an acknowledgement,
 * an evaluation, a live `alert` event) refreshes the page, its history and the navigation's badge.
 */
import { queryOptions } from '@tanstack/react-query';
import { api, query, type AlertHistoryResponse, type AlertListResponse, type AlertRecordOut, type AlertRuleOut, type AlertRulesResponse, type RuleEvaluationsResponse, type SilenceOut, type SilencesResponse } from './api.js';
import type { RuleInput } from './alert-model.js';

const base = '/api/v1/alerts';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
const rule = (id: string) => `${base}/rules/${encodeURIComponent(id)}`;

export const alertQueries = {
  open: () => queryOptions({ queryKey: ['alerts', 'list', 'open'], queryFn: ({ signal }) => api<AlertListResponse>(`${base}${query({ status: 'open' })}`, { signal }) }),
  /** The newest alerts whatever their status (the page shows the closed ones among them). */
  recent: (limit = 50) => queryOptions({ queryKey: ['alerts', 'list', 'recent', limit], queryFn: ({ signal }) => api<AlertListResponse>(`${base}${query({ limit })}`, { signal }) }),
  /** The navigation's badge: how many alerts fire, asked once a minute. */
  firing: () =>
    queryOptions({
      queryKey: ['alerts', 'list', 'firing'],
      queryFn: ({ signal }) => api<AlertListResponse>(`${base}${query({ status: 'firing', limit: 1000 })}`, { signal }),
      refetchInterval: 60_000,
      staleTime: 60_000,
    }),
  history: (id: string) => queryOptions({ queryKey: ['alerts', 'history', id], queryFn: ({ signal }) => api<AlertHistoryResponse>(`${one(id)}/history`, { signal }) }),
  rules: () => queryOptions({ queryKey: ['alerts', 'rules'], queryFn: ({ signal }) => api<AlertRulesResponse>(`${base}/rules`, { signal }) }),
  silences: () => queryOptions({ queryKey: ['alerts', 'silences'], queryFn: ({ signal }) => api<SilencesResponse>(`${base}/silences`, { signal }) }),
};

export const alertActions = {
  acknowledge: (id: string) => api<AlertRecordOut>(`${one(id)}/acknowledge`, { method: 'POST' }),
  createRule: (body: RuleInput) => api<AlertRuleOut>(`${base}/rules`, { method: 'POST', body }),
  updateRule: (id: string, body: RuleInput) => api<AlertRuleOut>(rule(id), { method: 'PUT', body }),
  deleteRule: (id: string) => api<void>(rule(id), { method: 'DELETE' }),
  evaluate: (id: string) => api<RuleEvaluationsResponse>(`${rule(id)}/evaluate`, { method: 'POST' }),
  silence: (body: { rule_id?: string; workflow_id?: string; ends_at: string; comment?: string }) => api<SilenceOut>(`${base}/silences`, { method: 'POST', body }),
  endSilence: (id: string) => api<void>(`${base}/silences/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};
