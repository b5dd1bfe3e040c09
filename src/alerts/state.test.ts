/** The alert state machine: for-duration, flapping, resolution, what is notified; silences' matching. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notificationOf, silences, transition, type OpenAlert } from './state.js';

const MIN = 60_000;

/** Runs breach/clear evaluations every `every` minutes and returns the notifications sent. */
function run(breaches: boolean[], forMinutes: number, every = 5) {
  let open: OpenAlert | null = null;
  const sent: string[] = [];
  breaches.forEach((b, i) => {
    const now = i * every * MIN;
    const t = transition(open, b, now, forMinutes);
    const n = notificationOf(t);
    if (n) sent.push(`${n}@${i}`);
    if (t.kind === 'open') open = { alert_id: `a${i}`, status: t.status, started_at: now, fired_at: t.status === 'firing' ? now : null };
    else if (t.kind === 'fire') open = { ...open!, status: 'firing', fired_at: now };
    else if (t.kind === 'resolve' || t.kind === 'cancel') open = null;
  });
  return sent;
}

test('without a for-duration a breach fires at once and a clear evaluation resolves it', () => {
  assert.deepEqual(run([false, true, true, false, false], 0), ['firing@1', 'resolved@3']);
});

test('a breach fires only once it has lasted for_minutes (pending until then)', () => {
  // every 5 min, for 15 min: pending at 1, still pending at 2 and 3 (10 min), fires at 4 (15 min)
  assert.deepEqual(run([false, true, true, true, true, true, false], 15), ['firing@4', 'resolved@6']);
  assert.equal(transition(null, true, 0, 15).kind, 'open');
  assert.deepEqual(transition(null, true, 0, 15), { kind: 'open', status: 'pending' });
});

test('flapping shorter than for_minutes never fires (each clear cancels the pending alert)', () => {
  assert.deepEqual(run([true, false, true, false, true, true, false, true], 15), []);
});

test('firing stays firing without a second notification; no data resolves like a clear', () => {
  assert.deepEqual(run([true, true, true, true], 0), ['firing@0']);
  const open: OpenAlert = { alert_id: 'a', status: 'firing', started_at: 0, fired_at: 0 };
  assert.deepEqual(transition(open, false, MIN, 0), { kind: 'resolve' });
  assert.equal(notificationOf({ kind: 'cancel' }), null, 'a pending alert that never fired is not notified');
});

test('a silence matches by rule, workflow, severity and labels, between its start and end', () => {
  const s = { starts_at: '2026-12-01T00:00:00Z', ends_at: '2026-12-02T00:00:00Z', rule_id: null, workflow_id: 'wf', severity: null, labels: { team: 'ops' } };
  const a = { rule_id: 'r', workflow_id: 'wf', severity: 'critical', labels: { team: 'ops', env: 'prod' } };
  const noon = Date.parse('2026-12-01T12:00:00Z');
  assert.equal(silences(s, a, noon), true);
  assert.equal(silences(s, { ...a, workflow_id: 'other' }, noon), false);
  assert.equal(silences(s, { ...a, labels: { team: 'sales' } }, noon), false);
  assert.equal(silences(s, a, Date.parse('2026-12-02T00:00:00Z')), false, 'ended: the end is exclusive');
  assert.equal(silences(s, a, Date.parse('2026-11-30T23:59:59Z')), false, 'not begun');
  assert.equal(silences({ ...s, severity: 'warning' }, a, noon), false);
});
