/**
 * Server adapter: a ClickHouse server or cluster over HTTP with @clickhouse/client.
 * Same SQL and the same settings as the embedded adapter.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import {
  insertSettings,
  type InsertOptions,
  QUERY_SETTINGS,
  querySettings,
  StoreError,
  type Params,
  type QueryOptions,
  type Row,
  type Store,
} from './store.js';
import { toEngineParams } from './params.js';
import { renderStatement } from './schema-target.js';

/**
 * On a cluster: an insert is acknowledged once every shard has its rows (synchronous Distributed inserts, no
 * server-side async queue: the ingest buffer batches already), and an IN/JOIN subquery over a Distributed table
 * inside a distributed query reads the local table of each shard, which is exact because the tables it joins are
 * sharded by the same execution key (docs/cluster.md).
 */
export const CLUSTER_SETTINGS = { async_insert: 0, insert_distributed_sync: 1, distributed_product_mode: 'local' } as const;

function wrapError(err: unknown): StoreError {
  const e = err as { message?: string; code?: string };
  const code = e.code !== undefined && /^\d+$/.test(e.code) ? Number(e.code) : undefined;
  return new StoreError(e.message ?? String(err), code, { cause: err });
}

/** `cluster`: the cluster's name (remote_servers) when the server is one node of a cluster. */
export function openServerStore(url: string, cluster?: string): Store {
  const client: ClickHouseClient = createClient({
    url,
    clickhouse_settings: { ...QUERY_SETTINGS, async_insert: 1, wait_for_async_insert: 1, ...(cluster ? CLUSTER_SETTINGS : {}) },
    request_timeout: 300_000,
  });
  const target = cluster ? { kind: 'cluster' as const, cluster } : { kind: 'server' as const };

  return {
    kind: 'server',
    ...(cluster ? { cluster } : {}),

    async query<T>(sql: string, params: Params = {}, options: QueryOptions = {}): Promise<T[]> {
      try {
        const rs = await client.query({
          query: sql,
          query_params: toEngineParams(params),
          format: 'JSONEachRow',
          clickhouse_settings: querySettings(options),
        });
        return await rs.json<T>();
      } catch (err) {
        throw wrapError(err);
      }
    },

    async *stream<T>(sql: string, params: Params = {}): AsyncIterable<T[]> {
      let rs;
      try {
        rs = await client.query({ query: sql, query_params: toEngineParams(params), format: 'JSONEachRow' });
      } catch (err) {
        throw wrapError(err);
      }
      for await (const rows of rs.stream<T>()) yield rows.map((r) => r.json<T>());
    },

    async *streamText(sql: string, params: Params, format: 'CSV' | 'TabSeparated'): AsyncIterable<string> {
      let rs;
      try {
        rs = await client.query({ query: sql, query_params: toEngineParams(params), format });
      } catch (err) {
        throw wrapError(err);
      }
      for await (const rows of rs.stream()) yield rows.map((r) => `${r.text}\r\n`).join('');
    },

    async insert(table: string, rows: readonly Row[], options?: InsertOptions): Promise<void> {
      if (rows.length === 0) return;
      try {
        await client.insert({ table, values: rows as Row[], format: 'JSONEachRow', clickhouse_settings: insertSettings(options) });
      } catch (err) {
        throw wrapError(err);
      }
    },

    /** On a cluster, DDL and maintenance statements (ALTER … DELETE, TRUNCATE, OPTIMIZE) run ON CLUSTER on the local tables (schema-target.ts). */
    async command(sql: string, params: Params = {}): Promise<void> {
      try {
        for (const statement of renderStatement(target, sql)) await client.command({ query: statement, query_params: toEngineParams(params) });
      } catch (err) {
        throw wrapError(err);
      }
    },

    async close(): Promise<void> {
      await client.close();
    },
  };
}
