/** The connectors' fetch against a real local server: Retry-After honoured, 5xx backed off, both counted; the rest passed through. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { backoffMs, rateLimitedFetch, retryAfterMs } from './rate-limited-fetch.js';

const answers: Array<{ status: number; headers?: Record<string, string> }> = [];
const arrivals: number[] = [];
let server: http.Server;
let url = '';
before(async () => {
  server = http.createServer((_req, res) => {
    arrivals.push(Date.now());
    const a = answers.shift() ?? { status: 200 };
    res.writeHead(a.status, a.headers ?? {}).end(String(a.status));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('Retry-After in seconds and as an HTTP date; backoff with jitter within [½, 1] of base·2^attempt, capped', () => {
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6_000);
  assert.equal(retryAfterMs(null), undefined);
  assert.equal(retryAfterMs('soon'), undefined);
  const p = { maxRetries: 3, baseMs: 100, maxMs: 1_000 };
  assert.deepEqual([0, 1, 2, 5].map((a) => backoffMs(p, a, () => 0)), [50, 100, 200, 500]);
  assert.deepEqual([0, 5].map((a) => backoffMs(p, a, () => 1)), [100, 1_000]);
});

test('a 429 waits its Retry-After, a 503 its backoff; each retry counted; a 400 is answered at once', async () => {
  const retries: Array<number | null> = [];
  const f = rateLimitedFetch({ maxRetries: 3, baseMs: 10, maxMs: 5_000 }, (r) => retries.push(r.status));
  answers.push({ status: 429, headers: { 'retry-after': '1' } }, { status: 503 }, { status: 200 });
  arrivals.length = 0;
  const res = await f(url);
  assert.equal(res.status, 200);
  assert.deepEqual(retries, [429, 503]);
  assert.ok(arrivals[1]! - arrivals[0]! >= 990, `waited ${arrivals[1]! - arrivals[0]!} ms for Retry-After: 1`);
  answers.push({ status: 400 });
  assert.equal((await f(url)).status, 400);
  assert.equal(retries.length, 2);
});

test('after maxRetries the last answer is returned; a Retry-After longer than the cap is not waited for', async () => {
  const retries: number[] = [];
  const f = rateLimitedFetch({ maxRetries: 2, baseMs: 1, maxMs: 500 }, () => retries.push(1));
  answers.push({ status: 500 }, { status: 500 }, { status: 502 });
  assert.equal((await f(url)).status, 502);
  assert.equal(retries.length, 2);
  answers.push({ status: 429, headers: { 'retry-after': '3600' } });
  assert.equal((await f(url)).status, 429);
  assert.equal(retries.length, 2);
});
