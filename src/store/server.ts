/**
 * Server adapter: a ClickHouse server or cluster over HTTP with @clickhouse/client.
 * Same SQL and the same settings as the embedded adapter.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import {
  INSERT_SETTINGS,
  QUERY_SETTINGS,
  querySettings,
  StoreError,
  type Params,
  type QueryOptions,
  type Row,
  type Store,
} from './store.js';
import { toEngineParams } from './params.js';

function wrapError(err: unknown): StoreError {
  const e = err as { message?: string; code?: string };
  const code = e.code !== undefined && /^\d+$/.test(e.code) ? Number(e.code) : undefined;
  return new StoreError(e.message ?? String(err), code, { cause: err });
}

export function openServerStore(url: string): Store {
  const client: ClickHouseClient = createClient({
    url,
    clickhouse_settings: { ...QUERY_SETTINGS, async_insert: 1, wait_for_async_insert: 1 },
    request_timeout: 300_000,
  });

  return {
    kind: 'server',

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

    async insert(table: string, rows: readonly Row[]): Promise<void> {
      if (rows.length === 0) return;
      try {
        await client.insert({ table, values: rows as Row[], format: 'JSONEachRow', clickhouse_settings: { ...INSERT_SETTINGS } });
      } catch (err) {
        throw wrapError(err);
      }
    },

    async command(sql: string, params: Params = {}): Promise<void> {
      try {
        await client.command({ query: sql, query_params: toEngineParams(params) });
      } catch (err) {
        throw wrapError(err);
      }
    },

    async close(): Promise<void> {
      await client.close();
    },
  };
}
