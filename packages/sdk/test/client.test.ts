/**
 * The client against the real server (an embedded store in a temp dir, listening on a port): batches by size
 * and by time, gzip (and what happens when a server does not read it), event ids filled and kept, duplicates
 * and rejections reported, and the lifecycle helpers producing events whose figures the server's summary and
 * funnel show as computed by hand. Then the README's example, the instrumented onboarding runner, run against
 * the server with an experiment created through the API and assigned locally: the server's figures are the
 * runner's own count of how each execution ended and which variant each contact got; and the README shows the
 * example's code as it is.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { OPERATOR_KEY, startTestRuntime, type TestRuntime } from '../../../test/helpers/runtime.js';
import { ExecutionTracker, Flowlens, type EventInput, type FlowlensEvent, type Rejection } from '../src/index.js';
import { main } from '../examples/onboarding-runner.js';
import { eventsOf, startProxy, type Proxy } from './helpers/proxy.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let rt: TestRuntime;
let url: string;
let admin: string;
/** Whether this server reads `Content-Encoding: gzip` request bodies (asked directly, not through the SDK). */
let serverTakesGzip: boolean;

async function stored(workflowId: string) {
  await rt.stored();
  return rt.deps.store.query<{ event_id: string; type: string; execution_id: string; step_id: string }>(
    'SELECT event_id, type, execution_id, step_id FROM events WHERE workflow_id = {w:String}',
    { w: workflowId },
  );
}

