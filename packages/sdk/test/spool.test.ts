/**
 * The spool: an engine's process killed with SIGKILL while most of its batches are unacknowledged — one of
 * them stored by the server whose answer never came back — leaves them on disk; a new client on the same
 * directory sends them, the server counts the one it had as duplicates, and every event is stored once. A
 * client closed while the server is down keeps what it could not send in the spool; an unreadable file is put
 * aside, not retried forever.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startTestRuntime, type TestRuntime } from '../../../test/helpers/runtime.js';
import { tempDir } from '../../../test/helpers/store.js';
import { Flowlens, type FlowlensError } from '../src/index.js';
import { startProxy, type Proxy } from './helpers/proxy.js';

let rt: TestRuntime;
let url: string;
let key: string;
let proxy: Proxy;

before(async () => {
  rt = await startTestRuntime();
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(rt.app.server.address() as AddressInfo).port}`;
  key = (await rt.newAccount('ingest')).key;
  proxy = await startProxy(url);
});
after(async () => {
  await proxy.close();
  await rt.close();
});

const batchFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
const spooledEvents = (dir: string) => batchFiles(dir).reduce((n, f) => n + (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown[]).length, 0);

async function stored(w: string) {
  await rt.stored();
  const [r] = await rt.deps.store.query<{ n: number; ids: number; executions: number }>(
    'SELECT count() AS n, uniqExact(event_id) AS ids, uniqExact(execution_id) AS executions FROM events WHERE workflow_id = {w:String}',
    { w },
  );
  return { n: Number(r!.n), ids: Number(r!.ids), executions: Number(r!.executions) };
}

async function until(what: string, check: () => boolean, ms = 15_000) {
  const t = performance.now();
  while (!check()) {
    if (performance.now() - t > ms) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('an engine killed with SIGKILL: a new client on its spool sends what was not acknowledged; every event is stored once', { timeout: 60_000 }, async () => {
  const W = 'wf-spool-kill';
  const dir = tempDir('flowlens-sdk-spool-');
  proxy.requests.length = 0;
  // three batches acknowledged, the fourth stored but its answer lost, the rest never answered
  proxy.decide = (r) => (r.n < 3 ? 'forward' : r.n === 3 ? 'forward_and_hold' : 'hold');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'helpers/spool-child.ts'), proxy.url, key, dir, W, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await until('the child tracked its events, the fourth batch was stored and the spool holds the unacknowledged', () =>
    out.includes('tracked 1000') && proxy.requests.filter((r) => r.status === 200).length === 4 && proxy.requests.length >= 5 && batchFiles(dir).length === 7);
  child.kill('SIGKILL');
  await exited;
  assert.deepEqual(await stored(W), { n: 400, ids: 400, executions: 400 }, '3 batches acknowledged + 1 stored unacknowledged');
  assert.equal(spooledEvents(dir), 700, 'the 7 unacknowledged batches are on disk');
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 0);

  proxy.decide = () => 'forward';
  const client = new Flowlens({ url, apiKey: key, spoolDir: dir, gzip: false, concurrency: 1 });
  assert.equal(await client.flush(20_000), true);
  await client.close();
  const s = client.stats();
  assert.deepEqual(
    { recovered: s.recovered, acknowledged: s.acknowledged, accepted: s.accepted, duplicates: s.duplicates, tracked: s.tracked },
    { recovered: 700, acknowledged: 700, accepted: 600, duplicates: 100, tracked: 0 },
  );
  assert.equal(s.requests, 1, 'the 7 spooled batches are gathered into one request (batchSize 2,000)');
  assert.deepEqual(batchFiles(dir), [], 'the spool is empty once acknowledged');
  assert.deepEqual(await stored(W), { n: 1000, ids: 1000, executions: 1000 });
});

test('close() with the server down keeps everything unsent in the spool; an unreadable file is put aside', async () => {
  const W = 'wf-spool-close';
  const dir = tempDir('flowlens-sdk-spool-');
  proxy.decide = () => 'reset';
  const a = new Flowlens({ url: proxy.url, apiKey: key, spoolDir: dir, batchSize: 100, initialBackoffMs: 20, maxBackoffMs: 100, gzip: false });
  for (let i = 0; i < 250; i++) void a.track({ type: 'execution.started', workflow_id: W, execution_id: `sc-${i}`, contact_id: 'c', enrollment_source: 'api' });
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(a.stats().retries > 0);
  await a.close({ timeoutMs: 300 });
  assert.deepEqual({ dropped: a.stats().dropped, acknowledged: a.stats().acknowledged, kept: a.stats().kept, queued: a.stats().queued }, { dropped: 0, acknowledged: 0, kept: 250, queued: 0 });
  assert.equal(spooledEvents(dir), 250);
  fs.writeFileSync(path.join(dir, '000000000000001-garbage.json'), '[{"type": "execution.sta');

  proxy.decide = () => 'forward';
  const errors: FlowlensError[] = [];
  const b = new Flowlens({ url, apiKey: key, spoolDir: dir, onError: (e) => errors.push(e) });
  assert.equal(await b.flush(20_000), true);
  await b.close();
  assert.deepEqual({ recovered: b.stats().recovered, acknowledged: b.stats().acknowledged }, { recovered: 250, acknowledged: 250 });
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.kind, 'spool');
  assert.deepEqual(batchFiles(dir), []);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'failed')), ['000000000000001-garbage.json']);
  assert.deepEqual(await stored(W), { n: 250, ids: 250, executions: 250 });
});
