/**
 * The store interface: everything above this layer talks ClickHouse SQL through it,
 * never to a client library. Values always travel as query parameters ({name:Type}).
 */
export type Params = Record<string, unknown>;
export type Row = Record<string, unknown>;

export interface QueryOptions {
  /** Abort the query on the engine after this many seconds (max_execution_time). */
  maxExecutionSeconds?: number;
  /**
   * Read through the engine's block cache (use_uncompressed_cache): the decompressed blocks a read needs are
   * kept in memory for the next read of the same data, as the dashboard's panels read the same recent weeks
   * again and again. Default true; false for reads that would only churn it (the deduplication lookup's
   * scattered probes of the event ids).
   */
  blockCache?: boolean;
  /** Engine settings for this statement only (constants, never user input). */
  settings?: Readonly<Record<string, string | number>>;
  /**
   * A short read that must not queue behind writes: the embedded store runs it on a connection of its own, beside
   * whatever its main connection runs (the engine runs it alongside an insert of raw events, which can take a
   * second; the read-first lanes pass it through). A server runs statements in parallel anyway.
   */
  sideConnection?: boolean;
  /**
   * Background work that may wait for everything else (loading the event-id index at start): the embedded store runs
   * it only when no read or write is queued. A server runs statements in parallel anyway.
   */
  background?: boolean;
}

export interface CommandOptions {
  background?: boolean;
}

/** The engine settings a query's options give. */
export function querySettings(options: QueryOptions): Record<string, string | number> {
  return {
    use_uncompressed_cache: options.blockCache === false ? 0 : 1,
    ...(options.maxExecutionSeconds ? { max_execution_time: options.maxExecutionSeconds } : {}),
    ...options.settings,
  };
}

export interface Store {
  /** Which adapter serves this store ("embedded" or "server"). */
  readonly kind: 'embedded' | 'server';
  /** The server adapter on a cluster: the cluster's name (DDL runs ON CLUSTER, reads and writes go through Distributed tables). */
  readonly cluster?: string;
  /** Runs a SELECT and returns its rows (JSONEachRow; 64-bit integers as numbers). */
  query<T = Row>(sql: string, params?: Params, options?: QueryOptions): Promise<T[]>;
  /** Streams a SELECT's rows in chunks with bounded memory. */
  stream<T = Row>(sql: string, params?: Params): AsyncIterable<T[]>;
  /** Streams a SELECT's output as text in a ClickHouse output format (e.g. CSV), in chunks with bounded memory. */
  streamText(sql: string, params: Params, format: 'CSV' | 'TabSeparated'): AsyncIterable<string>;
  /**
   * Inserts rows (objects keyed by column name) into a table; resolves once stored. With `dedupToken`, the
   * insert is deduplicated by that token in the table and in every table its materialized views feed (those
   * with a deduplication window, migration 023): inserting the same rows with the same token again adds them
   * only where they are missing — how a backfill batch cut short by a crash is completed.
   */
  insert(table: string, rows: readonly Row[], options?: InsertOptions): Promise<void>;
  /**
   * Runs a statement without a result (DDL, ALTER, INSERT ... SELECT). `background`: housekeeping that may wait for
   * everything else (merging the facts' weeks): the embedded store runs it only when no read or write is queued.
   */
  command(sql: string, params?: Params, options?: CommandOptions): Promise<void>;
  /** Waits for work in flight and releases the engine. */
  close(): Promise<void>;
}

/**
 * The same store with every read and command marked `background` (QueryOptions.background): work done ahead of
 * requests (the day states prepared after a start) that must never make a request wait for more than the statement
 * already running.
 */
export function inBackground(store: Store): Store {
  return {
    kind: store.kind,
    ...(store.cluster ? { cluster: store.cluster } : {}),
    query: (sql, params, options) => store.query(sql, params, { ...options, background: true }),
    stream: (sql, params) => store.stream(sql, params),
    streamText: (sql, params, format) => store.streamText(sql, params, format),
    insert: (table, rows, options) => store.insert(table, rows, options),
    command: (sql, params, options) => store.command(sql, params, { ...options, background: true }),
    close: () => store.close(),
  };
}

/** Settings every query runs with, so both adapters answer the same way. */
export const QUERY_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_decimals: 0,
  date_time_output_format: 'simple',
  join_use_nulls: 1,
  mutations_sync: '2',
  // derived tables are written with INSERT … SELECT: imported history spans hundreds of partitions
  max_partitions_per_insert_block: '0',
  // No JIT compilation of expressions, aggregates and sorts. The engine compiles an expression the 4th time
  // it sees it, and that query took 40–95 ms longer (every panel's 4th request after a start: 1 in 20 of the
  // benchmark's requests, its p95); compiled or not, the panels' queries ran equally fast at 1M enrollments.
  compile_expressions: 0,
  compile_aggregate_expressions: 0,
  compile_sort_description: 0,
  // INSERT … SELECT (rebuilds, repairs) into tables with a deduplication window (migration 023) must never be
  // dropped as a repeat of an earlier block: only inserts with a token are deduplicated (insertSettings)
  insert_deduplicate: 0,
} as const;

export interface InsertOptions {
  dedupToken?: string;
}

/** The settings of an insert: deduplicated by its token only when it has one (migration 023). */
export function insertSettings(options?: InsertOptions): Record<string, string | number> {
  if (!options?.dedupToken) return { ...INSERT_SETTINGS };
  return { ...INSERT_SETTINGS, insert_deduplicate: 1, deduplicate_blocks_in_dependent_materialized_views: 1, insert_deduplication_token: options.dedupToken };
}

export const INSERT_SETTINGS = {
  // inserts are not deduplicated by content: tables with a deduplication window (migration 023) would drop a
  // block equal to an earlier one (a rebuild writing the same rows again); only inserts with a token are
  insert_deduplicate: 0,
  date_time_input_format: 'best_effort',
  input_format_skip_unknown_fields: 0,
  // imported history spans decades: one batch may touch hundreds of monthly partitions
  max_partitions_per_insert_block: '0',
} as const;

/** Raised for engine errors, with the ClickHouse error code when known. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** Raised when the embedded data directory is held by another process. */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The data directory ${dataDir} is in use by another Flowlens process. ` +
        'Stop that process, use another --data directory, or send events to the running server with --url and --key.',
    );
    this.name = 'DataDirLockedError';
  }
}
