/** POST /api/v1/events with Content-Encoding: gzip (what the SDK sends): JSON and NDJSON inflated; bad gzip, an unknown encoding and an inflated body over the limit refused with problem+json. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let key = '';
before(async () => {
  rt = await startTestRuntime();
  ({ key } = await rt.newAccount('admin'));
});
after(() => rt?.close());

const post = (body: Buffer, headers: Record<string, string>) =>
  rt.app.inject({ method: 'POST', url: '/api/v1/events', payload: body, headers: { authorization: `Bearer ${key}`, ...headers } });

test('gzip JSON and NDJSON bodies are inflated and stored', async () => {
  const json = await post(zlib.gzipSync(JSON.stringify([ev.started('wf-gz', 'a', '2026-03-02T10:00:00Z', { event_id: 'gz-a' }), ev.started('wf-gz', 'b', '2026-03-02T10:01:00Z', { event_id: 'gz-b' })])), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(json.statusCode, 200, json.body);
  assert.equal(json.json().accepted, 2);
  const ndjson = await post(zlib.gzipSync([ev.started('wf-gz', 'c', '2026-03-02T10:02:00Z', { event_id: 'gz-c' }), ev.started('wf-gz', 'a', '2026-03-02T10:00:00Z', { event_id: 'gz-a' })].map((e) => JSON.stringify(e)).join('\n')), { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
  assert.equal(ndjson.statusCode, 200, ndjson.body);
  assert.deepEqual([ndjson.json().accepted, ndjson.json().duplicates], [1, 1]);
});

test('bad gzip is a 400, an unknown encoding a 415, an inflated body over 10 MB a 413 — all problem+json, nothing stored', async () => {
  const bad = await post(Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(bad.statusCode, 400, bad.body);
  assert.match(String(bad.headers['content-type']), /problem\+json/);
  const br = await post(Buffer.from('[]'), { 'content-type': 'application/json', 'content-encoding': 'br' });
  assert.equal(br.statusCode, 415, br.body);
  // 12 MB of spaces inside a JSON array compress to a few KB
  const bomb = zlib.gzipSync(Buffer.from(`[${' '.repeat(12 * 1024 * 1024)}]`));
  assert.ok(bomb.length < 100_000);
  const big = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  assert.equal(big.statusCode, 413, big.body);
  const n = await rt.query<{ n: number }>("SELECT count() AS n FROM events WHERE workflow_id = 'wf-gz'");
  assert.equal(Number(n[0]!.n), 3);
});
