/**
 * Versions compared and A/B experiments (issue 26), on the real engine: figures and tests against hand-computed
 * values on a small cohort; an experiment's lifecycle, assignment, results, the decision rule deciding, notifying
 * (a local webhook receiver and a real SMTP server), rolling out and back; a 52/48 split at 100,000 contacts
 * flagged for sample-ratio mismatch and never given a winner.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

let rt: TestRuntime;
let admin = '';
let smtp: SMTPServer;
const mails: string[] = [];
let hooks: http.Server;
const hooked: Array<Record<string, unknown>> = [];
let hookUrl = '';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('latin1')));
      stream.on('end', () => {
        mails.push(raw);
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  hooks = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hooked.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  rt = await startTestRuntime({ smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, webhookAllowPrivate: true, experimentTickMs: 0 });
  ({ key: admin } = await rt.newAccount('admin'));
});

after(async () => {
  await rt?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => hooks.close(() => r()));
});

async function send(events: unknown[]) {
  for (let i = 0; i < events.length; i += 5000) {
    const res = await rt.call('POST', '/api/v1/events', admin, events.slice(i, i + 5000));
    assert.equal(res.status, 200, res.text);
  }
}

describe('versions compared', () => {
  before(async () => {
    const v = (n: number) => ({ workflow_version: n });
    const at = (h: number) => `2026-03-02T${String(10 + h).padStart(2, '0')}:00:00Z`;
    await send([
      // version 1: completed after 1 h and 3 h, one failed, one converted after 2 h
      ev.started('wfv', 'a1', at(0), v(1)), ev.completed('wfv', 'a1', at(1), v(1)),
      ev.started('wfv', 'a2', at(0), v(1)), ev.completed('wfv', 'a2', at(3), v(1)),
      ev.started('wfv', 'a3', at(0), v(1)), ev.failed('wfv', 'a3', at(1), v(1)),
      ev.started('wfv', 'a4', at(0), v(1)), ev.goal('wfv', 'a4', at(2), v(1)),
      // version 2: all four completed, after 1, 1, 2 (converted) and 4 h
      ev.started('wfv', 'b1', at(0), v(2)), ev.completed('wfv', 'b1', at(1), v(2)),
      ev.started('wfv', 'b2', at(0), v(2)), ev.completed('wfv', 'b2', at(1), v(2)),
      ev.started('wfv', 'b3', at(0), v(2)), ev.goal('wfv', 'b3', at(2), v(2)),
      ev.started('wfv', 'b4', at(0), v(2)), ev.completed('wfv', 'b4', at(4), v(2)),
    ]);
  });

  test('per version the cohort figures, and each metric tested against the baseline (hand-computed)', async () => {
    const res = await rt.call('GET', '/api/v1/workflows/wfv/analytics/versions?start_date=2026-03-01&end_date=2026-03-31&versions=1,2', admin);
    assert.equal(res.status, 200, res.text);
    const body = res.json;
    assert.equal(body.baseline, 1);
    assert.equal(body.correction, 'holm');
    const [v1, v2] = body.versions;
    assert.equal(v1.enrolled, 4);
    assert.equal(v2.enrolled, 4);
    assert.deepEqual(v1.metrics.completion_rate, { value: 75, n: 4 });
    assert.deepEqual(v2.metrics.completion_rate, { value: 100, n: 4 });
    assert.deepEqual(v1.metrics.failure_rate, { value: 25, n: 4 });
    assert.deepEqual(v1.metrics.duration_hours, { value: 2, n: 3 }); // (1 + 3 + 2) / 3
    assert.deepEqual(v2.metrics.duration_hours, { value: 2, n: 4 }); // (1 + 1 + 2 + 4) / 4
    assert.deepEqual(v1.metrics.duration_hours_p50, { value: 2, n: 3 });
    assert.deepEqual(v2.metrics.duration_hours_p50, { value: 2, n: 4 }); // quantileExact: the upper middle of 1, 1, 2, 4
    const by = Object.fromEntries(body.comparisons[0].metrics.map((m: { metric: string }) => [m.metric, m]));
    // completion 3/4 against 4/4: pooled p = 7/8, SE = √(7/8 · 1/8 · (1/4 + 1/4)) = 0.2338535, z = 0.25 / SE = 1.0690450,
    // two-sided p = 0.2850494; CI with the unpooled SE √(0.75 · 0.25 / 4) = 0.2165064: 25 ± 1.959964 · 21.65064 points
    const c = by.completion_rate;
    assert.equal(c.test, 'two_proportion_z');
    assert.ok(Math.abs(c.difference - 25) < 1e-9);
    assert.ok(Math.abs(c.statistic - 1.0690449676) < 1e-6, String(c.statistic));
    assert.ok(Math.abs(c.p_value - 0.2850494074) < 1e-6, String(c.p_value));
    assert.ok(Math.abs(c.ci[0] - -17.434465028) < 1e-6 && Math.abs(c.ci[1] - 67.434465028) < 1e-6, JSON.stringify(c.ci));
    assert.equal(c.significant, false);
    assert.equal(c.verdict, 'no_difference');
    // failure 1/4 against 0/4: the same z with the sign turned
    assert.ok(Math.abs(by.failure_rate.statistic + 1.0690449676) < 1e-6);
    // mean duration 2 h against 2 h: Welch's t = 0, p = 1
    assert.equal(by.duration_hours.test, 'welch_t');
    assert.ok(Math.abs(by.duration_hours.difference) < 1e-12);
    assert.ok(Math.abs(by.duration_hours.p_value - 1) < 1e-9);
    // median: Mann–Whitney on [1, 2, 3] and [1, 1, 2, 4]: pooled ranks 1,1,1 → 2; 2,2 → 4.5; 3 → 6; 4 → 7;
    // R₁ = 2 + 4.5 + 6 = 12.5, U₁ = 12.5 − 6 = 6.5 = n₁n₂/2, so z = 0 with the continuity correction, p = 1
    assert.equal(by.duration_hours_p50.test, 'mann_whitney_u');
    assert.equal(by.duration_hours_p50.difference, 0);
    assert.ok(Math.abs(by.duration_hours_p50.p_value - 1) < 1e-9);
    // Holm over the six tests: the smallest p (0.285) × 6 > 1 → adjusted 1
    assert.equal(c.adjusted_p, 1);
  });

  test('versions default to those with enrollments; a single version is a 400; a bad list is a 400', async () => {
    const all = await rt.call('GET', '/api/v1/workflows/wfv/analytics/versions?start_date=2026-03-01&end_date=2026-03-31', admin);
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.json.versions.map((v: { version: number }) => v.version), [1, 2]);
    const one = await rt.call('GET', '/api/v1/workflows/wfv/analytics/versions?start_date=2026-03-02&end_date=2026-03-02&versions=1', admin);
    assert.equal(one.status, 400);
    const twice = await rt.call('GET', '/api/v1/workflows/wfv/analytics/versions?start_date=2026-03-02&end_date=2026-03-02&versions=1,1', admin);
    assert.equal(twice.status, 400);
    assert.match(twice.headers['content-type'] as string, /problem\+json/);
  });
});

describe('experiments', () => {
  const base = { workflow_id: 'wfx', name: 'Subject line', variants: [{ key: 'A' }, { key: 'B' }], primary_metric: 'conversion_rate' };

  test('a definition is checked: every fault named, nothing stored', async () => {
    await send([ev.started('wfx', 'seed', '2026-01-05T10:00:00Z')]);
    const bad = await rt.call('POST', '/api/v1/experiments', admin, {
      ...base, variants: [{ key: 'A' }, { key: 'A' }], secondary_metrics: ['conversion_rate'], timezone: 'Mars/Olympus', power: { baseline_rate_percent: 10 },
    });
    assert.equal(bad.status, 400, bad.text);
    const paths = bad.json.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ['/secondary_metrics', '/timezone', '/variants/1/key']);
    const noBaseline = await rt.call('POST', '/api/v1/experiments', admin, base);
    assert.equal(noBaseline.status, 400, 'no conversions in the last 30 days to plan with');
    assert.deepEqual(noBaseline.json.errors.map((e: { path: string }) => e.path), ['/power/baseline_rate_percent']);
    assert.equal((await rt.call('GET', '/api/v1/experiments', admin)).json.experiments.length, 0);
  });

  test('the power analysis plans the sample: 10% baseline, 10% relative lift, α 0.05, power 0.8 → 14,751 per variant (Fleiss)', async () => {
    const res = await rt.call('POST', '/api/v1/experiments', admin, { ...base, power: { baseline_rate_percent: 10 } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.power.sample_size_per_variant, 14751);
    assert.equal(res.json.minimum_sample_per_variant, 14751);
    assert.equal(res.json.status, 'draft');
    assert.deepEqual(res.json.guardrail_metrics, ['failure_rate', 'cost_per_execution', 'duration_hours']);
    const assign = await rt.call('POST', `/api/v1/experiments/${res.json.experiment_id}/assign`, admin, { contact_id: 'c1' });
    assert.equal(assign.status, 409, 'a draft assigns nobody');
    const changed = await rt.call('PUT', `/api/v1/experiments/${res.json.experiment_id}`, admin, { ...base, name: 'Renamed', power: { baseline_rate_percent: 10, mde_relative_percent: 20 } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.name, 'Renamed');
    assert.equal(changed.json.power.sample_size_per_variant, 3841);
    assert.equal((await rt.call('DELETE', `/api/v1/experiments/${res.json.experiment_id}`, admin)).status, 204);
    assert.equal((await rt.call('GET', `/api/v1/experiments/${res.json.experiment_id}`, admin)).status, 404);
  });

  test('a running experiment: results, the rule decides B, notifies, rolls out; rollback restores the split', async () => {
    const created = await rt.call('POST', '/api/v1/experiments', admin, {
      ...base, name: 'Discount in the first email', power: { baseline_rate_percent: 10, mde_relative_percent: 100 }, minimum_days: 7,
      decision_rule: { auto_rollout: true }, notify: { emails: ['owner@example.com'], webhook_url: hookUrl },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json.experiment_id as string;
    assert.equal(created.json.minimum_sample_per_variant, 199);
    // the engine has been splitting traffic for ten days
    const startMs = Date.now() - 10 * DAY;
    assert.equal((await rt.call('POST', `/api/v1/experiments/${id}/start`, admin, { started_at: iso(Date.now() + 3_600_000) })).status, 400, 'not in the future');
    const started = await rt.call('POST', `/api/v1/experiments/${id}/start`, admin, { started_at: iso(startMs) });
    assert.equal(started.status, 200, started.text);
    assert.equal(started.json.started_at, iso(startMs));

    // 300 executions per variant over nine days; A converts 30 (10%), B 60 (20%); one enrolment before the start is not counted
    const events: unknown[] = [ev.started('wfx', 'before', iso(startMs - DAY), { variant: 'B' }), ev.goal('wfx', 'before', iso(startMs - DAY + 1000))];
    for (const [variant, conversions] of [['A', 30], ['B', 60]] as const) {
      for (let i = 0; i < 300; i++) {
        const t = startMs + DAY / 2 + (i % 9) * DAY + i * 1000;
        const ex = `${variant}-${i}`;
        events.push(ev.started('wfx', ex, iso(t), { variant }));
        events.push(i < conversions ? ev.goal('wfx', ex, iso(t + 3_600_000)) : ev.completed('wfx', ex, iso(t + 7_200_000)));
      }
    }
    await send(events);

    const res = await rt.call('GET', `/api/v1/experiments/${id}/results`, admin);
    assert.equal(res.status, 200, res.text);
    const r = res.json;
    assert.deepEqual(r.variants.map((v: { key: string; enrolled: number }) => [v.key, v.enrolled]), [['A', 300], ['B', 300]]);
    assert.equal(r.variants[0].metrics.conversion_rate.value, 10);
    assert.equal(r.variants[1].metrics.conversion_rate.value, 20);
    assert.equal(r.srm.flagged, false);
    const arm = r.arms[0];
    // 30/300 against 60/300: pooled p = 0.15, SE = √(0.15 · 0.85 · 2/300) = 0.0291548, z = 0.1 / SE = 3.4299717, p = 0.000603635
    assert.ok(Math.abs(arm.primary.statistic - 3.4299717) < 1e-6, String(arm.primary.statistic));
    assert.ok(Math.abs(arm.primary.p_value - 0.000603635) < 1e-8, String(arm.primary.p_value));
    assert.equal(arm.primary.verdict, 'better');
    assert.ok(arm.bayesian.chance_to_beat > 0.999, String(arm.bayesian.chance_to_beat));
    assert.ok(arm.sequential.looks >= 9 && arm.sequential.significant, JSON.stringify(arm.sequential));
    assert.ok(arm.sequential.p_value >= arm.primary.p_value, 'the always-valid p-value is never below the fixed-horizon one here');
    assert.equal(r.sample.reached, true);
    assert.equal(r.sample.days_reached, true);
    assert.equal(r.evaluation.outcome, 'winner');
    assert.equal(r.evaluation.winner, 'B');

    // the scheduler's tick decides it once, however often it runs
    const [first, again] = await Promise.all([rt.deps.experiments.evaluateAll(), rt.deps.experiments.evaluateAll()]);
    const decided = [...first, ...again];
    assert.equal(decided.length, 1);
    assert.equal(decided[0]!.winner, 'B');
    assert.equal(decided[0]!.webhook_status, 'sent');
    assert.equal(decided[0]!.email_status, 'sent');
    assert.equal(hooked.length, 1);
    assert.equal(hooked[0]!.type, 'experiment.decided');
    assert.equal(hooked[0]!.winner, 'B');
    assert.equal(hooked[0]!.rolled_out, true);
    assert.ok(mails.some((m) => m.includes('winner B')));
    const after = (await rt.call('GET', `/api/v1/experiments/${id}`, admin)).json;
    assert.equal(after.status, 'decided');
    assert.equal(after.winner, 'B');
    assert.equal(after.rollout, 'B');
    const decisions = (await rt.call('GET', `/api/v1/experiments/${id}/decisions`, admin)).json.decisions;
    assert.equal(decisions.length, 1);
    assert.equal(decisions[0].source, 'rule');
    assert.equal(decisions[0].evidence.evaluation.winner, 'B');
    await rt.deps.audit.flush();
    const audit = await rt.call('GET', '/api/v1/audit-log?action=experiment.decide', admin);
    assert.equal(audit.json.entries.length, 1);

    // every contact gets the winner now; a rollback restores the split
    for (const c of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
      const a = await rt.call('POST', `/api/v1/experiments/${id}/assign`, admin, { contact_id: c });
      assert.deepEqual([a.json.variant, a.json.reason], ['B', 'rollout']);
    }
    const back = await rt.call('POST', `/api/v1/experiments/${id}/rollback`, admin);
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.source, 'rollback');
    // the split hashes the contact with the experiment's (random) id: 40 contacts all in one variant has odds 2⁻³⁹
    // (with 8, 1 in 128: a failure seen once)
    const split = await Promise.all(Array.from({ length: 40 }, (_, i) => `c${i + 1}`).map((c) => rt.call('POST', `/api/v1/experiments/${id}/assign`, admin, { contact_id: c })));
    assert.ok(split.every((a) => a.json.reason === 'split'));
    assert.ok(new Set(split.map((a) => a.json.variant)).size === 2, 'both variants again');
    const again2 = await rt.call('POST', `/api/v1/experiments/${id}/assign`, admin, { contact_id: 'c1' });
    assert.equal(again2.json.variant, split[0]!.json.variant, 'the same contact, the same variant');
    const assigned = (await rt.call('GET', `/api/v1/experiments/${id}/results`, admin)).json.variants;
    assert.equal(assigned.reduce((s: number, v: { assigned: number }) => s + v.assigned, 0), 40, 'each contact counted once');
  });

  test('52/48 at 100,000 contacts against a planned 50/50: flagged for SRM, no winner even with a large effect', async () => {
    const startMs = Date.now() - 3 * DAY;
    const events: unknown[] = [];
    for (let i = 0; i < 100_000; i++) {
      const variant = i < 52_000 ? 'A' : 'B';
      const t = iso(startMs + 1000 + i * 2000);
      events.push(ev.started('wfs', `s${i}`, t, { variant }));
      // B converts at 20%, A at 10%
      if ((variant === 'A' && i % 10 === 0) || (variant === 'B' && i % 5 === 0)) events.push(ev.goal('wfs', `s${i}`, t));
    }
    await send(events);
    const created = await rt.call('POST', '/api/v1/experiments', admin, {
      ...base, workflow_id: 'wfs', name: 'Skewed', power: { baseline_rate_percent: 10 }, minimum_days: 0, minimum_sample_per_variant: 1000,
    });
    assert.equal(created.status, 201, created.text);
    const id = created.json.experiment_id as string;
    assert.equal((await rt.call('POST', `/api/v1/experiments/${id}/start`, admin, { started_at: iso(startMs) })).status, 200);
    const r = (await rt.call('GET', `/api/v1/experiments/${id}/results`, admin)).json;
    assert.deepEqual(r.variants.map((v: { enrolled: number }) => v.enrolled), [52_000, 48_000]);
    // χ² = (2000² + 2000²) / 50,000 = 160 with 1 df
    assert.ok(Math.abs(r.srm.chi2 - 160) < 1e-9);
    assert.equal(r.srm.flagged, true);
    assert.equal(r.arms[0].primary.verdict, 'better');
    assert.equal(r.evaluation.outcome, 'continue');
    assert.match(r.evaluation.reasons.join(' '), /Sample-ratio mismatch/);
    const evaluated = await rt.call('POST', `/api/v1/experiments/${id}/evaluate`, admin);
    assert.equal(evaluated.status, 200, evaluated.text);
    assert.equal(evaluated.json.decision, null);
    assert.equal((await rt.call('GET', `/api/v1/experiments/${id}`, admin)).json.status, 'running');
  });
});
