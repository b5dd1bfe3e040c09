/**
 * Property test: on random data (shuffled, split over requests, duplicated, steps before starts,
 * missing durations) the API's figures equal a plain reference implementation of CONTRACT §5–§6
 * written here over the events themselves; and the rollup answer of /actions (with raw edges for Kolkata)
 * equals the raw one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Random } from '../src/demo/random.js';
import { addDays, startOfLocalDay } from '../src/time/calendar.js';
import { buckets, parsePeriod, previousPeriod, type Granularity } from '../src/metrics/period.js';
import { actions } from '../src/metrics/actions.js';
import { startTestRuntime, type TestRuntime } from './helpers/runtime.js';

type E = Record<string, any> & { type: string; timestamp: string; execution_id: string };
const WF = 'prop';
const STEPS = ['a', 'b', 'c'];
const T0 = Date.parse('2026-10-30T00:00:00Z');
let rt: TestRuntime;
let key: string;
let accountId: string;
const events: E[] = [];

function generate(rnd: Random) {
  const iso = (t: number) => new Date(t).toISOString();
  for (let i = 0; i < 120; i++) {
    const ex = `x${i}`;
    const start = T0 + rnd.int(0, 5 * 86_400_000);
    const base = { workflow_id: WF, execution_id: ex };
    if (!rnd.chance(0.05)) events.push({ ...base, type: 'execution.started', timestamp: iso(start), contact_id: `c${i}`, enrollment_source: rnd.chance(0.7) ? 'trigger' : 'api', variant: rnd.chance(0.5) ? 'A' : 'B', event_id: `${ex}-s` });
    let t = start;
    for (const step of STEPS) {
      if (rnd.chance(0.2)) break;
      t += rnd.int(0, 3_600_000);
      const st = { ...base, step_id: step, step_type: 'action', action_type: `do_${step}` };
      events.push({ ...st, type: 'step.started', timestamp: iso(t), event_id: `${ex}-${step}-s` });
      const d = rnd.int(10, 90_000);
      t += d;
      if (rnd.chance(0.15)) {
        events.push({ ...st, type: 'step.failed', timestamp: iso(t), duration_ms: d, error_type: rnd.chance(0.5) ? 'timeout' : 'bounce', event_id: `${ex}-${step}-f` });
        break;
      }
      // a fifth of completions carry no duration: their time comes from the timestamps
      events.push({ ...st, type: 'step.completed', timestamp: iso(t), ...(rnd.chance(0.2) ? {} : { duration_ms: d }), event_id: `${ex}-${step}-c` });
    }
    const end = t + rnd.int(0, 86_400_000);
    const r = rnd.next();
    if (r < 0.35) events.push({ ...base, type: 'execution.completed', timestamp: iso(end), event_id: `${ex}-done` });
    else if (r < 0.5) events.push({ ...base, type: 'execution.exited', timestamp: iso(end), exit_reason: 'unsubscribed', event_id: `${ex}-exit` });
    else if (r < 0.6) events.push({ ...base, type: 'execution.failed', timestamp: iso(end), error_type: 'crash', event_id: `${ex}-fail` });
    if (rnd.chance(0.25)) events.push({ ...base, type: 'goal.achieved', timestamp: iso(end + rnd.int(0, 3_600_000)), goal_id: 'g', goal_type: 'purchase', event_id: `${ex}-goal` });
  }
}

/** CONTRACT §5, directly. */
function states() {
  const by = new Map<string, E[]>();
  for (const e of events) by.set(e.execution_id, [...(by.get(e.execution_id) ?? []), e]);
  return [...by.entries()].map(([id, es]) => {
    const ts = (type: string) => es.filter((e) => e.type === type).map((e) => Date.parse(e.timestamp)).sort((a, b) => a - b);
    const started = ts('execution.started');
    const goals = ts('goal.achieved');
    const rank: Record<string, number> = { 'execution.completed': 3, 'execution.failed': 2, 'execution.exited': 1 };
    const terminal = es.filter((e) => rank[e.type]).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || rank[a.type]! - rank[b.type]!).at(-1);
    const status = goals.length ? 'goal_achieved' : terminal ? { 'execution.completed': 'completed', 'execution.failed': 'error', 'execution.exited': 'exited' }[terminal.type]! : 'active';
    const done = ts('execution.completed');
    const completedAt = status === 'completed' || status === 'goal_achieved' ? (done[0] ?? goals[0]!) : null;
    const startEvent = es.find((e) => e.type === 'execution.started');
    const goalAt = status === 'goal_achieved' ? goals[0]! : null;
    return { id, enrolled: started[0] ?? null, status, completedAt, goalAt, variant: startEvent?.variant, steps: es.filter((e) => e.type.startsWith('step.')) };
  });
}

