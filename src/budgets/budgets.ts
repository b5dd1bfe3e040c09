/**
 * Monthly cost budgets (per account or per workflow) and the alerts they raised. An account's budgets
 * are replaced as a whole (PUT); a budget's id is derived from its scope ("account" or
 * "workflow:{id}"), so its alerts stay linked to it across updates.
 */
import { Type, type Static } from '@sinclair/typebox';
import { isoUtc, replacingStamp } from '../store/params.js';
import type { Store } from '../store/store.js';

export const DEFAULT_THRESHOLDS = [80, 100];

export const BudgetInput = Type.Object(
  {
    scope: Type.Union([Type.Literal('account'), Type.Literal('workflow')], { description: 'account: all its workflows; workflow: one' }),
    workflow_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'required with scope=workflow' })),
    monthly_usd: Type.Number({ exclusiveMinimum: 0, maximum: 1e12, description: 'the budget for a calendar month, in USD' }),
    thresholds: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 1000 }), { minItems: 1, maxItems: 5, uniqueItems: true, description: 'percentages of the budget that raise an alert; default [80, 100]' })),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA name whose calendar months the budget follows; default UTC' })),
    notify: Type.Optional(
      Type.Object(
        {
          emails: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 20, uniqueItems: true })),
          webhook_url: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://', description: 'receives a POST with the alert as JSON' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type BudgetInput = Static<typeof BudgetInput>;

export const BudgetsBody = Type.Object({ budgets: Type.Array(BudgetInput, { maxItems: 200 }) }, { additionalProperties: false });
export type BudgetsBody = Static<typeof BudgetsBody>;

export interface Budget {
  budget_id: string;
  scope: 'account' | 'workflow';
  workflow_id: string | null;
  monthly_usd: number;
  thresholds: number[];
  timezone: string;
  notify: { emails: string[]; webhook_url: string | null };
}

export function normalize(b: BudgetInput): Budget {
  return {
    budget_id: b.scope === 'account' ? 'account' : `workflow:${b.workflow_id}`,
    scope: b.scope,
    workflow_id: b.scope === 'workflow' ? b.workflow_id! : null,
    monthly_usd: b.monthly_usd,
    thresholds: [...(b.thresholds ?? DEFAULT_THRESHOLDS)].sort((x, y) => x - y),
    timezone: b.timezone ?? 'UTC',
    notify: { emails: b.notify?.emails ?? [], webhook_url: b.notify?.webhook_url ?? null },
  };
}

export interface BudgetAlert {
  alert_id: string;
  budget_id: string;
  workflow_id: string | null;
  month: string;
  threshold: number;
  /** What crossed the threshold first: the spend so far, or the month's forecast. */
  trigger: 'actual' | 'forecast';
  budget_usd: number;
  spent_usd: number;
  forecast_usd: number;
  raised_at: string;
  webhook_status: string;
  email_status: string;
}

const stamp = () => replacingStamp();

export class BudgetStore {
  constructor(private readonly store: Store) {}

  async list(account: string): Promise<Budget[]> {
    const [row] = await this.store.query<{ budgets: string }>('SELECT budgets FROM cost_budgets FINAL WHERE account_id = {a:String}', { a: account });
    return row ? (JSON.parse(row.budgets) as Budget[]) : [];
  }

  async replace(account: string, budgets: Budget[], updatedBy: string): Promise<void> {
    await this.store.insert('cost_budgets', [{ account_id: account, budgets: JSON.stringify(budgets), updated_by: updatedBy, updated_at: stamp() }]);
  }

  /** Accounts that have at least one budget. */
  async accounts(): Promise<string[]> {
    const rows = await this.store.query<{ account_id: string }>("SELECT account_id FROM cost_budgets FINAL WHERE budgets != '[]'");
    return rows.map((r) => r.account_id);
  }

  /**
   * The alerts raised before budgets became rules of the alert engine (cost_budget_alerts, no longer written): still
   * listed, and still counted as raised for their month.
   */
  async alerts(account: string, month?: string): Promise<BudgetAlert[]> {
    const rows = await this.store.query<BudgetAlert & { raised_at: string; workflow_id: string }>(
      `SELECT alert_id, budget_id, workflow_id, month, threshold, toString(trigger) AS trigger, budget_usd, spent_usd, forecast_usd,
              toString(raised_at) AS raised_at, webhook_status, email_status
       FROM cost_budget_alerts FINAL
       WHERE account_id = {a:String} AND ({m:String} = '' OR month = {m:String})
       ORDER BY raised_at DESC, budget_id, threshold LIMIT 1000`,
      { a: account, m: month ?? '' },
    );
    return rows.map((r) => ({ ...r, workflow_id: r.workflow_id || null, raised_at: isoUtc(r.raised_at)! }));
  }

}

