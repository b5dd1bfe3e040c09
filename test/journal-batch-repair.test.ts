/**
 * A batch of write-ahead log records cut short by a crash before any of its rows reached the raw table is completed
 * at the next start from the log, and nothing else of the workflow is rewritten (a restart costs a batch, not a
 * rebuild) — also when the raw table kept the batch's token without its rows. Once its raw rows landed, the views'
 * tables may hold part of it and a token may not have survived the kill: the rows are not inserted again and the
 * workflow is rebuilt, as before. Either way every table counts every event once and the sender's retry is all
 * duplicates.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IngestBuffer } from '../src/ingest/buffer.js';
import { ingestItems } from '../src/ingest/ingest.js';
import { itemsFromJson } from '../src/ingest/parse-body.js';
import { batchExtent, RepairJournal, rowsDigest } from '../src/ingest/repair-journal.js';
import type { EventRow } from '../src/ingest/validate.js';
import { WriteAheadLog } from '../src/ingest/write-ahead-log.js';
import type { Store } from '../src/store/store.js';
import { hundredExecutions, validRows } from './helpers/crash-batches.js';
import { failingInserts, insertMissedBy } from './helpers/failing-inserts.js';
import { OPERATOR_KEY, startTestRuntime } from './helpers/runtime.js';
import { openTestStore, tempDir } from './helpers/store.js';

const VIEWS = ['event_ids_mv', 'execution_state_mv', 'workflow_events_hourly_mv', 'workflows_seen_mv'];

/** 300 events of 100 executions in March 2026. */
function batch(wf: string) {
  return hundredExecutions(wf, wf, (i) => new Date(Date.UTC(2026, 2, 1 + (i % 28), i % 24, 0, 0)));
}

async function counts(store: Store, wf: string) {
  const q = async (sql: string) => Number((await store.query<{ n: number }>(sql, { wf }))[0]!.n);
  return {
    events: await q('SELECT count() AS n FROM events WHERE workflow_id = {wf:String}'),
    eventIds: await q("SELECT count() AS n FROM event_ids FINAL WHERE account_id = 'default'"),
    executions: await q('SELECT count() AS n FROM (SELECT execution_id FROM execution_state WHERE workflow_id = {wf:String} GROUP BY execution_id)'),
    hourly: await q('SELECT sum(events) AS n FROM workflow_events_hourly WHERE workflow_id = {wf:String}'),
    monthly: await q('SELECT sum(events) AS n FROM workflow_events_monthly WHERE workflow_id = {wf:String}'),
    seen: await q('SELECT sum(events) AS n FROM workflows_seen WHERE workflow_id = {wf:String}'),
  };
}

/**
 * The first process: stores the first half of the batch, then acknowledges the second half at the log and dies
 * while the engine inserts it — `cut` plays what the insert had written. A row of 1000 events planted in
 * workflows_seen tells whether the next start rebuilt the workflow (a rebuild recomputes it from the raw events).
 */
async function crashMidInsert(dataDir: string, wf: string, cut: (store: Store, rows: EventRow[], token: string) => Promise<void>) {
  const events = batch(wf);
  const { store } = await openTestStore(dataDir);
  try {
    const buffer = new IngestBuffer(store, { maxBatch: 100_000, flushIntervalMs: 0 });
    await ingestItems(buffer, 'default', itemsFromJson(events.slice(0, 150)));
    await buffer.drain();
    await store.command(
      "INSERT INTO workflows_seen (account_id, workflow_id, versions, first_event, last_event, events) VALUES ('default', {wf:String}, [], '2026-03-01 00:00:00', '2026-03-01 00:00:00', 1000)",
      { wf },
    );
    const rows = validRows(events.slice(150));
    const { wal } = await WriteAheadLog.open(WriteAheadLog.dirOf(dataDir));
    const seq = await wal.append(rows);
    await wal.close();
    const token = RepairJournal.of(dataDir).begin({ kind: 'batch', ...batchExtent(rows), wal: { records: [{ seq }], digest: rowsDigest(rows) } });
    await cut(store, rows, token);
  } finally {
    await store.close();
  }
  return events;
}

