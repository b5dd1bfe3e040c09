/**
 * Checks cost budgets and raises their alerts. When: (1) shortly after ingested events settle (the
 * derived tables announce each batch; checks of one account are gathered over `delayMs`), (2) every
 * `tickMs` for every account with budgets (the forecast moves with time, months roll over), and
 * (3) right after budgets are saved. A threshold crossed (by the spend, or else by the forecast) raises
 * one alert per budget, threshold and month: the alert is recorded before it is sent (so at most once,
 * also across restarts), claimed in-process and, with Redis, across instances; then sent by webhook and
 * email and updated with each channel's outcome.
 *
 * Created, started and stopped with the runtime (src/runtime.ts); the HTTP routes reach budgets through it
 * (AppDeps.budgets): list, save (validated by src/budgets/validate.ts, then checked), alerts.
 */
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import type { Freshness } from '../derived/freshness.js';
import type { Resolve } from '../net/webhook-target.js';
import type { Mailer } from '../reports/mailer.js';
import type { Store } from '../store/store.js';
import { BudgetStore, newAlertId, type Budget, type BudgetAlert, type BudgetInput } from './budgets.js';
import { budgetStatus } from './evaluate.js';
import { deliver } from './notify.js';
import { validateBudgets } from './validate.js';

export interface BudgetMonitorDeps {
  store: Store;
  derived: Freshness;
  mailer: Mailer;
  audit: AuditLog;
  redis?: Redis;
  /** Resolves webhook hosts (tests); default: the system resolver. */
  resolve?: Resolve;
}

export interface BudgetMonitorOptions {
  /** Every account with budgets is checked this often (0 = never on a timer). */
  tickMs: number;
  /** After events settle, an account is checked within this delay (gathers bursts of batches). */
  delayMs: number;
  retryMs?: number;
  webhookTimeoutMs?: number;
  /** FLOWLENS_WEBHOOK_ALLOW_PRIVATE: webhooks may go to loopback, private and other non-public addresses. */
  webhookAllowPrivate?: boolean;
}

/**
 * Alerts claimed by this process (every monitor in it), so two monitors never send one alert twice: key →
 * when the claim may be forgotten. A claim only has to cover the race between two checkers that both read the
 * recorded alerts before either recorded its own; once recorded (before sending), the alert itself prevents a
 * second one. So a claim is kept while a checker could still be working on its month: until 2 days after the
 * month ends in UTC (by then the month is over in every timezone, UTC-12 included, and no check computes it any
 * more), and at least a day after it was made (a check that read the alerts earlier may still be sending other
 * thresholds' alerts, each up to 3 tries). Dropping older claims keeps the set to about two months of alerts in
 * a long-running process, instead of every alert it ever raised.
 */
const claimedHere = new Map<string, number>();
const DAY_MS = 86_400_000;

/** When a claim for `month` made at `nowMs` may be forgotten (exported for tests). */
export function claimExpiry(month: string, nowMs: number): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Math.max(Date.UTC(y, m, 1) + 2 * DAY_MS, nowMs + DAY_MS); // Date.UTC's month is 0-based: (y, m) is the month after
}

function forgetExpiredClaims(nowMs: number): void {
  for (const [key, until] of claimedHere) if (until <= nowMs) claimedHere.delete(key);
}

export class BudgetMonitor {
  readonly budgets: BudgetStore;
  private timer: NodeJS.Timeout | undefined;
  private soonTimers = new Map<string, NodeJS.Timeout>();
  private chain: Promise<unknown> = Promise.resolve();
  /** Accounts known to have budgets (refreshed on every tick and save). */
  private withBudgets = new Set<string>();
  private closed = false;

