/**
 * Cost budgets as rules of the alert engine. A budget (defined through PUT /api/v1/analytics/costs/budgets,
 * src/budgets) is a rule on `cost_usd` over its calendar month, in its timezone, with one threshold per percentage:
 * its detector is where the month stands (src/budgets/evaluate.ts: the spend so far, or else the month's forecast,
 * crossing a threshold). A crossing is an alert of the engine like any other — recorded in `alerts` with its
 * history, claimed before it is sent, delivered, logged attempt by attempt, heard on the live streams, audited —
 * with the budget's own message (src/budgets/notify.ts: its email and its webhook payload) and one alert per
 * budget, threshold and month: its id is derived from them, so no check, instance or restart raises it twice. A
 * month's alerts resolve, unnotified, when the month is over.
 */
import { createHash } from 'node:crypto';
import type { Budget, BudgetAlert } from '../budgets/budgets.js';
import type { BudgetStatus } from '../budgets/evaluate.js';
import type { AlertRecord } from './store.js';

/** The rule id of a budget in the alert engine. */
export const budgetRuleId = (budgetId: string) => `budget:${budgetId}`;
export const BUDGET_RULE_PREFIX = 'budget:';

/** One alert per account, budget, month and threshold: its id. */
export function budgetAlertId(account: string, budgetId: string, month: string, threshold: number): string {
  return `alr_${createHash('sha256').update(JSON.stringify([account, budgetId, month, threshold])).digest('base64url').slice(0, 16)}`;
}

/** What a budget alert keeps beyond an alert record (its `details`). */
export interface BudgetDetails {
  kind: 'budget';
  budget_id: string;
  month: string;
  threshold: number;
  trigger: 'actual' | 'forecast';
  budget_usd: number;
  spent_usd: number;
  forecast_usd: number;
  timezone: string;
  webhook_status: string;
  email_status: string;
}

/** The sentence of a budget alert. */
export function budgetSummary(b: Budget, d: BudgetDetails): string {
  const what = b.scope === 'account' ? 'The account budget' : `The budget of workflow ${b.workflow_id}`;
  const how = d.trigger === 'actual' ? `spend has reached ${d.threshold}%` : `forecast spend will reach ${d.threshold}%`;
  return `${what} for ${d.month} (${d.timezone}): ${how} of $${d.budget_usd.toFixed(2)} — $${d.spent_usd.toFixed(2)} spent, $${d.forecast_usd.toFixed(2)} forecast for the month`;
}

/** The alert record of a threshold crossed. */
export function budgetRecord(account: string, b: Budget, status: BudgetStatus, c: BudgetStatus['crossed'][number], now: Date, at: string): { record: AlertRecord; details: BudgetDetails } {
  const details: BudgetDetails = {
    kind: 'budget', budget_id: b.budget_id, month: status.month, threshold: c.threshold, trigger: c.trigger, budget_usd: b.monthly_usd,
    spent_usd: status.spent_usd, forecast_usd: status.forecast_usd, timezone: b.timezone, webhook_status: 'sending', email_status: 'sending',
  };
  const record: AlertRecord = {
    alert_id: budgetAlertId(account, b.budget_id, status.month, c.threshold), rule_id: budgetRuleId(b.budget_id), scope_key: b.workflow_id ?? '',
    status: 'firing', started_at: now.toISOString(), fired_at: now.toISOString(), resolved_at: null, acknowledged_at: null, acknowledged_by: '',
    bucket: now.toISOString(), value: status.spent_usd, expected: status.forecast_usd, lower: null, upper: (b.monthly_usd * c.threshold) / 100, score: null,
    summary: budgetSummary(b, details), details: JSON.stringify(details), updated_at: at,
  };
  return { record, details };
}

/** A budget alert record as the budgets API answers it (GET /api/v1/analytics/costs/alerts). */
export function budgetAlertOf(r: AlertRecord): BudgetAlert | null {
  if (!r.rule_id.startsWith(BUDGET_RULE_PREFIX) || !r.details) return null;
  const d = JSON.parse(r.details) as BudgetDetails;
  return {
    alert_id: r.alert_id, budget_id: d.budget_id, workflow_id: r.scope_key || null, month: d.month, threshold: d.threshold, trigger: d.trigger,
    budget_usd: d.budget_usd, spent_usd: d.spent_usd, forecast_usd: d.forecast_usd, raised_at: r.fired_at ?? r.started_at, webhook_status: d.webhook_status, email_status: d.email_status,
  };
}

/** The severity of a budget alert: at or past the whole budget, critical. */
export const budgetSeverity = (threshold: number): 'warning' | 'critical' => (threshold >= 100 ? 'critical' : 'warning');
