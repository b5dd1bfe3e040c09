/**
 * One request must never take the server down (issue 36): every case found by probing the API, as a named
 * regression test against the real server — the forecast that looped for ever on `horizon_days=1e309`,
 * lowercase timezones, out-of-range numbers, the router's and the HTTP parser's own errors, the engine's limits
 * on a read and the time limit of a request, and "who am I" for an ingest key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { limitedStore } from '../src/store/limits.js';
import { StoreError } from '../src/store/store.js';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';
import { startServerProcess, type ServerProcess } from './helpers/server-process.js';
import { openTestStore, tempDir } from './helpers/store.js';

const PERIOD = 'start_date=2026-09-01&end_date=2026-10-10';

interface JsonSchema {
  type?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  maxLength?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}
interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string; schema: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

/** Where a schema lets a number or a string through without an upper (and, for numbers, lower) bound. */
function unboundedIn(s: JsonSchema | undefined, where: string, out: string[]): void {
  if (!s) return;
  const numeric = s.type === 'integer' || s.type === 'number';
  if (numeric && ((s.minimum ?? s.exclusiveMinimum) === undefined || (s.maximum ?? s.exclusiveMaximum) === undefined)) out.push(where);
  if (s.type === 'string' && s.maxLength === undefined && s.enum === undefined && s.const === undefined && s.format === undefined && s.pattern === undefined) out.push(`${where} (string)`);
  for (const [k, v] of Object.entries(s.properties ?? {})) unboundedIn(v, `${where}.${k}`, out);
  unboundedIn(s.items, `${where}[]`, out);
  for (const list of [s.anyOf, s.oneOf, s.allOf]) (list ?? []).forEach((x, i) => unboundedIn(x, `${where}|${i}`, out));
}

function assertProblem(res: { status: number; headers: Record<string, unknown>; text: string }, status: number, what: string) {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, what);
  const body = JSON.parse(res.text) as { status: number; title: string; detail: string };
  assert.equal(body.status, status, what);
  assert.ok(body.title && body.detail, what);
  assert.doesNotMatch(res.text, /DB::Exception|SELECT |\bat \S+\.(ts|js):\d+/, what);
}

