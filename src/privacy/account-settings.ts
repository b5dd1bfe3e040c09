/**
 * Per-account settings kept in the accounts table (`settings` JSON): whether contact ids are pseudonymised at
 * ingestion (and the account's secret key for it), report branding, ROI assumptions. Cached for a few seconds; a change
 * made through this instance is seen at once.
 */
import crypto from 'node:crypto';
import type { Store } from '../store/store.js';

export interface AccountSettings {
  pseudonymize_contact_ids: boolean;
  /** Report branding: the name on reports, the accent colour (#rrggbb), a PNG/JPEG logo in base64. */
  brand_name?: string;
  accent_color?: string;
  logo_base64?: string;
  /** ROI assumptions: the hourly cost of the work automations save, and time saved per run of some workflows. */
  roi_hourly_rate_usd?: number | null;
  roi_time_saved?: Array<{ workflow_id: string; seconds_per_execution: number }>;
}

interface StoredSettings extends AccountSettings {
  /** HMAC key for contact pseudonyms; created the first time pseudonymisation is turned on, kept after. */
  pseudonym_key?: string;
}

const CACHE_MS = 5_000;

export class AccountSettingsStore {
  private cache = new Map<string, { value: StoredSettings; at: number }>();

  constructor(private readonly store: Store) {}

  private async load(account: string): Promise<StoredSettings> {
    const hit = this.cache.get(account);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const [row] = await this.store.query<{ settings: string }>(
      'SELECT settings FROM accounts FINAL WHERE account_id = {a:String}',
      { a: account },
    );
    let parsed: Partial<StoredSettings> = {};
    try {
      parsed = JSON.parse(row?.settings || '{}') as Partial<StoredSettings>;
    } catch {
      parsed = {};
    }
    const value: StoredSettings = {
      ...parsed,
      pseudonymize_contact_ids: parsed.pseudonymize_contact_ids === true,
    };
    this.cache.set(account, { value, at: Date.now() });
    return value;
  }

  /** The settings a user may see (never the key). */
  async get(account: string): Promise<AccountSettings> {
    const { pseudonym_key: _k, ...visible } = await this.load(account);
    return visible;
  }

  async update(account: string, change: Partial<AccountSettings>): Promise<AccountSettings> {
    const [row] = await this.store.query<{ name: string; created_at: string }>(
      'SELECT name, toString(created_at) AS created_at FROM accounts FINAL WHERE account_id = {a:String}',
      { a: account },
    );
    if (!row) throw new Error(`account ${account} does not exist`);
    const current = await this.load(account);
    const next: StoredSettings = { ...current, ...change };
    if (next.pseudonymize_contact_ids && !next.pseudonym_key) next.pseudonym_key = crypto.randomBytes(32).toString('hex');
    await this.store.insert('accounts', [
      { account_id: account, name: row.name, settings: JSON.stringify(next), created_at: row.created_at, updated_at: new Date().toISOString() },
    ]);
    this.cache.set(account, { value: next, at: Date.now() });
    const { pseudonym_key: _k, ...visible } = next;
    return visible;
  }

  /** Maps a contact id to its pseudonym when the account asks for it; null = store ids as sent. */
  async pseudonymizer(account: string): Promise<((contactId: string) => string) | null> {
    const s = await this.load(account);
    if (!s.pseudonymize_contact_ids || !s.pseudonym_key) return null;
    const key = s.pseudonym_key;
    return (contactId) => pseudonym(key, contactId);
  }

  /** Every form a contact id may be stored under: as sent, and its pseudonym if the account has a key. */
  async storedForms(account: string, contactId: string): Promise<string[]> {
    const s = await this.load(account);
    return s.pseudonym_key ? [contactId, pseudonym(s.pseudonym_key, contactId)] : [contactId];
  }
}

/** A keyed hash: the same contact always maps to the same pseudonym within an account. */
export function pseudonym(key: string, contactId: string): string {
  return `ps_${crypto.createHmac('sha256', Buffer.from(key, 'hex')).update(contactId).digest('hex').slice(0, 32)}`;
}
