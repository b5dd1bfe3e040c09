#!/usr/bin/env node
/** The flowlens command line: serve, seed, import. */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.js';
import { importFile, type ImportFormat } from '../ingest/importers/import-file.js';
import { exportCommand } from './export.js';
import { DataDirLockedError } from '../store/store.js';
import { progressBar } from './progress.js';
import { migrateCommand, schemaTarget, schemaText } from './schema.js';
import { moveCommand } from './move.js';
import { seed } from './seed.js';
import { serve } from './serve.js';
import { openTarget } from './target.js';

const USAGE = `Usage: flowlens <command> [flags]

Commands:
  serve   [--port 8080] [--host 127.0.0.1] [--data ./data] [--clickhouse-url URL] [--redis-url URL] [--demo]
  seed    [--workflows 6] [--enrollments 10000] [--days 30] [--seed 1] [--data DIR | --url URL --key KEY] [--account ID]
  import  FILE [--format ndjson|csv|xes] [--workflow-id ID] [--retain] [--data DIR | --url URL --key KEY] [--account ID]
  export  --workflow ID [--format csv|json|pdf] [--dataset executions|trends|funnel|actions] [--template executive|detailed]
          [--start-date YYYY-MM-DD --end-date YYYY-MM-DD | --range last_30_days] [--timezone TZ] [--out FILE]
          [--data DIR | --url URL --key KEY] [--account ID]
  schema  [--target embedded|server|cluster] [--cluster NAME]   prints the DDL the target runs (docs/cluster.md)
  migrate [--data DIR | --clickhouse-url URL [--clickhouse-cluster NAME]]   applies pending migrations, with progress
  dump    --out DIR [--data DIR]   the raw events and small tables of a data directory as Native files (docs/cluster.md)
  load    DIR [--data DIR]         those files into a new data directory; derived tables are rebuilt at the next start

Environment: FLOWLENS_PORT, FLOWLENS_HOST, FLOWLENS_DATA_DIR, FLOWLENS_CLICKHOUSE_URL, FLOWLENS_REDIS_URL,
FLOWLENS_ADMIN_KEY, FLOWLENS_RATE_LIMIT_PER_MINUTE (see README).`;

const target = {
  data: { type: 'string' },
  'clickhouse-url': { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  account: { type: 'string' },
} as const;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--${name} must be a whole number, got "${raw}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({
        args: rest,
        options: {
          port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' },
          'clickhouse-url': { type: 'string' }, 'redis-url': { type: 'string' }, demo: { type: 'boolean' },
        },
      });
      await serve(values);
      return;
    }
    case 'seed': {
      const { values } = parseArgs({
        args: rest,
        options: { ...target, workflows: { type: 'string' }, enrollments: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' } },
      });
      const { sink, demo, describe } = await openTarget(values);
      try {
        const s = await seed(sink, {
          workflows: positiveInt('workflows', values.workflows, 6),
          enrollments: positiveInt('enrollments', values.enrollments, 10_000),
          days: positiveInt('days', values.days, 30),
          seed: positiveInt('seed', values.seed, 1),
          now: new Date(),
        }, true, demo);
        process.stderr.write(
          `Seeded ${s.enrollments.toLocaleString('en-US')} enrollments (${s.events.toLocaleString('en-US')} events, ${s.accepted.toLocaleString('en-US')} new) ` +
            `across ${s.workflows} workflows, with ${s.experiments} running experiments and ${s.alertRules} alert rules, into ${describe} in ${s.seconds.toFixed(1)} s (${Math.round(s.events / s.seconds).toLocaleString('en-US')} events/s)\n`,
        );
      } finally {
        await sink.close();
      }
      return;
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { ...target, format: { type: 'string' }, 'workflow-id': { type: 'string' }, retain: { type: 'boolean' } },
      });
      const file = positionals[0];
      if (!file) throw new ConfigError('import needs a FILE');
      if (values.format && !['ndjson', 'csv', 'xes'].includes(values.format)) throw new ConfigError('--format must be ndjson, csv or xes');
      const { sink, describe } = await openTarget(values);
      const started = performance.now();
      try {
        const bar = progressBar('import', fs.statSync(file).size, 'bytes');
        const s = await importFile(file, sink, {
          ...(values.format ? { format: values.format as ImportFormat } : {}),
          ...(values['workflow-id'] ? { workflowId: values['workflow-id'] } : {}),
          onProgress: (p) => bar.update(p.bytesRead, { events: p.events, cases: p.cases }),
        });
        bar.stop();
        const secs = (performance.now() - started) / 1000;
        process.stderr.write(
          `Imported ${file} into ${describe}: ${s.cases.toLocaleString('en-US')} cases, ${s.events.toLocaleString('en-US')} events ` +
            `(${s.accepted.toLocaleString('en-US')} stored, ${s.duplicates.toLocaleString('en-US')} duplicates, ${s.rejected} rejected) in ${secs.toFixed(1)} s\n`,
        );
        if (s.firstErrors.length) process.stderr.write(`First rejected events: ${JSON.stringify(s.firstErrors, null, 1)}\n`);
      } finally {
        await sink.close();
      }
      return;
    }
    case 'export': {
      const { values } = parseArgs({
        args: rest,
        options: {
          ...target, workflow: { type: 'string' }, format: { type: 'string' }, dataset: { type: 'string' }, template: { type: 'string' },
          'start-date': { type: 'string' }, 'end-date': { type: 'string' }, range: { type: 'string' }, timezone: { type: 'string' }, out: { type: 'string' },
        },
      });
      const done = await exportCommand(values);
      process.stderr.write(`Exported ${done.file}: ${done.bytes.toLocaleString('en-US')} bytes in ${done.seconds.toFixed(1)} s\n`);
      return;
    }
    case 'schema': {
      const { values } = parseArgs({ args: rest, options: { target: { type: 'string' }, cluster: { type: 'string' } } });
      process.stdout.write(schemaText(schemaTarget(values)));
      return;
    }
    case 'migrate': {
      const { values } = parseArgs({
        args: rest,
        options: { data: { type: 'string' }, 'clickhouse-url': { type: 'string' }, 'clickhouse-cluster': { type: 'string' } },
      });
      const done = await migrateCommand(values);
      process.stderr.write(
        `Migrated ${done.describe}: ${done.applied.length ? done.applied.join(', ') : 'nothing pending'} (${done.seconds.toFixed(1)} s)\n`,
      );
      return;
    }
    case 'dump':
    case 'load': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { data: { type: 'string' }, out: { type: 'string' } } });
      const manifest = await moveCommand(command, values.data, command === 'dump' ? values.out : positionals[0]);
      process.stderr.write(`${command === 'dump' ? 'Dumped' : 'Loaded'} ${manifest.tables.length} tables\n`);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return;
    default:
      throw new ConfigError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`flowlens: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`flowlens: ${err.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`flowlens: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