function expectedFor(from: number, to: number, variant?: string) {
  const cohort = states().filter((s) => s.enrolled !== null && s.enrolled >= from && s.enrolled < to && (!variant || s.variant === variant));
  const completed = cohort.filter((s) => s.completedAt !== null);
  const funnel = STEPS.map((step) => {
    const entered = cohort.filter((s) => s.steps.some((e) => e.step_id === step && e.type === 'step.started'));
    return [step, entered.length, entered.filter((s) => s.steps.some((e) => e.step_id === step && e.type === 'step.completed')).length];
  }).filter(([, n]) => (n as number) > 0);
  return {
    total: cohort.length,
    active: cohort.filter((s) => s.status === 'active').length,
    completed: completed.length,
    goals: cohort.filter((s) => s.status === 'goal_achieved').length,
    avgHours: completed.length ? Math.round((completed.reduce((a, s) => a + (s.completedAt! - s.enrolled!), 0) / completed.length / 3_600_000) * 100) / 100 : null,
    funnel,
  };
}

before(async () => {
  rt = await startTestRuntime();
  ({ key, accountId } = await rt.newAccount());
  const rnd = new Random(20261123);
  generate(rnd);
  // shuffle, then send in several requests with some events twice
  const shuffled = [...events].sort(() => rnd.next() - 0.5);
  const resend = shuffled.filter(() => rnd.chance(0.1));
  const all = [...shuffled, ...resend];
  for (let i = 0; i < all.length; i += 97) {
    const res = await rt.call('POST', '/api/v1/events', key, all.slice(i, i + 97));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.rejected.length, 0, JSON.stringify(res.json.rejected));
  }
});

after(() => rt.close());

for (const [tz, start, end, variant] of [
  ['UTC', '2026-10-30', '2026-11-03', undefined],
  ['America/New_York', '2026-10-31', '2026-11-02', undefined],
  ['Asia/Kolkata', '2026-10-30', '2026-11-01', 'B'],
  ['UTC', '2026-11-02', '2026-11-04', 'A'],
] as const) {
  test(`summary and funnel equal the reference: ${tz} ${start}..${end}${variant ? ` variant ${variant}` : ''}`, async () => {
    const from = startOfLocalDay(start, tz).getTime();
    const to = startOfLocalDay(addDays(end, 1), tz).getTime();
    const want = expectedFor(from, to, variant);
    const qs = new URLSearchParams({ start_date: start, end_date: end, timezone: tz, ...(variant ? { variant } : {}) });
    const figures = (s: any) => [s.total_enrolled, s.currently_active, s.completed, s.goals_achieved, s.average_duration_hours];
    const s = (await rt.call('GET', `/api/v1/workflows/${WF}/analytics?${qs}`, key)).json.summary;
    assert.deepEqual(figures(s), [want.total, want.active, want.completed, want.goals, want.avgHours]);
    // with compare, both cohorts come from one pass over the facts: neither may take the other's executions
    const before = previousPeriod(parsePeriod({ start_date: start, end_date: end, timezone: tz }));
    const wantBefore = expectedFor(before.from.getTime(), before.to.getTime(), variant);
    const compared = (await rt.call('GET', `/api/v1/workflows/${WF}/analytics?${qs}&compare=previous_period`, key)).json;
    assert.deepEqual(figures(compared.summary), figures(s));
    assert.deepEqual(figures(compared.comparison.summary), [wantBefore.total, wantBefore.active, wantBefore.completed, wantBefore.goals, wantBefore.avgHours]);
    const f = (await rt.call('GET', `/api/v1/workflows/${WF}/analytics/funnel?${qs}`, key)).json;
    assert.deepEqual(f.funnel_steps.map((x: any) => [x.step_id, x.entered, x.completed]), want.funnel);
  });
}

/**
 * Trends by their own times: each bucket's [start, next start) from the bucket dates (local midnights, or
 * whole hours and minutes from the period's start), each execution's enrolment, completion and conversion
 * counted in the bucket it falls in, when it falls in the period. Only enrolled executions count (our
 * reading, as for every figure: one whose execution.started has not arrived has no enrolled_at yet).
 */
function expectedTrends(q: { start_date: string; end_date: string; timezone: string; granularity: Granularity }, variant?: string) {
  const period = parsePeriod(q);
  const bs = buckets(period);
  const starts = bs.map((b, i) =>
    q.granularity === 'minute' || q.granularity === 'hourly' ? period.from.getTime() + i * (q.granularity === 'minute' ? 60_000 : 3_600_000) : startOfLocalDay(b.date, q.timezone).getTime(),
  );
  const index = (t: number | null) => {
    if (t === null || t < period.from.getTime() || t >= period.to.getTime()) return -1;
    let i = starts.length - 1;
    while (starts[i]! > t) i--;
    return i;
  };
  const rows = bs.map((b) => ({ date: b.date, e: 0, c: 0, v: 0 }));
  for (const s of states().filter((x) => x.enrolled !== null && (!variant || x.variant === variant))) {
    for (const [t, k] of [[s.enrolled, 'e'], [s.completedAt, 'c'], [s.goalAt, 'v']] as const) {
      const i = index(t);
      if (i >= 0) rows[i]![k]++;
    }
  }
  return rows.map((r) => [r.date, r.e, r.c, r.v]);
}

