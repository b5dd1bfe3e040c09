/**
 * `flowlens schema` prints what each target runs; `flowlens migrate` applies it with progress and, run again,
 * finds nothing pending. Run as the command line runs (a child process; the embedded engine lives in it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/store.js';
import { LEDGER_DDL, loadMigrations, renderMigrations } from '../store/migrate.js';
import { splitStatements } from '../store/schema-target.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FLOWLENS_CLICKHOUSE_URL: '', FLOWLENS_CLICKHOUSE_CLUSTER: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('schema --target cluster prints every rendered statement, ready for clickhouse-client --multiquery', () => {
  const run = cli('schema', '--target', 'cluster', '--cluster', 'analytics');
  assert.equal(run.status, 0, run.stderr);
  const printed = splitStatements(run.stdout);
  const expected = renderMigrations({ kind: 'cluster', cluster: 'analytics' }).flatMap((m) => m.statements);
  assert.deepEqual(printed, expected);
  assert.match(run.stdout, /^-- 012_failure_events$/m);
  assert.match(run.stdout, /ENGINE = Distributed\('analytics', currentDatabase\(\), 'events_local', cityHash64\(workflow_id, execution_id\)\);/);
});

test('schema prints the migrations as written for embedded and server; wrong flags are refused with the reason', () => {
  const asWritten = [LEDGER_DDL, ...loadMigrations().flatMap((m) => m.statements)];
  for (const target of ['embedded', 'server']) {
    const run = cli('schema', '--target', target);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(splitStatements(run.stdout), asWritten);
  }
  const noName = cli('schema', '--target', 'cluster');
  assert.equal(noName.status, 2);
  assert.match(noName.stderr, /--target cluster needs --cluster NAME/);
  assert.match(cli('schema', '--target', 'cluster', '--cluster', "x'y").stderr, /letters, digits and underscores/);
  assert.match(cli('schema', '--target', 'nosql').stderr, /--target must be embedded, server, cluster/);
});

test('migrate applies every migration with progress, then finds nothing pending', () => {
  const data = tempDir();
  const first = cli('migrate', '--data', data);
  assert.equal(first.status, 0, first.stderr);
  const total = renderMigrations({ kind: 'embedded' }).slice(1).reduce((n, m) => n + m.statements.length, 0);
  assert.match(first.stderr, new RegExp(`migrate: 100% \\(${total}/${total} statements\\)`));
  assert.match(first.stderr, new RegExp(`Migrated ${data}: ${loadMigrations().map((m) => m.name).join(', ')} \\(`));
  const again = cli('migrate', '--data', data);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /nothing pending/);
});
