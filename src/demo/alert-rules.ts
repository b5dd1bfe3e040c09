/**
 * The demo's alert rules: one that catches the demo's incident (the lead-qualification workflow's daily failure
 * rate jumps when its CRM credentials expire, generate.ts INCIDENT) and one that watches every workflow's
 * enrollments for anomalies against their weekly pattern. No channels: the demo has no mail server; the
 * alerts show in the dashboard and at GET /api/v1/alerts.
 */
import type { AlertRuleInput } from '../alerts/rules.js';
import { demoWorkflows, INCIDENT, type GenerateOptions } from './generate.js';

export function demoAlertRules(options: Pick<GenerateOptions, 'workflows'>): AlertRuleInput[] {
  const leads = demoWorkflows(Math.max(1, options.workflows)).find((w) => w.template.key === INCIDENT.workflow);
  const rules: AlertRuleInput[] = [
    {
      name: 'Enrollments out of their usual range', metric: 'new_enrollments', scope: { type: 'each_workflow' },
      detector: { type: 'anomaly', sensitivity: 'low', direction: 'both' }, bucket: 'day', interval_minutes: 60, severity: 'info', channels: [],
    },
  ];
  if (leads) {
    rules.unshift({
      name: 'Lead sync failing', description: 'More than 12% of the lead executions that finish in a day end in an error (usually 2–9%).',
      metric: 'execution_failure_rate', scope: { type: 'workflow', workflow_id: leads.workflowId },
      detector: { type: 'threshold', threshold: 12, direction: 'above' }, bucket: 'day', min_volume: 20, interval_minutes: 1, severity: 'critical',
      labels: { team: 'revops' }, channels: [],
    });
  }
  return rules;
}
