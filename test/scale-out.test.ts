/**
 * Instances sharing one store (a ClickHouse server) and a Redis bus: each keeps its own result cache, so
 * each must hear when another stores events or registers a workflow version. The other instance here is
 * the same parts a runtime wires (ingest buffer, derived tables, Redis bus) over the runtime's store.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IngestBuffer } from '../src/ingest/buffer.js';
import { DerivedTables } from '../src/derived/derived-tables.js';
import { ingestItems } from '../src/ingest/ingest.js';
import { itemsFromJson } from '../src/ingest/parse-body.js';
import { RedisBus } from '../src/realtime/redis-bus.js';
import { openRedis } from '../src/redis/connection.js';
import { REDIS_URL, requireService } from './helpers/services.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const W = 'wf-shared';
const URL_SUMMARY = `/api/v1/workflows/${W}/analytics?start_date=2026-03-02&end_date=2026-03-02`;
let rt: TestRuntime | undefined;
let url: string | false;

before(async () => {
  url = await requireService('Redis', REDIS_URL);
  if (url) rt = await startTestRuntime({ redisUrl: url });
});
after(() => rt?.close());

test('a cached answer is not served after another instance stores events of the workflow', async (t) => {
  if (!rt || !url) return t.skip('Redis is not reachable');
  await (rt.deps.bus as RedisBus).ready();
  const { accountId, key } = await rt.newAccount();
  await rt.call('POST', '/api/v1/events', key, [ev.started(W, 'x1', '2026-03-02T10:00:00Z')]);
  const enrolled = async () => (await rt!.call('GET', URL_SUMMARY, key)).json.summary.total_enrolled;
  assert.equal(await enrolled(), 1);
  const cachedUnder = rt.deps.derived.generation(accountId, W);
  assert.equal(await enrolled(), 1); // from the cache

  // the other instance: its own buffer, derived tables and bus, on the same store
  const warn = () => {};
  const otherRedis = openRedis(url, warn);
  const otherBus = new RedisBus(otherRedis, warn);
  await otherBus.ready();
  const other = new DerivedTables(rt.deps.store, warn);
  other.onUpdated((account, workflow) => otherBus.publish({ account, workflow, at: Date.now(), origin: 'the-other-instance' }));
  const buffer = new IngestBuffer(rt.deps.store, { maxBatch: 1000, flushIntervalMs: 0, onStored: (rows, entry) => other.touched(rows, entry) });
  try {
    const res = await ingestItems(buffer, accountId, itemsFromJson([ev.started(W, 'x2', '2026-03-02T11:00:00Z')]));
    assert.equal(res.accepted, 1);
    await other.idle(); // its facts are written, and it has announced the workflow
    for (let i = 0; i < 100 && rt.deps.derived.generation(accountId, W) === cachedUnder; i++) await new Promise((r) => setTimeout(r, 20));
    assert.notEqual(rt.deps.derived.generation(accountId, W), cachedUnder, 'the announcement reached this instance');
    assert.equal(await enrolled(), 2);
  } finally {
    await buffer.drain();
    await other.idle();
    await otherBus.close();
    otherRedis.disconnect();
  }
});

test('an instance does not discard its cache on hearing its own announcements', async (t) => {
  if (!rt || !url) return t.skip('Redis is not reachable');
  const { accountId, key } = await rt.newAccount();
  // the runtime's own listener was subscribed first, so it has handled a message once this one hears it
  const heard = new Promise<void>((resolve) => {
    const stop = rt!.deps.bus.subscribe((m) => {
      if (m.account === accountId && m.workflow === W) {
        stop();
        resolve();
      }
    });
  });
  await rt.call('POST', '/api/v1/events', key, [ev.started(W, 'y1', '2026-03-02T10:00:00Z')]);
  await rt.stored(); // acknowledged at the journal: the batch stored, so that its generation is the one read next
  const g = rt.deps.derived.generation(accountId, W); // the stored batch's generation, its facts queued
  await heard; // its facts are written and announced, and the announcement came back through Redis
  assert.equal(rt.deps.derived.generation(accountId, W), g);
  assert.equal((await rt.call('GET', URL_SUMMARY, key)).json.summary.total_enrolled, 1);
});
