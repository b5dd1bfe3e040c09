/**
 * The demo's experiments, on the A/B split the demo data carries from `variantsFrom` on (generate.ts): one with
 * a real effect (variant B converts 20% more often in the welcome workflow) and one A/A test (the abandoned-cart
 * workflow's variants do not differ), both running since the split began.
 */
import type { ExperimentInput } from '../experiments/model.js';
import { demoWorkflows, variantsFrom, type GenerateOptions } from './generate.js';

export interface DemoExperiment {
  input: ExperimentInput;
  startedAt: Date;
}

export function demoExperiments(options: Pick<GenerateOptions, 'now' | 'days' | 'workflows'>): DemoExperiment[] {
  const workflows = demoWorkflows(Math.max(1, options.workflows));
  const startedAt = variantsFrom(options);
  const find = (key: string) => workflows.find((w) => w.template.key === key)?.workflowId;
  const out: DemoExperiment[] = [];
  const welcome = find('welcome');
  const cart = find('cart');
  if (welcome) {
    out.push({
      startedAt,
      input: {
        workflow_id: welcome, name: 'Discount code in the welcome email',
        hypothesis: 'A discount code in the first email makes more new customers buy (variant B).',
        variants: [{ key: 'A', description: 'no discount' }, { key: 'B', description: '10% discount code' }],
        primary_metric: 'conversion_rate', secondary_metrics: ['completion_rate'],
        power: { baseline_rate_percent: 30, mde_relative_percent: 20 }, minimum_days: 7,
      },
    });
  }
  if (cart) {
    out.push({
      startedAt,
      input: {
        workflow_id: cart, name: 'Reminder wording (A/A check)',
        hypothesis: 'Both arms send the same reminder: an A/A test that checks the split and the statistics.',
        variants: [{ key: 'A', description: 'reminder' }, { key: 'B', description: 'the same reminder' }],
        primary_metric: 'conversion_rate', power: { baseline_rate_percent: 20, mde_relative_percent: 20 }, minimum_days: 7,
      },
    });
  }
  return out;
}
