/**
 * Embedded adapter: ClickHouse in-process through chdb, on one data directory.
 * chdb keeps one engine per process; all queries share it. Inserts go through chdb's raw
 * passthrough as TabSeparated bytes parsed by the engine, so no huge SQL strings are built.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Session as EngineSession, StreamChunk } from 'chdb';
import { engineModule } from './engine-module.js';
import { settingsClause } from './settings-clause.js';
import {
  DataDirLockedError,
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
import { columnsOf, toTsv } from './tsv.js';

/** The engine's settings for every statement, and the size of its block cache (the uncompressed cache). */
const connectionArgs = (blockCacheMb: number) => [
  ...Object.entries(QUERY_SETTINGS).map(([k, v]) => `--${k}=${v}`),
  `--uncompressed_cache_size=${blockCacheMb * 1024 * 1024}`,
];

function wrapError(err: unknown): StoreError {
  const e = err as { message?: string; clickhouseCode?: number };
  return new StoreError(e.message ?? String(err), e.clickhouseCode, { cause: err });
}

/** Whether the process recorded in the data directory's pid file is alive (it holds the engine's lock). */
function holderAlive(pidFile: string): boolean {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    if (!Number.isInteger(pid) || pid === process.pid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `blockCacheMb`: memory for decompressed blocks that reads keep for the next reads of the same data (0: none);
 * `memoryHoldS`: how long the engine keeps memory its queries freed before giving it back (engine-module.ts).
 */
export function openEmbeddedStore(dataDir: string, blockCacheMb: number, memoryHoldS: number): Store {
  const { Session } = engineModule(memoryHoldS);
  const sessionArgs = connectionArgs(blockCacheMb);
  fs.mkdirSync(dataDir, { recursive: true });
  const pidFile = path.join(dataDir, 'flowlens.pid');
  let session: EngineSession;
  try {
    session = new Session(dataDir, { connectionArgs: sessionArgs });
  } catch (err) {
    const e = err as Error & { cause?: { message?: string } };
    if (/Cannot lock file|already running/i.test(`${e.message} ${e.cause?.message ?? ''}`) || holderAlive(pidFile)) {
      throw new DataDirLockedError(dataDir);
    }
    throw wrapError(err);
  }
  fs.writeFileSync(pidFile, String(process.pid));
  const inFlight = new Set<Promise<unknown>>();
  /** The side connection (QueryOptions.sideConnection), opened at its first use: it runs beside an insert on the main one. */
  let side: EngineSession | undefined;
  const sideSession = () => (side ??= new Session(dataDir, { connectionArgs: sessionArgs }));
  let closed = false;

  function track<T>(p: Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new StoreError('store is closed', undefined));
    inFlight.add(p);
    const done = () => inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  /**
   * A streaming query's chunks. A stream gets a connection of its own (same data directory): it holds
   * its connection until the consumer has read everything, and other statements must neither wait for
   * it nor break it.
   */
  async function* chunks(sql: string, params: Params, format: string): AsyncIterable<StreamChunk> {
    const own = new Session(dataDir, { connectionArgs: sessionArgs });
    const stream = own.queryStreamBind(sql, toEngineParams(params), { format });
    let finished = false;
    try {
      for await (const chunk of stream) yield chunk;
      finished = true;
    } catch (err) {
      throw wrapError(err);
    } finally {
      // a consumer that stops early (or a failure) releases the engine; a finished stream has nothing to cancel
      if (!finished) {
        try {
          stream.cancel();
        } catch {
          /* already ended */
        }
      }
      own.close();
    }
  }

  /**
   * chdb keeps the rows a statement sent before it failed midway (a timeout, a result or memory limit after its
   * first blocks) and hands them to the session's next query, ahead of its own: after a 1 s timeout, the next
   * `SELECT 1` came back with four rows. A throwaway statement right after a failure takes them, so no answer
   * carries another's rows (the store test checks it). Runs before the failed query's promise settles, so no
   * other statement can come between (the read-first lanes start the next one only then).
   */
  async function discardPartialOutput(on: EngineSession): Promise<void> {
    try {
      await on.queryAsync('SELECT 1', { format: 'JSONEachRow' });
    } catch {
      /* the session is gone: the next statement will say so */
    }
  }

  return {
    kind: 'embedded',

    async query<T>(sql: string, params: Params = {}, options: QueryOptions = {}): Promise<T[]> {
      // on a line of its own: a statement may end in a comment
      const text = `${sql}\n${settingsClause(querySettings(options))}`;
      const on = options.sideConnection ? sideSession() : session;
      try {
        const result = await track(on.queryBindAsync(text, toEngineParams(params), { format: 'JSONEachRow' }));
        const body = result.text();
        if (body.length === 0) return [];
        return body
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => JSON.parse(line) as T);
      } catch (err) {
        await discardPartialOutput(on);
        throw wrapError(err);
      }
    },

    async *stream<T>(sql: string, params: Params = {}): AsyncIterable<T[]> {
      for await (const chunk of chunks(sql, params, 'JSONEachRow')) yield chunk.rows<T>();
    },

    async *streamText(sql: string, params: Params, format: 'CSV' | 'TabSeparated'): AsyncIterable<string> {
      for await (const chunk of chunks(sql, params, format)) yield chunk.text();
    },

    async insert(table: string, rows: readonly Row[], options?: InsertOptions): Promise<void> {
      if (rows.length === 0) return;
      const columns = columnsOf(rows);
      try {
        await track(
          session.insert({ table, columns, values: Buffer.from(toTsv(rows, columns)), format: 'TabSeparated', settings: insertSettings(options) }),
        );
      } catch (err) {
        throw wrapError(err);
      }
    },

    async command(sql: string, params: Params = {}): Promise<void> {
      try {
        if (Object.keys(params).length === 0) await track(session.queryAsync(sql));
        else await track(session.queryBindAsync(sql, toEngineParams(params)));
      } catch (err) {
        throw wrapError(err);
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inFlight]);
      session.close();
      side?.close();
      fs.rmSync(pidFile, { force: true });
    },
  };
}
