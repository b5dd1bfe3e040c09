/**
 * Applies the numbered .sql migrations in src/store/migrations once each, in order, and records them.
 * Every statement is idempotent (IF NOT EXISTS), so a migration interrupted half-way is simply re-run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from './store.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Splits a migration file into statements: semicolons at line ends separate them; -- comments are dropped. */
export function splitStatements(sqlText: string): string[] {
  const withoutComments = sqlText
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

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
export async function migrate(store: Store, migrations = loadMigrations()): Promise<string[]> {
  await store.command(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
     ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set(
    (await store.query<{ version: number }>('SELECT version FROM schema_migrations FINAL')).map((r) => r.version),
  );
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) await store.command(statement);
    await store.insert('schema_migrations', [
      { version: m.version, name: m.name, applied_at: new Date().toISOString() },
    ]);
    applied.push(m.name);
  }
  return applied;
}
