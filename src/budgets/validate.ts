/**
 * What a list of budgets must satisfy beyond its schema (src/budgets/budgets.ts BudgetsBody), checked before it
 * replaces an account's budgets.
 */
import { InvalidInput, type FieldError } from '../errors/domain-errors.js';
import { workflowExists } from '../catalog/catalog.js';
import { webhookUrlProblem } from '../net/webhook-target.js';
import type { Store } from '../store/store.js';
import { resolveTimezone } from '../time/timezones.js';
import { normalize, type Budget, type BudgetInput } from './budgets.js';

export interface BudgetRules {
  /** FLOWLENS_WEBHOOK_ALLOW_PRIVATE: webhook URLs may name non-public hosts. */
  webhookAllowPrivate: boolean;
}

/**
 * The budgets normalised (timezones in their resolved spelling), or InvalidInput naming every field at fault as
 * a path into the request body (`/budgets/{i}/…`): a workflow_id missing with scope "workflow" or given with
 * scope "account", a workflow that does not exist, an unknown timezone, a second budget for the same scope, a
 * webhook URL whose host is not a public address (see src/net/webhook-target.ts).
 */
export async function validateBudgets(store: Store, account: string, input: BudgetInput[], rules: BudgetRules): Promise<Budget[]> {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const budgets: Budget[] = [];
  for (const [i, b] of input.entries()) {
    const at = (f: string) => `/budgets/${i}/${f}`;
    if (b.scope === 'workflow' && b.workflow_id === undefined) errors.push({ path: at('workflow_id'), message: 'required with scope "workflow"' });
    if (b.scope === 'account' && b.workflow_id !== undefined) errors.push({ path: at('workflow_id'), message: 'not allowed with scope "account"' });
    const tz = b.timezone === undefined ? undefined : resolveTimezone(b.timezone);
    if (b.timezone !== undefined && tz === undefined) errors.push({ path: at('timezone'), message: `unknown timezone "${b.timezone}"` });
    if (b.scope === 'workflow' && b.workflow_id !== undefined && !(await workflowExists(store, account, b.workflow_id))) {
      errors.push({ path: at('workflow_id'), message: `workflow ${b.workflow_id} does not exist` });
    }
    const hook = b.notify?.webhook_url;
    const hookProblem = hook === undefined ? undefined : webhookUrlProblem(hook, rules.webhookAllowPrivate);
    if (hookProblem !== undefined) errors.push({ path: at('notify/webhook_url'), message: hookProblem });
    const n = normalize(tz === undefined ? b : { ...b, timezone: tz });
    if (seen.has(n.budget_id)) errors.push({ path: at('scope'), message: `a second budget for ${n.scope === 'account' ? 'the account' : `workflow ${n.workflow_id}`}` });
    seen.add(n.budget_id);
    budgets.push(n);
  }
  if (errors.length > 0) throw new InvalidInput(`Invalid budgets: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  return budgets;
}
