/**
 * Experiments, as the API and the scheduler use them: define (a draft), start, stop, decide (by the rule or by
 * hand), roll out and roll back; assign contacts; answer results and decisions. Every `tickMs` (and on
 * POST …/evaluate) each running experiment is evaluated by its decision rule (decide.ts); a winner is recorded
 * with its evidence before it is notified (webhook and email, each tried 3 times), so it is notified at most once,
 * also across restarts, and with Redis only one instance decides (a claim per experiment). Every decision is in
 * the audit log.
 *
 * Created, started and stopped with the runtime (src/runtime.ts); the routes reach it as AppDeps.experiments.
 */
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import { metric } from '../metrics/definitions.js';
import { parsePeriod } from '../metrics/period.js';
import type { MetricsQueryService } from '../metrics/query-service.js';
import { withRetries } from '../net/retry.js';
import { postJson, type Resolve } from '../net/webhook-target.js';
import type { Mailer } from '../reports/mailer.js';
import type { Store } from '../store/store.js';
import { assign, type Assignment } from './assign.js';
import { definitionOf, newExperiment, type Experiment, type ExperimentInput } from './model.js';
import { experimentResults, type ExperimentResults } from './results.js';
import { ExperimentStore, stamp, type Decision } from './store.js';

export interface ExperimentsDeps {
  store: Store;
  queries: MetricsQueryService;
  audit: AuditLog;
  mailer: Mailer;
  redis?: Redis;
  resolve?: Resolve;
}

export interface ExperimentsOptions {
  /** Running experiments are evaluated this often (0 = only on POST …/evaluate). */
  tickMs: number;
  webhookAllowPrivate: boolean;
  retryMs?: number;
  webhookTimeoutMs?: number;
  /** The dashboard's address, for links in notifications (default: a path only). */
  publicUrl?: string;
}

/** Who does it, for the audit log. */
export interface Actor {
  keyId: string;
  userId: string;
  role: string;
}
const SCHEDULER: Actor = { keyId: '', userId: '', role: 'scheduler' };

/** What a decision notification carries (webhook body; the email says the same in words). */
export interface DecisionPayload {
  type: 'experiment.decided';
  account_id: string;
  experiment_id: string;
  workflow_id: string;
  name: string;
  source: Decision['source'];
  winner: string | null;
  rolled_out: boolean;
  primary_metric: string;
  reasons: string[];
  decided_at: string;
  link: string;
}

/** How far back a start may be dated (the history the store keeps by default). */
export const MAX_BACKDATE_DAYS = 732;

/** In this process, the experiments being decided (so two evaluations never decide one twice). */
const decidingHere = new Set<string>();

export class Experiments {
  readonly records: ExperimentStore;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: ExperimentsDeps,
    private readonly options: ExperimentsOptions,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {
    this.records = new ExperimentStore(deps.store);
  }

