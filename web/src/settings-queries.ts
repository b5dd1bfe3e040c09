/**
 * The settings area's queries and changes, defined once (keys start with 'settings'), over the API's own routes:
 * budgets (/analytics/costs/budgets), scheduled reports (/reports), API keys (/api-keys), a workflow's access list
 * (/workflows/{id}/access) and the account's ROI assumptions (/account/settings). Types are the contract's.
 */
import { queryOptions } from '@tanstack/react-query';
import type { Static } from '@sinclair/typebox';
import type { AccessOut, ApiKeyOut, BudgetOut, ReportOut, ReportsResponse as ReportsSchema, RoiTimeSaved } from '../../src/contract/index.js';
import { api } from './api.js';
import type { BudgetsResponse } from './platform-api.js';

export type { AccessOut, ApiKeyOut, BudgetOut, ReportOut, RoiTimeSaved };
export type ReportsResponse = Static<typeof ReportsSchema>;

/** What PUT /analytics/costs/budgets takes for one budget (the status is the server's). */
export type BudgetInput = Omit<BudgetOut, 'budget_id' | 'status' | 'scope' | 'workflow_id' | 'notify'> & {
  scope: 'account' | 'workflow';
  workflow_id?: string;
  notify: { emails: string[]; webhook_url?: string };
};

/** A report's definition as POST/PUT /reports take it. */
export type ReportInput = Pick<ReportOut, 'name' | 'workflow_id' | 'template' | 'formats' | 'schedule' | 'recipients'>;

export interface RoiSettings {
  roi_hourly_rate_usd?: number | null;
  roi_time_saved?: RoiTimeSaved;
}

const workflowPath = (id: string) => `/api/v1/workflows/${encodeURIComponent(id)}/access`;

export const settingsQueries = {
  budgets: () => queryOptions({ queryKey: ['settings', 'budgets'], queryFn: ({ signal }) => api<BudgetsResponse>('/api/v1/analytics/costs/budgets', { signal }) }),
  reports: () => queryOptions({ queryKey: ['settings', 'reports'], queryFn: ({ signal }) => api<ReportsResponse>('/api/v1/reports', { signal }) }),
  keys: () => queryOptions({ queryKey: ['settings', 'keys'], queryFn: ({ signal }) => api<{ api_keys: ApiKeyOut[] }>('/api/v1/api-keys', { signal }) }),
  access: (workflowId: string) => queryOptions({ queryKey: ['settings', 'access', workflowId], queryFn: ({ signal }) => api<AccessOut>(workflowPath(workflowId), { signal }) }),
  account: () => queryOptions({ queryKey: ['settings', 'account'], queryFn: ({ signal }) => api<RoiSettings>('/api/v1/account/settings', { signal }) }),
};

/** A budget as the form edits it, from what the API answered. */
export function budgetInput(b: BudgetOut): BudgetInput {
  return {
    scope: b.scope === 'workflow' ? 'workflow' : 'account',
    ...(b.workflow_id ? { workflow_id: b.workflow_id } : {}),
    monthly_usd: b.monthly_usd,
    thresholds: b.thresholds,
    timezone: b.timezone,
    notify: { emails: b.notify.emails, ...(b.notify.webhook_url ? { webhook_url: b.notify.webhook_url } : {}) },
  };
}

export const settingsApi = {
  saveBudgets: (budgets: BudgetInput[]) => api<BudgetsResponse>('/api/v1/analytics/costs/budgets', { method: 'PUT', body: { budgets } }),
  createReport: (r: ReportInput) => api<ReportOut>('/api/v1/reports', { method: 'POST', body: r }),
  updateReport: (id: string, r: ReportInput) => api<ReportOut>(`/api/v1/reports/${encodeURIComponent(id)}`, { method: 'PUT', body: r }),
  deleteReport: (id: string) => api<void>(`/api/v1/reports/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  createKey: (k: { name: string; role: ApiKeyOut['role']; user_id?: string; expires_at?: string }) => api<{ id: string; key: string }>('/api/v1/api-keys', { method: 'POST', body: k }),
  revokeKey: (id: string) => api<void>(`/api/v1/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  saveAccess: (workflowId: string, userIds: string[]) => api<AccessOut>(workflowPath(workflowId), { method: 'PUT', body: { user_ids: userIds } }),
  saveRoi: (s: RoiSettings) => api<RoiSettings>('/api/v1/account/settings', { method: 'PUT', body: s }),
};

/** A list typed in a text box: items separated by commas, spaces or lines, empty ones dropped. */
export const listOf = (text: string) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
