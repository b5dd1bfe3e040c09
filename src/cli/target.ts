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
import type { Store } from '../store/store.js';
import { definitionOf, newExperiment, type ExperimentInput } from '../experiments/model.js';
import { ExperimentStore } from '../experiments/store.js';

/** Where seed puts its demo experiments: running since `startedAt` (kept once per workflow and name). */
export interface ExperimentTarget {
  create(input: ExperimentInput, startedAt: Date): Promise<void>;
}

/** Experiments written to a store directly (the data directory, or the runtime's store). */
export function storeExperiments(store: Store, accountId: string): ExperimentTarget {
  const records = new ExperimentStore(store);
  return {
    async create(input, startedAt) {
      if ((await records.list(accountId, { workflow: input.workflow_id })).some((e) => e.name === input.name)) return;
      const def = await definitionOf(input, { webhookAllowPrivate: false }, async () => null);
      await records.save(accountId, { ...newExperiment(def, 'seed', new Date().toISOString()), status: 'running', started_at: startedAt.toISOString() });
    },
  };
}

/** Experiments created through a running server's API. */
export function httpExperiments(baseUrl: string, key: string): ExperimentTarget {
  const url = baseUrl.replace(/\/$/, '');
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  return {
    async create(input, startedAt) {
      const listed = (await call('GET', `/api/v1/experiments?workflow_id=${encodeURIComponent(input.workflow_id)}`)) as { experiments: Array<{ name: string }> };
      if (listed.experiments.some((e) => e.name === input.name)) return;
      const created = await call('POST', '/api/v1/experiments', input);
      await call('POST', `/api/v1/experiments/${String(created.experiment_id)}/start`, { started_at: startedAt.toISOString() });
    },
  };
}

export interface TargetFlags {
  data?: string;
  'clickhouse-url'?: string;
  url?: string;
  key?: string;
  account?: string;
  retain?: boolean;
}

export async function openTarget(flags: TargetFlags): Promise<{ sink: EventSink; experiments: ExperimentTarget; describe: string }> {
  if (flags.url) {
    if (!flags.key) throw new Error('--url needs --key (an API key that may ingest)');
    return { sink: httpSink(flags.url, flags.key), experiments: httpExperiments(flags.url, flags.key), describe: flags.url };
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
    experiments: storeExperiments(store, accountId),
    sink: {
      ...inner,
      async close() {
        await inner.close();
        await store.close();
      },
    },
  };
}
