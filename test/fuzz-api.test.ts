/**
 * Property-based fuzzing (fast-check) of EVERY operation under /api/ of the OpenAPI document, requests
 * generated from each operation's declared parameters and body schema:
 *
 *   - path ids: the seeded ones, unknown ones and nasty ones (unicode, NUL, path traversal, injection-shaped,
 *     over-long, a malformed `%ZZ` escape sent as is);
 *   - query parameters: values of their type and wrong ones (huge, tiny and non-finite numbers, exponents,
 *     impossible dates, timezones in the wrong case or unknown, empty, unicode, NUL, injection-shaped),
 *     sometimes an unknown extra parameter, a repeated one, or a query string over 16 KB (431, over real HTTP:
 *     app.inject does not go through Node's HTTP parser);
 *   - bodies: broken JSON, the wrong top-level type, a required field missing, an unknown field, 1e309 written
 *     in the JSON text, the wrong content type or none, an empty body, one over the size limit, broken NDJSON,
 *     and values the schema accepts but the handler must refuse (unknown timezones and workflows, …);
 *   - the caller: a key of every role, another account's admin, the operator, no key, or a garbage one.
 *
 * Reads (GET) are sent with anything. Changing operations (POST, PUT, PATCH, DELETE) are sent ONLY requests
 * that are invalid by construction (each is built around one "breakage" that must get it refused), so they
 * may not change anything; POST /api/v1/events gets only events that are all invalid (answered 200, accepted 0).
 *
 * Properties, for every response: never a 5xx; every 4xx is RFC 9457 problem+json whose `status` is the HTTP
 * status, with a `title` and a `detail`, and without engine errors, SQL or stack frames; every changing
 * request is refused; no request hangs; /healthz answers 200 within 2 s every 25 requests; and every table
 * of the store that reads do not write holds the same data before and after.
 *
 * FLOWLENS_FUZZ_SEED (default 20261206) seeds it; FLOWLENS_FUZZ_API_RUNS sets the runs per operation
 * (default 44: ≈2,300 requests, well within a minute); FLOWLENS_FUZZ_API_RUNS=200 is the longer run.
 * test/fuzz.test.ts fuzzes valid ingestion and the analytics query strings more deeply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ev, OPERATOR_KEY, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const SEED = Number(process.env.FLOWLENS_FUZZ_SEED ?? 20261206);
const RUNS_PER_OPERATION = Number(process.env.FLOWLENS_FUZZ_API_RUNS ?? 44);
const HEALTH_CHECK_EVERY = 25;
const HEALTH_WITHIN_MS = 2_000;
/** A request not answered by then hangs (API reads are cut at FLOWLENS_REQUEST_TIMEOUT_S = 30 s with a 503, which fails too). */
const HANG_AFTER_MS = 35_000;
/** Longer than Node's 16 KB limit on the request line and headers. */
const OVERSIZED_QUERY = `pad=${'q'.repeat(17 * 1024)}`;

// ---------------------------------------------------------------------------------------------------------
// The OpenAPI document, as far as the fuzzer reads it

interface JsonSchema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema: JsonSchema;
}

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As documented: /api/v1/workflows/{workflow_id} */
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** The JSON body schema, when the operation declares one. */
  body?: JsonSchema;
  /** Open to callers without a key (security: []), i.e. signing in. */
  isPublic: boolean;
}

const label = (op: Operation) => `${op.method} ${op.path}`;
const changes = (op: Operation) => op.method !== 'GET';
const isIngestion = (op: Operation) => op.method === 'POST' && op.path === '/api/v1/events';
const isSignIn = (op: Operation) => op.method === 'POST' && op.path === '/api/v1/session';
const isLiveStream = (op: Operation) => op.path.endsWith('/analytics/stream');

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> }; security?: unknown[] }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

let doc: OpenApiDocument;

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, spec]) => ({
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: (spec.parameters ?? []).filter((p) => p.in === 'path'),
        queryParams: (spec.parameters ?? []).filter((p) => p.in === 'query'),
        ...(spec.requestBody?.content?.['application/json'] ? { body: spec.requestBody.content['application/json'].schema } : {}),
        isPublic: Array.isArray(spec.security) && spec.security.length === 0,
      })),
    );
}

function resolved(schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return resolved(doc.components?.schemas?.[name] ?? {});
}

const isObjectSchema = (schema: JsonSchema | undefined): schema is JsonSchema => resolved(schema ?? {}).type === 'object';

// ---------------------------------------------------------------------------------------------------------
// The system under test, its callers and its seeded data

let rt: TestRuntime;
let baseUrl = '';
let operations: Operation[] = [];
let seededJobId = '';
let seededExportId = '';
let dataBefore: Record<string, string> = {};

type Caller = 'admin' | 'member' | 'viewer' | 'ingest' | 'otherAdmin' | 'operator';
const keys = {} as Record<Caller, string>;

/** Authorization headers that name no valid key (a cookie of no session included). */
const GARBAGE_CREDENTIALS: Array<Record<string, string>> = [
  { authorization: 'Bearer fl_not_a_real_key_0000000000000000' },
  { authorization: `Bearer ${'x'.repeat(600)}` },
  { authorization: 'Basic Zm9vOmJhcg==' },
  { authorization: 'Bearer' },
  { authorization: 'Bearer    ' },
  { authorization: "Bearer ' OR 1=1 --" },
  { authorization: 'Bearer {a:String}' },
  { authorization: OPERATOR_KEY }, // the operator's key without the Bearer scheme
  { authorization: `Bearer ${OPERATOR_KEY}x` },
  { cookie: 'flowlens_session=not-a-session' },
];

interface Credentials {
  who: string;
  headers: Record<string, string>;
}

const noCredentials = fc.constant<Credentials>({ who: 'no key', headers: {} });
const garbageCredentials = fc.constantFrom(...GARBAGE_CREDENTIALS).map<Credentials>((headers) => ({ who: 'garbage key', headers }));

/** Any caller, weighted towards keys that get past authentication so that handlers run. */
function anyCredentials(): fc.Arbitrary<Credentials> {
  const withKey = (who: Caller, weight: number) => ({ weight, arbitrary: fc.constant<Credentials>({ who, headers: { authorization: `Bearer ${keys[who]}` } }) });
  return fc.oneof(
    withKey('admin', 4),
    withKey('member', 2),
    withKey('viewer', 2),
    withKey('ingest', 1),
    withKey('otherAdmin', 1),
    withKey('operator', 1),
    { weight: 1, arbitrary: noCredentials },
    { weight: 1, arbitrary: garbageCredentials },
  );
}