describe('a real server process', () => {
  let server: ServerProcess;
  const get = async (path: string, key = OPERATOR_KEY) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
  };
  before(async () => {
    server = await startServerProcess(tempDir(), { FLOWLENS_ADMIN_KEY: OPERATOR_KEY, FLOWLENS_RATE_LIMIT_PER_MINUTE: '0' });
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  test('the forecast with a non-finite horizon or history is a 400, and the server stays up', { timeout: 60_000 }, async () => {
    for (const q of ['history_days=30&horizon_days=1e309', 'history_days=1e309', 'horizon_days=Infinity', 'horizon_days=-Infinity', 'horizon_days=NaN', 'history_days=9007199254740993']) {
      assertProblem(await get(`/api/v1/analytics/costs/forecast?${q}`), 400, q);
    }
    const health = await get('/healthz');
    assert.equal(health.status, 200);
    assert.equal(server.child.exitCode, null, 'the process is alive');
    assert.equal((await get('/api/v1/analytics/costs/forecast?history_days=30&horizon_days=90')).status, 200, 'the largest horizon still answers');
  });

  test('a malformed percent-escape in the path is a 400 problem, not Fastify\'s own JSON', async () => {
    assertProblem(await get('/api/v1/workflows/%ZZ'), 400, '%ZZ');
  });

  test('a path parameter longer than any id is a 4xx problem', async () => {
    const res = await get(`/api/v1/workflows/${'w'.repeat(600)}/analytics`);
    assertProblem(res, res.status === 414 ? 414 : 404, 'long id');
  });

  test('a query string over 16 KB is a 431 problem', async () => {
    assertProblem(await get(`/api/v1/workflows?x=${'a'.repeat(17_000)}`), 431, 'long query');
    assert.equal((await get('/healthz')).status, 200);
  });
});

describe('in process', () => {
  let rt: TestRuntime;
  let admin = '';
  before(async () => {
    rt = await startTestRuntime();
    ({ key: admin } = await rt.newAccount('admin'));
    const events = [
      ev.started('wf', 'e1', '2026-09-02T10:00:00Z'),
      ev.step('started', 'wf', 'e1', 's1', '2026-09-02T10:01:00Z'),
      ev.step('completed', 'wf', 'e1', 's1', '2026-09-02T10:02:00Z'),
      ev.completed('wf', 'e1', '2026-09-02T11:00:00Z'),
      { type: 'activity', user_id: 'u1', session_id: 's', action: 'login', resource: 'app', timestamp: '2026-09-03T08:00:00Z', duration_ms: 1000 },
    ];
    assert.equal((await rt.call('POST', '/api/v1/events', admin, events)).json.accepted, events.length);
  });
  after(async () => rt?.close());

  test('every number, integer and string a request may carry has bounds in the route schema that documents it', async () => {
    const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, OpenApiOperation>>;
      components: { schemas: Record<string, JsonSchema> };
    };
    const unbounded: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        operations++;
        const at = `${method.toUpperCase()} ${path}`;
        for (const p of op.parameters ?? []) unboundedIn(p.schema, `${at} ${p.in}:${p.name}`, unbounded);
        for (const c of Object.values(op.requestBody?.content ?? {})) unboundedIn(c.schema, `${at} body`, unbounded);
      }
    }
    // schemas the operations refer to ($ref): the event types
    for (const [name, schema] of Object.entries(doc.components.schemas)) unboundedIn(schema, `schema ${name} (${(schema as { title?: string }).title ?? ''})`, unbounded);
    assert.ok(operations > 50, `${operations} operations`);
    assert.deepEqual(unbounded, []);
  });

  test('a timezone that differs only in case from a real one is understood and answered in its spelling', async () => {
    for (const path of [
      `/api/v1/workflows/wf/analytics?${PERIOD}&timezone=utc`,
      `/api/v1/analytics/workflows?${PERIOD}&timezone=utc`,
      `/api/v1/analytics/activity?${PERIOD}&timezone=utc`,
      `/api/v1/analytics/activity/engagement?${PERIOD}&timezone=utc`,
      `/api/v1/analytics/workflows/wf/performance?${PERIOD}&timezone=utc`,
    ]) {
      const res = await rt.call('GET', path, admin);
      assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
      assert.equal(res.json.period.timezone, 'UTC', path);
    }
    const paris = await rt.call('GET', `/api/v1/workflows/wf/analytics?${PERIOD}&timezone=europe/paris`, admin);
    assert.equal(paris.json.period.timezone, 'Europe/Paris');
    const exact = await rt.call('GET', `/api/v1/workflows/wf/analytics?${PERIOD}&timezone=Europe/Paris`, admin);
    assert.equal(paris.text, exact.text, 'the same answer as the canonical spelling');
    assertProblem(await rt.call('GET', `/api/v1/workflows/wf/analytics?${PERIOD}&timezone=Mars/Olympus`, admin), 400, 'unknown timezone');
    const forecast = await rt.call('GET', '/api/v1/analytics/costs/forecast?timezone=asia/kolkata', admin);
    assert.equal(forecast.status, 200, forecast.text);
  });

  test('out-of-range versions are a 400 on every route that filters by version', async () => {
    const routes = [
      `/api/v1/workflows/wf/analytics?${PERIOD}`,
      `/api/v1/workflows/wf/analytics/funnel?${PERIOD}`,
      `/api/v1/workflows/wf/analytics/actions?${PERIOD}`,
      `/api/v1/workflows/wf/analytics/export?${PERIOD}`,
      `/api/v1/analytics/workflows/wf/performance?${PERIOD}`,
      `/api/v1/analytics/workflows/wf/steps?${PERIOD}`,
    ];
    for (const route of routes) {
      for (const v of ['9007199254740993', 'Infinity', '1e309', '99999999999999999999999', '-1', '0', '1000001']) {
        assertProblem(await rt.call('GET', `${route}&version=${v}`, admin), 400, `${route} version=${v}`);
      }
      assert.equal((await rt.call('GET', `${route}&version=1000000`, admin)).status, 200, `${route}: the largest version is a filter that matches nothing`);
    }
  });

  test('non-finite limits are a 400', async () => {
    assertProblem(await rt.call('GET', '/api/v1/audit-log?limit=1e309', admin), 400, 'audit-log');
    assertProblem(await rt.call('GET', `/api/v1/analytics/executions/errors?${PERIOD}&limit=Infinity`, admin), 400, 'errors');
  });

  test('a JSON body with a number beyond double range is a 400, and nothing is saved', async () => {
    const res = await rt.call('PUT', '/api/v1/analytics/costs/budgets', admin, '{"budgets":[{"scope":"account","monthly_usd":1e309}]}', { 'content-type': 'application/json' });
    assertProblem(res, 400, 'budget 1e309');
    assert.deepEqual((await rt.call('GET', '/api/v1/analytics/costs/budgets', admin)).json.budgets, []);
  });

  test('an ingest key may ask who it is', async () => {
    const { key } = await rt.newAccount('ingest');
    const res = await rt.call('GET', '/api/v1/session', key);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.role, 'ingest');
  });

  test('an engine error the request caused is a 400/503 problem naming what to change, without SQL', { timeout: 60_000 }, async () => {
    const store = rt.deps.store;
    const query = store.query.bind(store);
    const cases: Array<[string, number]> = [
      // a timeout of the engine (max_execution_time) → 503
      ['SELECT sleepEachRow(0.5) FROM numbers(8) SETTINGS max_block_size = 1, max_execution_time = 1', 503],
      // a value the engine cannot load (an unknown timezone) → 400
      ["SELECT toDateTime(now(), 'utc') AS t", 400],
    ];
    for (const [sql, status] of cases) {
      store.query = (async () => query(sql)) as typeof store.query;
      try {
        assertProblem(await rt.call('GET', '/api/v1/workflows', admin), status, sql);
      } finally {
        store.query = query;
      }
    }
  });
});

