/**
 * `flowlens export`: the API's exports, to a file — from a data directory no server holds (or a
 * ClickHouse server), or from a running server over HTTP (--url URL --key KEY). Shows progress.
 */
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../config/config.js';
import { DATASETS, type Dataset } from '../exports/datasets.js';
import { checkSize, exportFileName, exportStream, FORMATS, periodLabel, type ExportSpec, type Format } from '../exports/exports.js';
import { TEMPLATES, type Template } from '../exports/pdf-report.js';
import { DerivedTables } from '../derived/derived-tables.js';
import { RepairJournal } from '../ingest/repair-journal.js';
import { parsePeriod, type PeriodQuery } from '../metrics/period.js';
import { AccountSettingsStore } from '../privacy/account-settings.js';
import { openStore } from '../store/factory.js';
import { engineTimezones } from '../store/engine-timezones.js';
import { migrate } from '../store/migrate.js';
import { useEngineTimezones } from '../time/timezones.js';
import { progressBar } from './progress.js';
import { MetricsQueryService } from '../metrics/query-service.js';

export interface ExportFlags {
  workflow?: string;
  format?: string;
  dataset?: string;
  template?: string;
  'start-date'?: string;
  'end-date'?: string;
  range?: string;
  timezone?: string;
  out?: string;
  data?: string;
  'clickhouse-url'?: string;
  url?: string;
  key?: string;
  account?: string;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

export async function exportCommand(flags: ExportFlags): Promise<{ file: string; bytes: number; seconds: number }> {
  if (!flags.workflow) throw new Error('--workflow ID is required');
  const format = oneOf<Format>('format', flags.format, FORMATS, 'csv');
  const dataset = oneOf<Dataset>('dataset', flags.dataset, DATASETS, 'executions');
  const template = oneOf<Template>('template', flags.template, TEMPLATES, 'executive');
  const query: PeriodQuery = {
    ...(flags['start-date'] ? { start_date: flags['start-date'] } : {}),
    ...(flags['end-date'] ? { end_date: flags['end-date'] } : {}),
    ...(flags.range ? { range: flags.range } : {}),
    ...(flags.timezone ? { timezone: flags.timezone } : {}),
  };
  if (!query.start_date && !query.range) query.range = 'last_30_days';
  const file = flags.out ?? exportFileName(flags.workflow, format, dataset, query.start_date && query.end_date ? periodLabel({ startDate: query.start_date, endDate: query.end_date }) : (query.range ?? new Date().toISOString().slice(0, 10)));
  const started = performance.now();
  let bytes = 0;
  const counter = (total: number, unit: string) => {
    const bar = progressBar(`export ${flags.workflow}`, total, unit);
    let lines = 0;
    return {
      bar,
      transform: new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          if (format === 'csv') for (const b of chunk) if (b === 10) lines++;
          bar.update(format === 'csv' ? Math.max(0, lines - 1) : bytes);
          cb(null, chunk);
        },
      }),
    };
  };

  if (flags.url) {
    if (!flags.key) throw new Error('--url needs --key (an API key that may read the workflow)');
    const params = new URLSearchParams({ ...(query as Record<string, string>), format, dataset, template });
    const res = await fetch(`${flags.url.replace(/\/$/, '')}/api/v1/workflows/${encodeURIComponent(flags.workflow)}/analytics/export?${params}`, {
      headers: { authorization: `Bearer ${flags.key}` },
    });
    if (!res.ok || !res.body) throw new Error(`the server answered ${res.status}: ${await res.text()}`);
    const { bar, transform } = counter(0, format === 'csv' ? 'rows' : 'bytes');
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), transform, fs.createWriteStream(file));
    bar.stop();
  } else {
    const config = loadConfig({ ...(flags.data ? { data: flags.data } : {}), ...(flags['clickhouse-url'] ? { 'clickhouse-url': flags['clickhouse-url'] } : {}) });
    const store = openStore(config);
    try {
      await migrate(store);
      useEngineTimezones(await engineTimezones(store));
      const derived = new DerivedTables(store, (m) => process.stderr.write(`${m}\n`), RepairJournal.of(config.dataDir));
      await derived.catchUp(); // what the last run of the server or a seed left unwritten
      await derived.idle();
      const spec: ExportSpec = {
        scope: { account: flags.account ?? 'default', workflow: flags.workflow },
        period: parsePeriod(query),
        format,
        dataset,
        template,
        compare: format !== 'csv',
      };
      const rows = await checkSize(store, spec);
      const { bar, transform } = counter(rows ?? 0, format === 'csv' ? 'rows' : 'bytes');
      await pipeline(await exportStream(new MetricsQueryService(store, derived), new AccountSettingsStore(store), spec), transform, fs.createWriteStream(file));
      bar.stop();
    } finally {
      await store.close();
    }
  }
  return { file, bytes, seconds: (performance.now() - started) / 1000 };
}
