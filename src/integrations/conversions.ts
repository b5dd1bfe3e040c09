/**
 * Workflow conversions to send out: the account's goal.achieved events received after a push cursor, oldest first.
 * The cursor is (received_at, event_id) of the last one taken, so events received in the same millisecond are
 * neither skipped nor sent twice across runs.
 */
import type { Store } from '../store/store.js';
import { isoUtc } from '../store/params.js';
import type { OutboundConversion } from './connector.js';

export interface PushCursor {
  received_at: string;
  event_id: string;
}

export const encodePushCursor = (c: PushCursor) => `${c.received_at}|${c.event_id}`;
export function decodePushCursor(raw: string): PushCursor {
  const [received_at = '', event_id = ''] = raw.split('|');
  return { received_at, event_id };
}

export async function conversionsSince(store: Store, account: string, since: PushCursor, limit: number): Promise<{ conversions: OutboundConversion[]; next: PushCursor | null }> {
  const rows = await store.query<{ workflow_id: string; execution_id: string; contact_id: string; goal_id: string; ts: string; goal_value: number | null; received_at: string; event_id: string }>(
    `SELECT workflow_id, execution_id, contact_id, goal_id, toString(ts) AS ts, goal_value, toString(received_at) AS received_at, event_id
     FROM events
     WHERE account_id = {a:String} AND type = 'goal.achieved' AND (received_at, event_id) > ({at:DateTime64(3, 'UTC')}, {id:String})
     ORDER BY received_at, event_id LIMIT {n:UInt32}`,
    { a: account, at: since.received_at.replace('T', ' ').replace('Z', ''), id: since.event_id, n: limit },
  );
  const last = rows.at(-1);
  return {
    conversions: rows.map((r) => ({ workflow_id: r.workflow_id, execution_id: r.execution_id, contact_id: r.contact_id, goal_id: r.goal_id, occurred_at: isoUtc(r.ts)!, value: r.goal_value, currency: null })),
    next: last ? { received_at: isoUtc(last.received_at)!, event_id: last.event_id } : null,
  };
}
