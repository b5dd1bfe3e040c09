/**
 * Where seed and import write: a data directory no server holds (opened here, migrated), or a
 * running server (--url URL --key KEY, over the ingestion API).
 */
import { KeyStore } from '../auth/keys.js';
import { loadConfig } from '../config/config.js';
import { RepairJournal } from '../ingest/repair-journal.js';
import { httpSink, storeSink, type EventSink } from '../ingest/sinks.js';
import { openStore } from '../store/factory.js';
import { migrate } from '../store/migrate.js';

export interface TargetFlags {
  data?: string;
  'clickhouse-url'?: string;
  url?: string;
  key?: string;
  account?: string;
  retain?: boolean;
}

export async function openTarget(flags: TargetFlags): Promise<{ sink: EventSink; describe: string }> {
  if (flags.url) {
    if (!flags.key) throw new Error('--url needs --key (an API key that may ingest)');
    return { sink: httpSink(flags.url, flags.key), describe: flags.url };
  }
  const config = loadConfig({ ...(flags.data ? { data: flags.data } : {}), ...(flags['clickhouse-url'] ? { 'clickhouse-url': flags['clickhouse-url'] } : {}) });
  const store = openStore(config);
  await migrate(store);
  const accountId = flags.account ?? 'default';
  const keys = new KeyStore(store);
  if (!(await keys.accountExists(accountId))) await keys.createAccount(accountId === 'default' ? 'Default' : accountId, accountId);
  const inner = storeSink(store, accountId, { retain: flags.retain ?? false, journal: RepairJournal.of(config.dataDir) });
  return {
    describe: config.clickhouseUrl ?? config.dataDir,
    sink: {
      ...inner,
      async close() {
        await inner.close();
        await store.close();
      },
    },
  };
}
