/**
 * The SDK's experiment assignment is the server's: the same variant, reason and bucket as src/experiments/assign.ts
 * on 20,000 random experiments and contacts (unicode included), and as `POST /api/v1/experiments/{id}/assign`
 * for an experiment read back with `GET /api/v1/experiments/{id}`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as server from '../../../src/experiments/assign.js';
import { startTestRuntime } from '../../../test/helpers/runtime.js';
import * as sdk from '../src/index.js';

/** A seeded generator (mulberry32), so a failure names its case. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ALPHABET = ['a', 'Z', '0', '-', ':', '_', ' ', 'é', 'ß', '中', '文', '🙂', '👩‍💻', '\u0000', '\uffff'];

test('the same assignment as the server module on 20,000 random experiments and contacts', () => {
  const r = rng(20261206);
  const text = (max: number) => Array.from({ length: Math.floor(r() * max) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('');
  const counts = new Map<string, number>();
  for (let i = 0; i < 20_000; i++) {
    const variants = Array.from({ length: 1 + Math.floor(r() * 10) }, (_, k) => ({ key: `v${k}`, weight: r() < 0.5 ? 1 + Math.floor(r() * 100) : 0.001 + r() * 1000 }));
    const salt = r() < 0.8 ? Math.floor(r() * 2 ** 53).toString(16) : text(40);
    const rollout = r() < 0.1 ? variants[Math.floor(r() * variants.length)]!.key : null;
    const contact = r() < 0.5 ? `contact-${Math.floor(r() * 1e9)}` : text(30);
    const mine = sdk.assign({ salt, variants, rollout }, contact);
    assert.deepEqual(mine, server.assign({ salt, variants, rollout }, contact), `case ${i}: salt ${JSON.stringify(salt)}, contact ${JSON.stringify(contact)}`);
    assert.equal(sdk.fnv1a32(contact), server.fnv1a32(contact));
    counts.set(mine.reason, (counts.get(mine.reason) ?? 0) + 1);
  }
  assert.ok((counts.get('rollout') ?? 0) > 1000 && (counts.get('split') ?? 0) > 15_000);
  // the hash itself, on values a reimplementation would get wrong first
  for (const h of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xdeadbeef]) assert.equal(sdk.fmix32(h), server.fmix32(h));
  assert.equal(sdk.assign({ salt: 's', variants: [{ key: 'A', weight: 1 }] }, 'c').variant, 'A', 'rollout may be left out');
});

test('the same answers as POST /api/v1/experiments/{id}/assign, from the experiment as GET returns it', { timeout: 60_000 }, async () => {
  const rt = await startTestRuntime();
  try {
    const { key } = await rt.newAccount('admin');
    const sent = await rt.call('POST', '/api/v1/events', key, [
      { type: 'execution.started', workflow_id: 'wf-assign', execution_id: 'seed', contact_id: 'c', enrollment_source: 'api', timestamp: new Date().toISOString() },
    ]);
    assert.equal(sent.status, 200, sent.text);
    const created = await rt.call('POST', '/api/v1/experiments', key, {
      workflow_id: 'wf-assign', name: 'Three arms', primary_metric: 'conversion_rate', power: { baseline_rate_percent: 10 },
      variants: [{ key: 'control', weight: 20 }, { key: 'short', weight: 30 }, { key: 'long', weight: 50 }],
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json.experiment_id as string;
    assert.equal((await rt.call('POST', `/api/v1/experiments/${id}/start`, key, {})).status, 200);
    const experiment = (await rt.call('GET', `/api/v1/experiments/${id}`, key)).json as sdk.Assignable;
    assert.equal(typeof experiment.salt, 'string');
    const seen = new Set<string>();
    for (let i = 0; i < 120; i++) {
      const contact = i % 3 === 0 ? `contact-${i}` : i % 3 === 1 ? `käse-${i}-🙂` : `${i}`;
      const a = await rt.call('POST', `/api/v1/experiments/${id}/assign`, key, { contact_id: contact });
      assert.equal(a.status, 200, a.text);
      const mine = sdk.assign(experiment, contact);
      assert.deepEqual({ variant: a.json.variant, reason: a.json.reason, bucket: a.json.bucket }, mine, `contact ${contact}`);
      seen.add(mine.variant);
    }
    assert.deepEqual([...seen].sort(), ['control', 'long', 'short']);
  } finally {
    await rt.close();
  }
});