const WORKFLOW = 'wf-a';
const MARCH = ['2026-03-02T09:00:00Z', '2026-03-05T12:30:00Z', '2026-03-18T16:45:00Z'];

async function seed(): Promise<void> {
  const accountA = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'A' })).json.account_id as string;
  const accountB = (await rt.call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'B' })).json.account_id as string;
  const key = async (account: string, role: string, userId: string) => {
    const res = await rt.call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: account, role, name: role, user_id: userId });
    assert.equal(res.status, 201, res.text);
    return res.json.key as string;
  };
  keys.admin = await key(accountA, 'admin', 'u-admin');
  keys.member = await key(accountA, 'member', 'u-member');
  keys.viewer = await key(accountA, 'viewer', 'u-viewer');
  keys.ingest = await key(accountA, 'ingest', 'u-ingest');
  keys.otherAdmin = await key(accountB, 'admin', 'u-b');
  keys.operator = OPERATOR_KEY;

  const registration = {
    name: 'Onboarding',
    version: 1,
    owner_user_id: 'u-member',
    steps: [
      { step_id: 's1', name: 'Welcome email', order: 1, type: 'action', action_type: 'send_email' },
      { step_id: 's2', name: 'Wait a day', order: 2, type: 'wait' },
    ],
  };
  assert.equal((await rt.call('PUT', `/api/v1/workflows/${WORKFLOW}`, keys.admin, registration)).status, 201);
  assert.equal((await rt.call('PUT', `/api/v1/workflows/${WORKFLOW}/access`, keys.admin, { user_ids: ['u-viewer'] })).status, 200);
  const [d1, d2, d3] = MARCH as [string, string, string];
  const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
  const events = [
    ev.started(WORKFLOW, 'x1', d1),
    ev.step('started', WORKFLOW, 'x1', 's1', later(d1, 1)),
    ev.step('completed', WORKFLOW, 'x1', 's1', later(d1, 2), { duration_ms: 1200, credits_used: 2 }),
    ev.step('started', WORKFLOW, 'x1', 's2', later(d1, 3)),
    ev.completed(WORKFLOW, 'x1', later(d1, 60)),
    ev.started(WORKFLOW, 'x2', d2, { variant: 'A' }),
    ev.step('failed', WORKFLOW, 'x2', 's1', later(d2, 1), { duration_ms: 300 }),
    ev.failed(WORKFLOW, 'x2', later(d2, 2)),
    ev.started(WORKFLOW, 'x3', d3, { variant: 'B' }),
    ev.exited(WORKFLOW, 'x3', later(d3, 5)),
    ev.goal(WORKFLOW, 'x1', later(d1, 30), { value: 49.5 }),
    { type: 'cost.recorded', workflow_id: WORKFLOW, execution_id: 'x1', timestamp: later(d1, 2), action_type: 'send_sms', step_id: 's1', credits: 3, amount_usd: 0.12 },
    { type: 'activity', timestamp: d2, user_id: 'u-viewer', session_id: 'sess-1', action: 'view', resource: 'dashboard', resource_id: WORKFLOW, duration_ms: 5000 },
  ];
  const ingested = await rt.call('POST', '/api/v1/events', keys.ingest, events);
  assert.equal(ingested.json.accepted, events.length, ingested.text);
  // a job and an export to name in GET /api/v1/jobs/{job_id} and /api/v1/exports/{export_id}; no report is
  // created, so every report id is unknown (PUT, DELETE and POST …/run of a report are then always refused)
  seededJobId = (await rt.call('POST', `/api/v1/workflows/${WORKFLOW}/analytics/refresh`, keys.admin)).json.job_id;
  seededExportId = (await rt.call('POST', `/api/v1/workflows/${WORKFLOW}/analytics/export`, keys.admin, { start_date: '2026-03-01', end_date: '2026-03-31', format: 'json' })).json.export_id;
  assert.ok(seededJobId && seededExportId);
}

// ---------------------------------------------------------------------------------------------------------
// Values: good ones, and the nasty ones fuzzing is about

/** Generated text must not itself look like what a leak looks like (a detail may echo the input). */
const looksLikeALeak = (text: string) => /DB::Exception|SELECT |FROM |\bat \S+\.(ts|js):\d+/.test(text);
const clean = (a: fc.Arbitrary<string>) => a.filter((s) => !looksLikeALeak(s));

const NASTY_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '%00', 'é😀', '𝕏\u202e\u200b', "' OR 1=1 --", '{a:String}', "'); DROP TABLE events; --", '\\', '"', '\t\n\r',
  '../../etc/passwd', '..%2F..%2F', '${7*7}', '<script>alert(1)</script>', 'x'.repeat(129), 'x'.repeat(3000),
];
const BAD_NUMBERS = ['1e309', '-1e309', 'Infinity', '-Infinity', 'NaN', '9007199254740993', '99999999999999999999999', '-1', '0', '1.5', '0x10', '1e3', '2E-5', '+7', ' 8', '1_000', '0b11', '00012', '-0'];
const BAD_DATES = ['0000-00-00', '9999-12-31', '2026-02-30', '2026-13-01', '2026-00-10', '1969-12-31', '1970-01-01', '2026-3-1', '20260301', '2026/03/01', '2026-03-01T00:00:00Z', '-2026-03-01', '2299-12-31'];
const ODD_TIMEZONES = ['utc', 'europe/paris', 'EUROPE/PARIS', 'america/new_YORK', 'Mars/Olympus_Mons', 'Etc/GMT+15', 'UTC+5', '+05:00', 'GMT', 'Local', 'posixrules', 'Europe/Paris\u0000', '../../etc/localtime', 'Europe/Paris/'];

/** Some text of a piece of the URL; `raw` pieces go into the URL as they are (a malformed escape). */
interface UrlPiece {
  text: string;
  raw?: boolean;
}
const RAW_MALFORMED: UrlPiece[] = [{ text: '%ZZ', raw: true }, { text: 'a%ZZb', raw: true }, { text: '%', raw: true }, { text: '%E0%A4%A', raw: true }];
const RAW_TRAVERSAL: UrlPiece = { text: '../../etc/passwd', raw: true };

