/**
 * Workflow conversions to send out: the account's goal.achieved events received after a push cursor, oldest first,
 * with the contact their execution enrolled.
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

/**
 * The goal events after `since`, oldest first, each with its execution's contact (goal events carry none: the
 * execution.started event names it); `unknown` lists those whose execution has no contact.
 */
export async function conversionsSince(store: Store, account: string, since: PushCursor, limit: number): Promise<{ conversions: OutboundConversion[]; unknown: string[]; next: PushCursor | null }> {
  const rows = await store.query<{ workflow_id: string; execution_id: string; contact_id: string | null; goal_id: string; ts: string; goal_value: number | null; received_at: string; event_id: string }>(
    `WITH goals AS (
       SELECT workflow_id, execution_id, goal_id, ts, goal_value, received_at, event_id
       FROM events
       WHERE account_id = {a:String} AND type = 'goal.achieved' AND (received_at, event_id) > ({at:DateTime64(3, 'UTC')}, {id:String})
       ORDER BY received_at, event_id LIMIT {n:UInt32})
     SELECT g.workflow_id AS workflow_id, g.execution_id AS execution_id, s.contact_id AS contact_id, g.goal_id AS goal_id, toString(g.ts) AS ts,
            g.goal_value AS goal_value, toString(g.received_at) AS received_at, g.event_id AS event_id
     FROM goals AS g
     LEFT JOIN (
       SELECT workflow_id, execution_id, anyIf(contact_id, contact_id != '') AS contact_id FROM events
       WHERE account_id = {a:String} AND type = 'execution.started' AND (workflow_id, execution_id) IN (SELECT workflow_id, execution_id FROM goals)
       GROUP BY workflow_id, execution_id
     ) AS s ON s.workflow_id = g.workflow_id AND s.execution_id = g.execution_id
     ORDER BY g.received_at, g.event_id`,
    { a: account, at: since.received_at.replace('T', ' ').replace('Z', ''), id: since.event_id, n: limit },
  );
  const last = rows.at(-1);
  const known = rows.filter((r) => r.contact_id);
  return {
    conversions: known.map((r) => ({ workflow_id: r.workflow_id, execution_id: r.execution_id, contact_id: r.contact_id!, goal_id: r.goal_id, occurred_at: isoUtc(r.ts)!, value: r.goal_value, currency: null })),
    unknown: rows.filter((r) => !r.contact_id).map((r) => r.execution_id),
    next: last ? { received_at: isoUtc(last.received_at)!, event_id: last.event_id } : null,
  };
}
