/**
 * Where a budget stands in the calendar month (in its timezone) that contains `now`: USD spent so far,
 * the month's forecast (src/metrics/platform/cost-forecast.ts monthOutlook) and, per threshold, whether
 * the spend or else the forecast has crossed it.
 */
import { listWorkflows } from '../catalog/catalog.js';
import { monthOutlook } from '../metrics/platform/cost-forecast.js';
import { percent } from '../metrics/scope.js';
import type { Store } from '../store/store.js';
import type { Budget } from './budgets.js';

export interface BudgetStatus {
  month: string;
  spent_usd: number;
  forecast_usd: number;
  spent_percent: number;
  forecast_percent: number;
  /** Thresholds crossed this month and by what: the spend ('actual') or only the forecast. */
  crossed: Array<{ threshold: number; trigger: 'actual' | 'forecast' }>;
}

export async function budgetStatus(store: Store, account: string, budget: Budget, now = new Date()): Promise<BudgetStatus> {
  const workflows = budget.scope === 'workflow' ? [budget.workflow_id!] : (await listWorkflows(store, account)).map((w) => w.workflow_id);
  const o = await monthOutlook(store, { account, workflows }, budget.timezone, now);
  const crossed: BudgetStatus['crossed'] = [];
  for (const threshold of budget.thresholds) {
    const limit = (budget.monthly_usd * threshold) / 100;
    if (o.spent_usd >= limit - 1e-9) crossed.push({ threshold, trigger: 'actual' });
    else if (o.forecast_usd >= limit - 1e-9) crossed.push({ threshold, trigger: 'forecast' });
  }
  return {
    month: o.month,
    spent_usd: o.spent_usd,
    forecast_usd: o.forecast_usd,
    spent_percent: percent(o.spent_usd, budget.monthly_usd),
    forecast_percent: percent(o.forecast_usd, budget.monthly_usd),
    crossed,
  };
}
