/**
 * Delivers a budget alert: a POST of the alert as JSON to the budget's webhook URL, and an email to its
 * recipients through the project's mailer. Each channel is tried up to 3 times, `retryMs` apart; the
 * outcome of each is recorded with the alert ("sent", "failed: …", or "not configured"). A webhook whose target
 * is not a public address (src/net/webhook-target.ts, checked again now: DNS can change) fails at once.
 */
import { withRetries } from '../net/retry.js';
import { postJson, type Resolve } from '../net/webhook-target.js';
import type { Mailer } from '../reports/mailer.js';
import type { Budget, BudgetAlert } from './budgets.js';
import { formatUsd } from '../format/index.js';

export interface AlertPayload extends BudgetAlert {
  type: 'budget.threshold_crossed';
  account_id: string;
  scope: Budget['scope'];
  timezone: string;
}

export interface WebhookOptions {
  timeoutMs: number;
  /** FLOWLENS_WEBHOOK_ALLOW_PRIVATE: targets need not be public addresses. */
  allowPrivate: boolean;
  /** Name resolution (tests); default: the system resolver. */
  resolve?: Resolve;
}

export async function postWebhook(url: string, payload: AlertPayload, options: WebhookOptions): Promise<void> {
  const status = await postJson(url, payload, { ...options, headers: { 'user-agent': 'Flowlens budget alerts' } });
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
}

/** Money as the dashboard writes it (the shared formats). */
const usd = (x: number) => formatUsd(x, 'en-US');

export function alertEmail(p: AlertPayload): { subject: string; text: string } {
  const what = p.scope === 'account' ? 'Account budget' : `Budget of workflow ${p.workflow_id}`;
  const how = p.trigger === 'actual' ? `spend has reached ${p.threshold}%` : `forecast spend will reach ${p.threshold}%`;
  return {
    subject: `Flowlens: ${what} — ${how} of ${usd(p.budget_usd)} for ${p.month}`,
    text: [
      `${what} for ${p.month} (${p.timezone}): ${how} of the monthly budget.`,
      `Budget: ${usd(p.budget_usd)}`,
      `Spent so far: ${usd(p.spent_usd)} (${((p.spent_usd / p.budget_usd) * 100).toFixed(1)}%)`,
      `Forecast for the month: ${usd(p.forecast_usd)} (${((p.forecast_usd / p.budget_usd) * 100).toFixed(1)}%)`,
      `Alert ${p.alert_id}, raised ${p.raised_at}. This threshold is not alerted again this month.`,
    ].join('\n'),
  };
}

export async function deliver(budget: Budget, payload: AlertPayload, mailer: Mailer, options: WebhookOptions & { retryMs: number }) {
  const [webhook, email] = await Promise.all([
    budget.notify.webhook_url ? withRetries(3, options.retryMs, () => postWebhook(budget.notify.webhook_url!, payload, options)) : Promise.resolve('not configured'),
    budget.notify.emails.length > 0
      ? withRetries(3, options.retryMs, () => mailer.send({ to: budget.notify.emails, ...alertEmail(payload), attachments: [] }))
      : Promise.resolve('not configured'),
  ]);
  return { webhook_status: webhook, email_status: email };
}
