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
import { ruleOf, type AlertRuleInput } from '../alerts/rules.js';
import { AlertStore } from '../alerts/store.js';
import { workflowExists } from '../catalog/catalog.js';

/** Where seed puts its demo experiments (running since `startedAt`) and alert rules, each kept once per name. */
export interface DemoTarget {
  experiment(input: ExperimentInput, startedAt: Date): Promise<void>;
  alertRule(input: AlertRuleInput): Promise<void>;
}

/** Experiments and rules written to a store directly (the data directory, or the runtime's store). */
export function storeDemoTarget(store: Store, accountId: string): DemoTarget {
  const records = new ExperimentStore(store);
  const alerts = new AlertStore(store);
  return {
    async alertRule(input) {
      if ((await alerts.rules(accountId)).some((r) => r.name === input.name)) return;
      const now = new Date().toISOString();
      await alerts.saveRule(accountId, await ruleOf(input, { webhookAllowPrivate: false, workflowExists: (id) => workflowExists(store, accountId, id) }, { created_by: 'seed' }, now));
    },
    async experiment(input, startedAt) {
      if ((await records.list(accountId, { workflow: input.workflow_id })).some((e) => e.name === input.name)) return;
      const def = await definitionOf(input, { webhookAllowPrivate: false }, async () => null);
      await records.save(accountId, { ...newExperiment(def, 'seed', new Date().toISOString()), status: 'running', started_at: startedAt.toISOString() });
    },
  };
}

/** Experiments and rules created through a running server's API (rules need an admin key). */
export function httpDemoTarget(baseUrl: string, key: string): DemoTarget {
  const url = baseUrl.replace(/\/$/, '');
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  return {
    async alertRule(input) {
      const listed = (await call('GET', '/api/v1/alerts/rules')) as { rules: Array<{ name: string }> };
      if (listed.rules.some((r) => r.name === input.name)) return;
      await call('POST', '/api/v1/alerts/rules', input);
    },
    async experiment(input, startedAt) {
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

export async function openTarget(flags: TargetFlags): Promise<{ sink: EventSink; demo: DemoTarget; describe: string }> {
  if (flags.url) {
    if (!flags.key) throw new Error('--url needs --key (an API key that may ingest)');
    return { sink: httpSink(flags.url, flags.key), demo: httpDemoTarget(flags.url, flags.key), describe: flags.url };
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
    demo: storeDemoTarget(store, accountId),
    sink: {
      ...inner,
      async close() {
        await inner.close();
        await store.close();
      },
    },
  };
}