  constructor(
    private readonly deps: BudgetMonitorDeps,
    private readonly options: BudgetMonitorOptions,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {
    this.budgets = new BudgetStore(deps.store);
  }

  start(): void {
    this.deps.derived.onUpdated((account) => this.soon(account));
    void this.refreshAccounts();
    if (this.options.tickMs > 0) {
      this.timer = setInterval(() => void this.checkAll(), this.options.tickMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.soonTimers.values()) clearTimeout(t);
    this.soonTimers.clear();
    await this.chain.catch(() => {});
  }

  /** Waits for scheduled and running checks (tests). */
  async idle(): Promise<void> {
    while (this.soonTimers.size > 0) await new Promise((r) => setTimeout(r, 10));
    await this.chain.catch(() => {});
  }

  /** An account's budgets. */
  list(account: string): Promise<Budget[]> {
    return this.budgets.list(account);
  }

  /** An account's alerts (newest first, at most 1,000), or those of one month (YYYY-MM). */
  alerts(account: string, month?: string): Promise<BudgetAlert[]> {
    return this.budgets.alerts(account, month);
  }

  /**
   * Replaces an account's budgets with `input` once it is valid (else InvalidInput naming the fields, and nothing
   * changes), then checks them now: the budgets as saved, and the alerts this check raised.
   */
  async save(account: string, input: BudgetInput[], updatedBy: string): Promise<{ budgets: Budget[]; alerts: BudgetAlert[] }> {
    const budgets = await validateBudgets(this.deps.store, account, input, { webhookAllowPrivate: this.options.webhookAllowPrivate ?? false });
    await this.budgets.replace(account, budgets, updatedBy);
    return { budgets, alerts: await this.saved(account, budgets) };
  }

  /** Budgets of an account were saved: remember it and check it now. */
  saved(account: string, budgets: Budget[]): Promise<BudgetAlert[]> {
    if (budgets.length > 0) this.withBudgets.add(account);
    else this.withBudgets.delete(account);
    return this.check(account);
  }

  private soon(account: string): void {
    if (this.closed || !this.withBudgets.has(account) || this.soonTimers.has(account)) return;
    const t = setTimeout(() => {
      this.soonTimers.delete(account);
      void this.check(account).catch(() => {});
    }, this.options.delayMs);
    t.unref();
    this.soonTimers.set(account, t);
  }

  private async refreshAccounts(): Promise<string[]> {
    try {
      const accounts = await this.budgets.accounts();
      this.withBudgets = new Set(accounts);
      return accounts;
    } catch (err) {
      this.log('could not read the accounts with budgets', err);
      return [];
    }
  }

  async checkAll(now?: Date): Promise<void> {
    for (const account of await this.refreshAccounts()) await this.check(account, now).catch(() => {});
  }

  /** Checks one account's budgets (checks run one at a time); returns the alerts raised now. */
  check(account: string, now = new Date()): Promise<BudgetAlert[]> {
    const run = this.chain.then(() => (this.closed ? [] : this.checkNow(account, now)));
    this.chain = run.catch((err) => this.log(`budgets of account ${account} could not be checked`, err));
    return run;
  }

  private async checkNow(account: string, now: Date): Promise<BudgetAlert[]> {
    const budgets = await this.budgets.list(account);
    const raised: BudgetAlert[] = [];
    for (const budget of budgets) {
      const status = await budgetStatus(this.deps.store, account, budget, now);
      if (status.crossed.length === 0) continue;
      const known = new Set((await this.budgets.alerts(account, status.month)).filter((a) => a.budget_id === budget.budget_id).map((a) => a.threshold));
      for (const c of status.crossed) {
        if (known.has(c.threshold) || !(await this.claim(`${account}|${budget.budget_id}|${status.month}|${c.threshold}`, status.month))) continue;
        const alert: BudgetAlert = {
          alert_id: newAlertId(), budget_id: budget.budget_id, workflow_id: budget.workflow_id, month: status.month, threshold: c.threshold,
          trigger: c.trigger, budget_usd: budget.monthly_usd, spent_usd: status.spent_usd, forecast_usd: status.forecast_usd,
          raised_at: now.toISOString(), webhook_status: 'sending', email_status: 'sending',
        };
        await this.budgets.saveAlert(account, alert);
        const t0 = performance.now();
        const outcome = await deliver(budget, { ...alert, type: 'budget.threshold_crossed', account_id: account, scope: budget.scope, timezone: budget.timezone }, this.deps.mailer, {
          retryMs: this.options.retryMs ?? 1000,
          timeoutMs: this.options.webhookTimeoutMs ?? 10_000,
          allowPrivate: this.options.webhookAllowPrivate ?? false,
          ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
        });
        const done = { ...alert, ...outcome };
        await this.budgets.saveAlert(account, done);
        this.deps.audit.record({
          account_id: account, key_id: '', user_id: '', role: 'scheduler', action: 'budget.alert', method: 'SCHEDULE',
          path: '/api/v1/analytics/costs/budgets', workflow_id: budget.workflow_id ?? '',
          params: { alert_id: alert.alert_id, budget_id: budget.budget_id, month: alert.month, threshold: alert.threshold, trigger: alert.trigger, ...outcome },
          status: outcome.webhook_status.startsWith('failed') || outcome.email_status.startsWith('failed') ? 502 : 200, ip: '', duration_ms: Math.round(performance.now() - t0),
        });
        raised.push(done);
      }
    }
    return raised;
  }

  /** Only one checker (in this process, and with Redis across instances) raises a given alert. */
  private async claim(key: string, month: string): Promise<boolean> {
    const nowMs = Date.now();
    forgetExpiredClaims(nowMs);
    if (claimedHere.has(key)) return false;
    claimedHere.set(key, claimExpiry(month, nowMs));
    if (!this.deps.redis || this.deps.redis.status !== 'ready') return true;
    try {
      return (await this.deps.redis.set(`flowlens:budget-alert:${key}`, '1', 'PX', 40 * 86_400_000, 'NX')) === 'OK';
    } catch {
      return true;
    }
  }
}
