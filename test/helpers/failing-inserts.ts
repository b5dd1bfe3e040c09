/** A real store whose inserts into events go wrong on demand, and inserts that some views miss: the failed-insert and crash tests' engine errors. */
import type { EventRow } from '../../src/ingest/validate.js';
import type { Store } from '../../src/store/store.js';

/**
 * The store, but its first `failures` inserts fail (every one with Infinity): `midway` plays what each wrote
 * before it failed. `tokens` lists each attempt's deduplication token.
 */
export function failingInserts(
  store: Store,
  failures: number,
  midway: (rows: readonly EventRow[], token: string | undefined, attempt: number) => Promise<void> = async () => {},
) {
  const tokens: Array<string | undefined> = [];
  const failing: Store = Object.assign(Object.create(store) as Store, {
    insert: async (table: string, rows: readonly EventRow[], options?: { dedupToken?: string }) => {
      tokens.push(options?.dedupToken);
      if (tokens.length <= failures) {
        await midway(rows, options?.dedupToken, tokens.length);
        throw new Error('refused');
      }
      return store.insert(table, rows, options);
    },
  });
  return { failing, tokens };
}

/** An insert that the materialized views `views` miss (detached while it runs): what a crash or an engine error midway leaves. */
export async function insertMissedBy(store: Store, views: readonly string[], rows: readonly EventRow[], token?: string): Promise<void> {
  for (const v of views) await store.command(`DETACH TABLE ${v}`);
  try {
    await store.insert('events', rows, token ? { dedupToken: token } : undefined);
  } finally {
    for (const v of views) await store.command(`ATTACH TABLE ${v}`);
  }
}
