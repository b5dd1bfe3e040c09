/**
 * Every statement every target runs is parsed by the real engine (embedded ClickHouse's formatQuery): the cluster
 * DDL cannot be executed on this machine (no ClickHouse server, no Keeper), but its syntax is the engine's own.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tempDir } from '../../test/helpers/store.js';
import { openStore } from './factory.js';
import { renderMigrations } from './migrate.js';
import { TARGET_KINDS, type SchemaTarget } from './schema-target.js';
import type { Store } from './store.js';

let store: Store;
before(() => {
  store = openStore({ dataDir: tempDir(), clickhouseUrl: undefined });
});
after(() => store.close());

const targets: SchemaTarget[] = TARGET_KINDS.map((kind) => (kind === 'cluster' ? { kind, cluster: 'flowlens' } : { kind }));

for (const target of targets) {
  test(`every ${target.kind} statement parses in the engine`, async () => {
    const statements = renderMigrations(target).flatMap((m) => m.statements);
    assert.ok(statements.length > 70);
    for (const sql of statements) {
      const [row] = await store.query<{ f: string }>('SELECT formatQuery({q:String}) AS f', { q: sql });
      assert.ok(row?.f, sql.slice(0, 120));
      // what the engine parsed keeps what the target needs (not a prefix it stopped at)
      if (target.kind === 'cluster' && /^(CREATE|ALTER|DROP|TRUNCATE|OPTIMIZE)/.test(sql)) assert.match(row.f, /ON CLUSTER flowlens/, sql.slice(0, 120));
      const engine = /ENGINE = (\w+)/.exec(sql)?.[1];
      if (engine) assert.match(row.f, new RegExp(`ENGINE = ${engine}`), sql.slice(0, 120));
    }
  });
}

test('a statement the engine cannot parse is refused by formatQuery (the check above can fail)', async () => {
  await assert.rejects(store.query('SELECT formatQuery({q:String}) AS f', { q: 'CREATE TABLE x ON CLUSTER (a String) ENGINE = MergeTree' }), /Syntax error/);
});
