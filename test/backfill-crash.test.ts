/**
 * Backfill under crashes (issue 31): events older than the raw window have no detail to rebuild from, so a
 * batch cut short is completed from its journal entry with the same insert deduplication token. A batch half
 * written (some materialized views missed it) is completed at the next start without counting anything twice;
 * and SIGKILL of the server during heavy backfill, several times, loses no acknowledged event from the
 * aggregates and counts none twice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IngestBuffer } from '../src/ingest/buffer.js';
import { batchExtent, RepairJournal } from '../src/ingest/repair-journal.js';
import { retentionHorizons } from '../src/store/retention.js';
import type { Store } from '../src/store/store.js';
import { hundredExecutions, validRows } from './helpers/crash-batches.js';
import { failingInserts, insertMissedBy } from './helpers/failing-inserts.js';
import { OPERATOR_KEY, startTestRuntime } from './helpers/runtime.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { openTestStore, tempDir } from './helpers/store.js';

const KEY = 'fl_backfill_crash_operator_key';
const CYCLES = Number(process.env.FLOWLENS_CRASH_CYCLES ?? 3);
const DAY = 86_400_000;
const RETENTION = { rawDays: 90, dailyDays: 730 };

/** 100 executions × (started, step started, step completed) = 300 events, 120 to 200 days old. */
function batch(wf: string, sender: number, n: number) {
  return hundredExecutions(wf, `s${sender}-b${n}`, (i) => new Date(Date.now() - (120 + ((n * 7 + i) % 80)) * DAY));
}

/**
 * What the aggregates and the cohort figures hold for a workflow, and how many ids the dedup index has (the
 * hourly rollups are raw detail: their backfilled rows expire on the next merge).
 */
async function counts(store: Store, wf: string) {
  const q = async (sql: string) => Number((await store.query<{ n: number }>(sql, { wf }))[0]!.n);
  return {
    eventIds: await q("SELECT count() AS n FROM event_ids FINAL WHERE account_id = 'default'"),
    daily: await q('SELECT sum(events) AS n FROM workflow_events_daily WHERE workflow_id = {wf:String}'),
    monthly: await q('SELECT sum(events) AS n FROM workflow_events_monthly WHERE workflow_id = {wf:String}'),
    facts: await q('SELECT count() AS n FROM execution_facts FINAL WHERE workflow_id = {wf:String}'),
    stepEntered: await q("SELECT countIf(has(arrayMap(s -> s.id, steps), 's1')) AS n FROM execution_facts FINAL WHERE workflow_id = {wf:String}"),
  };
}

/** The views a half-done insert had not reached (those feeding the rollups and the cohort figures). */
const MISSED = ['workflow_events_hourly_mv', 'execution_state_mv'];

test('a backfill batch cut short (some views missed it) is completed at the next start, nothing counted twice', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const events = batch('wf-cut', 9, 0);
  {
    const { store } = await openTestStore(dataDir);
    const journal = RepairJournal.of(dataDir);
    const rows = validRows(events);
    // the crash: the raw rows and their ids landed, the rollups and the execution state did not
    const entry = journal.begin({ kind: 'backfill', ...batchExtent(rows), rows });
    await insertMissedBy(store, MISSED, rows, entry);
    const c = await counts(store, 'wf-cut');
    assert.equal(c.eventIds, 300);
    assert.equal(c.daily, 0, 'the aggregates missed the batch');
    await store.close();
  }
  const rt = await startTestRuntime({ retention: RETENTION }, dataDir);
  try {
    await rt.deps.derived.idle();
    assert.deepEqual(await counts(rt.deps.store, 'wf-cut'), { eventIds: 300, daily: 300, monthly: 300, facts: 100, stepEntered: 100 });
    const raw = Number((await rt.query<{ n: number }>("SELECT count() AS n FROM events WHERE workflow_id = 'wf-cut'"))[0]!.n);
    assert.ok(raw === 300 || raw === 0, `the raw rows were not inserted twice (${raw}; 0 once their TTL ran)`);
    assert.equal(RepairJournal.of(dataDir).pending().length, 0, 'the journal is cleared once completed');
    // the sender retries the batch it never got an answer for: all duplicates
    const retry = await rt.call('POST', '/api/v1/events', OPERATOR_KEY, events);
    assert.deepEqual(retry.json, { accepted: 0, duplicates: 300, aggregated_only: 0, rejected: [] });
  } finally {
    await rt.close();
  }
});

test('a backfill insert that fails, again and again, is tried with its token until it is stored: counted once', { timeout: 60_000 }, async () => {
  const dataDir = tempDir();
  const { store } = await openTestStore(dataDir);
  try {
    const journal = RepairJournal.of(dataDir);
    // the first attempt stores the raw rows and their ids, not the rollups; the next four store nothing
    const { failing, tokens } = failingInserts(store, 5, async (rows, token, attempt) => {
      if (attempt === 1) await insertMissedBy(store, MISSED, rows, token);
    });
    const buffer = new IngestBuffer(failing, { maxBatch: 100_000, flushIntervalMs: 0, journal, retryMs: 5, horizons: () => retentionHorizons(RETENTION) });
    const answer = await buffer.submit(validRows(batch('wf-failing', 8, 0)), { checked: true });
    assert.deepEqual([answer.accepted, answer.aggregatedOnly], [300, 300], 'acknowledged once stored, as aggregated only');
    assert.equal(tokens.length, 6, 'tried until stored, beyond the three attempts a recent batch gets');
    assert.ok(tokens.every((t) => t && t === tokens[0]), 'the same token every time');
    const c = await counts(store, 'wf-failing');
    assert.deepEqual([c.eventIds, c.daily, c.monthly], [300, 300, 300]);
    const raw = Number((await store.query<{ n: number }>("SELECT count() AS n FROM events WHERE workflow_id = 'wf-failing'"))[0]!.n);
    assert.ok(raw === 300 || raw === 0, `the raw rows were not inserted twice (${raw}; 0 once their TTL ran)`);
    assert.deepEqual(journal.pending().map((e) => e.kind), ['facts'], 'stored: only its facts are left');
  } finally {
    await store.close();
  }
});

