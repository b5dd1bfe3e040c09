/**
 * `flowlens dump` and `flowlens load`: an embedded data directory's raw events and small tables as Native files, and
 * back into a new data directory (a server or cluster loads the files with clickhouse-client; docs/cluster.md).
 */
import { ConfigError, loadConfig } from '../config/config.js';
import { dumpTables, loadTables, type DumpManifest } from '../store/dump.js';
import { openStore } from '../store/factory.js';
import { migrate } from '../store/migrate.js';

export async function moveCommand(kind: 'dump' | 'load', dataDir: string | undefined, dir: string | undefined): Promise<DumpManifest> {
  if (!dir) throw new ConfigError(kind === 'dump' ? 'dump needs --out DIR' : 'load needs a DIR (written by flowlens dump)');
  const config = loadConfig(dataDir ? { data: dataDir } : {});
  const store = openStore({ dataDir: config.dataDir, clickhouseUrl: undefined, engineCacheMb: config.engineCacheMb, engineMemoryHoldS: config.engineMemoryHoldS });
  const report = (table: string, rows: number) => process.stderr.write(`${kind} ${table}: ${rows.toLocaleString('en-US')} rows\n`);
  try {
    await migrate(store);
    return kind === 'dump' ? await dumpTables(store, dir, report) : await loadTables(store, dir, report);
  } finally {
    await store.close();
  }
}
