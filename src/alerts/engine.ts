/**
 * The alert engine: rules, their evaluation on a schedule, alerts and their notifications.
 *
 * Every `tickMs` (with Redis, on one instance at a time: a lock per tick) the rules due — each is evaluated every
 * `interval_minutes`; after a start every rule is due at once, which is the catch-up — are evaluated together: the
 * series they read are counted once per account, metric, bucket and scope kind (src/metrics/series.ts, from the
 * rollups, through the query service), each rule's detector judges the last complete bucket (detect.ts), and the
 * state machine (state.ts) moves its alert. Transitions are written first; a notification is claimed in the store
 * before it is sent (so a restart never sends it twice, and an alert whose notification was held back — silenced, or
 * cut short by a stop — is sent at the next evaluation that finds it still firing and not silenced), delivered on
 * every channel of the rule (delivery.ts: email, Slack, signed webhook, with retries) and logged attempt by attempt;
 * live streams hear of it (the event bus). Acknowledging an alert holds back its pending notifications; its
 * resolution is still sent.
 *
 * Created, started and stopped with the runtime; the routes reach it as AppDeps.alerts.
 */
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import { listWorkflows, workflowExists } from '../catalog/catalog.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import { metric } from '../metrics/definitions.js';
import type { MetricsQueryService } from '../metrics/query-service.js';
import { BUCKET_MS, bucketStart, type SeriesPoint } from '../metrics/series.js';
import type { Resolve } from '../net/webhook-target.js';
import type { EventBus } from '../realtime/bus.js';
import type { Mailer } from '../reports/mailer.js';
import type { Store } from '../store/store.js';
import { BudgetStore, type Budget, type BudgetAlert } from '../budgets/budgets.js';
import { budgetStatus, type BudgetStatus } from '../budgets/evaluate.js';
import { deliver as deliverBudgetAlert } from '../budgets/notify.js';
import { BUDGET_RULE_PREFIX, budgetAlertId, budgetAlertOf, budgetRecord, budgetRuleId, budgetSeverity, type BudgetDetails } from './budget-rules.js';
import { deliver, redactUrl, type AlertNotification } from './delivery.js';
import { anomalyBands, evaluate, lookbackBuckets, type Evaluation } from './detect.js';
import { seasonalityFor } from '../stats/anomaly.js';
import { MASKED_SECRET, ruleOf, type AlertRule, type AlertRuleInput } from './rules.js';
import { notificationOf, silences, transition, type OpenAlert, type Transition } from './state.js';
import { AlertStore, stamp, type AlertRecord, type DeliveryRow, type Silence } from './store.js';

export interface AlertEngineDeps {
  store: Store;
  queries: MetricsQueryService;
  audit: AuditLog;
  mailer: Mailer;
  bus: EventBus;
  redis?: Redis;
  resolve?: Resolve;
}

export interface AlertEngineOptions {
  /** How often due rules are looked for (0 = only on POST …/evaluate). */
  tickMs: number;
  webhookAllowPrivate: boolean;
  /** The dashboard's public URL, for links in notifications. */
  publicUrl?: string;
  retryMs?: number;
  webhookTimeoutMs?: number;
}

/** Who does it, for the audit log. */
export interface Actor {
  keyId: string;
  userId: string;
  role: string;
}

/** Budget alerts being raised in this process: id → when the claim may be forgotten. */
const raisingHere = new Map<string, number>();

/** What one evaluation of a rule on one scope found and did. */
export interface RuleEvaluation {
  rule_id: string;
  workflow_id: string | null;
  evaluation: Evaluation;
  transition: Transition['kind'];
  alert_id: string | null;
  status: 'ok' | 'pending' | 'firing';
}

/** An alert as the API answers it: the record with its rule's name, metric, severity, labels and workflow. */
export interface AlertView extends AlertRecord {
  rule_name: string;
  metric: string;
  severity: AlertRule['severity'];
  labels: Record<string, string>;
  workflow_id: string | null;
}

