/**
 * Retries against the real server behind a proxy that answers for it: a 429 storm with Retry-After is ridden
 * out (no batch comes back before the time it was given; every event is stored once afterwards), 503s without
 * Retry-After are retried with growing waits, a finite maxRetries gives a batch up and says so, and a refused
 * key is not retried at all. Then the arithmetic of backoff and Retry-After on its own.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestRuntime, type TestRuntime } from '../../../test/helpers/runtime.js';
import { backoffMs, Flowlens, retryAfterMs, retryDelayMs, type FlowlensError } from '../src/index.js';
import { startProxy, type Proxy, type Recorded } from './helpers/proxy.js';

let rt: TestRuntime;
let key: string;
let proxy: Proxy;

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

const started = (w: string, i: number) => ({ type: 'execution.started' as const, workflow_id: w, execution_id: `e-${i}`, contact_id: `c-${i}`, enrollment_source: 'api' as const });
const bodyKey = (r: Recorded) => createHash('sha1').update(r.body).digest('hex');

async function storedCount(w: string) {
  await rt.stored();
  const [r] = await rt.deps.store.query<{ n: number; ids: number }>('SELECT count() AS n, uniqExact(event_id) AS ids FROM events WHERE workflow_id = {w:String}', { w });
  return { n: Number(r!.n), ids: Number(r!.ids) };
}

describe('riding out', () => {
  test('a 429 storm with Retry-After: 1 for 2.5 s: no batch comes back sooner than told, every event is stored once', async () => {
    proxy.requests.length = 0;
    let stormStart = 0;
    const STORM_MS = 2500;
    proxy.decide = (r) => {
      stormStart ||= r.at;
      if (r.at - stormStart < STORM_MS) return { status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ status: 429, title: 'Too Many Requests' }) };
      return 'forward';
    };
    const client = new Flowlens({ url: proxy.url, apiKey: key, batchSize: 100, concurrency: 2, gzip: false, initialBackoffMs: 10 });
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) void client.track(started('wf-storm', i));
    assert.equal(await client.flush(30_000), true);
    const took = performance.now() - t0;
    await client.close();

    const s = client.stats();
    assert.deepEqual({ acknowledged: s.acknowledged, duplicates: s.duplicates, failed: s.failed, dropped: s.dropped }, { acknowledged: 1000, duplicates: 0, failed: 0, dropped: 0 });
    assert.deepEqual(await storedCount('wf-storm'), { n: 1000, ids: 1000 });
    const refused = proxy.requests.filter((r) => r.status === 429);
    assert.ok(refused.length >= 4, `${refused.length} requests refused`);
    assert.equal(s.retries, refused.length, 'each refusal retried once');
    // per batch (its body, the same bytes on every attempt): each attempt after a 429 waited at least the 1 s it was told
    const byBatch = new Map<string, Recorded[]>();
    for (const r of proxy.requests) byBatch.set(bodyKey(r), [...(byBatch.get(bodyKey(r)) ?? []), r]);
    assert.equal(byBatch.size, 10);
    let shortest = Infinity;
    for (const attempts of byBatch.values()) {
      for (let i = 1; i < attempts.length; i++) {
        assert.equal(attempts[i - 1]!.status, 429);
        const gap = attempts[i]!.at - attempts[i - 1]!.at;
        shortest = Math.min(shortest, gap);
        assert.ok(gap >= 995, `a retry ${gap.toFixed(0)} ms after a Retry-After of 1 s`);
        assert.ok(gap < 1300, `Retry-After + at most 20% jitter, not ${gap.toFixed(0)} ms`);
      }
      assert.equal(attempts.at(-1)!.status, 200);
    }
    // (how long the rest takes after the storm is the server's speed, not the client's: bounded loosely)
    assert.ok(took < STORM_MS + 20_000, `all through ${took.toFixed(0)} ms after the storm began`);
    console.log(`429 storm: ${proxy.requests.length} requests, ${refused.length} refused, shortest wait after a 429 ${shortest.toFixed(0)} ms, everything stored ${(took - STORM_MS).toFixed(0)} ms after the storm ended`);
  });

  test('503 without Retry-After: waits grow exponentially (jitter pinned to half the cap here)', async () => {
    proxy.requests.length = 0;
    proxy.decide = (r) => (r.n < 5 ? { status: 503 } : 'forward');
    const client = new Flowlens({ url: proxy.url, apiKey: key, batchSize: 10, concurrency: 1, gzip: false, initialBackoffMs: 100, random: () => 0.5 });
    for (let i = 0; i < 10; i++) void client.track(started('wf-503', i));
    assert.equal(await client.flush(30_000), true);
    await client.close();
    const gaps = proxy.requests.slice(1).map((r, i) => r.at - proxy.requests[i]!.at);
    // retry n waits 0.5 × 100 × 2^(n−1): 50, 100, 200, 400, 800 ms
    [50, 100, 200, 400, 800].forEach((expected, i) => assert.ok(gaps[i]! >= expected - 5 && gaps[i]! < expected + 150, `retry ${i + 1} after ${gaps[i]!.toFixed(0)} ms, ${expected} expected`));
    assert.deepEqual(await storedCount('wf-503'), { n: 10, ids: 10 });
  });

  test('maxRetries: a batch still failing is given up, reported and counted; a refused key is not retried', async () => {
    proxy.requests.length = 0;
    proxy.decide = () => ({ status: 502 });
    const errors: FlowlensError[] = [];
    const client = new Flowlens({ url: proxy.url, apiKey: key, batchSize: 5, concurrency: 1, gzip: false, initialBackoffMs: 5, maxRetries: 2, onError: (e) => errors.push(e) });
    for (let i = 0; i < 5; i++) void client.track(started('wf-give-up', i));
    assert.equal(await client.flush(10_000), true, 'a batch given up is settled');
    await client.close();
    assert.equal(proxy.requests.length, 3, 'the first attempt and 2 retries');
    assert.deepEqual({ failed: client.stats().failed, retries: client.stats().retries }, { failed: 5, retries: 2 });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.kind, 'failed');
    assert.equal(errors[0]!.status, 502);
    assert.equal(errors[0]!.events.length, 5);

    proxy.requests.length = 0;
    proxy.decide = () => 'forward';
    const denied: FlowlensError[] = [];
    const wrong = new Flowlens({ url: proxy.url, apiKey: 'fl_not_a_key', gzip: false, onError: (e) => denied.push(e) });
    void wrong.track(started('wf-denied', 1));
    await wrong.close();
    assert.equal(proxy.requests.length, 1);
    assert.equal(denied[0]!.status, 401);
    assert.equal(wrong.stats().failed, 1);
  });
});

describe('the arithmetic', () => {
  test('Retry-After: seconds, decimals, an HTTP date, garbage, the cap', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    assert.equal(retryAfterMs('2', 300_000, now), 2000);
    assert.equal(retryAfterMs(' 1.5 ', 300_000, now), 1500);
    assert.equal(retryAfterMs('Sun, 06 Dec 2026 12:00:07 GMT', 300_000, now), 7000);
    assert.equal(retryAfterMs('Sun, 06 Dec 2026 11:59:00 GMT', 300_000, now), 0, 'a date in the past: now');
    assert.equal(retryAfterMs('soon', 300_000, now), null);
    assert.equal(retryAfterMs('-1', 300_000, now), null);
    assert.equal(retryAfterMs(null, 300_000, now), null);
    assert.equal(retryAfterMs('86400', 300_000, now), 300_000);
  });

  test('full jitter: uniform below a cap that doubles up to the maximum; Retry-After plus at most 20%', () => {
    const o = { initialBackoffMs: 250, maxBackoffMs: 30_000 };
    assert.equal(backoffMs(1, 250, 30_000, () => 0), 0);
    assert.equal(backoffMs(1, 250, 30_000, () => 0.999999), 249);
    assert.equal(backoffMs(4, 250, 30_000, () => 0.999999), 1999);
    assert.equal(backoffMs(20, 250, 30_000, () => 0.999999), 29_999);
    assert.equal(backoffMs(5000, 250, 30_000, () => 0.5), 15_000, 'no overflow after many retries');
    assert.equal(retryDelayMs(3, 1000, o, () => 0), 1000);
    assert.equal(retryDelayMs(3, 1000, o, () => 0.999999), 1199);
    assert.equal(retryDelayMs(3, null, o, () => 0.5), 500);
    const waits = Array.from({ length: 10_000 }, () => backoffMs(3, 250, 30_000));
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    assert.ok(Math.abs(mean - 500) < 15, `mean ${mean} of uniform [0, 1000)`);
  });
});
