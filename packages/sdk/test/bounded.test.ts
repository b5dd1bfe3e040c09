/**
 * With the server down (a proxy in front of the real server drops every connection), memory stays bounded:
 * the queue never holds more than maxQueue events, the rest is dropped by the policy and counted, and the heap
 * does not grow with what is tracked. When the server comes back, what each policy kept is what gets stored:
 * drop_newest keeps the oldest events, drop_oldest the newest (and the batches already being sent), and block
 * holds the caller back instead of dropping.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startTestRuntime, type TestRuntime } from '../../../test/helpers/runtime.js';
import { Flowlens, type DropReason } from '../src/index.js';
import { startProxy, type Proxy } from './helpers/proxy.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

let rt: TestRuntime;
let key: string;
let proxy: Proxy;
const down = () => (proxy.decide = () => 'reset');
const up = () => (proxy.decide = () => 'forward');

before(async () => {
  rt = await startTestRuntime();
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  key = (await rt.newAccount('ingest')).key;
  proxy = await startProxy(`http://127.0.0.1:${(rt.app.server.address() as AddressInfo).port}`);
});
after(async () => {
  await proxy.close();
  await rt.close();
});

const event = (w: string, i: number) => ({
  type: 'execution.started' as const, workflow_id: w, execution_id: `e-${i}`, contact_id: `contact-${i}`, enrollment_source: 'trigger' as const,
  trigger_type: 'webhook', metadata: { order: i, note: 'a little padding to look like a real event, about four hundred bytes on the wire' },
});

async function storedIndexes(w: string): Promise<Set<number>> {
  await rt.stored();
  const rows = await rt.deps.store.query<{ x: string }>('SELECT execution_id AS x FROM events WHERE workflow_id = {w:String}', { w });
  return new Set(rows.map((r) => Number(r.x.slice(2))));
}

const options = { batchSize: 500, maxQueue: 5000, initialBackoffMs: 20, maxBackoffMs: 200, gzip: false };

test('drop_newest (the default): 300,000 events tracked while the server is down, the queue stays at 5,000, the heap flat; the oldest 5,000 are stored later', async () => {
  down();
  const W = 'wf-down-newest';
  const drops: Record<DropReason, number> = { queue_full: 0, closed: 0 };
  const client = new Flowlens({ url: proxy.url, apiKey: key, ...options, onDropped: (e, why) => (drops[why] += e.length) });
  const N = 300_000;
  let maxQueued = 0;
  let heapAt10k = 0;
  for (let i = 0; i < N; i++) {
    void client.track(event(W, i));
    if (i % 5000 === 4999) {
      maxQueued = Math.max(maxQueued, client.stats().queued);
      await tick();
      if (i === 9999) heapAt10k = heapMb();
    }
  }
  await new Promise((r) => setTimeout(r, 300)); // retries go on against nobody
  const heapAtEnd = heapMb();
  const s = client.stats();
  console.log(
    `server down, drop_newest: ${N} tracked, max queued ${maxQueued}, dropped ${s.dropped}, ${s.requests} attempts; ` +
      `heap ${heapAt10k.toFixed(1)} MB after 10,000 events, ${heapAtEnd.toFixed(1)} MB after ${N} (≈${((N * 400) / 2 ** 20).toFixed(0)} MB had they been kept)`,
  );
  assert.ok(maxQueued <= 5000);
  assert.equal(s.queued, 5000);
  assert.equal(s.dropped, N - 5000);
  assert.equal(drops.queue_full, N - 5000);
  assert.equal(s.acknowledged, 0);
  assert.ok(s.retries > 2, 'it kept trying');
  assert.ok(heapAtEnd - heapAt10k < 16, `heap grew ${(heapAtEnd - heapAt10k).toFixed(1)} MB`);

  up();
  assert.equal(await client.flush(20_000), true);
  await client.close();
  const stored = await storedIndexes(W);
  assert.equal(stored.size, 5000);
  for (let i = 0; i < 5000; i++) assert.ok(stored.has(i), `event ${i} (one of the oldest) is stored`);
});

test('drop_oldest: the newest events are kept (and the batches already in flight), the queue stays at 5,000', async () => {
  down();
  const W = 'wf-down-oldest';
  const client = new Flowlens({ url: proxy.url, apiKey: key, ...options, onFull: 'drop_oldest' });
  const N = 50_000;
  let maxQueued = 0;
  for (let i = 0; i < N; i++) {
    void client.track(event(W, i));
    if (i % 1000 === 999) {
      maxQueued = Math.max(maxQueued, client.stats().queued);
      await tick();
    }
  }
  const s = client.stats();
  assert.ok(maxQueued <= 5000, `max queued ${maxQueued}`);
  assert.equal(s.dropped + s.queued, N);
  up();
  assert.equal(await client.flush(20_000), true);
  await client.close();
  const stored = await storedIndexes(W);
  assert.equal(stored.size, N - s.dropped);
  for (let i = 0; i < 1000; i++) assert.ok(stored.has(i), `event ${i} was in flight when the queue filled: never dropped`);
  for (let i = N - 3000; i < N; i++) assert.ok(stored.has(i), `event ${i} (one of the newest) is stored`);
  assert.ok(!stored.has(20_000), 'an event from the middle was dropped');
});

test('block: track() waits for room while the server is down, and nothing is dropped', async () => {
  down();
  const W = 'wf-down-block';
  const client = new Flowlens({ url: proxy.url, apiKey: key, ...options, maxQueue: 2000, onFull: 'block' });
  for (let i = 0; i < 2000; i++) await client.track(event(W, i));
  let admitted = 2000;
  const engine = (async () => {
    for (let i = 2000; i < 6000; i++) {
      await client.track(event(W, i)); // the engine is held here while the queue is full
      admitted++;
    }
  })();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(admitted, 2000, 'the engine waits');
  assert.deepEqual({ queued: client.stats().queued, blocked: client.stats().blocked, dropped: client.stats().dropped }, { queued: 2000, blocked: 1, dropped: 0 });
  up();
  await engine;
  await client.close();
  const s = client.stats();
  assert.deepEqual({ tracked: s.tracked, acknowledged: s.acknowledged, dropped: s.dropped }, { tracked: 6000, acknowledged: 6000, dropped: 0 });
  assert.equal((await storedIndexes(W)).size, 6000);
});
