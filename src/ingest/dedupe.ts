/**
 * Exact event_id deduplication. Within a batch the first occurrence wins; across batches and restarts
 * the event_ids table (128-bit hashes, filled by a materialized view from events) says what is stored.
 */
import type { Store } from '../store/store.js';
import { stringList, stringListValue } from '../store/params.js';
import type { EventRow } from './validate.js';

/**
 * The ids among `ids` already stored for the account, asked once more 100 ms later when the engine fails (a stringList: several times faster in the engine than
 * an Array(String) parameter at 100K ids). The inner IN on id_hash lets the primary key of event_ids skip
 * the granules none of them falls in.
 */
export async function storedEventIds(store: Store, accountId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  // the lookup only reads, so one retry (a moment later) is safe
  const rows = await lookupStoredIds(store, accountId, ids).catch(async () => {
    await new Promise((r) => setTimeout(r, 100));
    return lookupStoredIds(store, accountId, ids);
  });
  return new Set(rows.map((r) => r.id));
}

function lookupStoredIds(store: Store, accountId: string, ids: string[]): Promise<{ id: string }[]> {
  return store.query<{ id: string }>(
    `SELECT id FROM (SELECT id, reinterpretAsUInt128(sipHash128(id)) AS h FROM ${stringList('ids')})
     WHERE h IN (
       SELECT id_hash FROM event_ids
       WHERE account_id = {account:String}
         AND id_hash IN (SELECT reinterpretAsUInt128(sipHash128(id)) FROM ${stringList('ids')})
     )`,
    { account: accountId, ids: stringListValue(ids) },
    // scattered probes of a large table, rarely of the same blocks twice: kept in the block cache they would only
    // push out the blocks the dashboards read again. On the side connection: the insert of the batch before, which
    // can take a second, does not hold it up (a sender's answer waits for this lookup).
    { blockCache: false, sideConnection: true },
  );
}

/**
 * Splits rows into the ones to store and a per-row duplicate flag. `rows` are in arrival order. Only the ids
 * `mayBeStored` does not rule out are looked up in the store (StoredIdIndex.mayHold; none at all when it rules out
 * every one).
 */
export async function findDuplicates(
  store: Store,
  rows: readonly EventRow[],
  mayBeStored: (account: string, id: string) => boolean = () => true,
): Promise<boolean[]> {
  const byAccount = new Map<string, Set<string>>();
  for (const r of rows) {
    const id = r.event_id as string;
    if (!id) continue;
    const account = r.account_id as string;
    if (!mayBeStored(account, id)) continue;
    let set = byAccount.get(account);
    if (!set) byAccount.set(account, (set = new Set()));
    set.add(id);
  }
  const stored = new Map<string, Set<string>>();
  for (const [account, ids] of byAccount) stored.set(account, await storedEventIds(store, account, [...ids]));

  const seenNow = new Map<string, Set<string>>();
  return rows.map((r) => {
    const id = r.event_id as string;
    if (!id) return false;
    const account = r.account_id as string;
    if (stored.get(account)?.has(id)) return true;
    let seen = seenNow.get(account);
    if (!seen) seenNow.set(account, (seen = new Set()));
    if (seen.has(id)) return true;
    seen.add(id);
    return false;
  });
}
