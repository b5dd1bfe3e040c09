/** SIGTERM during ingestion loses no acknowledged event; dedupe holds across a restart. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestStore, tempDir } from './helpers/store.js';
import { startServerProcess } from './helpers/server-process.js';

const KEY = 'fl_durability_operator_key';

function batch(r: number, size: number) {
  return Array.from({ length: size }, (_, i) => ({
    type: 'execution.started', event_id: `b${r}-${i}`, workflow_id: 'wf', execution_id: `b${r}-${i}`,
    timestamp: '2026-03-01T10:00:00Z', contact_id: 'c', enrollment_source: 'api',
  }));
}

test('SIGTERM while requests are in flight: every acknowledged event is stored; resending them is all duplicates', { timeout: 180_000 }, async () => {
  const dataDir = tempDir();
  const server = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_INGEST_FLUSH_MS: '50' });
  const post = (url: string, events: unknown[]) =>
    fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(events) });

  const acknowledged: number[] = [];
  let firstAck: () => void = () => {};
  const gotAck = new Promise<void>((res) => (firstAck = res));
  const sends = Array.from({ length: 40 }, async (_, r) => {
    await new Promise((res) => setTimeout(res, r * 15));
    try {
      const res = await post(server.url, batch(r, 500));
      if (res.status === 200) {
        const body = (await res.json()) as { accepted: number };
        assert.equal(body.accepted, 500);
        acknowledged.push(r);
        firstAck();
      }
    } catch {
      /* connection refused or reset after shutdown: not acknowledged */
    }
  });
  // signal as soon as the first request is acknowledged: the later ones are still in flight
  await Promise.race([gotAck, new Promise((res) => setTimeout(res, 20_000))]);
  server.child.kill('SIGTERM');
  await Promise.all(sends);
  assert.equal(await server.exited, 0, server.output());
  assert.ok(acknowledged.length > 0, 'some requests were acknowledged before the signal');

  const { store } = await openTestStore(dataDir);
  const rows = await store.query<{ id: string }>("SELECT DISTINCT splitByChar('-', event_id)[1] AS id FROM events WHERE account_id = 'default'");
  const stored = new Set(rows.map((r) => r.id));
  for (const r of acknowledged) assert.ok(stored.has(`b${r}`), `acknowledged batch ${r} is stored`);
  const total = await store.query<{ c: number; u: number }>("SELECT count() AS c, uniqExact(event_id) AS u FROM events WHERE account_id = 'default'");
  assert.equal(total[0]!.c, total[0]!.u, 'no event stored twice');
  await store.close();

  const again = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY });
  const first = acknowledged[0]!;
  const res = await post(again.url, batch(first, 500));
  const body = (await res.json()) as { accepted: number; duplicates: number };
  assert.deepEqual(body, { accepted: 0, duplicates: 500, aggregated_only: 0, rejected: [] });
  again.child.kill('SIGTERM');
  assert.equal(await again.exited, 0);
});

test('a second process on a held data directory gets a clear error', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const server = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY });
  await assert.rejects(startServerProcess(dataDir), /in use by another Flowlens process/);
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
});