const piece = (a: fc.Arbitrary<string>) => a.map<UrlPiece>((text) => ({ text }));
const nastyString = fc.oneof(fc.constantFrom(...NASTY_STRINGS), clean(fc.string({ unit: 'grapheme', maxLength: 40 })), clean(fc.string({ unit: 'binary', maxLength: 20 })));

/** Seeded path ids by parameter name (none names a report or an API key: those are always unknown). */
function seededId(name: string): string {
  return { workflow_id: WORKFLOW, job_id: seededJobId, export_id: seededExportId, user_id: 'u-viewer', contact_id: 'c-x1' }[name] ?? `no-such-${name}`;
}

const unknownId = fc.oneof(fc.constantFrom('wf-none', 'nope', '0', 'WF-A', 'wf-a ', ' wf-a'), fc.uuid());
/** An id that is refused before anything is done with it: longer than the parameter allows, or malformed in the URL. */
const refusedIdOf = (p: Parameter): fc.Arbitrary<UrlPiece> =>
  fc.oneof(
    fc.integer({ min: (p.schema.maxLength ?? 128) + 1, max: 700 }).map<UrlPiece>((n) => ({ text: 'x'.repeat(n) })),
    fc.constantFrom(...RAW_MALFORMED),
    fc.constant(RAW_TRAVERSAL),
  );

type PathIdKind = 'any' | 'unknown' | 'refused';
function pathIdOf(p: Parameter, kind: PathIdKind): fc.Arbitrary<UrlPiece> {
  if (kind === 'refused') return refusedIdOf(p);
  // '.' and '..' would be dot segments, which the URL resolves away into another route (traversal is RAW_TRAVERSAL)
  const unknownOrNasty = fc.oneof(piece(unknownId), piece(nastyString.filter((s) => !['', '.', '..', seededId(p.name)].includes(s))));
  if (kind === 'unknown') return unknownOrNasty;
  return fc.oneof({ weight: 8, arbitrary: fc.constant({ text: seededId(p.name) }) }, { weight: 3, arbitrary: unknownOrNasty }, { weight: 1, arbitrary: refusedIdOf(p) });
}

const isDate = (name: string) => name.endsWith('_date');
const isNumeric = (s: JsonSchema) => s.type === 'integer' || s.type === 'number';
const EDGE_DATES = ['1900-01-02', '1970-01-01', '2024-02-29', '2024-03-01', '2026-03-08', '2026-03-29', '2299-12-30'];
const march = (from: number, to: number) => fc.integer({ min: from, max: to }).map((d) => `2026-03-${String(d).padStart(2, '0')}`);

const base64urlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A value the parameter accepts (or plausibly could), as query text. */
function goodQueryValue(p: Parameter): fc.Arbitrary<string> {
  const s = resolved(p.schema);
  const byName: Record<string, fc.Arbitrary<string>> = {
    // mostly March 2026 (the seeded data, with both DST switches), sometimes the edges of what the store holds
    start_date: fc.oneof({ weight: 6, arbitrary: march(1, 15) }, { weight: 1, arbitrary: fc.constantFrom(...EDGE_DATES) }),
    end_date: fc.oneof({ weight: 6, arbitrary: march(15, 31) }, { weight: 1, arbitrary: fc.constantFrom(...EDGE_DATES) }),
    range: fc.constantFrom('today', 'last_7_days', 'last_30_days', 'last_90_days', 'last_365_days'),
    timezone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'utc', 'europe/paris', 'Pacific/Kiritimati', 'Etc/GMT+12', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns'),
    granularity: fc.constantFrom('minute', 'hourly', 'daily', 'weekly', 'monthly'),
    workflow_id: fc.constantFrom(WORKFLOW, WORKFLOW, 'wf-none'),
    workflow_ids: fc.constantFrom(WORKFLOW, `${WORKFLOW},wf-none`, `${WORKFLOW},${WORKFLOW}`),
    versions: fc.constantFrom('1', '1,2'),
    variant: fc.constantFrom('A', 'B'),
    version: fc.constantFrom('1', '1', '2'),
    // the shapes of the paging cursors (GET …/activity/users/{user_id} returns base64url JSON [ms, hash]; the audit
    // log micros.entry_id in base64url, or a time), with times and numbers at and past their edges
    cursor: fc.tuple(fc.constantFrom(1774915200000, 0, -1e15, 8.64e15, 8.64e15 + 1, 1e20, Number.MAX_SAFE_INTEGER), fc.constantFrom('1', '99999999999999999999')).map(base64urlJson),
    before: fc.oneof(
      fc.constantFrom('2026-03-10T00:00:00Z', '2026-03-10', 'Tue Mar 10 2026', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0'),
      fc.constantFrom('1773100800000000', '0', '9223372036854775807', '9223372036854775808', '99999999999999999999').map((micros) => Buffer.from(`${micros}.e-1`).toString('base64url')),
    ),
    month: fc.constantFrom('2026-03', '2026-04', '0000-01', '9999-12'),
    action: fc.constantFrom('analytics.read', 'workflow.register'),
    user_id: fc.constantFrom('u-admin', 'u-viewer'),
    outcome: fc.constantFrom('success', 'denied', 'error'),
    access_token: fc.constantFrom('not-a-token', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'),
    hourly_rate_usd: fc.constantFrom('0', '50', '1000000', '5e-324', '0.1', '999999.999'),
  };
  if (byName[p.name]) return byName[p.name]!;
  if (s.anyOf?.every((x) => x.enum)) return fc.constantFrom(...s.anyOf.flatMap((x) => x.enum!.map(String)));
  if (isNumeric(s)) return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, 1_000_000) }).map(String);
  return clean(fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 16, 16) }));
}

/** A value the parameter should refuse (or that probes its edges), as a URL piece. */
function badQueryValue(p: Parameter): fc.Arbitrary<UrlPiece> {
  const s = resolved(p.schema);
  const specific = isNumeric(s) ? BAD_NUMBERS : isDate(p.name) ? BAD_DATES : p.name === 'timezone' ? ODD_TIMEZONES : [];
  return fc.oneof(
    { weight: 4, arbitrary: piece(fc.constantFrom(...specific, ...BAD_NUMBERS.slice(0, 5))) },
    { weight: 3, arbitrary: piece(nastyString) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_MALFORMED) },
    { weight: 1, arbitrary: piece(fc.constant('y'.repeat((s.maxLength ?? 200) + 1))) },
  );
}

type QueryPair = [name: string, value: UrlPiece];

