/**
 * Rules, alerts, their history, notification claims, delivery attempts and silences in the store (migration 020).
 */
import { isoUtc, replacingStamp } from '../store/params.js';
import type { Store } from '../store/store.js';
import type { DeliveryAttempt } from './delivery.js';
import type { AlertRule } from './rules.js';
import type { AlertStatus } from './state.js';

/** Strictly increasing write times (store/params.ts). */
export const stamp = replacingStamp;

export interface AlertRecord {
  alert_id: string;
  rule_id: string;
  scope_key: string;
  status: AlertStatus;
  started_at: string;
  fired_at: string | null;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string;
  bucket: string;
  value: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  score: number | null;
  summary: string;
  /** JSON by kind of rule ('' for watched metrics; a budget's BudgetDetails). */
  details: string;
  updated_at: string;
}

export interface HistoryEntry {
  at: string;
  from_status: string;
  to_status: string;
  value: number | null;
  expected: number | null;
  summary: string;
}

export interface Silence {
  silence_id: string;
  rule_id: string | null;
  workflow_id: string | null;
  severity: string | null;
  labels: Record<string, string>;
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string;
  created_at: string;
}

export interface DeliveryRow extends DeliveryAttempt {
  kind: 'firing' | 'resolved';
}

const ts = (x: string | null) => (x === null ? null : (isoUtc(x) ?? x));

export class AlertStore {
  constructor(private readonly store: Store) {}

  async saveRule(account: string, r: AlertRule, deleted = false): Promise<void> {
    await this.store.insert('alert_rules', [{ account_id: account, rule_id: r.rule_id, definition: JSON.stringify(r), updated_at: stamp(), is_deleted: deleted ? 1 : 0 }]);
  }