describe('the engine\'s limits on a read', () => {
  test('time, memory and result rows each stop a read with the engine\'s error; a query keeps its own setting', { timeout: 60_000 }, async () => {
    const { store } = await openTestStore();
    try {
      const limited = limitedStore(store, { seconds: 1, memoryMb: 64, resultRows: 100, resultMb: 1 });
      const code = async (sql: string) => {
        try {
          await limited.query(sql);
          return 0;
        } catch (err) {
          assert.ok(err instanceof StoreError, String(err));
          return err.code;
        }
      };
      assert.equal(await code('SELECT sleepEachRow(0.5) FROM numbers(8) SETTINGS max_block_size = 1'), 159, 'TIMEOUT_EXCEEDED');
      assert.equal(await code('SELECT groupArray(number) FROM numbers(50000000)'), 241, 'MEMORY_LIMIT_EXCEEDED');
      assert.equal(await code('SELECT number FROM numbers(1000)'), 396, 'TOO_MANY_ROWS_OR_BYTES');
      assert.equal(await code('SELECT count() AS n FROM numbers(1000) WHERE number IN (SELECT number FROM numbers(500))'), 0, 'an IN set is not a result');
      assert.equal((await limited.query('SELECT number FROM numbers(1000)', {}, { settings: { max_result_rows: 0 } })).length, 1000, 'a query\'s own setting wins');
      // bytes: the engine checks them after each block of the result (a result may pass by one block)
      const bytes = limitedStore(store, { seconds: 0, memoryMb: 0, resultRows: 0, resultMb: 1 });
      await assert.rejects(bytes.query('SELECT toString(number) AS s FROM numbers(1000000)'), (err: StoreError) => err.code === 396);
      const off = limitedStore(store, { seconds: 0, memoryMb: 0, resultRows: 0, resultMb: 0 });
      assert.equal((await off.query('SELECT number FROM numbers(1000)')).length, 1000, '0 turns a limit off');
    } finally {
      await store.close();
    }
  });
});
