/**
 * Reliability under crashes: SIGKILL of the server during heavy ingestion, several times, loses no
 * acknowledged event and stores none twice; a batch cut short between the raw insert and its derived
 * tables is repaired at the next start, so no half-counted batch stays visible.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IngestBuffer } from '../src/ingest/buffer.js';
import { ingestItems } from '../src/ingest/ingest.js';
import { itemsFromJson } from '../src/ingest/parse-body.js';
import { storeSink } from '../src/ingest/sinks.js';
import { batchExtent, RepairJournal } from '../src/ingest/repair-journal.js';
import type { Store } from '../src/store/store.js';
import { hundredExecutions, validRows } from './helpers/crash-batches.js';
import { insertMissedBy } from './helpers/failing-inserts.js';
import { OPERATOR_KEY, startTestRuntime } from './helpers/runtime.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { openTestStore, tempDir } from './helpers/store.js';

const KEY = 'fl_crash_operator_key';
const CYCLES = Number(process.env.FLOWLENS_CRASH_CYCLES ?? 5);
const SENDERS = 3;

/** 100 executions × (started, step started, step completed) = 300 events, ids unique per sender and batch. */
function batch(sender: number, n: number) {
  return hundredExecutions('wf-crash', `s${sender}-b${n}`, (i) => new Date(Date.UTC(2026, 2, 1 + (n % 28), i % 24, 0, 0)));
}

/** Figures every derived table must agree on with the raw events. */
async function consistency(store: Store) {
  const q = async (sql: string) => Number((await store.query<{ n: number }>(sql))[0]!.n);
  return {
    events: await q("SELECT count() AS n FROM events WHERE workflow_id = 'wf-crash'"),
    distinctIds: await q("SELECT uniqExact(event_id) AS n FROM events WHERE workflow_id = 'wf-crash'"),
    eventIds: await q("SELECT count() AS n FROM event_ids FINAL WHERE account_id = 'default'"),
    executions: await q("SELECT uniqExact(execution_id) AS n FROM events WHERE workflow_id = 'wf-crash'"),
    stateRows: await q("SELECT count() AS n FROM (SELECT execution_id FROM execution_state WHERE workflow_id = 'wf-crash' GROUP BY execution_id)"),
    stateStarted: await q("SELECT countIf(e IS NOT NULL) AS n FROM (SELECT min(enrolled_at) AS e FROM execution_state WHERE workflow_id = 'wf-crash' GROUP BY execution_id)"),
    hourly: await q("SELECT sum(events) AS n FROM workflow_events_hourly WHERE workflow_id = 'wf-crash'"),
    monthly: await q("SELECT sum(events) AS n FROM workflow_events_monthly WHERE workflow_id = 'wf-crash'"),
    seen: await q("SELECT sum(events) AS n FROM workflows_seen WHERE workflow_id = 'wf-crash'"),
  };
}