test('a batch cut short after its raw rows landed is not inserted again: the workflow is rebuilt, every table counts it once', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const events = await crashMidInsert(dataDir, 'wf-cut', async (store, rows, token) => {
    // the raw rows and their ids landed; the execution state and the rollups did not
    await insertMissedBy(store, ['execution_state_mv', 'workflow_events_hourly_mv', 'workflows_seen_mv'], rows, token);
    const c = await counts(store, 'wf-cut');
    assert.deepEqual([c.events, c.eventIds, c.hourly], [300, 300, 150], 'half-counted before the repair');
  });
  const rt = await startTestRuntime({}, dataDir);
  try {
    await rt.deps.derived.idle();
    assert.deepEqual(await counts(rt.deps.store, 'wf-cut'), { events: 300, eventIds: 300, executions: 100, hourly: 300, monthly: 300, seen: 300 },
      'stored once and counted once; the rebuild recomputed workflows_seen (the planted row is gone)');
    assert.equal(RepairJournal.of(dataDir).pending().length, 0, 'the journal is cleared once the facts are written');
    const facts = await rt.query<{ n: number }>("SELECT count() AS n FROM execution_facts FINAL WHERE workflow_id = 'wf-cut'");
    assert.equal(Number(facts[0]!.n), 100);
    const retry = await rt.call('POST', '/api/v1/events', OPERATOR_KEY, events.slice(150));
    assert.deepEqual(retry.json, { accepted: 0, duplicates: 150, aggregated_only: 0, rejected: [] });
    const funnel = (await rt.call('GET', '/api/v1/workflows/wf-cut/analytics/funnel?start_date=2026-03-01&end_date=2026-03-31', OPERATOR_KEY)).json;
    assert.deepEqual(funnel.funnel_steps.map((s: { entered: number; completed: number }) => [s.entered, s.completed]), [[100, 100]]);
  } finally {
    await rt.close();
  }
});

test('a batch none of whose rows reached the raw table (its token did): inserted from the log, nothing else is rebuilt', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const events = await crashMidInsert(dataDir, 'wf-lost', async (store, rows, token) => {
    // the token reached events' deduplication log, the rows never became visible, no view got them
    await insertMissedBy(store, VIEWS, rows, token);
    await store.command("ALTER TABLE events DELETE WHERE workflow_id = 'wf-lost' AND received_at >= {at:DateTime64(3, 'UTC')}", { at: rows[0]!.received_at });
    assert.equal((await counts(store, 'wf-lost')).events, 150);
  });
  const rt = await startTestRuntime({}, dataDir);
  try {
    await rt.deps.derived.idle();
    assert.deepEqual(await counts(rt.deps.store, 'wf-lost'), { events: 300, eventIds: 300, executions: 100, hourly: 300, monthly: 300, seen: 300 + 1000 },
      'stored once and counted once; the planted row is still there: the workflow was not rebuilt');
    assert.equal(RepairJournal.of(dataDir).pending().length, 0);
    const retry = await rt.call('POST', '/api/v1/events', OPERATOR_KEY, events.slice(150));
    assert.deepEqual(retry.json, { accepted: 0, duplicates: 150, aggregated_only: 0, rejected: [] });
  } finally {
    await rt.close();
  }
});

test('an insert of log records that fails midway is tried again with its token: only the tables it missed get the rows', { timeout: 60_000 }, async () => {
  const dataDir = tempDir();
  const { store } = await openTestStore(dataDir);
  try {
    const journal = RepairJournal.of(dataDir);
    // the engine stores the raw rows and some views' rows, then the insert fails
    const { failing, tokens } = failingInserts(store, 1, (rows, token) => insertMissedBy(store, ['workflow_events_hourly_mv', 'workflows_seen_mv'], rows, token));
    const buffer = new IngestBuffer(failing, { maxBatch: 100_000, flushIntervalMs: 0, journal, retryMs: 10 });
    const answer = await buffer.submit(validRows(batch('wf-retry').slice(0, 30)), { checked: true, seq: 3 });
    assert.equal(answer.accepted, 30);
    assert.equal(tokens.length, 2);
    assert.ok(tokens[0] && tokens[0] === tokens[1], 'the same token again');
    const c = await counts(store, 'wf-retry');
    assert.deepEqual([c.events, c.eventIds, c.executions, c.hourly, c.monthly, c.seen], [30, 30, 10, 30, 30, 30]);
    assert.deepEqual(journal.pending().map((e) => e.kind), ['facts'], 'stored: only its facts are left');
  } finally {
    await store.close();
  }
});

test('an insert of log records that keeps failing is given up; its entry forgets the records, written again by another insert', { timeout: 60_000 }, async () => {
  const dataDir = tempDir();
  const { store } = await openTestStore(dataDir);
  try {
    const journal = RepairJournal.of(dataDir);
    const { failing, tokens } = failingInserts(store, 3);
    const buffer = new IngestBuffer(failing, { maxBatch: 100_000, flushIntervalMs: 0, journal, retryMs: 10 });
    const rows = validRows(batch('wf-fail').slice(0, 30));
    await assert.rejects(buffer.submit(rows, { checked: true, seq: 7 }), /refused/);
    assert.equal(tokens.length, 3, 'three attempts');
    const [entry] = journal.pending();
    assert.deepEqual([entry!.kind, entry!.wal], ['batch', undefined], 'repaired by a rebuild at the next start');
    // the retry (JournaledIntake writes the record again) is another insert, with an entry of its own
    await buffer.submit(rows, { checked: false, seq: 7 });
    assert.deepEqual(journal.pending().map((e) => e.kind), ['batch', 'facts']);
    assert.equal((await counts(store, 'wf-fail')).events, 30);
  } finally {
    await store.close();
  }
});