test('a backfill insert still failing at shutdown keeps its entry: the next start completes it, the retry is all duplicates', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const events = batch('wf-shutdown', 8, 1);
  {
    const { store } = await openTestStore(dataDir);
    const journal = RepairJournal.of(dataDir);
    const { failing, tokens } = failingInserts(store, Infinity, async (rows, token, attempt) => {
      if (attempt === 1) await insertMissedBy(store, MISSED, rows, token);
    });
    const buffer = new IngestBuffer(failing, { maxBatch: 100_000, flushIntervalMs: 0, journal, retryMs: 5, horizons: () => retentionHorizons(RETENTION) });
    try {
      const answer = buffer.submit(validRows(events), { checked: true });
      let settled = false;
      void answer.catch(() => {}).finally(() => (settled = true));
      while (tokens.length < 4 && !settled) await new Promise((r) => setTimeout(r, 5));
      assert.ok(!settled, 'still trying after three attempts');
      await buffer.drain();
      await assert.rejects(answer, /refused/, 'not acknowledged: the sender sends it again');
      const [entry] = journal.pending();
      assert.deepEqual([entry!.kind, entry!.id, entry!.rows?.length], ['backfill', tokens[0], 300], 'the entry keeps the rows and the token');
      assert.equal((await counts(store, 'wf-shutdown')).daily, 0);
    } finally {
      await buffer.drain();
      await store.close();
    }
  }
  const rt = await startTestRuntime({ retention: RETENTION }, dataDir);
  try {
    await rt.deps.derived.idle();
    assert.deepEqual(await counts(rt.deps.store, 'wf-shutdown'), { eventIds: 300, daily: 300, monthly: 300, facts: 100, stepEntered: 100 });
    const retry = await rt.call('POST', '/api/v1/events', OPERATOR_KEY, events);
    assert.deepEqual(retry.json, { accepted: 0, duplicates: 300, aggregated_only: 0, rejected: [] });
  } finally {
    await rt.close();
  }
});

test(`SIGKILL during heavy backfill, ${CYCLES} times: every acknowledged event is in the aggregates, none twice`, { timeout: 600_000 }, async () => {
  const dataDir = tempDir();
  const env = {
    FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_INGEST_FLUSH_MS: '10', FLOWLENS_INGEST_RATE_LIMIT_PER_MINUTE: '0',
    FLOWLENS_RETENTION_RAW_DAYS: String(RETENTION.rawDays), FLOWLENS_RETENTION_DAILY_DAYS: String(RETENTION.dailyDays),
  };
  let server: ServerProcess = await startServerProcess(dataDir, env);
  const acknowledged = new Set<string>();
  let aggregatedOnly = 0;
  let stop = false;
  const senders = Array.from({ length: 2 }, async (_, s) => {
    for (let n = 0; !stop; n++) {
      const events = batch('wf-backfill', s, n);
      // like a workflow engine: retry the same batch until it is acknowledged
      for (;;) {
        try {
          const res = await fetch(`${server.url}/api/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify(events),
          });
          if (res.status === 200) {
            const body = (await res.json()) as { accepted: number; duplicates: number; aggregated_only: number };
            assert.equal(body.accepted + body.duplicates, events.length);
            assert.equal(body.aggregated_only, body.accepted, 'every accepted event is backfill');
            aggregatedOnly += body.aggregated_only;
            for (const e of events as Array<{ event_id: string }>) acknowledged.add(e.event_id);
            break;
          }
        } catch {
          // the server was killed: retry
        }
        if (stop) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  const perCycle: number[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const before = acknowledged.size;
    // killed while backfilling: once this run has acknowledged something, at a random moment after
    for (let waited = 0; acknowledged.size === before && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
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

  const rt = await startTestRuntime({ retention: RETENTION }, dataDir);
  try {
    await rt.deps.derived.idle();
    const store = rt.deps.store;
    // every acknowledged id is in the dedup index; the index lists exactly what the aggregates counted
    const ids = [...acknowledged];
    const [found] = await store.query<{ n: number }>(
      `SELECT count() AS n FROM event_ids FINAL WHERE account_id = 'default'
         AND id_hash IN (SELECT reinterpretAsUInt128(sipHash128(arrayJoin({ids:Array(String)}))))`,
      { ids },
    );
    const c = await counts(store, 'wf-backfill');
    console.log(`backfill crash test: ${CYCLES} SIGKILL cycles, ${acknowledged.size} events acknowledged (per cycle ${perCycle.join(', ')}), ` +
      `${c.eventIds} stored, daily ${c.daily}, monthly ${c.monthly}, ${c.facts} executions`);
    assert.ok(perCycle.every((n) => n > 0), `ingestion made progress in every cycle: ${perCycle}`);
    assert.equal(Number(found!.n), acknowledged.size, 'no acknowledged event is lost');
    assert.equal(c.daily, c.eventIds, 'daily aggregates count every stored event once');
    assert.equal(c.monthly, c.eventIds, 'monthly aggregates count every stored event once');
    // a batch's 100 executions come in one request: the facts have each stored execution once, with its step
    assert.equal(c.facts * 3, c.eventIds, 'every stored execution has its cohort figures once');
    assert.equal(c.stepEntered, c.facts);
    assert.ok(aggregatedOnly <= c.eventIds);
  } finally {
    await rt.close();
  }
});
