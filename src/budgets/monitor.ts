/**
 * When cost budgets are checked — their evaluation, alerts and notifications belong to the alert engine, where a
 * budget is a rule (src/alerts/budget-rules.ts: one alert per budget, threshold and month, recorded before it is
 * sent, delivered with the budget's message, logged, heard live, audited). Checks run (1) shortly after ingested
 * events settle (the derived tables announce each batch; checks of one account are gathered over `delayMs`),
 * (2) every `tickMs` for every account with budgets (the forecast moves with time, months roll over), and (3) right
 * after budgets are saved.
 *
 * Created, started and stopped with the runtime (src/runtime.ts); the HTTP routes reach budgets through it
 * (AppDeps.budgets): list, save (validated by src/budgets/validate.ts, then checked), alerts.
 */
import type { Freshness } from '../derived/freshness.js';
import type { Resolve } from '../net/webhook-target.js';
import type { Store } from '../store/store.js';
import { BudgetStore, type Budget, type BudgetAlert, type BudgetInput } from './budgets.js';
import { validateBudgets } from './validate.js';

/** What the monitor needs of the alert engine (src/alerts/engine.ts), which evaluates and alerts. */
export interface BudgetRulesEngine {
  evaluateBudgets(account: string, budgets: readonly Budget[], now: Date, o: { retryMs?: number; webhookTimeoutMs?: number; resolve?: Resolve }): Promise<BudgetAlert[]>;
  budgetAlerts(account: string, month?: string): Promise<BudgetAlert[]>;
}

export interface BudgetMonitorDeps {
  store: Store;
  derived: Freshness;
  /** The alert engine: budgets are its rules. */
  alerts: BudgetRulesEngine;
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
    return this.deps.alerts.budgetAlerts(account, month);
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
    return this.deps.alerts.evaluateBudgets(account, budgets, now, {
      ...(this.options.retryMs !== undefined ? { retryMs: this.options.retryMs } : {}),
      ...(this.options.webhookTimeoutMs !== undefined ? { webhookTimeoutMs: this.options.webhookTimeoutMs } : {}),
      ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
    });
  }
}
