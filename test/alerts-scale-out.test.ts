/**
 * Alerting with several instances on one store (issue 27): with Redis, one instance evaluates a tick — two engines
 * ticking at once send a firing alert once, not twice. Needs Redis (skipped with a visible message where it is
 * missing; FLOWLENS_REQUIRE_SERVICES=1 makes that a failure).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { AlertEngine } from '../src/alerts/engine.js';
import { openRedis } from '../src/redis/connection.js';
import { REDIS_URL, requireService } from './helpers/services.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime | undefined;
let url: string | false;
let receiver: http.Server;
const received: unknown[] = [];

before(async () => {
  url = await requireService('Redis', REDIS_URL);
  if (!url) return;
  rt = await startTestRuntime({ webhookAllowPrivate: true, alertTickMs: 0 });
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});
after(async () => {
  await rt?.close();
  if (receiver) await new Promise<void>((r) => receiver.close(() => r()));
});

test('two instances ticking at once: one evaluates, the alert is sent once', async (t) => {
  if (!rt || !url) return t.skip('Redis is not reachable');
  const { accountId, key } = await rt.newAccount('admin');
  const now = Date.now();
  await rt.call('POST', '/api/v1/events', key, [ev.started('wf-r', 'x', new Date(now - 2 * 3_600_000).toISOString())]);
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const rule = await rt.call('POST', '/api/v1/alerts/rules', key, {
    name: 'always', metric: 'events_received', scope: { type: 'workflow', workflow_id: 'wf-r' }, detector: { type: 'threshold', threshold: -1, direction: 'above' },
    channels: [{ type: 'webhook', url: hook, secret: 'sixteen-chars-secret' }],
  });
  assert.equal(rule.status, 201, rule.text);
  const warn = () => {};
  const redisA = openRedis(url, warn);
  const redisB = openRedis(url, warn);
  try {
    await Promise.all([redisA, redisB].map((r) => new Promise<void>((resolve) => (r.status === 'ready' ? resolve() : r.once('ready', () => resolve())))));
    await redisA.del('flowlens:alerts:evaluating');
    const engine = (redis: typeof redisA) => new AlertEngine({ store: rt!.deps.store, queries: rt!.deps.queries, audit: rt!.deps.audit, mailer: { send: async () => {} }, bus: rt!.deps.bus, redis }, { tickMs: 60_000, webhookAllowPrivate: true });
    const [a, b] = await Promise.all([engine(redisA).tick(), engine(redisB).tick()]);
    const evaluated = [a, b].filter((x) => x.some((e) => e.rule_id === rule.json.rule_id));
    assert.equal(evaluated.length, 1, 'one instance evaluated the tick');
    assert.equal(received.length, 1, 'the alert was sent once');
    const open = (await rt.deps.alerts.records.alerts(accountId, { open: true })).filter((x) => x.rule_id === rule.json.rule_id);
    assert.equal(open.length, 1);
  } finally {
    await redisA.del('flowlens:alerts:evaluating');
    redisA.disconnect();
    redisB.disconnect();
  }
});
