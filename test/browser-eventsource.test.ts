/** The browser's own EventSource (real Chromium) receives the stream with a stream token. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ev, startTestRuntime } from './helpers/runtime.js';
import { launchChromium, requireChromium } from './helpers/services.js';

test('EventSource in Chromium: a snapshot, then an update after an ingest, with a stream token', { timeout: 120_000 }, async (t) => {
  const chromiumPath = await requireChromium();
  if (!chromiumPath) return t.skip('Chromium is not installed');
  const rt = await startTestRuntime({ sseCoalesceMs: 50 });
  const browser = await launchChromium(chromiumPath);
  try {
    const { key } = await rt.newAccount('admin');
    const now = () => new Date().toISOString();
    await rt.call('POST', '/api/v1/events', key, [ev.started('wf', 'e1', now())]);
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(rt.app.server.address() as { port: number }).port}`;
    const { stream_url } = (await rt.call('POST', '/api/v1/auth/stream-token', key, { workflow_id: 'wf' })).json;

    const page = await browser.newPage();
    await page.goto(`${base}/healthz`);
    await page.evaluate((url) => {
      const w = window as unknown as { received: unknown[]; es: EventSource };
      w.received = [];
      w.es = new EventSource(url);
      w.es.addEventListener('metrics_update', (e) => w.received.push({ id: (e as MessageEvent).lastEventId, data: JSON.parse((e as MessageEvent).data) }));
    }, stream_url);
    await page.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length === 1, undefined, { timeout: 10_000 });
    await rt.call('POST', '/api/v1/events', key, [ev.started('wf', 'e2', now()), ev.started('wf', 'e3', now())]);
    await page.waitForFunction(() => (window as unknown as { received: unknown[] }).received.length >= 2, undefined, { timeout: 10_000 });
    const received = (await page.evaluate(() => {
      const w = window as unknown as { received: unknown[]; es: EventSource };
      w.es.close();
      return w.received;
    })) as Array<{ id: string; data: { snapshot?: boolean; changes: Record<string, number> } }>;
    assert.equal(received[0]!.data.snapshot, true);
    assert.equal(received[0]!.data.changes.total_enrolled, 1);
    assert.deepEqual(received[1]!.data.changes.new_enrollments_delta, 2);
    assert.equal(received[1]!.data.changes.total_enrolled, 3);
    assert.match(received[1]!.id, /^[0-9a-f]{8}-1$/);
  } finally {
    await browser.close();
    await rt.close();
  }
});
