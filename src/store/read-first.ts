/**
 * Reads before writes. The embedded engine runs one statement at a time, in the order they arrive, so
 * under heavy ingestion a dashboard's query would wait behind every queued insert and derived-table
 * write. This wrapper hands the engine one statement at a time itself, in three lanes: reads (queries)
 * first, then derived-table writes (any other insert or command), then raw event inserts. A read waits
 * for at most the statement already running, and the derived tables a read may wait for
 * (DerivedTables.settled) keep up with ingestion, which is the one to slow down (its senders simply get
 * their answer later). Streams are passed through (they hold the engine while the caller reads them), and so are
 * reads on the side connection (QueryOptions.sideConnection: the deduplication lookup).
 * For a ClickHouse server, which runs statements in parallel, the wrapper is not used.
 */
import type { Store } from './store.js';

type Task = () => void;

export function readFirstStore(store: Store): Store {
  const reads: Task[] = [];
  const writes: Task[] = [];
  const ingest: Task[] = [];
  let running = false;

  function next(): void {
    if (running) return;
    const task = reads.shift() ?? writes.shift() ?? ingest.shift();
    if (!task) return;
    running = true;
    task();
  }

  function schedule<T>(lane: Task[], fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      lane.push(() => {
        fn()
          .then(resolve, reject)
          .finally(() => {
            running = false;
            next();
          });
      });
      next();
    });
  }

  return {
    kind: store.kind,
    ...(store.cluster ? { cluster: store.cluster } : {}),
    query: (sql, params, options) => (options?.sideConnection ? store.query(sql, params, options) : schedule(reads, () => store.query(sql, params, options))),
    stream: (sql, params) => store.stream(sql, params),
    streamText: (sql, params, format) => store.streamText(sql, params, format),
    insert: (table, rows, options) => schedule(table === 'events' ? ingest : writes, () => store.insert(table, rows, options)),
    command: (sql, params) => schedule(writes, () => store.command(sql, params)),
    close: () => store.close(),
  };
}
