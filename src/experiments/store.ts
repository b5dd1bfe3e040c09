/**
 * Experiments, their assignments and decisions in the store (migration 019): an experiment is one row replaced
 * on every change (its whole definition and state as JSON); an assignment one row per contact; a decision one
 * row, written before it is notified and replaced with the notification's outcome.
 */
import type { DecisionOut } from '../contract/comparison.js';
import { isoUtc, replacingStamp } from '../store/params.js';
import type { Store } from '../store/store.js';
import type { Experiment } from './model.js';

/** Strictly increasing write times (store/params.ts). */
export const stamp = (): string => replacingStamp();

export type Decision = DecisionOut;

export class ExperimentStore {
  constructor(private readonly store: Store) {}

  /** Writes the experiment as it is now (its updated_at set here). */
  async save(account: string, e: Experiment, deleted = false): Promise<Experiment> {
    const next = { ...e, updated_at: stamp() };
    await this.store.insert('experiments', [
      { account_id: account, experiment_id: next.experiment_id, workflow_id: next.workflow_id, status: next.status, definition: JSON.stringify(next), updated_at: next.updated_at, is_deleted: deleted ? 1 : 0 },
    ]);
    return next;
  }

  /** The account's experiments (one workflow's, or all), newest first; with account null, every account's running ones (for the monitor). */
  async list(account: string | null, o: { workflow?: string; id?: string; status?: string } = {}): Promise<Array<Experiment & { account_id: string }>> {
    const rows = await this.store.query<{ account_id: string; definition: string }>(
      `SELECT account_id, definition FROM experiments FINAL
       WHERE is_deleted = 0 AND ({all:UInt8} = 1 OR account_id = {a:String})
         AND ({w:String} = '' OR workflow_id = {w:String}) AND ({id:String} = '' OR experiment_id = {id:String})
         AND ({s:String} = '' OR status = {s:String})
       ORDER BY updated_at DESC`,
      { all: account === null ? 1 : 0, a: account ?? '', w: o.workflow ?? '', id: o.id ?? '', s: o.status ?? '' },
    );
    return rows.map((r) => ({ ...(JSON.parse(r.definition) as Experiment), account_id: r.account_id }));
  }

  async get(account: string, id: string): Promise<Experiment | undefined> {
    const [e] = await this.list(account, { id });
    if (!e) return undefined;
    const { account_id: _a, ...experiment } = e;
    return experiment;
  }

  async recordAssignment(account: string, experimentId: string, contactId: string, variant: string, reason: string): Promise<void> {
    await this.store.insert('experiment_assignments', [{ account_id: account, experiment_id: experimentId, contact_id: contactId, variant, reason, assigned_at: stamp() }]);
  }

  /** Contacts assigned per variant (each contact counted once, under the variant it was last given). */
  async assignedCounts(account: string, experimentId: string): Promise<Record<string, number>> {
    const rows = await this.store.query<{ variant: string; n: number }>(
      `SELECT variant, count() AS n FROM experiment_assignments FINAL
       WHERE account_id = {a:String} AND experiment_id = {id:String} GROUP BY variant`,
      { a: account, id: experimentId },
    );
    return Object.fromEntries(rows.map((r) => [r.variant, Number(r.n)]));
  }

  async saveDecision(account: string, d: Decision): Promise<void> {
    await this.store.insert('experiment_decisions', [
      {
        account_id: account, experiment_id: d.experiment_id, decision_id: d.decision_id, decided_at: d.decided_at, source: d.source, winner: d.winner,
        rolled_out: d.rolled_out ? 1 : 0, reasons: d.reasons, evidence: JSON.stringify(d.evidence), webhook_status: d.webhook_status, email_status: d.email_status, updated_at: stamp(),
      },
    ]);
  }

  /** An experiment's decisions, newest first. */
  async decisions(account: string, experimentId: string): Promise<Decision[]> {
    const rows = await this.store.query<Omit<Decision, 'evidence' | 'rolled_out'> & { evidence: string; rolled_out: number }>(
      `SELECT decision_id, experiment_id, toString(decided_at) AS decided_at, source, winner, rolled_out, reasons, evidence, webhook_status, email_status
       FROM experiment_decisions FINAL
       WHERE account_id = {a:String} AND experiment_id = {id:String}
       ORDER BY decided_at DESC, decision_id`,
      { a: account, id: experimentId },
    );
    return rows.map((r) => ({ ...r, decided_at: isoUtc(r.decided_at) ?? r.decided_at, rolled_out: Boolean(r.rolled_out), evidence: JSON.parse(r.evidence) as unknown }));
  }
}
