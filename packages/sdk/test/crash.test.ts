/**
 * A server killed with SIGKILL mid-stream, twice, and restarted on the same data directory and port, while an
 * engine keeps tracking executions through the SDK: in the end every event tracked is stored exactly once —
 * nothing acknowledged is lost, and what a dead server stored without answering, sent again, is deduplicated
 * by the event ids the SDK gave.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestStore, tempDir } from '../../../test/helpers/store.js';
import { Flowlens, type FlowlensError, type Rejection } from '../src/index.js';
import { freePort, serve, type Served } from './helpers/server.js';

const KEY = 'fl_sdk_crash_operator_key';
const W = 'wf-sdk-crash';
const CYCLES = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`SIGKILL of the server mid-stream, ${CYCLES} times: every tracked event is stored exactly once`, { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const env = { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_INGEST_FLUSH_MS: '10' };
  let server: Served = await serve(dataDir, port, env);
  const problems: Array<Rejection | FlowlensError> = [];
  const client = new Flowlens({
    url: server.url, apiKey: KEY, batchSize: 1000, concurrency: 4, flushIntervalMs: 50, initialBackoffMs: 100, maxBackoffMs: 1000, requestTimeoutMs: 10_000,
    // room for everything tracked while the server restarts (a restart takes seconds, longer on a loaded machine):
    // this test is about what is acknowledged, not about the memory bound (bounded.test.ts)
    maxQueue: 1_000_000,
    onRejected: (r) => problems.push(...r), onError: (e) => problems.push(e),
  });

  // the engine: 10 executions every 20 ms, 4 events each (started, step started and completed, completed)
  let stop = false;
  let executions = 0;
  const engine = (async () => {
    while (!stop) {
      for (let i = 0; i < 10; i++) {
        const run = client.execution(W, `x-${executions++}`, { contactId: `c-${executions}` });
        void run.started();
        const step = run.step('send', 'action', { actionType: 'send_email' });
        void step.started();
        void step.completed({ durationMs: 12 });
        void run.completed();
      }
      await sleep(20);
    }
  })();

  const perCycle: number[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const before = client.stats().acknowledged;
    // kill it while events flow: once this server has taken some, a moment later (requests are in flight)
    while (client.stats().acknowledged - before < 1000) await sleep(25);
    await sleep(200 + Math.random() * 400);
    server.child.kill('SIGKILL');
    await server.exited;
    perCycle.push(client.stats().acknowledged - before);
    await sleep(300); // the engine keeps tracking; the client retries against nobody
    server = await serve(dataDir, port, env);
  }
  await sleep(500);
  stop = true;
  await engine;
  assert.equal(await client.flush(60_000), true, 'everything is acknowledged after the last restart');
  await client.close();
  const s = client.stats();
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0, server.output());

  const { store } = await openTestStore(dataDir);
  try {
    const [all] = await store.query<{ n: number; ids: number; executions: number }>(
      'SELECT count() AS n, uniqExact(event_id) AS ids, uniqExact(execution_id) AS executions FROM events WHERE workflow_id = {w:String}',
      { w: W },
    );
    const twice = await store.query<{ k: string }>(
      "SELECT concat(execution_id, ' ', type) AS k FROM events WHERE workflow_id = {w:String} GROUP BY execution_id, type HAVING count() > 1 LIMIT 5",
      { w: W },
    );
    console.log(
      `SDK crash test: ${CYCLES} SIGKILLs, ${s.tracked} events tracked (${executions} executions), acknowledged per cycle before the kill ${perCycle.join(', ')}; ` +
        `${s.requests} requests, ${s.retries} retries, ${s.duplicates} events the server had stored already (answers lost with the server); ` +
        `stored ${all!.n}, distinct ids ${all!.ids}`,
    );
    assert.deepEqual(problems.map((p) => ('kind' in p ? `${p.kind} ${p.status}: ${p.message}` : `rejected: ${JSON.stringify(p.errors)}`)).slice(0, 5), []);
    assert.ok(perCycle.every((n) => n > 0), `ingestion made progress in every cycle: ${perCycle}`);
    assert.equal(s.tracked, executions * 4);
    assert.deepEqual({ acknowledged: s.acknowledged, rejected: s.rejected, dropped: s.dropped, failed: s.failed, queued: s.queued }, { acknowledged: s.tracked, rejected: 0, dropped: 0, failed: 0, queued: 0 });
    assert.equal(Number(all!.n), s.tracked, 'every tracked event is stored');
    assert.equal(Number(all!.ids), s.tracked, 'each under its own id');
    assert.equal(Number(all!.executions), executions);
    assert.deepEqual(twice, [], 'no event is stored twice');
  } finally {
    await store.close();
  }
});
