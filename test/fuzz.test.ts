/**
 * Property-based fuzzing (fast-check) of the ingestion body and the analytics query parameters: every
 * answer is 2xx or a 4xx problem+json, never 5xx; stored figures change only by what was accepted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const INGEST_RUNS = Number(process.env.FLOWLENS_FUZZ_RUNS ?? 400);
const QUERY_RUNS = Number(process.env.FLOWLENS_FUZZ_RUNS ?? 400);

let rt: TestRuntime;
let key = '';
let accountId = '';
const BASE = '?start_date=2026-03-01&end_date=2026-03-31';

before(async () => {
  rt = await startTestRuntime();
  ({ key, accountId } = await rt.newAccount('admin'));
  const base = [
    ev.started('base', 'b1', '2026-03-02T10:00:00Z', { event_id: 'base-1' }),
    ev.step('started', 'base', 'b1', 's1', '2026-03-02T10:01:00Z', { event_id: 'base-2' }),
    ev.step('completed', 'base', 'b1', 's1', '2026-03-02T10:02:00Z', { event_id: 'base-3', duration_ms: 1500 }),
    ev.completed('base', 'b1', '2026-03-02T11:00:00Z', { event_id: 'base-4' }),
    ev.started('base', 'b2', '2026-03-03T10:00:00Z', { event_id: 'base-5' }),
  ];
  assert.equal((await rt.call('POST', '/api/v1/events', key, base)).json.accepted, 5);
});
after(async () => rt?.close());

const TYPES = ['execution.started', 'execution.completed', 'execution.exited', 'execution.failed', 'step.started', 'step.completed', 'step.failed', 'step.skipped', 'goal.achieved', 'cost.recorded', 'activity'];
const nasty = fc.constantFrom("'; DROP TABLE events; --", '{a:String}', '\u0000', '\t\n\r', '\\', '"', 'é😀', 'x'.repeat(129), '', ' ', '2026-13-45T25:61:61Z', '0000-00-00T00:00:00Z', '9999-12-31T23:59:59+14:00');
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 40 }), nasty);
const timestamp = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: -14, max: 14 })).map(
    ([y, m, d, off]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T10:00:00${off < 0 ? '-' : '+'}${String(Math.abs(off)).padStart(2, '0')}:00`,
  ),
  anyString,
);
const scalar = fc.oneof(anyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(1e308), fc.constant(-1));
const workflowId = fc.oneof(fc.constantFrom('wf-a', 'wf-b'), anyString.filter((s) => s !== 'base'));

/** A valid event of a random type (CONTRACT §4). */
const validEvent = fc
  .record({
    type: fc.constantFrom(...TYPES),
    event_id: fc.option(fc.oneof(fc.uuid(), fc.constantFrom('dup-1', 'dup-2', 'base-1')), { nil: undefined }),
    timestamp: fc.date({ min: new Date('2026-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).map((d) => d.toISOString()),
    workflow_id: fc.constantFrom('wf-a', 'wf-b'),
    execution_id: fc.constantFrom('x1', 'x2', 'x3', 'x4'),
    step_id: fc.constantFrom('s1', 's2'),
    n: fc.double({ min: 0, max: 1e6, noNaN: true }),
  })
  .map(({ type, event_id, timestamp, workflow_id, execution_id, step_id, n }) => {
    const e: Record<string, unknown> = { type, timestamp, ...(event_id ? { event_id } : {}) };
    if (type === 'activity') return { ...e, user_id: 'u1', session_id: 's', action: 'login', resource: 'dashboard', resource_id: 'd1', duration_ms: n };
    Object.assign(e, { workflow_id, execution_id });
    if (type === 'execution.started') Object.assign(e, { contact_id: 'c1', enrollment_source: 'api' });
    if (type === 'execution.exited') e.exit_reason = 'unsubscribed';
    if (type === 'execution.failed') e.error_type = 'timeout';
    if (type.startsWith('step.')) Object.assign(e, { step_id, step_type: 'action', action_type: 'send_email' });
    if (type === 'step.completed' || type === 'step.failed') e.duration_ms = n;
    if (type === 'step.failed') e.error_type = 'smtp';
    if (type === 'goal.achieved') Object.assign(e, { goal_id: 'g', value: n });
    if (type === 'cost.recorded') Object.assign(e, { action_type: 'send_sms', credits: n, amount_usd: n / 100 });
    return e;
  });

/** Mostly valid events, some broken: a field dropped, given a wrong value, or an unknown one added. */
const eventish = fc.oneof(
  { weight: 3, arbitrary: validEvent },
  {
    weight: 3,
    arbitrary: fc.tuple(validEvent, fc.nat(), fc.oneof(scalar, timestamp, workflowId, fc.jsonValue({ maxDepth: 2 }))).map(([e, i, v]) => {
      const keys = Object.keys(e);
      return { ...e, [keys[i % keys.length]!]: v };
    }),
  },
  { weight: 1, arbitrary: fc.tuple(validEvent, fc.nat()).map(([e, i]) => Object.fromEntries(Object.entries(e).filter((_, j) => j !== i % Object.keys(e).length))) },
  { weight: 1, arbitrary: fc.tuple(validEvent, anyString, scalar).map(([e, k, v]) => ({ ...e, [k]: v })) },
  { weight: 1, arbitrary: fc.tuple(validEvent, fc.constantFrom({ big: 'x'.repeat(9000) }, [], 'meta', null)).map(([e, m]) => ({ ...e, metadata: m })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

const body = fc.oneof(
  { weight: 5, arbitrary: fc.array(eventish, { maxLength: 12 }).map((a) => ({ payload: JSON.stringify(a), type: 'application/json' })) },
  { weight: 2, arbitrary: fc.array(eventish, { maxLength: 8 }).map((a) => ({ payload: a.map((x) => JSON.stringify(x) ?? 'undefined').join('\n'), type: 'application/x-ndjson' })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ payload: JSON.stringify(v), type: 'application/json' })) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 200 }), fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain', 'application/xml', '')).map(([payload, type]) => ({ payload, type })) },
);

async function countStored(): Promise<number> {
  await rt.stored();
  return (await rt.query<{ n: number }>('SELECT count() AS n FROM events WHERE account_id = {a:String}', { a: accountId }))[0]!.n;
}

function assertProblem(status: number, contentType: unknown, text: string, what: string) {
  assert.ok(status < 500, `${what}: ${status} ${text}`);
  if (status >= 400) {
    assert.match(String(contentType), /application\/problem\+json/, what);
    const json = JSON.parse(text) as { status: number; title: string; detail: string };
    assert.equal(json.status, status);
    assert.doesNotMatch(text, /DB::Exception|\bat \S+\.(ts|js):\d+/, what);
  }
}

describe('fuzzing', () => {
  test(`ingestion: ${INGEST_RUNS} random bodies, never a 5xx, and only accepted events are stored`, { timeout: 600_000 }, async () => {
    const summaryBefore = (await rt.call('GET', `/api/v1/workflows/base/analytics${BASE}`, key)).text;
    const storedBefore = await countStored();
    let acceptedTotal = 0;
    let rejectedEvents = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async ({ payload, type }) => {
        const res = await rt.app.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: { authorization: `Bearer ${key}`, ...(type ? { 'content-type': type } : {}) },
          payload,
        });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        assertProblem(res.statusCode, res.headers['content-type'], res.body, `POST ${type} ${payload.slice(0, 300)}`);
        if (res.statusCode === 200) {
          const r = res.json() as { accepted: number; duplicates: number; rejected: Array<{ index: number; errors: unknown[] }> };
          acceptedTotal += r.accepted;
          rejectedEvents += r.rejected.length;
          for (const x of r.rejected) assert.ok(Array.isArray(x.errors) && x.errors.length > 0);
        }
      }),
      { numRuns: INGEST_RUNS, seed: Number(process.env.FLOWLENS_FUZZ_SEED ?? 20261124) },
    );
    assert.equal(await countStored(), storedBefore + acceptedTotal, 'stored events = events before + accepted');
    assert.equal((await rt.call('GET', `/api/v1/workflows/base/analytics${BASE}`, key)).text, summaryBefore, 'figures of an untouched workflow are unchanged');
    console.log(`fuzzed ${INGEST_RUNS} ingestion bodies: statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${acceptedTotal} events accepted, ${rejectedEvents} rejected one by one`);
  });

  test(`analytics: ${QUERY_RUNS} random query strings and workflow ids, answered 200, 400 or 404`, { timeout: 600_000 }, async () => {
    const storedBefore = await countStored();
    const summaryBefore = (await rt.call('GET', `/api/v1/workflows/base/analytics${BASE}`, key)).text;
    const statuses = new Map<number, number>();
    const sometimesBad = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: anyString });
    const dates = sometimesBad(fc.date({ min: new Date('2025-06-01'), max: new Date('2027-06-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
    const params = fc.record(
      {
        start_date: dates,
        end_date: dates,
        range: sometimesBad(fc.constantFrom('today', 'last_7_days', 'last_30_days', 'last_90_days', 'last_365_days')),
        timezone: sometimesBad(fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/Paris', 'Etc/GMT+12', 'Pacific/Chatham')),
        granularity: sometimesBad(fc.constantFrom('hourly', 'daily', 'weekly', 'monthly')),
        compare: sometimesBad(fc.constantFrom('previous_period', 'none')),
        version: sometimesBad(fc.integer({ min: 1, max: 3 }).map(String)),
        variant: sometimesBad(fc.constantFrom('A', 'B')),
        unknown_param: anyString,
      },
      { requiredKeys: [] },
    );
    const path = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('base', 'wf-a') }, { weight: 1, arbitrary: anyString.filter((s) => s.length > 0) });
    const panel = fc.constantFrom('', '/funnel', '/actions');
    await fc.assert(
      fc.asyncProperty(path, panel, params, fc.constantFrom('range', 'dates', 'dates', 'as drawn'), fc.constantFrom(false, false, false, true), async (wf, p, q, mode, keepUnknown) => {
        const r = q as Record<string, unknown>;
        if (!keepUnknown) delete r.unknown_param;
        if (mode === 'range') delete r.start_date, delete r.end_date;
        if (mode === 'dates') {
          delete r.range;
          if (typeof r.start_date === 'string' && typeof r.end_date === 'string' && r.start_date > r.end_date) [r.start_date, r.end_date] = [r.end_date, r.start_date];
        }
        const qs = new URLSearchParams(q as Record<string, string>).toString();
        const url = `/api/v1/workflows/${encodeURIComponent(wf)}/analytics${p}?${qs}`;
        const res = await rt.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        assertProblem(res.statusCode, res.headers['content-type'], res.body, url);
        assert.ok([200, 400, 404].includes(res.statusCode), `${url}: ${res.statusCode} ${res.body}`);
      }),
      { numRuns: QUERY_RUNS, seed: Number(process.env.FLOWLENS_FUZZ_SEED ?? 20261124) },
    );
    assert.equal(await countStored(), storedBefore);
    assert.equal((await rt.call('GET', `/api/v1/workflows/base/analytics${BASE}`, key)).text, summaryBefore);
    console.log(`fuzzed ${QUERY_RUNS} analytics requests: statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
