/**
 * Reads before writes. The embedded engine runs one statement at a time, in the order they arrive, so
 * under heavy ingestion a dashboard's query would wait behind every queued insert and derived-table
 * write. This wrapper hands the engine one statement at a time itself, in three lanes: reads (queries)
 * first, then derived-table writes (any other insert or command), then raw event inserts; a write that has waited
 * a second goes before the reads queued after it, so a steady stream of reads cannot hold writes forever. A read waits
 * for at most the statement already running, and the derived tables a read may wait for
 * (DerivedTables.settled) keep up with ingestion, which is the one to slow down (its senders simply get
 * their answer later). Streams are passed through (they hold the engine while the caller reads them), and so are
 * reads on the side connection (QueryOptions.sideConnection: the deduplication lookup).
 * For a ClickHouse server, which runs statements in parallel, the wrapper is not used.
 */
import type { Store } from './store.js';

interface Task {
  run: () => void;
  /** When it was queued (performance.now()). */
  at: number;
}

/**
 * A write that has waited this long goes before the reads queued after it: reads come first, but a steady stream
 * of them (senders retrying every refused request at once, each asking for its key) must not hold writes forever.
 */
const MAX_WRITE_WAIT_MS = 1000;

export function readFirstStore(store: Store): Store {
  const reads: Task[] = [];
  const writes: Task[] = [];
  const ingest: Task[] = [];
  const background: Task[] = [];
  let running = false;

  function take(): Task | undefined {
    const now = performance.now();
    const starved = [writes, ingest].filter((l) => l.length > 0 && now - l[0]!.at > MAX_WRITE_WAIT_MS).sort((a, b) => a[0]!.at - b[0]!.at)[0];
    return starved?.shift() ?? reads.shift() ?? writes.shift() ?? ingest.shift() ?? background.shift();
  }

  function next(): void {
    if (running) return;
    const task = take();
    if (!task) return;
    running = true;
    task.run();
  }

  function schedule<T>(lane: Task[], fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        fn()
          .then(resolve, reject)
          .finally(() => {
            running = false;
            next();
          });
      };
      lane.push({ at: performance.now(), run });
      next();
    });
  }

  return {
    kind: store.kind,
    ...(store.cluster ? { cluster: store.cluster } : {}),
    query: (sql, params, options) =>
      options?.sideConnection ? store.query(sql, params, options) : schedule(options?.background ? background : reads, () => store.query(sql, params, options)),
    stream: (sql, params) => store.stream(sql, params),
    streamText: (sql, params, format) => store.streamText(sql, params, format),
    insert: (table, rows, options) => schedule(table === 'events' ? ingest : writes, () => store.insert(table, rows, options)),
    command: (sql, params, options) => schedule(options?.background ? background : writes, () => store.command(sql, params, options)),
    close: () => store.close(),
  };
}
