/** Wraps a store so every call's duration is observed (for /metrics). Behaviour is unchanged. */
import type { Store } from './store.js';

export function timedStore(store: Store, observe: (kind: string, seconds: number) => void): Store {
  async function time<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      observe(kind, (performance.now() - t) / 1000);
    }
  }
  return {
    kind: store.kind,
    ...(store.cluster ? { cluster: store.cluster } : {}),
    query: (sql, params, options) => time('query', () => store.query(sql, params, options)),
    stream: (sql, params) => store.stream(sql, params),
    streamText: (sql, params, format) => store.streamText(sql, params, format),
    insert: (table, rows, options) => time('insert', () => store.insert(table, rows, options)),
    command: (sql, params, options) => time('command', () => store.command(sql, params, options)),
    close: () => store.close(),
  };
}
