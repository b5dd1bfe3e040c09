/**
 * The engine's own limits on every read (SELECT through `query`), so that one oversized or slow question fails
 * alone instead of taking the process's memory or an engine thread for good: at most `seconds` of execution
 * (max_execution_time), `memoryMb` of memory (max_memory_usage), and a result of at most `resultRows` rows and
 * `resultMb` megabytes (max_result_rows, max_result_bytes, result_overflow_mode = throw; subqueries and IN sets
 * are not counted; the engine checks them after each block of the result, so a result may pass them by one
 * block, at most 65,536 rows) — the ceiling on what one read can make the process hold in JavaScript. A query that sets one
 * of these itself keeps its own. Writes (`insert`, `command`: INSERT … SELECT of the derived tables) and
 * streamed exports are not limited: they are sized by the data, not by a request. 0 turns a limit off.
 */
import type { QueryOptions, Store } from './store.js';

export interface ReadLimits {
  seconds: number;
  memoryMb: number;
  resultRows: number;
  resultMb: number;
}

export function limitedOptions(limits: ReadLimits, options: QueryOptions = {}): QueryOptions {
  return {
    ...options,
    ...(options.maxExecutionSeconds === undefined && limits.seconds > 0 ? { maxExecutionSeconds: limits.seconds } : {}),
    settings: {
      ...(limits.memoryMb > 0 ? { max_memory_usage: limits.memoryMb * 1024 * 1024 } : {}),
      ...(limits.resultRows > 0 ? { max_result_rows: limits.resultRows, result_overflow_mode: 'throw' } : {}),
      ...(limits.resultMb > 0 ? { max_result_bytes: limits.resultMb * 1024 * 1024, result_overflow_mode: 'throw' } : {}),
      ...options.settings,
    },
  };
}

export function limitedStore(store: Store, limits: ReadLimits): Store {
  return {
    kind: store.kind,
    ...(store.cluster ? { cluster: store.cluster } : {}),
    query: (sql, params, options) => store.query(sql, params, limitedOptions(limits, options)),
    stream: (sql, params) => store.stream(sql, params),
    streamText: (sql, params, format) => store.streamText(sql, params, format),
    insert: (table, rows, options) => store.insert(table, rows, options),
    command: (sql, params, options) => store.command(sql, params, options),
    close: () => store.close(),
  };
}