before(async () => {
  rt = await startTestRuntime();
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(rt.app.server.address() as AddressInfo).port}`;
  admin = (await rt.newAccount('admin')).key;
  const probe = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: zlib.gzipSync(JSON.stringify([{ type: 'activity', timestamp: new Date().toISOString(), user_id: 'probe', action: 'login' }])),
  });
  serverTakesGzip = probe.status === 200;
  await probe.text();
  console.log(`the server ${serverTakesGzip ? 'reads' : 'does not read'} gzip request bodies (answered ${probe.status})`);
});
after(() => rt.close());

describe('batching, gzip, event ids', () => {
  let proxy: Proxy;
  before(async () => {
    proxy = await startProxy(url);
  });
  after(() => proxy.close());

  test('a batch leaves when it is full, flush() sends the rest; every event gets a UUID, given ids are kept; gzip first', async () => {
    proxy.requests.length = 0;
    const client = new Flowlens({ url: proxy.url, apiKey: admin, batchSize: 50, flushIntervalMs: 300, gzipMinBytes: 0 });
    const t0 = performance.now();
    for (let i = 0; i < 120; i++) {
      void client.track({
        type: 'execution.started', workflow_id: 'wf-batching', execution_id: `b-${i}`, contact_id: `c-${i}`, enrollment_source: 'api',
        ...(i === 7 ? { event_id: 'given-id-7' } : {}),
      });
    }
    const tracked = performance.now();
    assert.equal(client.stats().queued, 120);
    assert.equal(await client.flush(10_000), true);
    const ok = proxy.requests.filter((r) => r.status === 200);
    assert.deepEqual(ok.map((r) => eventsOf(r).length).sort((a, b) => a - b), [20, 50, 50], 'two full batches and the remainder');
    const last = ok.find((r) => eventsOf(r).length === 20)!;
    assert.ok(last.at - t0 < 280, 'flush() sent the remainder before the timer would have (the next test checks the timer)');

    const ids = ok.flatMap((r) => eventsOf(r).map((e) => e.event_id as string));
    assert.equal(new Set(ids).size, 120, 'every event has its own id');
    assert.equal(ids.filter((id) => UUID.test(id)).length, 119, 'filled ids are UUIDs (v4)');
    assert.ok(ids.includes('given-id-7'), 'a given id is kept');
    for (const e of ok.flatMap(eventsOf)) assert.match(e.timestamp as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // gzip: the first requests went compressed; a server that does not read gzip answered 400 once, and the
    // client sent the same batches plain from then on
    const first = proxy.requests[0]!;
    assert.equal(first.headers['content-encoding'], 'gzip');
    assert.equal(eventsOf(first).length, 50, 'the gzipped body is the whole batch');
    assert.ok(first.body.length < JSON.stringify(eventsOf(first)).length / 3, `compressed ${first.body.length} bytes`);
    const s = client.stats();
    assert.equal(s.gzip, serverTakesGzip);
    if (serverTakesGzip) assert.ok(proxy.requests.every((r) => r.headers['content-encoding'] === 'gzip' && r.status === 200));
    else {
      assert.ok(proxy.requests.filter((r) => r.status === 400).every((r) => r.headers['content-encoding'] === 'gzip'));
      assert.ok(ok.every((r) => r.headers['content-encoding'] === undefined));
    }
    assert.deepEqual(
      { tracked: s.tracked, acknowledged: s.acknowledged, accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected, dropped: s.dropped, failed: s.failed, queued: s.queued },
      { tracked: 120, acknowledged: 120, accepted: 120, duplicates: 0, rejected: 0, dropped: 0, failed: 0, queued: 0 },
    );
    await client.close();
    const rows = await stored('wf-batching');
    assert.equal(rows.length, 120);
    assert.equal(new Set(rows.map((r) => r.event_id)).size, 120);
    console.log(`batching: ${proxy.requests.length} requests (${proxy.requests.map((r) => r.status).join(', ')}), tracked in ${(tracked - t0).toFixed(1)} ms`);
  });

  test('without flush(), a partial batch leaves flushIntervalMs after its first event', async () => {
    proxy.requests.length = 0;
    const client = new Flowlens({ url: proxy.url, apiKey: admin, batchSize: 1000, flushIntervalMs: 400 });
    const t0 = performance.now();
    for (let i = 0; i < 4; i++) void client.track({ type: 'execution.started', workflow_id: 'wf-timer', execution_id: `t-${i}`, contact_id: 'c', enrollment_source: 'api' });
    while (client.stats().acknowledged < 4) await new Promise((r) => setTimeout(r, 20));
    const sentAt = proxy.requests[0]!.at - t0;
    assert.ok(sentAt >= 380 && sentAt < 1500, `sent ${sentAt.toFixed(0)} ms after the first event`);
    assert.equal(proxy.requests.length, 1, 'a body under gzipMinBytes (1 KB) is not worth compressing: sent plain, once');
    assert.ok(proxy.requests[0]!.body.length < 1024);
    assert.equal(proxy.requests[0]!.headers['content-encoding'], undefined);
    await client.close();
  });

  test('gzip end to end: through a front that reads gzip every body is compressed and complete', async () => {
    proxy.requests.length = 0;
    proxy.gunzip = true;
    try {
      const client = new Flowlens({ url: proxy.url, apiKey: admin, batchSize: 200, gzipMinBytes: 0 });
      for (let i = 0; i < 1000; i++) void client.track({ type: 'step.started', workflow_id: 'wf-gzip', execution_id: `g-${i}`, step_id: 's1', step_type: 'action', action_type: 'send_email' });
      await client.close();
      assert.equal(proxy.requests.length, 5);
      assert.ok(proxy.requests.every((r) => r.headers['content-encoding'] === 'gzip' && r.status === 200));
      const raw = proxy.requests.reduce((n, r) => n + JSON.stringify(eventsOf(r)).length, 0);
      const sent = client.stats().bytesSent;
      assert.equal(client.stats().gzip, true);
      assert.equal(client.stats().acknowledged, 1000);
      console.log(`gzip: ${raw} bytes of JSON sent as ${sent} (${(raw / sent).toFixed(1)}×)`);
      assert.equal((await stored('wf-gzip')).length, 1000);
    } finally {
      proxy.gunzip = false;
    }
  });

  test('a server that refuses gzip with 415: the client sends plain from then on, losing nothing', async () => {
    proxy.requests.length = 0;
    proxy.decide = (r) => (r.headers['content-encoding'] === 'gzip' ? { status: 415, body: JSON.stringify({ status: 415, title: 'Unsupported Media Type' }) } : 'forward');
    try {
      const client = new Flowlens({ url: proxy.url, apiKey: admin, batchSize: 100, concurrency: 1, gzipMinBytes: 0 });
      for (let i = 0; i < 300; i++) void client.track({ type: 'execution.completed', workflow_id: 'wf-415', execution_id: `r-${i}` });
      await client.close();
      assert.deepEqual(proxy.requests.map((r) => r.status), [415, 200, 200, 200]);
      assert.equal(client.stats().gzip, false);
      assert.equal(client.stats().acknowledged, 300);
      assert.equal(client.stats().retries, 0, 'falling back is not a retry');
    } finally {
      proxy.decide = () => 'forward';
    }
  });

  test('a resent event id is counted once (duplicates); a refused event is reported once, its batch-mates stored', async () => {
    const rejections: Rejection[] = [];
    const client = new Flowlens({ url, apiKey: admin, onRejected: (r) => rejections.push(...r) });
    const bad = { type: 'execution.started', workflow_id: 'wf-dup', execution_id: 'x', contact_id: 'c', enrollment_source: 'carrier_pigeon' } as unknown as FlowlensEvent;
    void client.track({ type: 'execution.started', workflow_id: 'wf-dup', execution_id: 'e1', contact_id: 'c', enrollment_source: 'api', event_id: 'dup-1' });
    void client.track(bad);
    void client.track({ type: 'execution.completed', workflow_id: 'wf-dup', execution_id: 'e1' });
    await client.flush();
    void client.track({ type: 'execution.started', workflow_id: 'wf-dup', execution_id: 'e1', contact_id: 'c', enrollment_source: 'api', event_id: 'dup-1' });
    await client.close();
    const s = client.stats();
    assert.deepEqual({ accepted: s.accepted, duplicates: s.duplicates, rejected: s.rejected, requests: s.requests }, { accepted: 2, duplicates: 1, rejected: 1, requests: 2 });
    assert.equal(rejections.length, 1);
    assert.equal((rejections[0]!.event as { execution_id: string }).execution_id, 'x');
    assert.deepEqual(rejections[0]!.errors.map((e) => e.path), ['/enrollment_source']);
    assert.equal((await stored('wf-dup')).length, 2);
  });
});

describe('lifecycle helpers', () => {
  test('an instrumented run: the summary and the funnel show the figures computed by hand', async () => {
    const client = new Flowlens({ url, apiKey: admin, batchSize: 25, flushIntervalMs: 50 });
    const W = 'wf-sdk-runner';
    for (let i = 0; i < 10; i++) {
      const run = client.execution(W, `run-${i}`, { contactId: `contact-${i}`, version: 2, variant: i % 2 ? 'B' : 'A', triggerType: 'webhook' });
      void run.started();
      const welcome = run.step('welcome', 'action', { actionType: 'send_email' });
      void welcome.started();
      if (i < 8) void welcome.completed({ durationMs: 1500 });
      if (i < 6) {
        void welcome.cost(0.02, 1);
        const wait = run.step('wait', 'wait');
        void wait.started();
        void wait.completed({ durationMs: 500 });
        void run.completed();
      } else if (i < 8) void run.goal('purchase', 50);
      else if (i === 8) void run.exited('unsubscribed');
      else {
        const err = Object.assign(new Error('SMTP server said no'), { code: 'ESMTP' });
        void welcome.failed(err);
        void run.failed(err);
      }
    }
    await client.close();
    const s = client.stats();
    // 6 × (started, 2 × step started/completed, cost, completed) + 2 × (started, step, step, goal) + (started, step, exited) + (started, step, step failed, failed)
    assert.equal(s.tracked, 6 * 7 + 2 * 4 + 3 + 4);
    assert.equal(s.acknowledged, s.tracked);
    assert.equal(s.rejected, 0);

    const day = new Date().toISOString().slice(0, 10);
    const r = await rt.call('GET', `/api/v1/workflows/${W}/analytics?start_date=${day}&end_date=${day}`, admin);
    assert.equal(r.status, 200, r.text);
    const sum = r.json.summary;
    assert.equal(sum.total_enrolled, 10);
    assert.equal(sum.completed, 8, '6 completed + 2 converted');
    assert.equal(sum.goals_achieved, 2);
    assert.equal(sum.goal_value, 100);
    assert.equal(sum.exited, 1);
    assert.equal(sum.errored, 1);
    assert.deepEqual(sum.exit_reasons, { unsubscribed: 1 });
    assert.deepEqual(sum.error_types, { ESMTP: 1 });
    assert.deepEqual(sum.enrollment_sources, { trigger: 10 });
    const f = await rt.call('GET', `/api/v1/workflows/${W}/analytics/funnel?start_date=${day}&end_date=${day}`, admin);
    const welcome = f.json.funnel_steps.find((x: { step_id: string }) => x.step_id === 'welcome');
    assert.deepEqual({ entered: welcome.entered, completed: welcome.completed, avg: welcome.average_time_seconds }, { entered: 10, completed: 8, avg: 1.5 });
    const variantB = await rt.call('GET', `/api/v1/workflows/${W}/analytics?start_date=${day}&end_date=${day}&variant=B`, admin);
    assert.equal(variantB.json.summary.total_enrolled, 5);
    await rt.stored();
    const [cost] = await rt.deps.store.query<{ usd: number; credits: number; version: number }>(
      "SELECT round(sum(amount_usd), 6) AS usd, sum(credits) AS credits, max(workflow_version) AS version FROM events WHERE workflow_id = {w:String} AND type = 'cost.recorded'",
      { w: W },
    );
    assert.deepEqual({ usd: Number(cost!.usd), credits: Number(cost!.credits), version: Number(cost!.version) }, { usd: 0.12, credits: 6, version: 2 });
    // (an alias named like a column would shadow it in WHERE)
    const failed = await rt.deps.store.query<{ t: string; message: string; error: string }>(
      "SELECT type AS t, error_message AS message, error_type AS error FROM events WHERE workflow_id = {w:String} AND execution_id = 'run-9' AND error_type != '' ORDER BY t",
      { w: W },
    );
    assert.deepEqual(failed, [
      { t: 'execution.failed', message: 'SMTP server said no', error: 'ESMTP' },
      { t: 'step.failed', message: 'SMTP server said no', error: 'ESMTP' },
    ]);
  });

  test('step.run() times the step and reports a thrown error as step.failed', async () => {
    const seen: FlowlensEvent[] = [];
    const tracker = { track: async (e: EventInput) => void seen.push(e as FlowlensEvent) };
    const run = new ExecutionTracker(tracker, 'w', 'e', { contactId: 'c' });
    const out = await run.step('s', 'action').run(async () => {
      await new Promise((r) => setTimeout(r, 60));
      return 42;
    });
    assert.equal(out, 42);
    await assert.rejects(run.step('t', 'action').run(() => Promise.reject(new TypeError('boom'))), /boom/);
    assert.deepEqual(seen.map((e) => e.type), ['step.started', 'step.completed', 'step.started', 'step.failed']);
    const completed = seen[1] as { duration_ms: number };
    assert.ok(completed.duration_ms >= 55 && completed.duration_ms < 1000, `duration ${completed.duration_ms}`);
    assert.equal((seen[3] as { error_type: string }).error_type, 'TypeError');
  });
});

describe('the README example', () => {
  test('the onboarding runner: the summary counts what the runner saw, per variant of the experiment', { timeout: 60_000 }, async () => {
    const { key } = await rt.newAccount('admin');
    // the workflow registered, then the experiment on it
    await rt.call('PUT', '/api/v1/workflows/onboarding', key, { name: 'Onboarding', version: 3, steps: [
      { step_id: 'send-welcome', name: 'Welcome email', order: 1, type: 'action', action_type: 'send_email' },
      { step_id: 'wait-a-day', name: 'Wait a day', order: 2, type: 'wait' },
      { step_id: 'opened?', name: 'Opened?', order: 3, type: 'condition' },
      { step_id: 'send-discount', name: 'Offer', order: 4, type: 'action', action_type: 'send_email' },
    ] });
    const created = await rt.call('POST', '/api/v1/experiments', key, {
      workflow_id: 'onboarding', name: 'Discount or free shipping', primary_metric: 'conversion_rate', power: { baseline_rate_percent: 20 },
      variants: [{ key: 'free_shipping' }, { key: 'discount' }],
    });
    assert.equal(created.status, 201, created.text);
    assert.equal((await rt.call('POST', `/api/v1/experiments/${created.json.experiment_id}/start`, key, {})).status, 200);

    const { endings, variants, stats } = await main({ url, apiKey: key, experimentId: created.json.experiment_id, contacts: 200 });
    assert.deepEqual({ rejected: stats.rejected, dropped: stats.dropped, failed: stats.failed }, { rejected: 0, dropped: 0, failed: 0 });
    assert.equal(stats.acknowledged, stats.tracked);

    const day = new Date().toISOString().slice(0, 10);
    const summary = (await rt.call('GET', `/api/v1/workflows/onboarding/analytics?start_date=${day}&end_date=${day}`, key)).json.summary;
    assert.equal(summary.total_enrolled, 200);
    assert.equal(summary.completed, endings.completed);
    assert.equal(summary.exited, endings.exited);
    assert.equal(summary.errored, endings.failed);
    assert.deepEqual(Object.keys(summary.error_types), endings.failed ? ['EMAIL_BOUNCED'] : []);
    assert.ok(summary.goals_achieved > 0 && summary.goals_achieved <= endings.completed);
    assert.equal(summary.goal_value, summary.goals_achieved * 49);
    for (const [variant, n] of Object.entries(variants)) {
      const v = await rt.call('GET', `/api/v1/workflows/onboarding/analytics?start_date=${day}&end_date=${day}&variant=${variant}`, key);
      assert.equal(v.json.summary.total_enrolled, n, `variant ${variant}`);
    }
    const funnel = (await rt.call('GET', `/api/v1/workflows/onboarding/analytics/funnel?start_date=${day}&end_date=${day}`, key)).json;
    assert.deepEqual(funnel.funnel_steps.map((s: { step_id: string }) => s.step_id), ['send-welcome', 'wait-a-day', 'opened?', 'send-discount']);
    assert.equal(funnel.funnel_steps[0].entered, 200);
    assert.equal(funnel.funnel_steps[0].completed, 200 - endings.failed);
    console.log(`example runner: ${JSON.stringify(endings)}, variants ${JSON.stringify(variants)}, ${summary.goals_achieved} purchases, ${stats.tracked} events in ${stats.requests} requests`);
  });

  test("the README shows the example's code as it is", () => {
    const dir = path.resolve(import.meta.dirname, '..');
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    const code = fs.readFileSync(path.join(dir, 'examples/onboarding-runner.ts'), 'utf8').replace("from '../src/index.js'", "from '@flowlens/sdk'");
    assert.ok(readme.includes(`\`\`\`ts\n${code}\`\`\``), 'README.md embeds examples/onboarding-runner.ts (with the package name in its import)');
  });
});
