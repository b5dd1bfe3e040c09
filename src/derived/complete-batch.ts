/**
 * Completing a batch a crash cut short, from its rows (kept in the write-ahead log). The batch was inserted with its
 * journal entry's id as deduplication token; the same rows with the same token are inserted again, and each table
 * the insert reaches (events and every table its materialized views feed, migration 023) adds them only where the
 * crash kept them from it — the repair costs a batch, not a rebuild of the workflows it touched.
 *
 * ClickHouse records a block's token in a table's deduplication log just before it makes the block's part visible,
 * so a kill between the two would leave the token without the rows. For the raw table this is checked: after the
 * repair the batch's ids must all be in `events`. If some are not, they are inserted without a token and the
 * caller rebuilds the workflows concerned from the raw events (the derived tables may then count them twice, and
 * the rebuild recomputes them).
 */
import type { EventRow } from '../ingest/validate.js';
import { stringList, stringListValue } from '../store/params.js';
import type { Store } from '../store/store.js';

/** 'complete': every table holds the batch once. 'rebuild': the raw rows are complete, the derived tables must be rebuilt. */
export type BatchRepair = 'complete' | 'rebuild';

export async function completeBatch(store: Store, token: string, rows: readonly EventRow[], received: [string, string]): Promise<BatchRepair> {
  await store.insert('events', rows, { dedupToken: token });
  const missing = await rowsNotStored(store, rows, received);
  if (missing.length === 0) return 'complete';
  await store.insert('events', missing);
  return 'rebuild';
}

/** The batch's rows with an id that `events` does not hold among the rows received in the batch's range. */
async function rowsNotStored(store: Store, rows: readonly EventRow[], received: [string, string]): Promise<EventRow[]> {
  const byAccount = new Map<string, EventRow[]>();
  for (const r of rows) {
    if (!r.event_id) continue;
    const account = String(r.account_id ?? '');
    const list = byAccount.get(account) ?? [];
    list.push(r);
    byAccount.set(account, list);
  }
  const missing: EventRow[] = [];
  for (const [account, list] of byAccount) {
    const stored = await store.query<{ id: string }>(
      `SELECT DISTINCT event_id AS id FROM events
       WHERE account_id = {account:String} AND received_at BETWEEN {from:DateTime64(3, 'UTC')} AND {to:DateTime64(3, 'UTC')}
         AND event_id IN ${stringList('ids')}`,
      { account, from: received[0], to: received[1], ids: stringListValue(list.map((r) => String(r.event_id))) },
    );
    const found = new Set(stored.map((s) => s.id));
    for (const r of list) if (!found.has(String(r.event_id))) missing.push(r);
  }
  return missing;
}