test(`SIGKILL during heavy ingestion, ${CYCLES} times: every acknowledged event is stored exactly once`, { timeout: 600_000 }, async () => {
  const dataDir = tempDir();
  const env = { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_INGEST_FLUSH_MS: '10', FLOWLENS_INGEST_RATE_LIMIT_PER_MINUTE: '0' };
  let server: ServerProcess = await startServerProcess(dataDir, env);
  const acknowledged = new Set<string>();
  let sent = 0;
  let unacknowledgedAttempts = 0;
  let stop = false;

  const senders = Array.from({ length: SENDERS }, async (_, s) => {
    for (let n = 0; !stop; n++) {
      const events = batch(s, n);
      // like a workflow engine: retry the same batch until it is acknowledged
      for (;;) {
        try {
          sent++;
          const res = await fetch(`${server.url}/api/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify(events),
          });
          if (res.status === 200) {
            const body = (await res.json()) as { accepted: number; duplicates: number };
            assert.equal(body.accepted + body.duplicates, events.length);
            for (const e of events as Array<{ event_id: string }>) acknowledged.add(e.event_id);
            break;
          }
          unacknowledgedAttempts++;
        } catch {
          unacknowledgedAttempts++;
        }
        if (stop) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  const perCycle: number[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const before = acknowledged.size;
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1500));
    server.child.kill('SIGKILL');
    await server.exited;
    perCycle.push(acknowledged.size - before);
    server = await startServerProcess(dataDir, env);
  }
  await new Promise((r) => setTimeout(r, 1000));
  stop = true;
  await Promise.all(senders);
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0, server.output());

  const { store } = await openTestStore(dataDir);
  try {
    const stored = new Set((await store.query<{ id: string }>("SELECT event_id AS id FROM events WHERE workflow_id = 'wf-crash'")).map((r) => r.id));
    const lost = [...acknowledged].filter((id) => !stored.has(id));
    const c = await consistency(store);
    console.log(
      `crash test: ${CYCLES} SIGKILL cycles, ${acknowledged.size} events acknowledged (per cycle ${perCycle.join(', ')}), ` +
        `${sent} requests of which ${unacknowledgedAttempts} unacknowledged and retried, ${lost.length} acknowledged events lost, ` +
        `${c.events - c.distinctIds} stored twice; counts ${JSON.stringify(c)}`,
    );
    assert.ok(acknowledged.size > 0 && perCycle.every((n) => n > 0), `ingestion made progress in every cycle: ${perCycle}`);
    assert.deepEqual(lost.slice(0, 5), [], `${lost.length} acknowledged events are missing`);
    assert.equal(c.events, c.distinctIds, 'no event is stored twice');
    assert.equal(c.eventIds, c.distinctIds, 'the event-id index lists every stored event');
    assert.equal(c.stateRows, c.executions, 'execution_state has every execution');
    assert.equal(c.stateStarted, c.executions, 'every execution counts its start once');
    assert.equal(c.hourly, c.events, 'hourly rollups count every event once');
    assert.equal(c.monthly, c.events, 'monthly rollups count every event once');
    assert.equal(c.seen, c.events, 'workflows_seen counts every event once');
  } finally {
    await store.close();
  }
});

test('a batch cut short after the raw insert is repaired at the next start, and its retry is deduplicated', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const events = batch(9, 0);
  {
    const { store } = await openTestStore(dataDir);
    // the first half was acknowledged before the crash: stored normally
    const journal = RepairJournal.of(dataDir);
    const buffer = new IngestBuffer(store, { maxBatch: 100_000, flushIntervalMs: 0, journal });
    await ingestItems(buffer, 'default', itemsFromJson(events.slice(0, 150)));
    await buffer.drain();
    // the crash: the second half's raw rows landed but none of the views' rows did (views detached),
    // and the journal entry written before the insert was never removed
    const rows = validRows(events.slice(150));
    const views = ['event_ids_mv', 'execution_state_mv', 'workflow_events_hourly_mv', 'workflows_seen_mv'];
    journal.begin({ kind: 'batch', ...batchExtent(rows) });
    await insertMissedBy(store, views, rows);
    const c = await consistency(store);
    assert.equal(c.events, 300);
    assert.notEqual(c.hourly, 300, 'half-counted before the repair');
    // the first half's facts were never written here (no onStored): its entry waits for them too
    assert.deepEqual(journal.pending().map((e) => e.kind), ['facts', 'batch']);
    await store.close();
  }
  const rt = await startTestRuntime({}, dataDir);
  try {
    const c = await consistency(rt.deps.store);
    assert.deepEqual(c, { events: 300, distinctIds: 300, eventIds: 300, executions: 100, stateRows: 100, stateStarted: 100, hourly: 300, monthly: 300, seen: 300 });
    await rt.deps.derived.idle();
    assert.equal(RepairJournal.of(dataDir).pending().length, 0, 'the journal is cleared once repaired');
    // the sender retries the batch it never got an answer for: all duplicates, nothing stored twice
    const retry = await rt.call('POST', '/api/v1/events', OPERATOR_KEY, events.slice(150));
    assert.deepEqual(retry.json, { accepted: 0, duplicates: 150, aggregated_only: 0, rejected: [] });
    const summary = (await rt.call('GET', '/api/v1/workflows/wf-crash/analytics/funnel?start_date=2026-03-01&end_date=2026-03-31', OPERATOR_KEY)).json;
    assert.deepEqual(summary.funnel_steps.map((s: { entered: number; completed: number }) => [s.entered, s.completed]), [[100, 100]]);
  } finally {
    await rt.close();
  }
});

test('facts a crash left unwritten are written at the next start, bounded by the journal: other executions are not rewritten', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const cut = batch(7, 0).map((e) => ({ ...(e as object), workflow_id: 'wf-cut' }));
  let writtenBefore = '';
  const newest = async (store: Store) =>
    (await store.query<{ v: string }>("SELECT toString(max(version)) AS v FROM execution_facts FINAL WHERE workflow_id = 'wf-crash'"))[0]!.v;
  {
    const { store } = await openTestStore(dataDir);
    const journal = RepairJournal.of(dataDir);
    // received just now, like the batch below: a time window before the stop would rewrite these too
    const old = storeSink(store, 'default', { journal });
    await old.send(batch(8, 0));
    await old.close();
    assert.equal(journal.pending().length, 0, 'the batch whose facts were written left no entry');
    // the crash: the insert completed, the facts write that follows it never ran (no onStored)
    const buffer = new IngestBuffer(store, { maxBatch: 100_000, flushIntervalMs: 0, journal });
    await ingestItems(buffer, 'default', itemsFromJson(cut));
    await buffer.drain();
    assert.deepEqual(journal.pending().map((e) => [e.kind, e.scopes]), [['facts', [{ account: 'default', workflow: 'wf-cut' }]]]);
    const n = async (wf: string) => Number((await store.query<{ n: number }>('SELECT count() AS n FROM execution_facts FINAL WHERE workflow_id = {wf:String}', { wf }))[0]!.n);
    assert.equal(await n('wf-cut'), 0);
    assert.equal(await n('wf-crash'), 100);
    writtenBefore = await newest(store);
    await store.close();
  }
  const rt = await startTestRuntime({}, dataDir);
  try {
    await rt.deps.derived.idle();
    assert.equal(RepairJournal.of(dataDir).pending().length, 0, 'the entry ends once the facts are written');
    const funnel = (await rt.call('GET', '/api/v1/workflows/wf-cut/analytics/funnel?start_date=2026-03-01&end_date=2026-03-31', OPERATOR_KEY)).json;
    assert.deepEqual(funnel.funnel_steps.map((s: { entered: number; completed: number }) => [s.entered, s.completed]), [[100, 100]]);
    // a rewrite would give the complete executions' rows a newer version
    assert.equal(await newest(rt.deps.store), writtenBefore, 'wf-crash facts were not rewritten at start');
  } finally {
    await rt.close();
  }
});