/** `a` one time in `oneIn`, else null. */
const sometimes = <T,>(a: fc.Arbitrary<T>, oneIn: number) => fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: a });

/** Operations whose parameters go together in ways their schemas do not say: plausible requests follow the rule. */
const PLAUSIBLE_SHAPES: Record<string, (pairs: QueryPair[], coin: boolean) => QueryPair[]> = {
  // workflow_ids, or workflow_id with versions
  '/api/v1/analytics/workflows/comparison': (pairs, coin) => [
    ...pairs.filter(([name]) => !['workflow_ids', 'workflow_id', 'versions'].includes(name)),
    ...(coin ? [['workflow_ids', { text: `${WORKFLOW},wf-none` }] as QueryPair] : [['workflow_id', { text: WORKFLOW }] as QueryPair, ['versions', { text: '1,2' }] as QueryPair]),
  ],
};

/**
 * The query string of a read: plausible (every parameter omitted or good, dates or a range), one parameter
 * bad, or chaos (each one omitted, good or bad; dates, a range, both or neither); outside the plausible ones,
 * sometimes an unknown parameter or a repeated one.
 */
function queryOf(op: Operation): fc.Arbitrary<QueryPair[]> {
  const params = op.queryParams;
  const choice = (p: Parameter) => fc.record({ pick: fc.constantFrom('omit', 'good', 'good', 'bad'), good: goodQueryValue(p), bad: badQueryValue(p) });
  return fc
    .record({
      flavor: fc.constantFrom('plausible', 'plausible', 'plausible', 'one bad', 'one bad', 'chaos'),
      choices: fc.tuple(...params.map(choice)),
      badOne: fc.nat(),
      dates: fc.constantFrom('dates', 'dates', 'range', 'both', 'neither'),
      extra: sometimes(fc.tuple(fc.constantFrom('unknown_param', 'limit', 'access_token', 'x'), piece(nastyString)), 4),
      repeat: sometimes(fc.nat(), 4),
    })
    .map(({ flavor, choices, badOne, dates, extra, repeat }) => {
      const plausible = flavor === 'plausible';
      const period = plausible && (dates === 'both' || dates === 'neither') ? 'dates' : dates;
      const pairs: QueryPair[] = [];
      params.forEach((p, i) => {
        const c = choices[i]!;
        let pick = flavor === 'chaos' ? c.pick : c.pick === 'bad' ? 'good' : c.pick;
        if (flavor !== 'chaos' && (isDate(p.name) || p.name === 'range')) {
          const wanted = period === 'both' || (period === 'dates' ? isDate(p.name) : period === 'range' && p.name === 'range');
          pick = wanted ? 'good' : 'omit';
        }
        if (flavor === 'one bad' && i === badOne % params.length) pick = 'bad';
        if (pick === 'good') pairs.push([p.name, { text: c.good }]);
        if (pick === 'bad') pairs.push([p.name, c.bad]);
      });
      if (plausible) return PLAUSIBLE_SHAPES[op.path]?.(pairs, badOne % 2 === 0) ?? pairs;
      if (extra) pairs.push([extra[0], extra[1]]);
      if (repeat !== null && pairs.length > 0) pairs.push(pairs[repeat % pairs.length]!);
      return pairs;
    });
}

// ---------------------------------------------------------------------------------------------------------
// Bodies

/** JSON text; the sentinels become numbers JSON.stringify cannot write (JSON.parse reads them as ±Infinity). */
const POSITIVE_OVERFLOW = '__fuzz_1e309__';
const NEGATIVE_OVERFLOW = '__fuzz_-1e309__';
const jsonText = (value: unknown) => JSON.stringify(value).replaceAll(`"${POSITIVE_OVERFLOW}"`, '1e309').replaceAll(`"${NEGATIVE_OVERFLOW}"`, '-1e309');

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const BROKEN_JSON = ['{', '[', '{"a":', '{"a":1,}', "{'a':1}", 'nul', 'tru', '{"a":1}}', '[1,2', '\u0000', '{"a":"\u0000', 'NaN', 'Infinity', '-', '1e', '{"__proto__":', '<xml/>', '{"name":"x"', '\ufeff{'];
const brokenJson = fc.oneof(fc.constantFrom(...BROKEN_JSON), fc.string({ minLength: 1, maxLength: 60 })).filter((t) => t.trim() !== '' && !isJson(t) && !looksLikeALeak(t));
const wrongTopLevel = fc.oneof(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), clean(fc.string({ maxLength: 20 })), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null), fc.boolean());