type RuleOfAccount = AlertRule & { account_id: string };

export class AlertEngine {
  readonly records: AlertStore;
  /** Budget alerts raised before budgets were rules of this engine. */
  private readonly legacyBudgetAlerts: BudgetStore;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** When each rule was last evaluated here (none after a start: every rule is due, the catch-up). */
  private readonly lastEvaluated = new Map<string, number>();

  constructor(
    private readonly deps: AlertEngineDeps,
    private readonly options: AlertEngineOptions,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {
    this.records = new AlertStore(deps.store);
    this.legacyBudgetAlerts = new BudgetStore(deps.store);
  }

  start(): void {
    if (this.options.tickMs > 0) {
      this.timer = setInterval(() => void this.tick().catch((err) => this.log('alert evaluation failed', err)), this.options.tickMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain.catch(() => {});
  }

  // ---- rules ----

  private checks(account: string) {
    return { webhookAllowPrivate: this.options.webhookAllowPrivate, workflowExists: (id: string) => workflowExists(this.deps.store, account, id) };
  }

  async createRule(account: string, input: AlertRuleInput, actor: Actor): Promise<AlertRule> {
    const rule = await ruleOf(input, this.checks(account), { created_by: actor.keyId }, stamp());
    await this.records.saveRule(account, rule);
    return rule;
  }

  async rule(account: string, id: string): Promise<AlertRule> {
    const [r] = await this.records.rules(account, id);
    if (!r) throw new NotFound(`Alert rule ${id} does not exist`);
    const { account_id: _a, ...rule } = r;
    return rule;
  }

  async rules(account: string): Promise<AlertRule[]> {
    return (await this.records.rules(account)).map(({ account_id: _a, ...r }) => r);
  }

  /** Replaces a rule's definition. A webhook channel given back with its masked secret keeps the secret it had for that URL. */
  async updateRule(account: string, id: string, input: AlertRuleInput): Promise<AlertRule> {
    const before = await this.rule(account, id);
    const channels = input.channels.map((c) => {
      if (c.type !== 'webhook' || c.secret !== MASKED_SECRET) return c;
      const kept = before.channels.find((b) => b.type === 'webhook' && b.url === c.url);
      if (!kept || kept.type !== 'webhook') throw new InvalidInput('A new webhook needs its secret', [{ path: '/channels', message: `no secret is kept for ${c.url}` }]);
      return { ...c, secret: kept.secret };
    });
    const rule = await ruleOf({ ...input, channels }, this.checks(account), { rule_id: id, created_by: before.created_by, created_at: before.created_at }, stamp());
    await this.records.saveRule(account, rule);
    return rule;
  }

  /** Deletes a rule; its open alert is resolved (and notified as such when it had fired). */
  async deleteRule(account: string, id: string): Promise<void> {
    const rule = await this.rule(account, id);
    await this.records.saveRule(account, rule, true);
    const now = Date.now();
    for (const a of await this.records.alerts(account, { open: true, rule: id })) {
      const status = a.status === 'firing' ? 'resolved' : 'cancelled';
      const closed: AlertRecord = { ...a, status, resolved_at: new Date(now).toISOString(), summary: `${a.summary} (rule deleted)`, updated_at: stamp(now) };
      await this.records.saveAlert(account, closed);
      await this.records.addHistory(account, [{ alert_id: a.alert_id, at: closed.updated_at, from_status: a.status, to_status: status, value: a.value, expected: a.expected, summary: 'the rule was deleted' }]);
      if (status === 'resolved') await this.notify(account, rule, closed, 'resolved', now);
    }
  }

  // ---- alerts ----

  private view(rule: AlertRule | undefined, a: AlertRecord): AlertView {
    const budget = budgetAlertOf(a);
    if (budget) {
      return {
        ...a, rule_name: `Budget ${budget.budget_id}: ${budget.threshold}%`, metric: 'cost_usd', severity: budgetSeverity(budget.threshold),
        labels: { budget_id: budget.budget_id, month: budget.month, trigger: budget.trigger }, workflow_id: a.scope_key === '' ? null : a.scope_key,
      };
    }
    return {
      ...a, rule_name: rule?.name ?? '(deleted rule)', metric: rule?.metric ?? '', severity: rule?.severity ?? 'warning', labels: rule?.labels ?? {},
      workflow_id: a.scope_key === '' ? null : a.scope_key,
    };
  }

  /** An account's alerts, newest first: open ones, or every one (with a status). */
  async alerts(account: string, o: { open?: boolean; status?: string; rule?: string; limit?: number } = {}): Promise<AlertView[]> {
    const rules = new Map((await this.records.rules(account)).map((r) => [r.rule_id, r]));
    return (await this.records.alerts(account, o)).map((a) => this.view(rules.get(a.rule_id), a));
  }

  async alert(account: string, id: string): Promise<AlertView> {
    const [a] = await this.records.alerts(account, { id });
    if (!a) throw new NotFound(`Alert ${id} does not exist`);
    const [rule] = await this.records.rules(account, a.rule_id);
    return this.view(rule, a);
  }

  /** An alert with its transitions and every delivery attempt. */
  async history(account: string, id: string) {
    const alert = await this.alert(account, id);
    const [transitions, deliveries] = await Promise.all([this.records.history(account, id), this.records.deliveries(account, id)]);
    return { alert, transitions, deliveries };
  }

  /** Acknowledges an open alert: someone is on it (its notifications still pending are held back; its resolution is sent). */
  async acknowledge(account: string, id: string, actor: Actor): Promise<AlertView> {
    const [a] = await this.records.alerts(account, { id });
    if (!a) throw new NotFound(`Alert ${id} does not exist`);
    if (a.status !== 'firing' && a.status !== 'pending') throw new Conflict(`Alert ${id} is ${a.status}: only an open alert is acknowledged`);
    const now = stamp();
    const by = actor.userId || actor.keyId;
    const next: AlertRecord = { ...a, acknowledged_at: now, acknowledged_by: by, updated_at: now };
    await this.records.saveAlert(account, next);
    await this.records.addHistory(account, [{ alert_id: id, at: now, from_status: a.status, to_status: a.status, value: a.value, expected: a.expected, summary: `acknowledged by ${by}` }]);
    return this.alert(account, id);
  }

  // ---- silences ----

  async createSilence(account: string, input: { rule_id?: string; workflow_id?: string; severity?: string; labels?: Record<string, string>; starts_at?: string; ends_at: string; comment?: string }, actor: Actor): Promise<Silence> {
    const now = Date.now();
    const starts = input.starts_at ? Date.parse(input.starts_at) : now;
    const ends = Date.parse(input.ends_at);
    if (!Number.isFinite(ends) || ends <= Math.max(now, starts)) throw new InvalidInput('A silence ends after it starts and after now', [{ path: '/ends_at', message: 'after starts_at and now' }]);
    if (ends - starts > 90 * 86_400_000) throw new InvalidInput('A silence lasts at most 90 days', [{ path: '/ends_at', message: 'at most 90 days after starts_at' }]);
    if (input.rule_id) await this.rule(account, input.rule_id);
    const s: Silence = {
      silence_id: randomUUID(), rule_id: input.rule_id ?? null, workflow_id: input.workflow_id ?? null, severity: input.severity ?? null, labels: input.labels ?? {},
      starts_at: new Date(starts).toISOString(), ends_at: new Date(ends).toISOString(), comment: input.comment ?? '', created_by: actor.userId || actor.keyId, created_at: new Date(now).toISOString(),
    };
    await this.records.saveSilence(account, s);
    return s;
  }

  silences(account: string, all: boolean): Promise<Silence[]> {
    return this.records.silences(account, new Date(), all);
  }

  /** Ends a silence now. */
  async expireSilence(account: string, id: string): Promise<void> {
    const s = (await this.records.silences(account, new Date(), true)).find((x) => x.silence_id === id);
    if (!s) throw new NotFound(`Silence ${id} does not exist`);
    await this.records.saveSilence(account, { ...s, ends_at: new Date().toISOString() });
  }

  // ---- cost budgets: rules of this engine (budget-rules.ts) ----

  /**
   * Evaluates an account's budgets at `now`: resolves the alerts of months that are over, raises one alert per
   * budget, threshold and month crossed (recorded before it is sent; never twice: its id is derived from them, a
   * claim covers checks racing in this process and, with Redis, across instances), delivers it with the budget's
   * message and logs how. Answers the alerts raised now, as the budgets API shows them.
   */
  async evaluateBudgets(account: string, budgets: readonly Budget[], now: Date, o: { retryMs?: number; webhookTimeoutMs?: number; resolve?: Resolve } = {}): Promise<BudgetAlert[]> {
    const raised: BudgetAlert[] = [];
    const records = await this.records.alerts(account, { rulePrefix: BUDGET_RULE_PREFIX });
    const known = new Set(records.map((r) => r.alert_id));
    for (const budget of budgets) {
      const status = await budgetStatus(this.deps.store, account, budget, now);
      // the alerts of a month that is over resolve (a budget alert is about its month)
      for (const r of records) {
        if (r.rule_id !== budgetRuleId(budget.budget_id) || r.status !== 'firing') continue;
        const d = JSON.parse(r.details) as BudgetDetails;
        if (d.month === status.month) continue;
        const at = stamp();
        await this.records.saveAlert(account, { ...r, status: 'resolved', resolved_at: now.toISOString(), updated_at: at });
        await this.records.addHistory(account, [{ alert_id: r.alert_id, at, from_status: 'firing', to_status: 'resolved', value: r.value, expected: r.expected, summary: `${d.month} is over` }]);
      }
      if (status.crossed.length === 0) continue;
      // alerts raised before budgets were rules of this engine (kept in cost_budget_alerts) count as raised
      const legacy = new Set((await this.legacyBudgetAlerts.alerts(account, status.month)).filter((a) => a.budget_id === budget.budget_id).map((a) => a.threshold));
      for (const c of status.crossed) {
        const id = budgetAlertId(account, budget.budget_id, status.month, c.threshold);
        if (known.has(id) || legacy.has(c.threshold) || !(await this.claimBudgetAlert(id))) continue;
        raised.push(await this.raiseBudgetAlert(account, budget, status, c, now, o));
      }
    }
    return raised;
  }

  /** An account's budget alerts (of one month, YYYY-MM), newest first, at most 1,000 — also those raised before the fold. */
  async budgetAlerts(account: string, month?: string): Promise<BudgetAlert[]> {
    const current = (await this.records.alerts(account, { rulePrefix: BUDGET_RULE_PREFIX })).map(budgetAlertOf).filter((a): a is BudgetAlert => a !== null);
    const all = [...current.filter((a) => month === undefined || a.month === month), ...(await this.legacyBudgetAlerts.alerts(account, month))];
    all.sort((a, b) => b.raised_at.localeCompare(a.raised_at) || a.budget_id.localeCompare(b.budget_id) || a.threshold - b.threshold);
    return all.slice(0, 1000);
  }

  private async claimBudgetAlert(id: string): Promise<boolean> {
    const nowMs = Date.now();
    for (const [k, until] of raisingHere) if (until <= nowMs) raisingHere.delete(k);
    if (raisingHere.has(id)) return false;
    // kept a day: by then the alert is recorded, and a check reading the records finds it
    raisingHere.set(id, nowMs + 86_400_000);
    const redis = this.deps.redis;
    if (!redis || redis.status !== 'ready') return true;
    try {
      return (await redis.set(`flowlens:budget-alert:${id}`, '1', 'PX', 40 * 86_400_000, 'NX')) === 'OK';
    } catch {
      return true;
    }
  }

  private async raiseBudgetAlert(account: string, budget: Budget, status: BudgetStatus, c: BudgetStatus['crossed'][number], now: Date, o: { retryMs?: number; webhookTimeoutMs?: number; resolve?: Resolve }): Promise<BudgetAlert> {
    const t0 = performance.now();
    const { record, details } = budgetRecord(account, budget, status, c, now, stamp());
    await this.records.saveAlert(account, record);
    await this.records.addHistory(account, [{ alert_id: record.alert_id, at: record.updated_at, from_status: 'ok', to_status: 'firing', value: record.value, expected: record.expected, summary: record.summary }]);
    await this.records.claim(account, record.alert_id, 'firing');
    const alert = budgetAlertOf(record)!;
    const started = new Date().toISOString();
    const resolve = o.resolve ?? this.deps.resolve;
    const outcome = await deliverBudgetAlert(budget, { ...alert, type: 'budget.threshold_crossed', account_id: account, scope: budget.scope, timezone: budget.timezone }, this.deps.mailer, {
      retryMs: o.retryMs ?? 1000, timeoutMs: o.webhookTimeoutMs ?? 10_000, allowPrivate: this.options.webhookAllowPrivate, ...(resolve ? { resolve } : {}),
    });
    const done: AlertRecord = { ...record, details: JSON.stringify({ ...details, ...outcome }), updated_at: stamp() };
    await this.records.saveAlert(account, done);
    const ms = Math.round(performance.now() - t0);
    const row = (channel: 'webhook' | 'email', target: string, result: string): DeliveryRow => ({
      kind: 'firing', channel, target, attempt: 1, at: started, ok: result === 'sent', status: null, error: result === 'sent' ? null : result, duration_ms: ms,
    });
    await this.records.saveDeliveries(account, record.alert_id, [
      ...(budget.notify.webhook_url ? [row('webhook', redactUrl(budget.notify.webhook_url), outcome.webhook_status)] : []),
      ...(budget.notify.emails.length > 0 ? [row('email', budget.notify.emails.join(', '), outcome.email_status)] : []),
    ]);
    this.deps.bus.publish({ account, workflow: record.scope_key, at: now.getTime(), alert: { kind: 'firing', alert_id: record.alert_id, rule_name: `Budget ${budget.budget_id}`, severity: budgetSeverity(c.threshold), workflow_id: budget.workflow_id, metric: 'cost_usd', summary: record.summary } });
    this.deps.audit.record({
      account_id: account, key_id: '', user_id: '', role: 'scheduler', action: 'budget.alert', method: 'SCHEDULE',
      path: '/api/v1/analytics/costs/budgets', workflow_id: budget.workflow_id ?? '',
      params: { alert_id: alert.alert_id, budget_id: budget.budget_id, month: alert.month, threshold: alert.threshold, trigger: alert.trigger, ...outcome },
      status: outcome.webhook_status.startsWith('failed') || outcome.email_status.startsWith('failed') ? 502 : 200, ip: '', duration_ms: ms,
    });
    return budgetAlertOf(done)!;
  }

  // ---- anomaly bands ----

  /**
   * A watched metric of one workflow per complete bucket of [from, to) with the seasonal baseline's expectation, band
   * and robust score (the history before `from` — 8 weeks of hours, 16 of days — warms the baseline up).
   */
  async anomalies(account: string, workflow: string, metricName: string, window: { from: Date; to: Date; timezone: string }, bucket: AlertRule['bucket'], sensitivity: 'low' | 'medium' | 'high', minVolume: number) {
    const step = BUCKET_MS[bucket];
    const from = bucketStart(window.from.getTime(), bucket);
    const to = bucketStart(window.to.getTime() - 1, bucket) + step;
    const history = (bucket === 'hour' ? 8 : 16) * 7 * 86_400_000;
    const all = (await this.deps.queries.series({ account, workflows: [workflow] }, metricName, { from: new Date(from - history), to: new Date(to) }, bucket, true)).get(workflow) ?? [];
    const bands = anomalyBands(metricName, all, { bucket, timezone: window.timezone, sensitivity, minVolume });
    const first = all.findIndex((p) => p.t >= from);
    // complete buckets only: the running one (and the rest of a period reaching past now) would read as a drop
    const now = Date.now();
    return {
      seasonality: seasonalityFor(all.map((p) => ({ t: p.t, value: p.value, volume: p.volume })), { bucketMs: step, minVolume, kind: metric(metricName).series!.detect }),
      points: bands.slice(first < 0 ? bands.length : first).filter((p) => p.t + step <= now).map((p) => ({
        t: new Date(p.t).toISOString(), value: p.value, expected: p.expected, lower: p.lower, upper: p.upper, score: p.score, anomaly: p.anomaly, suppressed: p.suppressed ?? null,
      })),
    };
  }

  // ---- evaluation ----

  /** The scheduler's tick: evaluates the rules due, on one instance (with Redis). */
  tick(now = new Date()): Promise<RuleEvaluation[]> {
    const run = this.chain.then(async () => {
      if (this.closed || !(await this.lock())) return [];
      const due = (await this.records.rules(null)).filter((r) => r.enabled && now.getTime() - (this.lastEvaluated.get(r.rule_id) ?? -Infinity) >= r.interval_minutes * 60_000 - 1000);
      return this.evaluateRules(due, now);
    });
    this.chain = run.catch(() => {});
    return run;
  }

  /** Evaluates one rule now (POST /api/v1/alerts/rules/{id}/evaluate). */
  async evaluateNow(account: string, id: string, now = new Date()): Promise<RuleEvaluation[]> {
    const rule = await this.rule(account, id);
    const run = this.chain.then(() => this.evaluateRules([{ ...rule, account_id: account }], now));
    this.chain = run.catch(() => {});
    return run;
  }

  private async lock(): Promise<boolean> {
    const redis = this.deps.redis;
    if (!redis || redis.status !== 'ready') return true;
    try {
      return (await redis.set('flowlens:alerts:evaluating', '1', 'PX', Math.max(1000, Math.floor(this.options.tickMs * 0.9)), 'NX')) === 'OK';
    } catch {
      return true;
    }
  }

  /** Evaluates rules (of any accounts) at `now`, moves their alerts, sends what is due. */
  async evaluateRules(rules: readonly RuleOfAccount[], now: Date): Promise<RuleEvaluation[]> {
    const out: RuleEvaluation[] = [];
    const byAccount = new Map<string, RuleOfAccount[]>();
    for (const r of rules) byAccount.set(r.account_id, [...(byAccount.get(r.account_id) ?? []), r]);
    for (const [account, accountRules] of byAccount) {
      try {
        out.push(...(await this.evaluateAccount(account, accountRules, now)));
      } catch (err) {
        this.log(`alert rules of account ${account}: evaluation failed`, err);
      }
      for (const r of accountRules) this.lastEvaluated.set(r.rule_id, now.getTime());
    }
    return out;
  }

  private async evaluateAccount(account: string, rules: readonly RuleOfAccount[], now: Date): Promise<RuleEvaluation[]> {
    const nowMs = now.getTime();
    const workflows = (await listWorkflows(this.deps.store, account)).map((w) => w.workflow_id);
    const open = new Map((await this.records.alerts(account, { open: true })).map((a) => [`${a.rule_id}/${a.scope_key}`, a]));

    // the series, counted once per metric, bucket and kind of scope, as long as the longest lookback needs
    const groups = new Map<string, { metric: string; bucket: AlertRule['bucket']; perWorkflow: boolean; buckets: number; workflows: Set<string> }>();
    for (const r of rules) {
      const perWorkflow = r.scope.type !== 'account';
      const key = JSON.stringify([r.metric, r.bucket, perWorkflow]);
      const g = groups.get(key) ?? { metric: r.metric, bucket: r.bucket, perWorkflow, buckets: 0, workflows: new Set<string>() };
      g.buckets = Math.max(g.buckets, lookbackBuckets(r) + 1);
      const scoped = r.scope.type === 'workflow' ? [r.scope.workflow_id] : workflows;
      for (const w of scoped) g.workflows.add(w);
      groups.set(key, g);
    }
    const series = new Map<string, Map<string, SeriesPoint[]>>();
    for (const [key, g] of groups) {
      const to = bucketStart(nowMs, g.bucket);
      const from = to - g.buckets * BUCKET_MS[g.bucket];
      const target = { account, workflows: g.perWorkflow ? [...g.workflows] : workflows };
      series.set(key, await this.deps.queries.series(target, g.metric, { from: new Date(from), to: new Date(to) }, g.bucket, g.perWorkflow));
    }

    const results: RuleEvaluation[] = [];
    const writes: AlertRecord[] = [];
    const history: Parameters<AlertStore['addHistory']>[1][number][] = [];
    const toNotify: Array<{ rule: AlertRule; alert: AlertRecord; kind: 'firing' | 'resolved' }> = [];
    for (const r of rules) {
      const key = JSON.stringify([r.metric, r.bucket, r.scope.type !== 'account']);
      const scopes = r.scope.type === 'workflow' ? [r.scope.workflow_id] : r.scope.type === 'each_workflow' ? workflows : [''];
      const need = lookbackBuckets(r) + 1;
      for (const scope of scopes) {
        const points = series.get(key)?.get(scope) ?? [];
        const ev = evaluate(r, points.slice(Math.max(0, points.length - need)));
        const current = open.get(`${r.rule_id}/${scope}`);
        const state: OpenAlert | null = current ? { alert_id: current.alert_id, status: current.status as 'pending' | 'firing', started_at: Date.parse(current.started_at), fired_at: current.fired_at ? Date.parse(current.fired_at) : null } : null;
        const t = transition(state, ev.breached, nowMs, r.for_minutes);
        const figures = { bucket: new Date(ev.bucket).toISOString(), value: ev.value, expected: ev.expected, lower: ev.lower, upper: ev.upper, score: ev.score, summary: ev.summary };
        let record: AlertRecord | null = null;
        const at = stamp(nowMs);
        if (t.kind === 'open') {
          record = {
            alert_id: randomUUID(), rule_id: r.rule_id, scope_key: scope, status: t.status, started_at: now.toISOString(), fired_at: t.status === 'firing' ? now.toISOString() : null,
            resolved_at: null, acknowledged_at: null, acknowledged_by: '', ...figures, details: '', updated_at: at,
          };
          history.push({ alert_id: record.alert_id, at, from_status: 'ok', to_status: t.status, value: ev.value, expected: ev.expected, summary: ev.summary });
        } else if (current && t.kind !== 'none') {
          const status = t.kind === 'fire' ? 'firing' : t.kind === 'resolve' ? 'resolved' : 'cancelled';
          record = { ...current, status, ...figures, fired_at: t.kind === 'fire' ? now.toISOString() : current.fired_at, resolved_at: t.kind === 'fire' ? null : now.toISOString(), updated_at: at };
          history.push({ alert_id: current.alert_id, at, from_status: current.status, to_status: status, value: ev.value, expected: ev.expected, summary: ev.summary });
        } else if (current) {
          record = { ...current, ...figures, updated_at: at }; // still open: the latest figures
        }
        if (record) writes.push(record);
        const kind = notificationOf(t);
        if (record && kind) toNotify.push({ rule: r, alert: record, kind });
        else if (record && record.status === 'firing' && record.acknowledged_at === null) toNotify.push({ rule: r, alert: record, kind: 'firing' }); // held back before? sent once (claimed)
        results.push({
          rule_id: r.rule_id, workflow_id: scope === '' ? null : scope, evaluation: ev, transition: t.kind, alert_id: record?.alert_id ?? null,
          status: record && (record.status === 'pending' || record.status === 'firing') ? record.status : 'ok',
        });
      }
    }
    await this.records.saveAlerts(account, writes);
    await this.records.addHistory(account, history);
    if (toNotify.length > 0) {
      const claimed = await this.records.claimed(account, toNotify.map((n) => n.alert.alert_id));
      // silences are about the wall clock (a maintenance window), whatever instant the rules are judged at
      const wall = Date.now();
      const active = await this.records.silences(account, new Date(wall));
      for (const n of toNotify) {
        if (claimed.has(`${n.alert.alert_id}/${n.kind}`)) continue;
        // a resolution is told only to those who were told of the firing
        if (n.kind === 'resolved' && !claimed.has(`${n.alert.alert_id}/firing`)) continue;
        const matcher = { rule_id: n.rule.rule_id, workflow_id: n.alert.scope_key || null, severity: n.rule.severity, labels: n.rule.labels };
        if (n.kind === 'firing' && active.some((s) => silences(s, matcher, wall))) continue; // held back: sent when the silence ends, if still firing
        await this.notify(account, n.rule, n.alert, n.kind, nowMs);
      }
    }
    return results;
  }

  private link(rule: AlertRule, a: AlertRecord): string {
    const base = this.options.publicUrl ?? '';
    return a.scope_key ? `${base}/workflows/${encodeURIComponent(a.scope_key)}?alert=${a.alert_id}&metric=${rule.metric}` : `${base}/alerts?alert=${a.alert_id}`;
  }

  /** Claims, sends on every channel, logs each attempt, tells live streams, audits. */
  private async notify(account: string, rule: AlertRule, a: AlertRecord, kind: 'firing' | 'resolved', nowMs: number): Promise<void> {
    await this.records.claim(account, a.alert_id, kind);
    const m = metric(rule.metric);
    const n: AlertNotification = {
      kind, alert_id: a.alert_id, rule_id: rule.rule_id, rule_name: rule.name, severity: rule.severity, account_id: account, workflow_id: a.scope_key || null,
      metric: rule.metric, metric_label: m.label, unit: m.unit, value: a.value, expected: a.expected, lower: a.lower, upper: a.upper, summary: a.summary,
      labels: rule.labels, started_at: a.started_at, resolved_at: a.resolved_at, evaluated_at: new Date(nowMs).toISOString(), link: this.link(rule, a),
    };
    const rows: DeliveryRow[] = [];
    await Promise.all(rule.channels.map(async (c) => {
      const attempts = await deliver(c, n, {
        mailer: this.deps.mailer, allowPrivate: this.options.webhookAllowPrivate, ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
        ...(this.options.retryMs !== undefined ? { retryMs: this.options.retryMs } : {}), ...(this.options.webhookTimeoutMs ? { timeoutMs: this.options.webhookTimeoutMs } : {}),
        ...(this.options.publicUrl ? { baseUrl: this.options.publicUrl } : {}),
      });
      rows.push(...attempts.map((x) => ({ ...x, kind })));
    }));
    await this.records.saveDeliveries(account, a.alert_id, rows);
    this.deps.bus.publish({ account, workflow: a.scope_key, at: nowMs, alert: { ...n } as unknown as Record<string, unknown> });
    const failed = rule.channels.length > 0 && rows.filter((r) => r.ok).length < rule.channels.length;
    this.deps.audit.record({
      account_id: account, key_id: '', user_id: '', role: 'scheduler', action: `alert.${kind}`, method: 'SCHEDULE', path: `/api/v1/alerts/${a.alert_id}`,
      workflow_id: a.scope_key, params: { rule_id: rule.rule_id, metric: rule.metric, summary: a.summary, channels: rule.channels.map((c) => c.type) },
      status: failed ? 502 : 200, ip: '', duration_ms: rows.reduce((s, r) => s + r.duration_ms, 0),
    });
  }
}
