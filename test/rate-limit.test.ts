/** Rate limits per key and group (CONTRACT §2), in-process and shared through the real Redis. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { buildApp } from '../src/http/app.js';
import { openRedis } from '../src/redis/connection.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { REDIS_URL, requireService } from './helpers/services.js';

let rt: TestRuntime;
let admin = '';
const summary = '/api/v1/workflows/wf/analytics?range=last_7_days';

before(async () => {
  rt = await startTestRuntime({ rateLimitPerMinute: 3, ingestRateLimitPerMinute: 2 });
  admin = (await rt.newAccount('admin')).key;
  await rt.call('POST', '/api/v1/events', admin, [ev.started('wf', 'e1', new Date().toISOString())]);
});
after(async () => rt?.close());

describe('rate limits', () => {
  test('the fourth analytics read in a minute is 429 with Retry-After; other keys and routes are not affected', async () => {
    const key = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'admin', name: 'reader' })).json.key as string;
    const urls = [summary, summary.replace('/analytics', '/analytics/funnel'), summary.replace('/analytics', '/analytics/actions')];
    for (const url of urls) assert.equal((await rt.call('GET', url, key)).status, 200, url);
    const limited = await rt.call('GET', summary, key);
    assert.equal(limited.status, 429);
    assert.match(String(limited.headers['content-type']), /application\/problem\+json/);
    const retry = Number(limited.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${limited.headers['retry-after']}`);
    assert.match(limited.json.detail, /3 analytics requests per minute/);
    // not analytics reads: not limited by this group
    for (let i = 0; i < 5; i++) assert.equal((await rt.call('GET', '/api/v1/workflows', key)).status, 200);
    // another key has its own counter
    const other = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'viewer', name: 'x' })).json.key as string;
    assert.notEqual((await rt.call('GET', summary, other)).status, 429);
    // the rejected read is in the audit log as rate_limited
    const log = await rt.call('GET', '/api/v1/audit-log?outcome=rate_limited', admin);
    assert.equal(log.json.entries.length, 1);
  });

  test('ingestion has its own counter', async () => {
    const key = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'ingest', name: 'engine' })).json.key as string;
    const send = () => rt.call('POST', '/api/v1/events', key, [ev.started('wf', `x${Math.random()}`, new Date().toISOString())]);
    assert.equal((await send()).status, 200);
    assert.equal((await send()).status, 200);
    const third = await send();
    assert.equal(third.status, 429);
    assert.ok(Number(third.headers['retry-after']) >= 1);
  });

  test('with Redis, every instance shares the counters; when Redis is unreachable an instance limits in-process', async (t) => {
    const url = await requireService('Redis', REDIS_URL);
    if (!url) return t.skip('Redis is not reachable');
    const warnings: string[] = [];
    const warn = (msg: string) => warnings.push(msg);
    const namespaceKey = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'admin', name: 'shared' })).json;
    const cleaner = new Redis(url);
    await cleaner.del(`flowlens:rate:analytics:${namespaceKey.id}`);
    const redisA = openRedis(url, warn);
    const redisB = openRedis(url, warn);
    await Promise.all([redisA, redisB].map((r) => new Promise((res) => (r.status === 'ready' ? res(null) : r.once('ready', res)))));
    const a = await buildApp({ ...rt.deps, redis: redisA });
    const b = await buildApp({ ...rt.deps, redis: redisB });
    try {
      const get = (app: typeof a) => app.inject({ method: 'GET', url: summary, headers: { authorization: `Bearer ${namespaceKey.key}` } });
      assert.equal((await get(a)).statusCode, 200);
      assert.equal((await get(b)).statusCode, 200);
      assert.equal((await get(a)).statusCode, 200);
      assert.equal((await get(b)).statusCode, 429, 'the fourth read, at another instance, is over the shared limit');
      assert.equal(Number(await cleaner.get(`flowlens:rate:analytics:${namespaceKey.id}`)), 4);

      // Redis goes away: requests are still answered, counted in-process, and a warning is logged
      const dead = openRedis('redis://127.0.0.1:1', warn);
      const c = await buildApp({ ...rt.deps, redis: dead });
      try {
        const fresh = (await rt.call('POST', '/api/v1/api-keys', admin, { role: 'admin', name: 'fresh' })).json.key as string;
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await c.inject({ method: 'GET', url: summary, headers: { authorization: `Bearer ${fresh}` } })).statusCode);
        assert.deepEqual(statuses, [200, 200, 200, 429]);
        assert.ok(warnings.some((w) => /in-process/.test(w)), warnings.join('\n'));
      } finally {
        await c.close();
        dead.disconnect();
      }
    } finally {
      await a.close();
      await b.close();
      redisA.disconnect();
      redisB.disconnect();
      cleaner.disconnect();
    }
  });
});
