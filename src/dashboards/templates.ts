/**
 * The dashboards to start from (POST /api/v1/analytics/dashboards with `template`): each a list of widgets on the
 * 12-column grid, over the dashboard's workflows (every readable one until it names some).
 */
import type { DashboardTemplate } from '../contract/dashboards.js';
import type { WidgetInput } from './model.js';

export interface Template {
  template: DashboardTemplate;
  name: string;
  description: string;
  widgets: WidgetInput[];
}

const card = (id: string, metric: string, x: number, y: number, extra: Partial<WidgetInput> = {}): WidgetInput => ({ widget_id: id, type: 'metric', metrics: [metric], x, y, w: 3, h: 2, range: 'last_30_days', compare: true, ...extra });

export const TEMPLATES: readonly Template[] = [
  {
    template: 'executive',
    name: 'Executive overview',
    description: 'Enrolments, completion and conversion against the previous 30 days, the trend, where executions end, and every workflow side by side.',
    widgets: [
      card('enrolled', 'enrolled', 0, 0, { title: 'Enrolled' }),
      card('completion', 'completion_rate', 3, 0, { title: 'Completion rate' }),
      card('conversion', 'conversion_rate', 6, 0, { title: 'Conversion rate' }),
      card('duration', 'duration_hours', 9, 0, { title: 'Average duration' }),
      { widget_id: 'trend', type: 'area', title: 'Enrolled, completed and converted', metrics: ['new_enrollments', 'completions', 'conversions'], x: 0, y: 2, w: 8, h: 4, range: 'last_30_days', granularity: 'daily', compare: true },
      { widget_id: 'outcomes', type: 'pie', title: 'How executions end', breakdown: 'outcome', x: 8, y: 2, w: 4, h: 4, range: 'last_30_days' },
      { widget_id: 'workflows', type: 'table', title: 'Workflows', rows: 'workflows', x: 0, y: 6, w: 12, h: 4, range: 'last_30_days' },
    ],
  },
  {
    template: 'operations',
    name: 'Operations',
    description: 'What is failing now: failures and ingestion volume per hour over the last 7 days, when enrolments arrive, and why executions fail.',
    widgets: [
      card('active', 'active', 0, 0, { title: 'Active now', range: 'last_7_days', compare: false }),
      card('failed', 'failed', 3, 0, { title: 'Failed', range: 'last_7_days' }),
      card('failure', 'execution_failure_rate', 6, 0, { title: 'Failure rate (finished)', range: 'last_7_days' }),
      card('events', 'events_received', 9, 0, { title: 'Events received', range: 'last_7_days' }),
      { widget_id: 'rates', type: 'line', title: 'Failure and completion rates per hour', metrics: ['execution_failure_rate', 'execution_completion_rate'], x: 0, y: 2, w: 8, h: 4, range: 'last_7_days', granularity: 'hourly' },
      { widget_id: 'errors', type: 'pie', title: 'Error types', breakdown: 'error_types', x: 8, y: 2, w: 4, h: 4, range: 'last_7_days' },
      { widget_id: 'heatmap', type: 'heatmap', title: 'Enrollments by weekday and hour', metrics: ['new_enrollments'], x: 0, y: 6, w: 6, h: 4, range: 'last_30_days' },
      { widget_id: 'volume', type: 'bar', title: 'Events received per day', metrics: ['events_received'], x: 6, y: 6, w: 6, h: 4, range: 'last_30_days', granularity: 'daily' },
    ],
  },
  {
    template: 'costs',
    name: 'Costs',
    description: 'Spend and credits over the last 30 days against the 30 before, per day, and by workflow.',
    widgets: [
      card('spend', 'cost_usd', 0, 0, { title: 'Spend', w: 4 }),
      card('credits', 'credits', 4, 0, { title: 'Credits', w: 4 }),
      card('executions', 'enrolled', 8, 0, { title: 'Executions', w: 4 }),
      { widget_id: 'daily', type: 'bar', title: 'Spend per day', metrics: ['cost_usd'], x: 0, y: 2, w: 8, h: 4, range: 'last_30_days', granularity: 'daily', compare: true },
      { widget_id: 'by-workflow', type: 'pie', title: 'Spend by workflow', breakdown: 'workflow', metrics: ['cost_usd'], x: 8, y: 2, w: 4, h: 4, range: 'last_30_days' },
      { widget_id: 'credits-daily', type: 'line', title: 'Credits per day', metrics: ['credits'], x: 0, y: 6, w: 12, h: 3, range: 'last_30_days', granularity: 'daily' },
    ],
  },
];

export function template(name: DashboardTemplate): Template {
  return TEMPLATES.find((t) => t.template === name)!;
}