/** A value of a JSON schema, mostly one it accepts (the request is made invalid elsewhere). */
function valueOf(schema: JsonSchema, name = '', depth = 0): fc.Arbitrary<unknown> {
  const s = resolved(schema);
  if (s.anyOf) return fc.oneof(...s.anyOf.map((x) => valueOf(x, name, depth)));
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'string': {
      const byName: Record<string, fc.Arbitrary<string>> = {
        workflow_id: fc.constantFrom(WORKFLOW, '*', 'wf-none'),
        timezone: fc.constantFrom('UTC', 'Europe/Paris', 'utc', 'Mars/Base'),
        start_date: march(1, 15),
        end_date: march(15, 31),
      };
      if (byName[name]) return byName[name]!;
      if (s.format === 'email') return fc.constantFrom('a@example.com', 'ops@example.org', 'not-an-email');
      if (s.format === 'date-time') return fc.constantFrom('2027-01-01T00:00:00Z', '2026-02-30T00:00:00Z', 'soon');
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).map((t) => t.slice(0, s.maxLength ?? 64));
      return clean(fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 24, 24) }));
    }
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: Math.min(s.maximum ?? 1000, 2 ** 31 - 1) });
    case 'number':
      return fc.double({ min: s.exclusiveMinimum ?? s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(valueOf(s.items ?? {}, name, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'object': {
      if (depth > 3) return fc.constant({});
      const props = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, valueOf(v, k, depth + 1)]));
      return fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** Events that are each invalid: type or timestamp missing or unknown, a field unknown or not finite, not an object. */
function invalidEvents(): fc.Arbitrary<unknown[]> {
  const validLooking = fc.constantFrom(
    ev.started(WORKFLOW, 'fz1', MARCH[0]!),
    ev.step('completed', WORKFLOW, 'fz1', 's1', MARCH[1]!, { duration_ms: 10 }),
    ev.goal(WORKFLOW, 'fz2', MARCH[2]!, { value: 5 }),
    { type: 'cost.recorded', workflow_id: WORKFLOW, execution_id: 'fz3', timestamp: MARCH[0]!, action_type: 'send_sms', amount_usd: 1 },
  ) as fc.Arbitrary<Record<string, unknown>>;
  const without = (field: string) => validLooking.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== field)));
  const withField = (field: string, value: fc.Arbitrary<unknown>) => fc.tuple(validLooking, value).map(([e, v]) => ({ ...e, [field]: v }));
  const invalidEvent = fc.oneof(
    without('type'),
    without('timestamp'),
    withField('type', fc.oneof(fc.constantFrom('execution.unknown', 'EXECUTION.STARTED', 'step.*', '', null, 7), nastyString)),
    withField('timestamp', fc.constantFrom('yesterday', '2026-03-02', '', 0, POSITIVE_OVERFLOW, '2026-03-02T10:00:60Z', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z')),
    withField('duration_ms', fc.constantFrom(POSITIVE_OVERFLOW, NEGATIVE_OVERFLOW, -1, 'fast')),
    withField('__fuzz_unknown', fc.jsonValue({ maxDepth: 1 })),
    wrongTopLevel,
  );
  return fc.array(invalidEvent, { minLength: 1, maxLength: 8 });
}

/** An API key that names no key (the sign-in form's input); never contains a real one. */
const bogusApiKey = fc.oneof(fc.constantFrom('fl_not_a_key', 'x'.repeat(513), `${OPERATOR_KEY}x`, OPERATOR_KEY.toUpperCase(), "' OR 1=1 --", '\u0000', ' ', ''), clean(fc.string({ minLength: 1, maxLength: 40 })).filter((s) => !s.includes('fl_')));

// ---------------------------------------------------------------------------------------------------------
// Requests

interface FuzzRequest {
  op: Operation;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** What makes a changing request invalid; a read has none. */
  breakage?: Breakage;
  transport: 'inject' | 'http' | 'http-stream';
  /** The status it must get (the 431 of an oversized query). */
  expect?: number;
  who: string;
}

function urlOf(op: Operation, pathIds: Record<string, UrlPiece>, query: QueryPair[], extraQuery?: string): string {
  const encode = (p: UrlPiece) => (p.raw ? p.text : encodeURIComponent(p.text));
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encode(pathIds[name]!));
  const qs = [...query.map(([k, v]) => `${encodeURIComponent(k)}=${encode(v)}`), ...(extraQuery ? [extraQuery] : [])].join('&');
  return qs ? `${path}?${qs}` : path;
}

function pathIdsOf(op: Operation, kind: PathIdKind): fc.Arbitrary<Record<string, UrlPiece>> {
  return fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, pathIdOf(p, kind)])));
}

/** A read: anything goes. */
function readRequest(op: Operation): fc.Arbitrary<FuzzRequest> {
  return printable(fc
    .record({ who: anyCredentials(), ids: pathIdsOf(op, 'any'), query: queryOf(op), oversized: sometimes(fc.constant(true), 30).map((x) => x === true) })
    .map(({ who, ids, query, oversized }) => ({
      op,
      method: op.method,
      url: urlOf(op, ids, query, oversized ? OVERSIZED_QUERY : undefined),
      headers: who.headers,
      who: who.who,
      transport: oversized ? 'http' : isLiveStream(op) ? 'http-stream' : 'inject',
      ...(oversized ? { expect: 431 } : {}),
    })));
}

/**
 * What makes a changing request invalid by construction, whatever else it carries:
 * - no-key, garbage-key: 401 (not for signing in, which asks for no key);
 * - broken-json (with JSON-ish content types), empty-json, xml, no-content-type (a body without one; DELETE
 *   ignores such a body): 400/415; oversized-body: over the 1 MB body limit (413);
 * - wrong-top-level, text-plain, missing-required, unknown-field, non-finite: 400 by the body schema;
 * - refused-id: a path id over its maxLength, or malformed in the URL (400), or climbing out of /api/v1 (404);
 * - unknown-id: a path id naming nothing in the caller's account (404), for the operations that look it up
 *   (not registering a workflow, which creates it, nor deleting a contact, which deletes whatever matches);
 * - oversized-url: a query string over 16 KB (431);
 * - invalid-events: POST /api/v1/events with only invalid events (200, accepted 0);
 * - bogus-sign-in: POST /api/v1/session with a key that is none;
 * - refused-value: a body the schema accepts holding a value the handler's own checks refuse (400), see REFUSED_VALUES.
 */
type Breakage =
  | 'no-key' | 'garbage-key' | 'broken-json' | 'empty-json' | 'xml' | 'no-content-type' | 'wrong-top-level' | 'text-plain'
  | 'missing-required' | 'unknown-field' | 'non-finite' | 'refused-id' | 'unknown-id' | 'oversized-url' | 'invalid-events' | 'bogus-sign-in'
  | 'refused-value' | 'oversized-body';

function breakagesOf(op: Operation): Breakage[] {
  const body = op.body ? resolved(op.body) : undefined;
  const looksIdsUp = op.pathParams.length > 0 && !(op.method === 'PUT' && op.path === '/api/v1/workflows/{workflow_id}') && !op.path.startsWith('/api/v1/contacts/');
  return [
    ...(op.isPublic ? [] : (['no-key', 'garbage-key'] as const)),
    'broken-json', 'empty-json', 'xml', 'oversized-url',
    ...(op.method === 'DELETE' ? [] : (['no-content-type'] as const)),
    ...(isIngestion(op) ? [] : (['oversized-body'] as const)), // ingestion's limit is 10 MB: test/ingest-api.test.ts
    ...(isObjectSchema(body) ? (['wrong-top-level', 'text-plain', 'non-finite'] as const) : []),
    ...(isObjectSchema(body) && (body!.required ?? []).length > 0 ? (['missing-required'] as const) : []),
    ...(isObjectSchema(body) && body!.additionalProperties === false ? (['unknown-field'] as const) : []),
    ...(op.pathParams.length > 0 ? (['refused-id'] as const) : []),
    ...(looksIdsUp ? (['unknown-id'] as const) : []),
    ...(isIngestion(op) ? (['invalid-events'] as const) : []),
    ...(isSignIn(op) ? (['bogus-sign-in'] as const) : []),
    ...(REFUSED_VALUES[label(op)] ? (['refused-value'] as const) : []),
  ];
}

