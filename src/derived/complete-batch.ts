/**
 * Completing a batch a crash cut short, from its rows (kept in the write-ahead log). ClickHouse writes `events`
 * before the tables its materialized views feed, so a batch none of whose rows reached `events` reached no table:
 * it is inserted now and the repair costs a batch, not a rebuild of the workflows it touched.
 *
 * Once some of its rows are in `events`, the views' tables may hold part of the batch, and the insert deduplication token
 * is not trusted to add the rows only where they are missing: one run in about twenty of the journal's kill -9 test
 * stored a batch twice that way (11,100 events) while the repair re-inserted with the token. The cause is not
 * established: the engine (chdb 3.4, ClickHouse 26.7) writes a token's record to its deduplication log before the part
 * is committed, so a kill -9 cannot leave a visible part without its token, and 30 kill -9 cycles of token inserts
 * into a table and its view, each re-inserted after the kill, stored every block once (2026-12-07). The rows `events`
 * lacks are then inserted (no token) and the caller rebuilds the workflows concerned from the raw events, as for any
 * other batch, which holds whatever the cause. A batch with rows that carry no event id cannot
 * be checked row by row: rebuilt too, as before.
 */
import type { EventRow } from '../ingest/validate.js';
import { stringList, stringListValue } from '../store/params.js';
import type { Store } from '../store/store.js';

/** 'complete': every table holds the batch once. 'rebuild': the raw rows are complete, the derived tables must be rebuilt. */
export type BatchRepair = 'complete' | 'rebuild';

export async function completeBatch(store: Store, rows: readonly EventRow[], received: [string, string]): Promise<BatchRepair> {
  if (rows.some((r) => !r.event_id)) return 'rebuild';
  const missing = await rowsNotStored(store, rows, received);
  if (missing.length > 0) await store.insert('events', missing);
  return missing.length === rows.length ? 'complete' : 'rebuild';
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
