/**
 * Retention (REQ-WFL-009-10): raw detail expires after the raw window, daily rollups (and the execution facts,
 * the cohort figures) after theirs, monthly rollups never; imported history marked retain is kept; a window of
 * 0 keeps everything. TTLs run on merges, so the test forces them with OPTIMIZE … FINAL. The data is sent
 * under a 300-day daily window, which then shrinks to 60 days (an event older than the daily window is
 * rejected as it arrives: test/backfill.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { storeSink } from '../src/ingest/sinks.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { tempDir } from './helpers/store.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
let rt: TestRuntime;
let accountId: string;
let key: string;
const dataDir = tempDir();

async function count(sql: string): Promise<number> {
  const [r] = await rt.query<{ n: number }>(sql, { account: accountId });
  return Number(r!.n);
}
async function optimize() {
  for (const t of ['events', 'execution_state', 'execution_facts', 'workflow_events_hourly', 'workflow_events_daily', 'workflow_events_monthly']) {
    await rt.deps.store.command(`OPTIMIZE TABLE ${t} FINAL`);
  }
}

before(async () => {
  rt = await startTestRuntime({ retention: { rawDays: 30, dailyDays: 300 } }, dataDir);
  ({ accountId, key } = await rt.newAccount());
  const res = await rt.call('POST', '/api/v1/events', key, [
    ev.started('w', 'recent', ago(1)),
    ev.started('w', 'old', ago(45)), // beyond raw, within daily
    ev.started('w', 'ancient', ago(200)), // beyond daily too, once it shrinks
  ]);
  assert.equal(res.json.accepted, 3);
  assert.equal(res.json.aggregated_only, 2);
  const sink = storeSink(rt.deps.store, accountId, { retain: true });
  await sink.send([ev.started('w', 'imported', ago(45))]);
  await sink.close();
  await rt.deps.derived.idle();
  await rt.close();
  rt = await startTestRuntime({ retention: { rawDays: 30, dailyDays: 60 } }, dataDir);
});

after(() => rt.close());

test('raw detail older than the raw window goes, retained history and recent rows stay', async () => {
  await optimize();
  const ids = await rt.query<{ execution_id: string }>(
    "SELECT execution_id FROM events WHERE account_id = {account:String} ORDER BY execution_id", { account: accountId });
  assert.deepEqual(ids.map((r) => r.execution_id), ['imported', 'recent']);
  const facts = await rt.query<{ execution_id: string }>(
    "SELECT execution_id FROM execution_facts FINAL WHERE account_id = {account:String} ORDER BY execution_id", { account: accountId });
  // the facts (cohort figures) are kept as long as the daily rollups
  assert.deepEqual(facts.map((r) => r.execution_id), ['imported', 'old', 'recent']);
});

test('an event older than the daily window is rejected with its reason', async () => {
  const res = await rt.call('POST', '/api/v1/events', key, [ev.started('w', 'too-old', ago(61))]);
  assert.equal(res.json.accepted, 0);
  assert.equal(res.json.rejected[0].errors[0].path, '/timestamp');
});

test('daily rollups keep 60 days, monthly ones everything', async () => {
  await optimize();
  const where = "account_id = {account:String} AND type = 'execution.started'";
  assert.equal(await count(`SELECT sum(events) AS n FROM workflow_events_hourly WHERE ${where}`), 2); // recent + imported
  assert.equal(await count(`SELECT sum(events) AS n FROM workflow_events_daily WHERE ${where}`), 3); // + old
  assert.equal(await count(`SELECT sum(events) AS n FROM workflow_events_monthly WHERE ${where}`), 4); // + ancient
});

test('a window of 0 removes the TTL at the next start', async () => {
  await rt.close();
  rt = await startTestRuntime({ retention: { rawDays: 0, dailyDays: 0 } }, dataDir);
  const [row] = await rt.query<{ ttl: string }>("SELECT ttl FROM retention_applied FINAL WHERE table_name = 'events'");
  assert.equal(row!.ttl, '');
  const res = await rt.call('POST', '/api/v1/events', key, [ev.started('w', 'old2', ago(400))]);
  assert.equal(res.json.accepted, 1);
  await optimize();
  assert.equal(await count("SELECT count() AS n FROM events WHERE account_id = {account:String} AND execution_id = 'old2'"), 1);
});
