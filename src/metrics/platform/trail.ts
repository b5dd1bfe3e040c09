/**
 * One user's trail: their `activity` events, newest first, in pages. A page ends with `next_cursor`
 * (opaque), which the next request passes as `cursor`; keyset paging on (timestamp, a hash of the
 * event), so pages stay stable while new events arrive.
 */
import type { Store } from '../../store/store.js';
import { isoUtc } from '../../store/params.js';
import { InvalidInput } from '../../errors/domain-errors.js';
import { IN_SPAN, r2, type Span } from './target.js';

const HASH = 'cityHash64(event_id, session_id, toString(action), toString(resource), resource_id, metadata, received_at)';

function decodeCursor(cursor: string): { ts: Date; h: string } {
  try {
    const [ms, h] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [number, string];
    // a time past what a Date holds (±8.64e15 ms) would reach the query as an Invalid Date (a 500)
    if (!Number.isInteger(ms) || Number.isNaN(new Date(ms).getTime()) || !/^\d{1,20}$/.test(h)) throw new Error('bad cursor');
    return { ts: new Date(ms), h };
  } catch {
    throw new InvalidInput('cursor: not a cursor this endpoint returned', [{ path: '/cursor', message: 'not a cursor this endpoint returned' }]);
  }
}

export async function userTrail(store: Store, account: string, user: string, span: Span | null, limit: number, cursor: string | undefined) {
  const after = cursor ? decodeCursor(cursor) : null;
  const where = [
    "account_id = {account:String} AND workflow_id = '' AND type = 'activity' AND user_id = {user:String}",
    span ? IN_SPAN('ts') : '1',
  ].join(' AND ');
  const params = { account, user, limit: limit + 1, ...(span ? { from: span.from, to: span.to } : {}), ...(after ? { cts: after.ts, ch: after.h } : {}) };
  const [rows, [summary]] = await Promise.all([
    store.query<{ at: string; ms: number; h: string; event_id: string; action: string; resource: string; resource_id: string; session_id: string; duration_ms: number | null; metadata: string }>(
      `SELECT toString(ts) AS at, toUnixTimestamp64Milli(ts) AS ms, toString(${HASH}) AS h, event_id, toString(action) AS action,
              toString(resource) AS resource, resource_id, session_id, duration_ms, metadata
       FROM events WHERE ${where} ${after ? "AND (ts, " + HASH + ") < ({cts:DateTime64(3, 'UTC')}, {ch:UInt64})" : ''}
       ORDER BY ts DESC, ${HASH} DESC LIMIT {limit:UInt32}`,
      params,
    ),
    store.query<{ events: number; sessions: number; first: string | null; last: string | null; actions: [string[], number[]]; active_seconds: number }>(
      `SELECT count() AS events, uniqExactIf(session_id, session_id != '') AS sessions,
              if(count() > 0, toString(min(ts)), NULL) AS first, if(count() > 0, toString(max(ts)), NULL) AS last,
              sumMap([toString(action)], [toUInt64(1)]) AS actions, sum(ifNull(duration_ms, 0)) / 1000 AS active_seconds
       FROM events WHERE ${where}`,
      params,
    ),
  ]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    user_id: user,
    summary: {
      events: Number(summary!.events),
      sessions: Number(summary!.sessions),
      first_seen: isoUtc(summary!.first),
      last_seen: isoUtc(summary!.last),
      active_time_seconds: r2(summary!.active_seconds) ?? 0,
      actions: Object.fromEntries(summary!.actions[0].map((k, i) => [k, Number(summary!.actions[1][i])])),
    },
    events: page.map((r) => ({
      timestamp: isoUtc(r.at),
      event_id: r.event_id || null,
      action: r.action,
      resource: r.resource || null,
      resource_id: r.resource_id || null,
      session_id: r.session_id || null,
      duration_ms: r.duration_ms,
      metadata: parseMetadata(r.metadata),
    })),
    next_cursor: rows.length > limit && last ? Buffer.from(JSON.stringify([Number(last.ms), last.h])).toString('base64url') : null,
  };
}

function parseMetadata(s: string): Record<string, unknown> | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch {
    return null;
  }
}