for (const [timezone, start_date, end_date, granularity, variant] of [
  ['UTC', '2026-11-01', '2026-11-01', 'hourly', undefined],
  ['America/New_York', '2026-11-01', '2026-11-01', 'hourly', undefined],
  ['Asia/Kolkata', '2026-10-31', '2026-11-01', 'hourly', 'A'],
  ['UTC', '2026-10-31', '2026-10-31', 'minute', undefined],
  ['Asia/Kolkata', '2026-10-29', '2026-11-06', 'daily', undefined],
  ['America/New_York', '2026-10-30', '2026-11-05', 'daily', 'B'],
  ['America/New_York', '2026-10-28', '2026-11-08', 'weekly', undefined],
  ['UTC', '2026-10-01', '2026-11-30', 'monthly', undefined],
  ['Asia/Kolkata', '2026-10-31', '2026-11-02', 'weekly', undefined],
] as const) {
  test(`trends equal the reference: ${timezone} ${start_date}..${end_date} ${granularity}${variant ? ` variant ${variant}` : ''}`, async () => {
    const q = { start_date, end_date, timezone, granularity };
    const r = (await rt.call('GET', `/api/v1/workflows/${WF}/analytics?${new URLSearchParams({ ...q, ...(variant ? { variant } : {}) })}`, key)).json;
    const want = expectedTrends(q, variant);
    const rows = (trends: any[]) => trends.map((t: any) => [t.date, t.new_enrollments, t.completions, t.conversions]);
    assert.deepEqual(rows(r.trends), want);
    assert.ok(want.reduce((n, [, e, c]) => n + (e as number) + (c as number), 0) > 0, 'the period holds some of the data');
    // compare: each period's series counted in the same pass, by its own buckets
    const compared = (await rt.call('GET', `/api/v1/workflows/${WF}/analytics?${new URLSearchParams({ ...q, ...(variant ? { variant } : {}), compare: 'previous_period' })}`, key)).json;
    const before = previousPeriod(parsePeriod(q));
    assert.deepEqual(rows(compared.trends), want);
    assert.deepEqual(rows(compared.comparison.trends), expectedTrends({ start_date: before.startDate, end_date: before.endDate, timezone, granularity }, variant));
  });
}

/** Actions by event time, durations from duration_ms or else the step's first start of that execution. */
function expectedActions(from: number, to: number) {
  const out: Record<string, [number, number, number | null]> = {};
  for (const step of STEPS) {
    const es = events.filter((e) => e.step_id === step && (e.type === 'step.completed' || e.type === 'step.failed') && Date.parse(e.timestamp) >= from && Date.parse(e.timestamp) < to);
    if (es.length === 0) continue;
    const durations = es.flatMap((e) => {
      if (e.duration_ms !== undefined) return [e.duration_ms as number];
      const starts = events.filter((x) => x.type === 'step.started' && x.execution_id === e.execution_id && x.step_id === step).map((x) => Date.parse(x.timestamp));
      const first = Math.min(...starts);
      return starts.length && first <= Date.parse(e.timestamp) ? [Date.parse(e.timestamp) - first] : [];
    });
    const mean = durations.length ? Math.round((durations.reduce((a, b) => a + b, 0) / durations.length) * 100) / 100 : null;
    out[step] = [es.length, es.filter((e) => e.type === 'step.failed').length, mean];
  }
  return out;
}

test('actions equal the reference, from the rollup and from the raw events', async () => {
  for (const [start, end, tz] of [['2026-10-30', '2026-11-04', 'UTC'], ['2026-10-31', '2026-11-01', 'Asia/Kolkata']] as const) {
    const from = startOfLocalDay(start, tz).getTime();
    const to = startOfLocalDay(addDays(end, 1), tz).getTime();
    const r = (await rt.call('GET', `/api/v1/workflows/${WF}/analytics/actions?start_date=${start}&end_date=${end}&timezone=${tz}`, key)).json;
    assert.equal(r.source, tz === 'UTC' ? 'rollup_daily' : 'rollups+raw');
    assert.deepEqual(Object.fromEntries(r.actions.map((a: any) => [a.action_id, [a.executions, a.failures, a.average_duration_ms]])), expectedActions(from, to));
  }
});

test('actions: the rollup answer (alone, or with raw part-hours at the edges) equals the raw answer', async () => {
  const scope = { account: accountId, workflow: WF };
  await rt.deps.derived.settled(accountId, WF);
  for (const [startDate, endDate, tz] of [['2026-10-30', '2026-11-04', 'UTC'], ['2026-10-31', '2026-11-01', 'America/New_York'], ['2026-11-01', '2026-11-30', 'UTC'], ['2026-10-30', '2026-11-03', 'Asia/Kolkata']] as const) {
    const period = { startDate, endDate, timezone: tz, granularity: 'daily' as const, from: startOfLocalDay(startDate, tz), to: startOfLocalDay(addDays(endDate, 1), tz), days: 0 };
    const rolled = await actions(rt.deps.store, scope, period);
    const raw = await actions(rt.deps.store, scope, period, { source: 'raw' });
    assert.notEqual(rolled.source, 'raw');
    const exact = (a: typeof raw) => a.actions.map(({ p50_duration_ms, p95_duration_ms, ...rest }) => rest);
    assert.deepEqual(exact(rolled), exact(raw));
    assert.ok(raw.actions.length > 0);
  }
});