  start(): void {
    if (this.options.tickMs > 0) {
      this.timer = setInterval(() => void this.evaluateAll(), this.options.tickMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain.catch(() => {});
  }

  // ---- definitions and lifecycle ----

  private definition(account: string, input: ExperimentInput) {
    return definitionOf(input, { webhookAllowPrivate: this.options.webhookAllowPrivate }, async () => {
      // the primary rate of the workflow over the last 30 days, to plan with
      const summary = await (await this.deps.queries.workflow({ account, workflow: input.workflow_id }, parsePeriod({ range: 'last_30_days' }), false)).summary();
      const s = summary.summary;
      if (s.total_enrolled === 0) return null;
      // the summary's rates of the cohort (CONTRACT §6); the catalog's failure_rate is failed ÷ enrolled
      switch (input.primary_metric) {
        case 'completion_rate': return s.completion_rate;
        case 'conversion_rate': return s.conversion_rate;
        case 'failure_rate': return (s.errored / s.total_enrolled) * 100;
        default: return null;
      }
    });
  }

  async create(account: string, input: ExperimentInput, actor: Actor): Promise<Experiment> {
    const def = await this.definition(account, input);
    return this.records.save(account, newExperiment(def, actor.keyId, stamp()));
  }

  async get(account: string, id: string): Promise<Experiment> {
    const e = await this.records.get(account, id);
    if (!e) throw new NotFound(`Experiment ${id} does not exist`);
    return e;
  }

  list(account: string, workflow?: string): Promise<Experiment[]> {
    return this.records.list(account, workflow ? { workflow } : {}).then((xs) => xs.map(({ account_id: _a, ...e }) => e));
  }

  /** Replaces a draft's definition (a started experiment's variants and metrics are fixed: 409). */
  async update(account: string, id: string, input: ExperimentInput): Promise<Experiment> {
    const e = await this.get(account, id);
    if (e.status !== 'draft') throw new Conflict(`Experiment ${id} is ${e.status}: only a draft can be changed`);
    if (input.workflow_id !== e.workflow_id) throw new InvalidInput('An experiment stays on its workflow', [{ path: '/workflow_id', message: `is ${e.workflow_id}` }]);
    return this.records.save(account, { ...e, ...(await this.definition(account, input)) });
  }

  async remove(account: string, id: string): Promise<void> {
    const e = await this.get(account, id);
    if (e.status === 'running') throw new Conflict(`Experiment ${id} is running: stop it first`);
    await this.records.save(account, e, true);
  }

  /** Starts a draft now, or at `startedAt` (an instant at most MAX_BACKDATE_DAYS in the past, not in the future). */
  async startRunning(account: string, id: string, startedAt?: string, now = Date.now()): Promise<Experiment> {
    const e = await this.get(account, id);
    if (e.status !== 'draft') throw new Conflict(`Experiment ${id} is ${e.status}: only a draft can start`);
    let at = stamp();
    if (startedAt !== undefined) {
      const t = Date.parse(startedAt);
      if (!Number.isFinite(t) || t > now + 60_000 || t < now - MAX_BACKDATE_DAYS * 86_400_000) {
        throw new InvalidInput(`started_at ${startedAt} must be an instant within the last ${MAX_BACKDATE_DAYS} days`, [{ path: '/started_at', message: `within the last ${MAX_BACKDATE_DAYS} days, not in the future` }]);
      }
      at = new Date(t).toISOString();
    }
    return this.records.save(account, { ...e, status: 'running', started_at: at });
  }

  async stopRunning(account: string, id: string): Promise<Experiment> {
    const e = await this.get(account, id);
    if (e.status !== 'running') throw new Conflict(`Experiment ${id} is ${e.status}: only a running experiment can stop`);
    return this.records.save(account, { ...e, status: 'stopped', stopped_at: stamp() });
  }

  /** A decision by hand: the winner named (a variant), rolled out or not. */
  async decideByHand(account: string, id: string, winner: string, rollout: boolean, actor: Actor): Promise<Decision> {
    const e = await this.get(account, id);
    if (e.status !== 'running' && e.status !== 'stopped') throw new Conflict(`Experiment ${id} is ${e.status}: only a running or stopped experiment can be decided`);
    if (!e.variants.some((v) => v.key === winner)) throw new InvalidInput(`${winner} is not a variant of experiment ${id}`, [{ path: '/winner', message: `one of ${e.variants.map((v) => v.key).join(', ')}` }]);
    const results = await this.results(account, e);
    return this.decide(account, e, results, { source: 'manual', winner, rollout, reasons: [`Decided by hand: ${winner}`, ...results.evaluation.reasons] }, actor);
  }

  /** Restores the split after a rollout (the decision stands; the traffic is split again by the weights). */
  async rollback(account: string, id: string, actor: Actor): Promise<Decision> {
    const e = await this.get(account, id);
    if (e.rollout === null) throw new Conflict(`Experiment ${id} has no rollout to roll back`);
    const now = stamp();
    const saved = await this.records.save(account, { ...e, rollout: null });
    const decision: Decision = {
      decision_id: randomUUID(), experiment_id: id, decided_at: now, source: 'rollback', winner: e.winner, rolled_out: false,
      reasons: [`Rollout of ${e.rollout} rolled back: contacts are split by the weights again`], evidence: null, webhook_status: 'not configured', email_status: 'not configured',
    };
    await this.records.saveDecision(account, decision);
    this.auditDecision(account, saved, decision, actor, 0);
    return this.notify(account, saved, decision);
  }

  // ---- assignment, results ----

  /** The variant of a contact (recorded). A draft assigns nobody (409). */
  async assign(account: string, id: string, contact: string): Promise<Assignment> {
    const e = await this.get(account, id);
    if (e.status === 'draft') throw new Conflict(`Experiment ${id} is a draft: start it before assigning`);
    const a = assign(e, contact);
    await this.records.recordAssignment(account, id, contact, a.variant, a.reason);
    return a;
  }

  async results(account: string, e: Experiment, now = new Date()): Promise<ExperimentResults> {
    return experimentResults(this.deps.queries, account, e, await this.records.assignedCounts(account, e.experiment_id), now);
  }

  decisions(account: string, id: string): Promise<Decision[]> {
    return this.records.decisions(account, id);
  }

  // ---- the decision rule, on a schedule ----

  /** Evaluates every running experiment of every account (the scheduler's tick). */
  evaluateAll(now = new Date()): Promise<Decision[]> {
    const run = this.chain.then(async () => {
      if (this.closed) return [];
      const decided: Decision[] = [];
      for (const e of await this.records.list(null, { status: 'running' })) {
        try {
          const d = await this.evaluateOne(e.account_id, e, now);
          if (d) decided.push(d);
        } catch (err) {
          this.log(`experiment ${e.experiment_id}: evaluation failed`, err);
        }
      }
      return decided;
    });
    this.chain = run.catch(() => {});
    return run;
  }

  /** Evaluates one experiment now: its results and, when the rule names a winner, the decision taken. */
  async evaluate(account: string, id: string, actor: Actor, now = new Date()): Promise<{ results: ExperimentResults; decision: Decision | null }> {
    const e = await this.get(account, id);
    if (e.status !== 'running') throw new Conflict(`Experiment ${id} is ${e.status}: only a running experiment is evaluated`);
    const results = await this.results(account, e, now);
    const decision = results.evaluation.outcome === 'winner' ? await this.decideOnce(account, e, results, actor) : null;
    return { results, decision };
  }

  private async evaluateOne(account: string, e: Experiment, now: Date): Promise<Decision | null> {
    const results = await this.results(account, e, now);
    if (results.evaluation.outcome !== 'winner') return null;
    return this.decideOnce(account, e, results, SCHEDULER);
  }

  /** Decides by the rule, unless another evaluation (here, or with Redis on another instance) is deciding it. */
  private async decideOnce(account: string, e: Experiment, results: ExperimentResults, actor: Actor): Promise<Decision | null> {
    const key = `${account}/${e.experiment_id}`;
    if (decidingHere.has(key) || !(await this.claim(key))) return null;
    decidingHere.add(key);
    try {
      const current = await this.records.get(account, e.experiment_id);
      if (current?.status !== 'running') return null;
      return await this.decide(account, current, results, { source: 'rule', winner: results.evaluation.winner!, rollout: current.decision_rule.auto_rollout, reasons: results.evaluation.reasons }, actor);
    } finally {
      decidingHere.delete(key);
    }
  }

  private async claim(key: string): Promise<boolean> {
    const redis = this.deps.redis;
    if (!redis || redis.status !== 'ready') return true;
    try {
      return (await redis.set(`flowlens:experiment-decision:${key}`, '1', 'PX', 10 * 60_000, 'NX')) === 'OK';
    } catch {
      return true;
    }
  }

  /** Records the decision and the experiment's new state first, then notifies and records how. */
  private async decide(account: string, e: Experiment, results: ExperimentResults, d: { source: 'rule' | 'manual'; winner: string; rollout: boolean; reasons: string[] }, actor: Actor): Promise<Decision> {
    const t0 = performance.now();
    const now = stamp();
    const saved = await this.records.save(account, { ...e, status: 'decided', decided_at: now, stopped_at: e.stopped_at ?? now, winner: d.winner, rollout: d.rollout ? d.winner : null });
    const decision: Decision = {
      decision_id: randomUUID(), experiment_id: e.experiment_id, decided_at: now, source: d.source, winner: d.winner, rolled_out: d.rollout,
      reasons: d.reasons, evidence: results, webhook_status: 'pending', email_status: 'pending',
    };
    await this.records.saveDecision(account, decision);
    const notified = await this.notify(account, saved, decision);
    this.auditDecision(account, saved, notified, actor, performance.now() - t0);
    return notified;
  }

  private auditDecision(account: string, e: Experiment, d: Decision, actor: Actor, ms: number): void {
    this.deps.audit.record({
      account_id: account, key_id: actor.keyId, user_id: actor.userId, role: actor.role, action: `experiment.${d.source === 'rollback' ? 'rollback' : 'decide'}`,
      method: actor === SCHEDULER ? 'SCHEDULE' : 'POST', path: `/api/v1/experiments/${e.experiment_id}`, workflow_id: e.workflow_id,
      params: { decision_id: d.decision_id, source: d.source, winner: d.winner, rolled_out: d.rolled_out, reasons: d.reasons, webhook_status: d.webhook_status, email_status: d.email_status },
      status: d.webhook_status.startsWith('failed') || d.email_status.startsWith('failed') ? 502 : 200, ip: '', duration_ms: Math.round(ms),
    });
  }

  private async notify(account: string, e: Experiment, d: Decision): Promise<Decision> {
    const link = `${this.options.publicUrl ?? ''}/experiments/${e.experiment_id}`;
    const payload: DecisionPayload = {
      type: 'experiment.decided', account_id: account, experiment_id: e.experiment_id, workflow_id: e.workflow_id, name: e.name, source: d.source,
      winner: d.winner, rolled_out: d.rolled_out, primary_metric: e.primary_metric, reasons: d.reasons, decided_at: d.decided_at, link,
    };
    const retryMs = this.options.retryMs ?? 2000;
    const [webhook, email] = await Promise.all([
      e.notify.webhook_url
        ? withRetries(3, retryMs, async () => {
            const status = await postJson(e.notify.webhook_url!, payload, {
              timeoutMs: this.options.webhookTimeoutMs ?? 10_000, allowPrivate: this.options.webhookAllowPrivate, headers: { 'user-agent': 'Flowlens experiments' },
              ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
            });
            if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
          })
        : Promise.resolve('not configured'),
      e.notify.emails.length > 0 ? withRetries(3, retryMs, () => this.deps.mailer.send({ to: e.notify.emails, ...decisionEmail(e, payload), attachments: [] })) : Promise.resolve('not configured'),
    ]);
    const done = { ...d, webhook_status: webhook, email_status: email };
    await this.records.saveDecision(account, done);
    return done;
  }
}

/** The email of a decision: what was decided, on which metric, why, and where to look. */
export function decisionEmail(e: Experiment, p: DecisionPayload): { subject: string; text: string } {
  const what = p.source === 'rollback' ? `rollout rolled back (winner stays ${p.winner})` : `winner ${p.winner}${p.rolled_out ? ', rolled out to every contact' : ''}`;
  return {
    subject: `Flowlens: experiment "${e.name}" — ${what}`,
    text: [
      `Experiment "${e.name}" on workflow ${e.workflow_id}: ${what} (${p.source === 'rule' ? 'by its decision rule' : p.source === 'manual' ? 'decided by hand' : 'by hand'}).`,
      `Primary metric: ${metric(e.primary_metric).label}.`,
      '',
      ...p.reasons.map((r) => `- ${r}`),
      '',
      `Details: ${p.link}`,
      `Decided ${p.decided_at}.`,
    ].join('\n'),
  };
}