  /** An account's rules (or every account's, with account null), oldest first. */
  async rules(account: string | null, id = ''): Promise<Array<AlertRule & { account_id: string }>> {
    const rows = await this.store.query<{ account_id: string; definition: string }>(
      `SELECT account_id, definition FROM alert_rules FINAL
       WHERE is_deleted = 0 AND ({all:UInt8} = 1 OR account_id = {a:String}) AND ({id:String} = '' OR rule_id = {id:String})
       ORDER BY account_id, rule_id`,
      { all: account === null ? 1 : 0, a: account ?? '', id },
    );
    return rows.map((r) => ({ ...(JSON.parse(r.definition) as AlertRule), account_id: r.account_id })).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async saveAlert(account: string, a: AlertRecord): Promise<void> {
    await this.store.insert('alerts', [{ ...a, account_id: account }]);
  }

  async saveAlerts(account: string, alerts: readonly AlertRecord[]): Promise<void> {
    if (alerts.length > 0) await this.store.insert('alerts', alerts.map((a) => ({ ...a, account_id: account })));
  }

  async addHistory(account: string, entries: ReadonlyArray<HistoryEntry & { alert_id: string }>): Promise<void> {
    if (entries.length > 0) await this.store.insert('alert_history', entries.map((e) => ({ ...e, account_id: account })));
  }

  /** Alerts of an account: open ones (pending, firing) or all, newest first, filtered. */
  async alerts(account: string | null, o: { open?: boolean; status?: string; rule?: string; rulePrefix?: string; id?: string; limit?: number } = {}): Promise<Array<AlertRecord & { account_id: string }>> {
    const rows = await this.store.query<AlertRecord & { account_id: string }>(
      `SELECT account_id, alert_id, rule_id, scope_key, status, toString(started_at) AS started_at, toString(fired_at) AS fired_at,
              toString(resolved_at) AS resolved_at, toString(acknowledged_at) AS acknowledged_at, acknowledged_by, toString(bucket) AS bucket,
              value, expected, lower, upper, score, summary, details, toString(a.updated_at) AS updated_at
       FROM alerts AS a FINAL
       WHERE ({all:UInt8} = 1 OR account_id = {acc:String})
         AND ({open:UInt8} = 0 OR status IN ('pending', 'firing')) AND ({status:String} = '' OR status = {status:String})
         AND ({rule:String} = '' OR rule_id = {rule:String}) AND startsWith(rule_id, {prefix:String}) AND ({id:String} = '' OR alert_id = {id:String})
       ORDER BY started_at DESC
       LIMIT {limit:UInt32}`,
      { all: account === null ? 1 : 0, acc: account ?? '', open: o.open ? 1 : 0, status: o.status ?? '', rule: o.rule ?? '', prefix: o.rulePrefix ?? '', id: o.id ?? '', limit: o.limit ?? 1000 },
    );
    return rows.map((r) => ({
      ...r, started_at: ts(r.started_at)!, fired_at: ts(r.fired_at), resolved_at: ts(r.resolved_at), acknowledged_at: ts(r.acknowledged_at), bucket: ts(r.bucket)!, updated_at: ts(r.updated_at)!,
    }));
  }

  async history(account: string, alertId: string): Promise<HistoryEntry[]> {
    const rows = await this.store.query<HistoryEntry>(
      `SELECT toString(at) AS at, from_status, to_status, value, expected, summary FROM alert_history
       WHERE account_id = {a:String} AND alert_id = {id:String} ORDER BY at, to_status`,
      { a: account, id: alertId },
    );
    return rows.map((r) => ({ ...r, at: ts(r.at)! }));
  }

  /** The notifications already claimed, as `${alert_id}/${kind}`. */
  async claimed(account: string, alertIds: readonly string[]): Promise<Set<string>> {
    if (alertIds.length === 0) return new Set();
    const rows = await this.store.query<{ alert_id: string; kind: string }>(
      `SELECT DISTINCT alert_id, kind FROM alert_notifications WHERE account_id = {a:String} AND alert_id IN {ids:Array(String)}`,
      { a: account, ids: alertIds },
    );
    return new Set(rows.map((r) => `${r.alert_id}/${r.kind}`));
  }

  async claim(account: string, alertId: string, kind: 'firing' | 'resolved'): Promise<void> {
    await this.store.insert('alert_notifications', [{ account_id: account, alert_id: alertId, kind, claimed_at: stamp() }]);
  }

  async saveDeliveries(account: string, alertId: string, rows: readonly DeliveryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.store.insert('alert_deliveries', rows.map((d) => ({
      account_id: account, alert_id: alertId, kind: d.kind, channel: d.channel, target: d.target, attempt: d.attempt, at: d.at, ok: d.ok ? 1 : 0,
      status: d.status, error: d.error ?? '', duration_ms: Math.max(0, Math.round(d.duration_ms)),
    })));
  }

  async deliveries(account: string, alertId: string): Promise<DeliveryRow[]> {
    const rows = await this.store.query<Omit<DeliveryRow, 'ok' | 'error'> & { ok: number; error: string }>(
      `SELECT kind, channel, target, attempt, toString(at) AS at, ok, status, error, duration_ms FROM alert_deliveries
       WHERE account_id = {a:String} AND alert_id = {id:String} ORDER BY at, attempt`,
      { a: account, id: alertId },
    );
    return rows.map((r) => ({ ...r, at: ts(r.at)!, ok: Boolean(r.ok), error: r.error || null }));
  }

  async saveSilence(account: string, s: Silence, deleted = false): Promise<void> {
    await this.store.insert('alert_silences', [{ account_id: account, silence_id: s.silence_id, definition: JSON.stringify(s), ends_at: s.ends_at, updated_at: stamp(), is_deleted: deleted ? 1 : 0 }]);
  }

  /** Silences of an account not yet ended at `now` (all, with `all`), newest first. */
  async silences(account: string, now: Date, all = false): Promise<Silence[]> {
    const rows = await this.store.query<{ definition: string }>(
      `SELECT definition FROM alert_silences FINAL
       WHERE account_id = {a:String} AND is_deleted = 0 AND ({all:UInt8} = 1 OR ends_at > {now:DateTime64(3, 'UTC')})
       ORDER BY updated_at DESC`,
      { a: account, all: all ? 1 : 0, now },
    );
    return rows.map((r) => JSON.parse(r.definition) as Silence);
  }
}
