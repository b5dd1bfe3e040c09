/**
 * `flowlens schema`: the DDL a target would run, to read before applying it (or to apply by hand with
 * clickhouse-client --multiquery). `flowlens migrate`: applies the pending migrations to the configured store, with
 * progress; on a cluster a migration cut short is simply run again (docs/cluster.md).
 */
import { ConfigError, loadConfig } from '../config/config.js';
import { openStore } from '../store/factory.js';
import { migrate, renderMigrations } from '../store/migrate.js';
import { CLUSTER_NAME, TARGET_KINDS, type SchemaTarget } from '../store/schema-target.js';
import { progressBar } from './progress.js';

export interface SchemaFlags {
  target?: string;
  cluster?: string;
}

export function schemaTarget(flags: SchemaFlags): SchemaTarget {
  const kind = flags.target ?? 'embedded';
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) throw new ConfigError(`--target must be ${TARGET_KINDS.join(', ')}, got "${kind}"`);
  if (kind !== 'cluster') {
    if (flags.cluster) throw new ConfigError('--cluster goes with --target cluster');
    return { kind: kind as 'embedded' | 'server' };
  }
  const cluster = flags.cluster;
  if (!cluster) throw new ConfigError('--target cluster needs --cluster NAME (the cluster in the servers\' remote_servers)');
  if (!CLUSTER_NAME.test(cluster)) throw new ConfigError(`--cluster must be letters, digits and underscores, got "${cluster}"`);
  return { kind: 'cluster', cluster };
}

/** The DDL text for a target: every migration's statements in order, each ending with a semicolon. */
export function schemaText(target: SchemaTarget): string {
  const where = target.kind === 'cluster' ? `cluster ${target.cluster} (run on any one node)` : target.kind === 'server' ? 'one ClickHouse server (or ClickHouse Cloud)' : 'embedded ClickHouse (chdb)';
  const lines = [
    `-- Flowlens schema for ${where}.`,
    '-- `flowlens migrate` applies these and records each migration in schema_migrations once all its statements ran;',
    '-- every statement is idempotent, so a run cut short can be run again.',
    '',
  ];
  for (const m of renderMigrations(target)) {
    lines.push(`-- ${m.name}`);
    for (const s of m.statements) lines.push(`${s};`, '');
  }
  return lines.join('\n');
}

export interface MigrateFlags {
  data?: string;
  'clickhouse-url'?: string;
  'clickhouse-cluster'?: string;
}

export async function migrateCommand(flags: MigrateFlags): Promise<{ applied: string[]; describe: string; seconds: number }> {
  const config = loadConfig({
    ...(flags.data ? { data: flags.data } : {}),
    ...(flags['clickhouse-url'] ? { 'clickhouse-url': flags['clickhouse-url'] } : {}),
    ...(flags['clickhouse-cluster'] ? { 'clickhouse-cluster': flags['clickhouse-cluster'] } : {}),
  });
  const store = openStore(config);
  const started = performance.now();
  const describe = config.clickhouseCluster ? `cluster ${config.clickhouseCluster} via ${config.clickhouseUrl}` : config.clickhouseUrl ?? config.dataDir;
  try {
    let bar: ReturnType<typeof progressBar> | undefined;
    const applied = await migrate(store, undefined, (done, total, migration) => {
      bar ??= progressBar('migrate', total, 'statements');
      bar.update(done, { migration });
    });
    bar?.stop();
    return { applied, describe, seconds: (performance.now() - started) / 1000 };
  } finally {
    await store.close();
  }
}
