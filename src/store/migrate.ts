/**
 * Applies the numbered .sql migrations in src/store/migrations once each, in order, and records them.
 * The files are written for one node; schema-target.ts renders them for the store's target (embedded, server,
 * cluster). Every statement is idempotent (IF NOT EXISTS), and a migration is recorded only after all of its
 * statements ran, so a migration interrupted half-way (also on a cluster) is simply run again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderStatements, splitStatements, type SchemaTarget } from './schema-target.js';
import type { Store } from './store.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** The ledger of applied migrations, itself rendered for the target. */
export const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
ENGINE = ReplacingMergeTree ORDER BY version`;

/** The target a store's schema is rendered for. */
export function targetOf(store: Pick<Store, 'kind' | 'cluster'>): SchemaTarget {
  if (store.cluster) return { kind: 'cluster', cluster: store.cluster };
  return { kind: store.kind };
}

/** Every statement a target runs for these migrations, the ledger first: what `flowlens schema` prints. */
export function renderMigrations(target: SchemaTarget, migrations = loadMigrations()): Array<{ name: string; statements: string[] }> {
  return [
    { name: 'schema_migrations', statements: renderStatements(target, [LEDGER_DDL]) },
    ...migrations.map((m) => ({ name: m.name, statements: renderStatements(target, m.statements) })),
  ];
}

/** Called after each statement run: how many of the pending statements ran, of how many, in which migration. */
export type MigrateProgress = (done: number, total: number, migration: string) => void;

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.split('_')[0]),
      name: file.replace(/\.sql$/, ''),
      statements: splitStatements(fs.readFileSync(path.join(dir, file), 'utf8')),
    }));
}

/** Applies pending migrations; returns the names applied now. */
export async function migrate(store: Store, migrations = loadMigrations(), onProgress?: MigrateProgress): Promise<string[]> {
  const target = targetOf(store);
  for (const statement of renderStatements(target, [LEDGER_DDL])) await store.command(statement);
  const done = new Set(
    (await store.query<{ version: number }>('SELECT version FROM schema_migrations FINAL')).map((r) => r.version),
  );
  const pending = migrations.filter((m) => !done.has(m.version)).map((m) => ({ ...m, statements: renderStatements(target, m.statements) }));
  const total = pending.reduce((n, m) => n + m.statements.length, 0);
  let ran = 0;
  const applied: string[] = [];
  for (const m of pending) {
    for (const statement of m.statements) {
      await store.command(statement);
      onProgress?.(++ran, total, m.name);
    }
    await store.insert('schema_migrations', [
      { version: m.version, name: m.name, applied_at: new Date().toISOString() },
    ]);
    applied.push(m.name);
  }
  return applied;
}
