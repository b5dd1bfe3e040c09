/**
 * The demo's workflow templates: realistic automations with every step type, per-step drop-off,
 * failure rates and timings, two versions, and an A/B test on the second version.
 */
import type { CatalogStep } from '../catalog/catalog.js';

export interface StepTemplate extends CatalogStep {
  /** Median seconds in the step, and spread. */
  medianSeconds: number;
  sigma: number;
  /** Probability the contact leaves the workflow at this step (exited), and the reasons. */
  exitRate: number;
  exitReasons?: readonly string[];
  /** Probability an action fails (step.failed); a failed action fails the execution half the time. */
  failRate?: number;
  errorTypes?: readonly string[];
  credits?: number;
  costUsd?: number;
}

export interface WorkflowTemplate {
  key: string;
  name: string;
  triggerTypes: readonly string[];
  goal: { id: string; type: string; rate: number; value?: [number, number] };
  timeSavedSeconds: number;
  valuePerConversionUsd: number;
  steps: StepTemplate[];
}

const email = (id: string, name: string, order: number, extra: Partial<StepTemplate> = {}): StepTemplate => ({
  step_id: id, name, order, type: 'action', action_type: 'send_email', medianSeconds: 1.2, sigma: 0.6, exitRate: 0.02,
  exitReasons: ['unsubscribed', 'bounced'], failRate: 0.015, errorTypes: ['smtp_timeout', 'invalid_address', 'rate_limited'],
  credits: 1, costUsd: 0.001, ...extra,
});
const wait = (id: string, name: string, order: number, seconds: number, exitRate = 0.05): StepTemplate => ({
  step_id: id, name, order, type: 'wait', delay_seconds: seconds, medianSeconds: seconds, sigma: 0.05, exitRate, exitReasons: ['manual_removal', 'unsubscribed'],
});
const condition = (id: string, name: string, order: number, exitRate: number): StepTemplate => ({
  step_id: id, name, order, type: 'condition', medianSeconds: 0.05, sigma: 0.3, exitRate, exitReasons: ['condition_not_met'],
});
const trigger = (name: string): StepTemplate => ({ step_id: 'trigger', name, order: 0, type: 'trigger', medianSeconds: 0.02, sigma: 0.3, exitRate: 0 });

export const TEMPLATES: readonly WorkflowTemplate[] = [
  {
    key: 'welcome', name: 'Welcome onboarding', triggerTypes: ['form_submitted', 'webhook'],
    goal: { id: 'first_purchase', type: 'purchase', rate: 0.45, value: [20, 180] }, timeSavedSeconds: 300, valuePerConversionUsd: 40,
    steps: [
      trigger('Form submitted'),
      email('welcome_email', 'Send welcome email', 1),
      wait('wait_1d', 'Wait 1 day', 2, 86400, 0.04),
      condition('opened_email', 'Opened welcome email?', 3, 0.22),
      email('tips_email', 'Send product tips', 4),
      wait('wait_3d', 'Wait 3 days', 5, 3 * 86400, 0.06),
      { step_id: 'discount_sms', name: 'Send discount SMS', order: 6, type: 'action', action_type: 'send_sms', medianSeconds: 2.5, sigma: 0.7,
        exitRate: 0.03, exitReasons: ['unsubscribed'], failRate: 0.04, errorTypes: ['carrier_rejected', 'invalid_number'], credits: 3, costUsd: 0.0075 },
    ],
  },
  {
    key: 'cart', name: 'Abandoned cart recovery', triggerTypes: ['cart_abandoned'],
    goal: { id: 'order_placed', type: 'purchase', rate: 0.3, value: [35, 260] }, timeSavedSeconds: 180, valuePerConversionUsd: 65,
    steps: [
      trigger('Cart abandoned'),
      wait('wait_1h', 'Wait 1 hour', 1, 3600, 0.08),
      email('reminder_email', 'Send cart reminder', 2),
      wait('wait_1d', 'Wait 1 day', 3, 86400, 0.1),
      condition('still_in_cart', 'Items still in cart?', 4, 0.35),
      { step_id: 'push', name: 'Send push notification', order: 5, type: 'action', action_type: 'send_push', medianSeconds: 0.4, sigma: 0.5,
        exitRate: 0.05, exitReasons: ['unsubscribed'], failRate: 0.06, errorTypes: ['token_expired', 'provider_unavailable'], credits: 1, costUsd: 0.0005 },
    ],
  },
  {
    key: 'leads', name: 'Lead qualification & CRM sync', triggerTypes: ['webhook', 'schedule'],
    goal: { id: 'meeting_booked', type: 'meeting', rate: 0.2 }, timeSavedSeconds: 900, valuePerConversionUsd: 250,
    steps: [
      trigger('New lead'),
      { step_id: 'enrich', name: 'Enrich lead (HTTP)', order: 1, type: 'action', action_type: 'http_request', medianSeconds: 0.8, sigma: 0.9,
        exitRate: 0.01, failRate: 0.08, errorTypes: ['http_500', 'timeout', 'rate_limited'], credits: 2, costUsd: 0.002 },
      condition('score_check', 'Score above 50?', 2, 0.4),
      { step_id: 'crm_update', name: 'Update CRM record', order: 3, type: 'action', action_type: 'update_crm', medianSeconds: 1.5, sigma: 0.6,
        exitRate: 0.01, failRate: 0.03, errorTypes: ['auth_expired', 'validation_error'], credits: 1, costUsd: 0.001 },
      { step_id: 'notify_sales', name: 'Notify sales on Slack', order: 4, type: 'action', action_type: 'slack_message', medianSeconds: 0.3, sigma: 0.4,
        exitRate: 0.0, failRate: 0.01, errorTypes: ['channel_not_found'], credits: 1, costUsd: 0.0002 },
      wait('wait_2d', 'Wait 2 days', 5, 2 * 86400, 0.05),
      email('followup', 'Send follow-up email', 6, { action_type: 'send_email' }),
    ],
  },
];
