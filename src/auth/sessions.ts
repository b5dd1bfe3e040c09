/**
 * Dashboard sessions: signing in with an API key opens a session whose random id travels in an
 * HTTP-only cookie (the key itself never reaches the browser's storage). Only the id's SHA-256 is
 * stored. A session acts with the rights of its key, ends at sign-out, at its expiry, or as soon as the
 * key is revoked or expires. Lookups are cached briefly; signing out on this instance clears the cache at once.
 */
import crypto from 'node:crypto';
import { isoUtc } from '../store/params.js';
import type { Store } from '../store/store.js';
import type { ApiKeyRecord, KeyStore } from './keys.js';

export const SESSION_COOKIE = 'flowlens_session';
const CACHE_MS = 5_000;

export interface Session {
  key: ApiKeyRecord;
  expiresAt: Date;
}

interface SessionRow {
  key_id: string;
  expires_at: string;
  ended_at: string | null;
}

const hashOf = (id: string) => crypto.createHash('sha256').update(id).digest('hex');

export class SessionStore {
  private cache = new Map<string, { row: SessionRow | null; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly keys: KeyStore,
    private readonly maxAgeSeconds: number,
  ) {}

  /** Opens a session for a valid key: the cookie value and when it ends (never after the key expires). */
  async open(key: ApiKeyRecord): Promise<{ id: string; expiresAt: Date }> {
    const id = crypto.randomBytes(32).toString('base64url');
    const now = new Date();
    let expiresAt = new Date(now.getTime() + this.maxAgeSeconds * 1000);
    if (key.expires_at && Date.parse(key.expires_at) < expiresAt.getTime()) expiresAt = new Date(key.expires_at);
    await this.store.insert('sessions', [
      { session_hash: hashOf(id), key_id: key.key_id, account_id: key.account_id, created_at: now.toISOString(), expires_at: expiresAt.toISOString(), ended_at: null, updated_at: now.toISOString() },
    ]);
    return { id, expiresAt };
  }

  /** The live session behind a cookie value, or null (unknown, ended, expired, or its key is no longer valid). */
  async resolve(id: string): Promise<Session | null> {
    const row = await this.row(hashOf(id));
    if (!row || row.ended_at) return null;
    const expiresAt = new Date(isoUtc(row.expires_at) ?? row.expires_at);
    if (expiresAt.getTime() <= Date.now()) return null;
    const key = await this.keys.validById(row.key_id);
    return key ? { key, expiresAt } : null;
  }

  /** Ends a session (sign-out). Unknown ids are ignored. */
  async end(id: string): Promise<void> {
    const hash = hashOf(id);
    const rows = await this.store.query<SessionRow & { account_id: string; created_at: string }>(
      'SELECT key_id, account_id, created_at, expires_at, ended_at FROM sessions FINAL WHERE session_hash = {h:String}',
      { h: hash },
    );
    const row = rows[0];
    this.cache.delete(hash);
    if (!row || row.ended_at) return;
    const now = new Date().toISOString();
    await this.store.insert('sessions', [
      { session_hash: hash, key_id: row.key_id, account_id: row.account_id, created_at: isoUtc(row.created_at), expires_at: isoUtc(row.expires_at), ended_at: now, updated_at: now },
    ]);
  }

  private async row(hash: string): Promise<SessionRow | null> {
    const hit = this.cache.get(hash);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.row;
    const rows = await this.store.query<SessionRow>('SELECT key_id, expires_at, ended_at FROM sessions FINAL WHERE session_hash = {h:String}', { h: hash });
    const row = rows[0] ?? null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { row, at: Date.now() });
    return row;
  }
}