const UNKNOWN_TIMEZONES = ['Mars/Olympus_Mons', 'Etc/GMT+15', 'UTC+5', '+05:00', 'Europe/Paris\u0000', '../../etc/localtime', 'Europe/Paris/'];
const REPORT = { name: 'Weekly', workflow_id: WORKFLOW, formats: ['csv'], schedule: { frequency: 'weekly', day_of_week: 1, time: '09:00', timezone: 'UTC' }, recipients: ['a@example.com'] };
const refusedReport = () =>
  fc.oneof(
    fc.constantFrom(...UNKNOWN_TIMEZONES).map((timezone) => ({ ...REPORT, schedule: { ...REPORT.schedule, timezone } })),
    fc.constantFrom('wf-none', 'WF-A', 'é😀').map((workflow_id) => ({ ...REPORT, workflow_id })),
  );

/**
 * Bodies the schema accepts with a value the handler refuses (400): an unknown timezone or workflow, a budget's
 * workflow_id missing or a second budget for one scope, a logo that is not an image, an impossible period.
 */
const REFUSED_VALUES: Record<string, () => fc.Arbitrary<unknown>> = {
  'PUT /api/v1/analytics/costs/budgets': () =>
    fc
      .oneof(
        fc.constantFrom(...UNKNOWN_TIMEZONES).map((timezone) => [{ scope: 'account', monthly_usd: 100, timezone }]),
        fc.constant([{ scope: 'workflow', monthly_usd: 100 }]),
        fc.constantFrom('wf-none', '*', "' OR 1=1 --").map((workflow_id) => [{ scope: 'workflow', workflow_id, monthly_usd: 5 }]),
        fc.constant([{ scope: 'account', monthly_usd: 1 }, { scope: 'account', monthly_usd: 2, thresholds: [50] }]),
      )
      .map((budgets) => ({ budgets })),
  'POST /api/v1/reports': refusedReport,
  'PUT /api/v1/reports/{report_id}': refusedReport,
  'PUT /api/v1/account/settings': () => fc.constantFrom('not base64 !!', Buffer.from('GIF89a not a png').toString('base64'), 'iVBORw0KGgo', '/9j/').map((logo_base64) => ({ logo_base64 })),
  'POST /api/v1/workflows/{workflow_id}/analytics/export': () =>
    fc.oneof(
      fc.constant({ start_date: '2026-03-31', end_date: '2026-03-01' }),
      fc.constant({ start_date: '2026-03-01', end_date: '2026-03-31', range: 'last_7_days' }),
      fc.constantFrom(...UNKNOWN_TIMEZONES).map((timezone) => ({ range: 'last_7_days', timezone })),
      fc.constantFrom('0000-00-00', '9999-12-31', '2026-02-30', '2026-13-01', '2026-00-10', '2026-3-1', '20260301', '2026/03/01').map((start_date) => ({ start_date, end_date: '2026-03-31' })),
      fc.constant({ start_date: '1900-01-02', end_date: '2299-12-30', format: 'pdf' }),
      fc.constantFrom('yearly', 'MINUTE', 'second').map((granularity) => ({ range: 'last_7_days', granularity })),
    ),
};

interface Body {
  payload?: string;
  contentType?: string;
}

const json = (text: string): Body => ({ payload: text, contentType: 'application/json' });
const JSONISH_CONTENT_TYPES = ['application/json', 'application/json', 'application/json; charset=utf-8', 'application/JSON', 'application/json; charset=utf-16', 'application/json;;', 'application/vnd.api+json', 'application/json, text/plain'];

/** The body a changing request carries when what breaks it is elsewhere (the key, the path). */
function ordinaryBody(op: Operation): fc.Arbitrary<Body> {
  if (isIngestion(op)) return invalidEvents().map((events) => json(jsonText(events)));
  if (isSignIn(op)) return bogusApiKey.map((api_key) => json(JSON.stringify({ api_key })));
  if (op.body) return valueOf(op.body).map((v) => json(jsonText(v)));
  return fc.constant({});
}

function brokenBody(op: Operation, breakage: Breakage): fc.Arbitrary<Body> {
  const schema = op.body ? resolved(op.body) : {};
  const objectBody = (ordinaryBody(op) as fc.Arbitrary<Body>).map((b) => (b.payload ? (JSON.parse(b.payload) as Record<string, unknown>) : {}));
  switch (breakage) {
    case 'broken-json':
      return fc.tuple(brokenJson, fc.constantFrom(...JSONISH_CONTENT_TYPES)).map(([payload, contentType]) => ({ payload, contentType }));
    case 'oversized-body':
      return fc.constant(json(`{"name":"${'b'.repeat(1024 * 1024)}"}`));
    case 'empty-json':
      return fc.constant(json(''));
    case 'xml':
      return fc.constantFrom('<workflow id="x"/>', '', '{"name":"x"}').map((payload) => ({ payload, contentType: 'application/xml' }));
    case 'no-content-type':
      return fc.oneof(ordinaryBody(op).map((b) => b.payload ?? '{}'), brokenJson).filter((p) => p !== '').map((payload) => ({ payload }));
    case 'wrong-top-level':
      return wrongTopLevel.map((v) => json(JSON.stringify(v)));
    case 'text-plain':
      return objectBody.map((v) => ({ payload: JSON.stringify(v), contentType: 'text/plain' }));
    case 'missing-required':
      return fc.tuple(objectBody, fc.constantFrom(...schema.required!)).map(([v, field]) => json(jsonText(Object.fromEntries(Object.entries(v).filter(([k]) => k !== field)))));
    case 'unknown-field':
      return fc.tuple(objectBody, fc.constantFrom('__fuzz_unknown', 'extra', 'account_id ', '__proto__', '$where'), fc.jsonValue({ maxDepth: 1 })).map(([v, field, x]) => {
        const withExtra = { ...v };
        Object.defineProperty(withExtra, field, { value: x, enumerable: true }); // '__proto__' as an own field
        return json(jsonText(withExtra));
      });
    case 'non-finite': {
      const numeric = Object.entries(schema.properties ?? {}).filter(([, s]) => isNumeric(resolved(s))).map(([k]) => k);
      return fc.tuple(objectBody, fc.constantFrom(...numeric, '__fuzz_number'), fc.constantFrom(POSITIVE_OVERFLOW, NEGATIVE_OVERFLOW)).map(([v, field, n]) => json(jsonText({ ...v, [field]: n })));
    }
    case 'refused-value':
      return REFUSED_VALUES[label(op)]!().map((v) => json(jsonText(v)));
    case 'invalid-events':
      return fc.oneof(
        invalidEvents().map((events) => json(jsonText(events))),
        invalidEvents().map((events) => json(jsonText(events[0]))),
        invalidEvents().map((events) => ({ payload: events.map(jsonText).join('\n'), contentType: 'application/x-ndjson' })),
        fc.array(fc.oneof(brokenJson, invalidEvents().map((e) => jsonText(e[0]))), { minLength: 1, maxLength: 5 }).map((lines) => ({ payload: lines.join('\n'), contentType: 'application/x-ndjson' })),
        invalidEvents().map((events) => ({ payload: events.map(jsonText).join('\n'), contentType: 'text/plain' })),
        fc.constant({ payload: '', contentType: 'application/x-ndjson' }),
      );
    default:
      return ordinaryBody(op);
  }
}

