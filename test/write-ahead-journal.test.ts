/**
 * Ingestion acknowledged at the write-ahead log (FLOWLENS_INGEST_ACK=journal, the embedded default): an answer comes
 * before the engine has the rows, yet no later request of the account sees the store without them; a re-send is a
 * duplicate while the rows wait; and what a process leaves in the log is written once at the next start — also
 * when the engine had already stored it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IngestBuffer, IngestBusyError } from '../src/ingest/buffer.js';
import { ingestItems } from '../src/ingest/ingest.js';
import { acknowledgedAwaited, afterAcknowledged } from '../src/ingest/read-point.js';
import { JournaledIntake, type JournaledIntakeOptions } from '../src/ingest/journaled-intake.js';
import { itemsFromJson } from '../src/ingest/parse-body.js';
import { WriteAheadLog } from '../src/ingest/write-ahead-log.js';
import type { Store } from '../src/store/store.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { openTestStore, tempDir } from './helpers/store.js';

const count = async (store: Store, workflow: string) =>
  Number((await store.query<{ n: number }>('SELECT count() AS n FROM events WHERE workflow_id = {w:String}', { w: workflow }))[0]!.n);

describe('through the API', () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await startTestRuntime();
  });
  after(() => rt.close());

  test('acknowledged while the engine writes nothing; a re-send meanwhile is a duplicate; the next read waits for the rows', async () => {
    assert.equal(rt.deps.config.ingestAck, 'journal', 'the embedded default');
    const { key } = await rt.newAccount();
    const day = '2026-03-02';
    const events = [ev.started('wf-wal', 'x1', `${day}T10:00:00Z`, { event_id: 'w1' }), ev.completed('wf-wal', 'x1', `${day}T10:05:00Z`, { event_id: 'w2' })];
    let read: Promise<{ status: number; json: any }> | undefined;
    await rt.deps.buffer.exclusive(async () => {
      // the engine's writer is held: nothing can reach the store until this ends
      const first = await rt.call('POST', '/api/v1/events', key, events);
      assert.deepEqual(first.json, { accepted: 2, duplicates: 0, aggregated_only: 0, rejected: [] });
      const again = await rt.call('POST', '/api/v1/events', key, [events[1], ev.started('wf-wal', 'x2', `${day}T11:00:00Z`, { event_id: 'w3' })]);
      assert.deepEqual(again.json, { accepted: 1, duplicates: 1, aggregated_only: 0, rejected: [] }, 'w2 waits in the log and is known');
      assert.equal(await count(rt.deps.store, 'wf-wal'), 0, 'acknowledged before the engine stored anything');
      assert.equal(rt.deps.buffer.pendingRows, 3);
      // a reader of the account asks now: it is answered once the rows are stored, with them
      read = rt.call('GET', `/api/v1/workflows/wf-wal/analytics?start_date=${day}&end_date=${day}`, key);
      await new Promise((r) => setTimeout(r, 100));
    });
    const answer = await read!;
    assert.equal(answer.status, 200);
    assert.equal(answer.json.summary.total_enrolled, 2);
    assert.equal(answer.json.summary.completed, 1);
    assert.equal(await count(rt.deps.store, 'wf-wal'), 3, 'each event stored once');
    assert.equal(rt.deps.buffer.pendingRows, 0);
  });

  test("a request waits once, for what was acknowledged before it came; work outside a request waits for everything", async () => {
    const { key, accountId } = await rt.newAccount();
    const day = '2026-03-03';
    await rt.call('POST', '/api/v1/events', key, [ev.started('wf-once', 'o1', `${day}T10:00:00Z`)]);
    const first = await rt.call('GET', `/api/v1/workflows/wf-once/analytics?start_date=${day}&end_date=${day}`, key);
    assert.equal(first.json.summary.total_enrolled, 1);
    const within = (ms: number, p: Promise<unknown>) =>
      Promise.race([p.then(() => 'settled'), new Promise((r) => setTimeout(() => r('waiting'), ms))]);
    await rt.deps.buffer.exclusive(async () => {
      // acknowledged now, and held unwritten: a request that came before it need not wait for it
      const late = await rt.call('POST', '/api/v1/events', key, [ev.started('wf-once', 'o2', `${day}T11:00:00Z`)]);
      assert.equal(late.json.accepted, 1);
      assert.equal(await within(5000, afterAcknowledged(accountId, () => rt.deps.derived.settled(accountId, 'wf-once'))), 'settled',
        'inside a request (the guard waited before the event came) the facts are settled without it');
      assert.equal(await within(300, rt.deps.derived.settled(accountId, 'wf-once')), 'waiting', 'outside a request: waits for the acknowledged event');
      assert.equal(await within(300, afterAcknowledged('another-account', () => rt.deps.derived.settled(accountId, 'wf-once'))), 'waiting',
        "a request of another account waited for nothing of this one's");
    });
    const next = await rt.call('GET', `/api/v1/workflows/wf-once/analytics?start_date=${day}&end_date=${day}`, key);
    assert.equal(next.json.summary.total_enrolled, 2, 'the next request counts it');
  });

  test("the guard runs a request's handler in the scope of what it waited for", async () => {
    const { key, accountId } = await rt.newAccount();
    await rt.call('POST', '/api/v1/events', key, [ev.started('wf-scope', 's1', '2026-03-04T10:00:00Z')]);
    const derived = rt.deps.derived;
    const settled = derived.settled.bind(derived);
    const inScope: boolean[] = [];
    derived.settled = ((a: string, w: string, retried?: boolean) => (inScope.push(acknowledgedAwaited(a)), settled(a, w, retried))) as typeof settled;
    try {
      assert.equal((await rt.call('GET', '/api/v1/workflows/wf-scope/analytics?start_date=2026-03-04&end_date=2026-03-04', key)).status, 200);
    } finally {
      derived.settled = settled;
    }
    assert.ok(inScope.length > 0 && inScope.every(Boolean), `settled ran inside the request's scope: ${inScope}`);
    assert.equal(acknowledgedAwaited(accountId), false, 'and nothing outside it');
  });
});

describe('what a process leaves in the log', () => {
  const row = (i: number) => ({ type: 'execution.started', event_id: `r${i}`, workflow_id: 'wf-replay', execution_id: `e${i}`, timestamp: '2026-03-01T10:00:00Z', contact_id: 'c', enrollment_source: 'api' });
  /** Sends `n` events numbered from `from`. */
  const send = (intake: JournaledIntake, from: number, n = 1) => ingestItems(intake, 'default', itemsFromJson(Array.from({ length: n }, (_, i) => row(from + i))));
  const busy = (err: Error) => err instanceof IngestBusyError;

  /** Runs `fn` on a store in a fresh directory, closed after. */
  async function onStore(fn: (store: Store, dataDir: string) => Promise<void>): Promise<void> {
    const { store, dataDir } = await openTestStore(tempDir());
    try {
      await fn(store, dataDir);
    } finally {
      await store.close();
    }
  }

  /** A journaled intake on the log in `dir`, with an engine writer of its own (a process's). */
  async function journal(store: Store, dir: string, options: JournaledIntakeOptions) {
    const writer = new IngestBuffer(store, { maxBatch: 100_000, flushIntervalMs: 0 });
    return { writer, intake: await JournaledIntake.open(store, writer, dir, options) };
  }

  /** Holds the writer (no batch is written) until the returned function lets it go and waits for it. */
  function hold(writer: IngestBuffer): () => Promise<void> {
    let release: () => void = () => {};
    const held = writer.exclusive(() => new Promise<void>((r) => (release = r)));
    return async () => {
      release();
      await held;
    };
  }

  test('acknowledged rows the engine never got are written at the next start, once; a re-send then is all duplicates', () =>
    onStore(async (store, dataDir) => {
      const dir = WriteAheadLog.dirOf(dataDir);
      // the first process: acknowledges 40 events while its writer is held, then dies (its objects are dropped)
      const { writer, intake } = await journal(store, dir, { maxPendingRows: 10_000 });
      // held for good: this process is dead, its writer never runs again
      void writer.exclusive(() => new Promise<void>(() => {}));
      const answer = await send(intake, 0, 40);
      assert.equal(answer.accepted, 40);
      assert.equal(await count(store, 'wf-replay'), 0);

      // the next process on the same directory: the rows are pending (readers wait), then written by recover()
      const { intake: intake2 } = await journal(store, dir, { maxPendingRows: 10_000 });
      assert.equal(intake2.pendingRows, 40);
      const waited = intake2.ingested('default');
      assert.equal(intake2.recover(), 1, 'one record left');
      await waited;
      assert.equal(await count(store, 'wf-replay'), 40);
      const resend = await send(intake2, 0, 40);
      assert.deepEqual([resend.accepted, resend.duplicates], [0, 40]);
      await intake2.drain();
      assert.deepEqual(intake2.logFiles(), [], 'everything written: the log is empty');
    }));

  test('rows the engine had stored before the process died (the log not yet trimmed) are not stored again', () =>
    onStore(async (store, dataDir) => {
      const dir = WriteAheadLog.dirOf(dataDir);
      const { intake } = await journal(store, dir, { maxPendingRows: 10_000 });
      await send(intake, 100, 25);
      await intake.ingested();
      assert.equal(await count(store, 'wf-replay'), 25);
      // died before trimming the log: the record is still there
      assert.equal(intake.logFiles().length, 1);
      const { intake: intake2 } = await journal(store, dir, { maxPendingRows: 10_000 });
      intake2.recover();
      await intake2.ingested();
      assert.equal(await count(store, 'wf-replay'), 25, 'the replay found them stored');
      await intake2.drain();
    }));

  test('beyond the writing left that a reader may wait for (the backlog at the recent write rate) a submission is refused', () =>
    onStore(async (store, dataDir) => {
      const { writer, intake } = await journal(store, path.join(dataDir, 'wal-lag'), { maxPendingRows: 100_000, maxLagMs: 1000 });
      const release = hold(writer);
      intake.wrote(10, 1); // the engine lately wrote 10 events a second
      await send(intake, 400, 20);
      assert.equal(intake.lagMs(), 2000);
      await assert.rejects(send(intake, 500), busy);
      await release();
      await intake.ingested();
      assert.equal(intake.lagMs(), 0);
      assert.equal((await send(intake, 500)).accepted, 1, 'accepted again once written');
      await intake.drain();
    }));

  test('a backlog that fits in one engine batch is never refused for lag (a slow small write says little about the rate)', () =>
    onStore(async (store, dataDir) => {
      const { writer, intake } = await journal(store, path.join(dataDir, 'wal-floor'), { maxPendingRows: 100_000, maxLagMs: 1000, lagFloorRows: 25 });
      const release = hold(writer);
      intake.wrote(10, 1);
      await send(intake, 600, 20);
      assert.equal(intake.lagMs(), 2000);
      assert.equal(intake.saturated(), false, '20 events pending, within the floor of 25');
      assert.equal((await send(intake, 700, 5)).accepted, 5);
      assert.equal(intake.saturated(), false, '25 pending: still within the floor');
      await assert.rejects(send(intake, 800), busy, 'a 26th would be beyond the floor and 2.6 s of writing');
      await release();
      await intake.drain();
      assert.equal(await count(store, 'wf-replay'), 25);
    }));

  test('beyond the backlog limit a submission is refused with 503 and nothing of it is kept', () =>
    onStore(async (store, dataDir) => {
      const { writer, intake } = await journal(store, path.join(dataDir, 'wal-limit'), { maxPendingRows: 30 });
      const release = hold(writer);
      await send(intake, 200, 20);
      await assert.rejects(send(intake, 300, 20), busy);
      await release();
      await intake.drain();
      assert.equal(await count(store, 'wf-replay'), 20);
    }));
});
