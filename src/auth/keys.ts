/**
 * Accounts and API keys, stored in ClickHouse (replacing tables). Keys are random, shown once, and
 * stored as SHA-256 hashes. Lookups are cached briefly; a revocation clears the cache at once.
 */
import crypto from 'node:crypto';
import { isoUtc } from '../store/params.js';
import type { Store } from '../store/store.js';

export const ROLES = ['admin', 'member', 'viewer', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKeyRecord {
  key_id: string;
  account_id: string;
  name: string;
  role: Role;
  user_id: string;
  is_operator: boolean;
  prefix: string;
  created_at: string;
  expires_at: string | null;
}

/** A key as stored (read it with find, revoke it with revoke). */
export interface KeyRow {
  key_hash: string;
  key_id: string;
  account_id: string;
  name: string;
  role: Role;
  user_id: string;
  is_operator: number;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

const CACHE_MS = 10_000;
const now = () => new Date().toISOString();

export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

export function newKeySecret(): string {
  return `fl_${crypto.randomBytes(24).toString('base64url')}`;
}

function toRecord(r: KeyRow): ApiKeyRecord {
  return {
    key_id: r.key_id,
    account_id: r.account_id,
    name: r.name,
    role: r.role,
    user_id: r.user_id,
    is_operator: r.is_operator === 1,
    prefix: r.prefix,
    created_at: isoUtc(r.created_at) ?? r.created_at,
    expires_at: isoUtc(r.expires_at),
  };
}

export class KeyStore {
  private cache = new Map<string, { record: ApiKeyRecord | null; at: number }>();

  constructor(private readonly store: Store) {}

  async createAccount(name: string, accountId: string = crypto.randomUUID()): Promise<string> {
    const t = now();
    await this.store.insert('accounts', [{ account_id: accountId, name, settings: '{}', created_at: t, updated_at: t }]);
    return accountId;
  }

  async accountExists(accountId: string): Promise<boolean> {
    const rows = await this.store.query('SELECT 1 FROM accounts FINAL WHERE account_id = {a:String} LIMIT 1', { a: accountId });
    return rows.length > 0;
  }

  /** Creates a key and returns its id and the secret (the only time the secret is known). */
  async createKey(input: {
    accountId: string;
    role: Role;
    name: string;
    userId?: string;
    isOperator?: boolean;
    expiresAt?: Date;
    secret?: string;
  }): Promise<{ id: string; key: string }> {
    const key = input.secret ?? newKeySecret();
    const id = crypto.randomUUID();
    const t = now();
    await this.store.insert('api_keys', [
      {
        key_hash: hashKey(key),
        key_id: id,
        account_id: input.accountId,
        name: input.name,
        role: input.role,
        user_id: input.userId ?? '',
        is_operator: input.isOperator ? 1 : 0,
        prefix: key.slice(0, 7),
        created_at: t,
        expires_at: input.expiresAt ? input.expiresAt.toISOString() : null,
        revoked_at: null,
        updated_at: t,
      },
    ]);
    this.cache.delete(hashKey(key));
    return { id, key };
  }

  /** The valid (not revoked, not expired) key for a secret, or null. */
  async verify(secret: string): Promise<ApiKeyRecord | null> {
    const h = hashKey(secret);
    const hit = this.cache.get(h);
    let record: ApiKeyRecord | null;
    if (hit && Date.now() - hit.at < CACHE_MS) record = hit.record;
    else {
      const rows = await this.store.query<KeyRow>(
        `SELECT * FROM api_keys FINAL WHERE key_hash = {h:String} AND revoked_at IS NULL LIMIT 1`,
        { h },
      );
      record = rows[0] ? toRecord(rows[0]) : null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(h, { record, at: Date.now() });
    }
    if (record?.expires_at && Date.parse(record.expires_at) <= Date.now()) return null;
    return record;
  }

  async list(accountId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.store.query<KeyRow>(
      `SELECT * FROM api_keys FINAL WHERE account_id = {a:String} AND revoked_at IS NULL ORDER BY created_at`,
      { a: accountId },
    );
    return rows.map(toRecord);
  }

  /** A key that is not revoked, by id, or null. */
  async find(keyId: string): Promise<KeyRow | null> {
    const rows = await this.store.query<KeyRow>(
      `SELECT * FROM api_keys FINAL WHERE key_id = {id:String} AND revoked_at IS NULL LIMIT 1`,
      { id: keyId },
    );
    return rows[0] ?? null;
  }

  /** A key by id that is neither revoked nor expired, or null (stream tokens name their key by id). */
  async validById(keyId: string): Promise<ApiKeyRecord | null> {
    const row = await this.find(keyId);
    const record = row ? toRecord(row) : null;
    if (record?.expires_at && Date.parse(record.expires_at) <= Date.now()) return null;
    return record;
  }

  /** Revokes a key found with find, at once (the cache forgets it). */
  async revoke(key: KeyRow): Promise<void> {
    const t = now();
    await this.store.insert('api_keys', [{ ...key, revoked_at: t, updated_at: t }]);
    this.cache.delete(key.key_hash);
  }

  /** Ensures the operator key with exactly this secret exists (admin of account "default"). */
  async ensureOperator(secret: string): Promise<void> {
    if (!(await this.accountExists('default'))) await this.createAccount('Default', 'default');
    const existing = await this.verify(secret);
    if (existing?.is_operator) return;
    await this.createKey({ accountId: 'default', role: 'admin', name: 'operator', isOperator: true, secret });
  }
}