/** A changing request, built around one breakage that must get it refused. */
function changingRequest(op: Operation): fc.Arbitrary<FuzzRequest> {
  return printable(fc.constantFrom(...breakagesOf(op)).chain((breakage) =>
    fc
      .record({
        who: breakage === 'no-key' ? noCredentials : breakage === 'garbage-key' ? garbageCredentials : anyCredentials(),
        ids: pathIdsOf(op, breakage === 'refused-id' ? 'refused' : breakage === 'unknown-id' ? 'unknown' : 'any'),
        body: brokenBody(op, breakage),
      })
      .map(({ who, ids, body }) => ({
        op,
        method: op.method,
        url: urlOf(op, ids, [], breakage === 'oversized-url' ? OVERSIZED_QUERY : undefined),
        headers: { ...who.headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) },
        ...(body.payload !== undefined ? { payload: body.payload } : {}),
        breakage,
        who: who.who,
        transport: breakage === 'oversized-url' ? 'http' : 'inject',
        ...(breakage === 'oversized-url' ? { expect: 431 } : {}),
      })),
  ));
}

/** Requests that fast-check prints (counterexamples) as their method, URL, caller and body. */
function printable(requests: fc.Arbitrary<FuzzRequest>): fc.Arbitrary<FuzzRequest> {
  return requests.map((req) => Object.assign(req, { [fc.toStringMethod]: () => describeRequest(req) }));
}

// ---------------------------------------------------------------------------------------------------------
// Sending, and what every answer must satisfy

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function sendOverHttp(req: FuzzRequest): Promise<Answer> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}${req.url}`, {
    method: req.method,
    headers: req.headers,
    ...(req.payload !== undefined ? { body: req.payload } : {}),
    signal: abort.signal,
  });
  const contentType = res.headers.get('content-type') ?? '';
  if (req.transport === 'http-stream' && contentType.startsWith('text/event-stream')) {
    abort.abort(); // a live stream never ends: its status and headers are the answer
    return { status: res.status, contentType, text: '' };
  }
  return { status: res.status, contentType, text: await res.text() };
}

async function sendOnce(req: FuzzRequest): Promise<Answer> {
  if (req.transport !== 'inject') return sendOverHttp(req);
  const res = await rt.app.inject({
    method: req.method as 'GET',
    url: req.url,
    headers: req.headers,
    ...(req.payload !== undefined ? { payload: req.payload } : {}),
  });
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text: res.body };
}

const stats = { requests: 0, statuses: new Map<number, number>(), byOperation: new Map<string, Map<number, number>>(), healthChecks: 0, slowest: { ms: 0, what: '' } };
const count = (m: Map<number, number>, status: number) => m.set(status, (m.get(status) ?? 0) + 1);
const histogram = (m: Map<number, number>) => JSON.stringify(Object.fromEntries([...m].sort(([a], [b]) => a - b)));

function describeRequest(req: FuzzRequest): string {
  const payload = req.payload === undefined ? '' : ` body(${req.headers['content-type'] ?? 'no content-type'}) ${JSON.stringify(req.payload.slice(0, 300))}`;
  return `${req.method} ${req.url.slice(0, 400)}${req.url.length > 400 ? '…' : ''} as ${req.who}${req.breakage ? ` [${req.breakage}]` : ''}${payload}`;
}

async function send(req: FuzzRequest): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_AFTER_MS} ms: ${describeRequest(req)}`)), HANG_AFTER_MS);
  });
  const t = performance.now();
  try {
    return await Promise.race([sendOnce(req), hang]);
  } finally {
    clearTimeout(timer);
    const ms = performance.now() - t;
    if (ms > stats.slowest.ms) stats.slowest = { ms, what: describeRequest(req).slice(0, 160) };
  }
}

async function assertHealthy(): Promise<void> {
  const t = performance.now();
  const res = await rt.app.inject({ method: 'GET', url: '/healthz' });
  const ms = performance.now() - t;
  assert.equal(res.statusCode, 200, `/healthz: ${res.statusCode} ${res.body}`);
  assert.ok(ms < HEALTH_WITHIN_MS, `/healthz took ${Math.round(ms)} ms`);
  stats.healthChecks++;
}

/** A 4xx as RFC 9457 problem+json that gives nothing of the server's insides away. */
function assertProblem(res: Answer, what: string): void {
  assert.match(res.contentType, /^application\/problem\+json/, `not problem+json: ${what}`);
  const problem = JSON.parse(res.text) as { status?: unknown; title?: unknown; detail?: unknown };
  assert.equal(problem.status, res.status, `problem status: ${what}`);
  assert.equal(typeof problem.title, 'string', `problem title: ${what}`);
  assert.equal(typeof problem.detail, 'string', `problem detail: ${what}`);
  assert.ok(!looksLikeALeak(res.text), `engine error, SQL or a stack frame in the answer: ${what}`);
}

/** The properties every answer satisfies (see the header). */
function assertAnswer(req: FuzzRequest, res: Answer): void {
  const what = `${describeRequest(req)}\n  → ${res.status} ${res.contentType} ${res.text.slice(0, 500)}`;
  assert.ok(res.status < 500, `a 5xx: ${what}`);
  if (req.expect !== undefined) assert.equal(res.status, req.expect, what);
  if (res.status >= 400) assertProblem(res, what);
  if (!changes(req.op)) return;
  if (isIngestion(req.op) && res.status === 200) {
    const ingested = JSON.parse(res.text) as { accepted: number; duplicates: number };
    assert.equal(ingested.accepted, 0, `an invalid event was accepted: ${what}`);
    assert.equal(ingested.duplicates, 0, `an invalid event was counted as a duplicate: ${what}`);
  } else {
    assert.ok(res.status >= 400, `a request invalid by construction was not refused: ${what}`);
  }
}

