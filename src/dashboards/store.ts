/**
 * Dashboards and their public links in the store (migration 021): a dashboard is one row replaced on every change
 * (its whole definition as JSON); a link one row per token, found by the SHA-256 hash of the token, replaced when
 * revoked. The token itself is never stored.
 */
import crypto from 'node:crypto';
import type { PublicLinkOut } from '../contract/dashboards.js';
import { isoUtc, replacingStamp } from '../store/params.js';
import type { Store } from '../store/store.js';
import type { Dashboard } from './model.js';

/** Strictly increasing write times (store/params.ts). */
export const stamp = replacingStamp;

/** 32 random bytes, base64url (43 characters): unguessable. */
export const newToken = (): string => crypto.randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

export interface LinkRow {
  token_hash: string;
  link_id: string;
  account_id: string;
  dashboard_id: string;
  prefix: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export function linkView(r: LinkRow, now = Date.now()): PublicLinkOut {
  const expires = isoUtc(r.expires_at);
  const revoked = isoUtc(r.revoked_at);
  return {
    link_id: r.link_id,
    prefix: r.prefix,
    created_by: r.created_by,
    created_at: isoUtc(r.created_at) ?? r.created_at,
    expires_at: expires,
    revoked_at: revoked,
    status: revoked !== null ? 'revoked' : expires !== null && Date.parse(expires) <= now ? 'expired' : 'active',
  };
}

const LINK_COLUMNS = 'token_hash, link_id, account_id, dashboard_id, prefix, created_by, toString(created_at) AS created_at, toString(expires_at) AS expires_at, toString(revoked_at) AS revoked_at';

export class DashboardStore {
  constructor(private readonly store: Store) {}

  /** Writes the dashboard as it is now (its updated_at set here). */
  async save(account: string, d: Dashboard, deleted = false): Promise<Dashboard> {
    const next = { ...d, updated_at: stamp() };
    await this.store.insert('dashboards', [{ account_id: account, dashboard_id: next.dashboard_id, definition: JSON.stringify(next), updated_at: next.updated_at, is_deleted: deleted ? 1 : 0 }]);
    return next;
  }

  /** The account's dashboards (or one), most recently changed first. */
  async list(account: string, id = ''): Promise<Dashboard[]> {
    const rows = await this.store.query<{ definition: string }>(
      `SELECT definition FROM dashboards FINAL
       WHERE account_id = {a:String} AND is_deleted = 0 AND ({id:String} = '' OR dashboard_id = {id:String})
       ORDER BY updated_at DESC`,
      { a: account, id },
    );
    return rows.map((r) => JSON.parse(r.definition) as Dashboard);
  }

  async get(account: string, id: string): Promise<Dashboard | undefined> {
    return id === '' ? undefined : (await this.list(account, id))[0];
  }

  /** Makes a link; answers its row and the token (the only time it is known). */
  async createLink(account: string, dashboardId: string, createdBy: string, expiresAt: string | null): Promise<{ row: LinkRow; token: string }> {
    const token = newToken();
    const t = stamp();
    const row: LinkRow = { token_hash: hashToken(token), link_id: crypto.randomUUID(), account_id: account, dashboard_id: dashboardId, prefix: token.slice(0, 6), created_by: createdBy, created_at: t, expires_at: expiresAt, revoked_at: null };
    await this.store.insert('dashboard_links', [{ ...row, updated_at: t }]);
    return { row, token };
  }

  /** A dashboard's links, newest first. */
  async links(account: string, dashboardId: string): Promise<LinkRow[]> {
    return this.store.query<LinkRow>(
      `SELECT ${LINK_COLUMNS} FROM dashboard_links FINAL
       WHERE account_id = {a:String} AND dashboard_id = {d:String} ORDER BY created_at DESC, link_id`,
      { a: account, d: dashboardId },
    );
  }

  /** The link a token opens, whatever its state (null: no such token). */
  async linkOf(token: string): Promise<LinkRow | null> {
    const [row] = await this.store.query<LinkRow>(`SELECT ${LINK_COLUMNS} FROM dashboard_links FINAL WHERE token_hash = {h:String} LIMIT 1`, { h: hashToken(token) });
    return row ?? null;
  }

  async revoke(row: LinkRow): Promise<void> {
    if (row.revoked_at !== null) return;
    const t = stamp();
    await this.store.insert('dashboard_links', [{ ...row, created_at: isoUtc(row.created_at), expires_at: isoUtc(row.expires_at), revoked_at: t, updated_at: t }]);
  }
}
