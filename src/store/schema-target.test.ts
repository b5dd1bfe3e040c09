/**
 * The schema renderer (schema-target.ts): the single-node targets get the migrations as written, the cluster target
 * gets each statement ON CLUSTER with replicated local tables and Distributed tables in front. One migration's
 * cluster rendering is compared with a hand-written expectation, statement by statement.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMigrations, renderMigrations } from './migrate.js';
import { renderStatement, renderStatements, splitStatements, type SchemaTarget } from './schema-target.js';

const CLUSTER: SchemaTarget = { kind: 'cluster', cluster: 'flowlens' };

test('statements are split at semicolons ending a line; comment lines are dropped', () => {
  const sql = "-- a comment; with a semicolon;\nCREATE TABLE a (x String DEFAULT ';')\nENGINE = MergeTree ORDER BY x;\n\nINSERT INTO a SELECT 'b;c';\n";
  assert.deepEqual(splitStatements(sql), ["CREATE TABLE a (x String DEFAULT ';')\nENGINE = MergeTree ORDER BY x", "INSERT INTO a SELECT 'b;c'"]);
});

test('embedded and server run the migrations exactly as written', () => {
  for (const kind of ['embedded', 'server'] as const) {
    for (const m of loadMigrations()) assert.deepEqual(renderStatements({ kind }, m.statements), m.statements, `${kind} ${m.name}`);
  }
});

test('the cluster rendering of 012_failure_events, statement by statement', () => {
  const m012 = loadMigrations().find((m) => m.version === 12)!;
  const columns = `(
    account_id        LowCardinality(String),
    ts                DateTime64(3, 'UTC'),
    workflow_id       String,
    workflow_version  UInt32,
    execution_id      String,
    type              LowCardinality(String),
    step_id           LowCardinality(String),
    error_type        LowCardinality(String),
    error_message     String,
    retain            UInt8
)`;
  const select = `SELECT account_id, ts, workflow_id, workflow_version, execution_id, type, step_id, error_type, error_message, retain`;
  const expected = [
    `CREATE TABLE IF NOT EXISTS failure_events_local ON CLUSTER flowlens
${columns}
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (account_id, ts, workflow_id)`,
    `CREATE TABLE IF NOT EXISTS failure_events ON CLUSTER flowlens AS failure_events_local
ENGINE = Distributed('flowlens', currentDatabase(), 'failure_events_local', cityHash64(workflow_id, execution_id))`,
    'TRUNCATE TABLE failure_events_local ON CLUSTER flowlens',
    `INSERT INTO failure_events
${select}
FROM events
WHERE type IN ('execution.failed', 'step.failed')`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS failure_events_mv ON CLUSTER flowlens TO failure_events_local AS
${select}
FROM events_local AS events
WHERE type IN ('execution.failed', 'step.failed')`,
  ];
  assert.deepEqual(renderStatements(CLUSTER, m012.statements), expected);
});

test('engines keep their own arguments after the replication path and replica', () => {
  const render = (sql: string) => renderStatement(CLUSTER, sql)[0]!;
  assert.match(
    render('CREATE TABLE IF NOT EXISTS execution_facts (a String) ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY a'),
    /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}', version, is_deleted\) ORDER BY a$/,
  );
  // a table replicated on every node: one path for the whole cluster, no Distributed table
  assert.deepEqual(renderStatement(CLUSTER, 'CREATE TABLE IF NOT EXISTS accounts (a String) ENGINE = ReplacingMergeTree(updated_at) ORDER BY a'), [
    "CREATE TABLE IF NOT EXISTS accounts ON CLUSTER flowlens (a String) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/{table}', '{replica}', updated_at) ORDER BY a",
  ]);
  assert.match(render('CREATE TABLE t (a String) ENGINE = MergeTree() ORDER BY a'), /ENGINE = ReplicatedMergeTree\('\/clickhouse\/tables\/all\/\{database\}\/\{table\}', '\{replica\}'\) ORDER BY a$/);
  assert.match(render('CREATE TABLE IF NOT EXISTS workflow_events_daily AS workflow_events_hourly\nENGINE = AggregatingMergeTree ORDER BY a'),
    /^CREATE TABLE IF NOT EXISTS workflow_events_daily_local ON CLUSTER flowlens AS workflow_events_hourly_local\nENGINE = ReplicatedAggregatingMergeTree\(/);
});

test('maintenance statements reach the local tables on every shard; INSERT … SELECT goes through the Distributed tables', () => {
  assert.deepEqual(renderStatement(CLUSTER, 'DROP TABLE IF EXISTS execution_state'), [
    'DROP TABLE IF EXISTS execution_state ON CLUSTER flowlens SYNC',
    'DROP TABLE IF EXISTS execution_state_local ON CLUSTER flowlens SYNC',
  ]);
  assert.deepEqual(renderStatement(CLUSTER, 'DROP VIEW IF EXISTS execution_state_mv'), ['DROP VIEW IF EXISTS execution_state_mv ON CLUSTER flowlens SYNC']);
  assert.deepEqual(renderStatement(CLUSTER, 'ALTER TABLE events DELETE WHERE account_id = {account:String}'), [
    'ALTER TABLE events_local ON CLUSTER flowlens DELETE WHERE account_id = {account:String}',
  ]);
  assert.deepEqual(renderStatement(CLUSTER, 'ALTER TABLE execution_facts ADD COLUMN IF NOT EXISTS x UInt8'), [
    'ALTER TABLE execution_facts_local ON CLUSTER flowlens ADD COLUMN IF NOT EXISTS x UInt8',
    'ALTER TABLE execution_facts ON CLUSTER flowlens ADD COLUMN IF NOT EXISTS x UInt8',
  ]);
  assert.deepEqual(renderStatement(CLUSTER, 'ALTER TABLE execution_facts DROP COLUMN IF EXISTS x'), [
    'ALTER TABLE execution_facts ON CLUSTER flowlens DROP COLUMN IF EXISTS x',
    'ALTER TABLE execution_facts_local ON CLUSTER flowlens DROP COLUMN IF EXISTS x',
  ]);
  assert.deepEqual(renderStatement(CLUSTER, 'ALTER TABLE events MODIFY TTL toDateTime(ts) + toIntervalDay(90) WHERE retain = 0'), [
    'ALTER TABLE events_local ON CLUSTER flowlens MODIFY TTL toDateTime(ts) + toIntervalDay(90) WHERE retain = 0',
  ]);
  assert.deepEqual(renderStatement(CLUSTER, 'ALTER TABLE alerts DELETE WHERE 1'), ['ALTER TABLE alerts ON CLUSTER flowlens DELETE WHERE 1']);
  assert.deepEqual(renderStatement(CLUSTER, 'TRUNCATE TABLE execution_facts'), ['TRUNCATE TABLE execution_facts_local ON CLUSTER flowlens']);
  assert.deepEqual(renderStatement(CLUSTER, "OPTIMIZE TABLE execution_facts PARTITION ID '20260302' FINAL"), [
    "OPTIMIZE TABLE execution_facts_local ON CLUSTER flowlens PARTITION ID '20260302' FINAL",
  ]);
  // a rebuild runs a view's own SELECT (as the engine stores it: local tables) again, over every shard
  assert.deepEqual(renderStatement(CLUSTER, 'INSERT INTO execution_state SELECT * FROM (SELECT account_id FROM events_local AS events) WHERE 1'), [
    'INSERT INTO execution_state SELECT * FROM (SELECT account_id FROM events AS events) WHERE 1',
  ]);
  assert.deepEqual(renderStatement(CLUSTER, 'SELECT count() FROM events'), ['SELECT count() FROM events']);
});

test('rendering is idempotent, and refuses what a cluster cannot take', () => {
  for (const s of renderMigrations(CLUSTER).flatMap((m) => m.statements)) assert.deepEqual(renderStatement(CLUSTER, s), [s]);
  assert.throws(() => renderStatement({ kind: 'cluster', cluster: "x'; DROP" }, 'SELECT 1'), /letters, digits and underscores/);
  assert.throws(() => renderStatement(CLUSTER, 'CREATE MATERIALIZED VIEW v ENGINE = MergeTree ORDER BY a AS SELECT 1 AS a'), /needs a target table/);
  assert.throws(() => renderStatement(CLUSTER, 'RENAME TABLE a TO b'), /no cluster rendering/);
});

test('on a cluster every schema statement runs ON CLUSTER, every engine is replicated, every view reads and writes its shard', () => {
  const statements = renderMigrations(CLUSTER).flatMap((m) => m.statements);
  const ddl = statements.filter((s) => /^(CREATE|ALTER|DROP|TRUNCATE|OPTIMIZE)\s/.test(s));
  assert.ok(ddl.length > 80, `${ddl.length} schema statements`);
  for (const s of ddl) assert.match(s, /^\w+ (MATERIALIZED VIEW |TABLE |VIEW )?(IF (NOT )?EXISTS )?\w+ ON CLUSTER flowlens\b/, s.slice(0, 120));
  for (const s of statements) {
    const engine = /ENGINE = (\w+)/.exec(s)?.[1];
    if (engine) assert.match(engine, /^(Replicated\w*MergeTree|Distributed)$/, s.slice(0, 120));
  }
  for (const s of statements.filter((x) => x.startsWith('CREATE MATERIALIZED VIEW'))) {
    assert.match(s, / TO \w+_local AS/, s.slice(0, 120));
    for (const from of s.matchAll(/\bFROM (\w+)/g)) assert.match(from[1]!, /_local$/, s.slice(0, 120));
  }
});

test('a cluster store keeps its target through the wrappers the runtime puts around it', async () => {
  const { openServerStore } = await import('./server.js');
  const { limitedStore } = await import('./limits.js');
  const { timedStore } = await import('./timed.js');
  const { targetOf } = await import('./migrate.js');
  const opened = openServerStore('http://127.0.0.1:9', 'flowlens');
  const wrapped = limitedStore(timedStore(opened, () => {}), { seconds: 1, memoryMb: 1, resultRows: 1, resultMb: 1 });
  assert.deepEqual(targetOf(wrapped), CLUSTER);
  assert.deepEqual(targetOf(openServerStore('http://127.0.0.1:9')), { kind: 'server' });
  await opened.close();
});