async function fuzzOnce(req: FuzzRequest): Promise<void> {
  const res = await send(req);
  stats.requests++;
  count(stats.statuses, res.status);
  if (!stats.byOperation.has(label(req.op))) stats.byOperation.set(label(req.op), new Map());
  count(stats.byOperation.get(label(req.op))!, res.status);
  assertAnswer(req, res);
  if (stats.requests % HEALTH_CHECK_EVERY === 0) await assertHealthy();
}

// ---------------------------------------------------------------------------------------------------------
// Stored data: a fingerprint of every table bad input must leave alone

/**
 * Tables left out, because requests that change nothing still write them:
 * - audit_log: every request to an audited route (reads included: analytics.read, export…) appends an entry;
 * - exports: GET …/analytics/export (a read) records each streamed export in the export history.
 * Every other table is in (sessions too: only a valid sign-in or a sign-out with a live session cookie writes
 * it, and the fuzz sends neither; jobs: only accepted refreshes, exports and contact deletions queue one).
 * Materialized views are left out as views; the tables they write are in.
 */
const WRITTEN_BY_READS = new Set(['audit_log', 'exports']);

/** Waits until nothing is being written: no events queued, no job running, every derived table up to date. */
async function settle(): Promise<void> {
  // IngestBuffer.drain() would also stop taking events for good, so wait for the queue to empty instead
  // (POST /api/v1/events answers once its events are stored, so it is empty unless one is in flight)
  for (let i = 0; rt.deps.buffer.pendingRows > 0 && i < 200; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(rt.deps.buffer.pendingRows, 0, 'events still queued');
  await rt.deps.jobs.idle();
  await rt.deps.derived.idle();
  await rt.deps.audit.flush();
}

async function fingerprint(): Promise<Record<string, string>> {
  await settle();
  const tables = await rt.query<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View%' ORDER BY name",
  );
  const prints: Record<string, string> = {};
  for (const { name } of tables) {
    if (WRITTEN_BY_READS.has(name)) continue;
    // background merges fold the rows of replacing and aggregating tables at any moment (changing the raw
    // row count, and the order inside merged arrays) while the data stays the same: merging every part
    // first makes the fingerprint depend on the data only. Names come from system.tables, not from input.
    await rt.deps.store.command(`OPTIMIZE TABLE ${name} FINAL`);
    // cityHash64(tuple(*)), not cityHash64(*): the latter is NULL for a row with any NULL in a Nullable column
    // (most rows of events, execution_facts, api_keys…), and sum() skips NULLs, so those rows would not count
    const [row] = await rt.query<{ n: number; h: string }>(`SELECT count() AS n, toString(sum(cityHash64(tuple(*)))) AS h FROM ${name}`);
    prints[name] = `${row!.n} rows, hash ${row!.h}`;
  }
  return prints;
}

// ---------------------------------------------------------------------------------------------------------

describe('API fuzzing over every operation of the OpenAPI document', () => {
  before(async () => {
    rt = await startTestRuntime();
    await seed();
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(rt.app.server.address() as { port: number }).port}`;
    doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDocument;
    operations = operationsOf(doc);
    dataBefore = await fingerprint();
  });
  after(async () => rt?.close());

  test(`every /api/ operation, ${RUNS_PER_OPERATION} generated requests each: never a 5xx, 4xx as problem+json, changing requests refused`, { timeout: 900_000 }, async (t) => {
    const reads = operations.filter((op) => !changes(op)).length;
    console.log(`fuzzing ${operations.length} operations of /openapi.json (${reads} reads, ${operations.length - reads} changing), seed ${SEED}`);
    assert.ok(operations.length >= 40, `only ${operations.length} operations found`);
    const started = performance.now();
    for (const [i, op] of operations.entries()) {
      await t.test(label(op), async () => {
        await fc.assert(fc.asyncProperty(changes(op) ? changingRequest(op) : readRequest(op), fuzzOnce), { numRuns: RUNS_PER_OPERATION, seed: SEED + i });
      });
    }
    const fiveXX = [...stats.statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    console.log(
      `fuzzed ${operations.length} operations with ${stats.requests} requests in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `statuses ${histogram(stats.statuses)}, ${fiveXX} 5xx, ${stats.healthChecks} health checks, ${Object.keys(dataBefore).length} tables fingerprinted; ` +
        `slowest ${Math.round(stats.slowest.ms)} ms (${stats.slowest.what})`,
    );
    if (process.env.FLOWLENS_FUZZ_API_VERBOSE) for (const [op, statuses] of stats.byOperation) console.log(`  ${op}: ${histogram(statuses)}`);
    const unfuzzed = operations.filter((op) => !stats.byOperation.get(label(op)));
    assert.deepEqual(unfuzzed.map(label), [], 'operations that got no request');
  });

  // Regressions: what the fuzz found, named

  test('regression: GET /api/v1/analytics/activity/users/{user_id} with a cursor whose time is past what a Date holds (was a 500)', async () => {
    for (const ms of [1e20, 8.64e15 + 1, -8.64e15 - 1, Number.MAX_SAFE_INTEGER]) {
      const url = `/api/v1/analytics/activity/users/u-viewer?start_date=2026-03-01&end_date=2026-03-15&cursor=${base64urlJson([ms, '1'])}`;
      const res = await rt.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${keys.admin}` } });
      const answer = { status: res.statusCode, contentType: String(res.headers['content-type']), text: res.body };
      assert.equal(answer.status, 400, `${url}: ${res.body}`);
      assertProblem(answer, url);
      assert.match(res.body, /cursor/);
    }
  });

  test('bad input changed no stored data (every table but those reads write)', { timeout: 120_000 }, async () => {
    const dataAfter = await fingerprint();
    console.log(`fingerprinted ${Object.keys(dataAfter).length} tables (left out: ${[...WRITTEN_BY_READS].join(', ')})`);
    assert.ok(Object.keys(dataBefore).length >= 20, 'tables fingerprinted');
    assert.deepEqual(dataAfter, dataBefore);
  });
});
