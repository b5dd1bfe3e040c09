/**
 * The median duration's comparison between groups (versions compared, experiment results) from each group's exact
 * summary day states (MetricsQueryService.durationRanks): the order statistics (median and its interval's values)
 * and the Mann–Whitney rank sums and tie terms equal to the rank statement's (src/metrics/comparison.ts
 * rankFigures) — by version and by variant, with a filter, in three timezones, on durations with many ties — and a
 * window of kept days reads no cohort again.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rankFigures, type GroupBy } from '../src/metrics/comparison.js';
import { medianRanks } from '../src/metrics/group-comparison.js';
import { parsePeriod } from '../src/metrics/period.js';
import type { Scope } from '../src/metrics/scope.js';
import { mulberry32 } from '../src/stats/seeded-random.js';
import { addDays, localDate } from '../src/time/calendar.js';
import { ev, startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const W = 'wf-versions-days';
const DAY = 86_400_000;
let rt: TestRuntime;
let account = '';
const now = Date.now();
const today = localDate(new Date(now), 'UTC');
const iso = (ms: number) => new Date(ms).toISOString();

before(async () => {
  rt = await startTestRuntime();
  let key: string;
  ({ accountId: account, key } = await rt.newAccount('admin'));
  const u = mulberry32(17);
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 700; i++) {
    const id = `x-${i}`;
    const enrolled = now - 3_600_000 - Math.floor(u() * 40 * DAY);
    const version = 1 + Math.floor(u() * 3);
    events.push(ev.started(W, id, iso(enrolled), { workflow_version: version, variant: u() < 0.5 ? 'A' : 'B', enrollment_source: u() < 0.3 ? 'api' : 'trigger' }));
    // durations in whole quarter hours, up to a day and a half: many ties; version 2 a little slower
    const end = enrolled + (1 + Math.floor(u() * (version === 2 ? 150 : 120))) * 900_000;
    if (end < now - 60_000 && u() < 0.8) events.push(ev.completed(W, id, iso(end)));
  }
  const r = await rt.call('POST', '/api/v1/events', key, events);
  assert.equal(r.status, 200, r.text);
  await rt.stored();
  await rt.deps.derived.idle();
});
after(() => rt?.close());

/** The service's rank figures of the median duration, and the rank statement's over the same window. */
async function both(start: string, end: string, timezone: string, by: GroupBy, groups: string[], filters: Partial<Scope> = {}) {
  const window = parsePeriod({ start_date: start, end_date: end, timezone });
  const scope: Scope = { account, workflow: W, ...filters };
  const store = rt.deps.store;
  const original = store.query;
  let cohortDays = 0;
  let rankStatements = 0;
  store.query = ((sql, params, options) => {
    if (sql.includes('AS dur_b')) {
      const p = (params ?? {}) as Record<string, Date>;
      for (let i = 0; `r${i}_from` in p; i++) cohortDays += (p[`r${i}_to`]!.getTime() - p[`r${i}_from`]!.getTime()) / DAY;
    }
    if (sql.includes('ROWS BETWEEN UNBOUNDED PRECEDING')) rankStatements++;
    return original.call(store, sql, params, options);
  }) as typeof store.query;
  try {
    const answer = await rt.deps.queries.groups(scope, window, by, groups, ['duration_hours_p50']);
    const served = answer.ranks.duration_hours_p50!;
    const counted = { cohortDays, rankStatements };
    const n = answer.totals.map((t) => t.measured?.duration_hours_p50 ?? 0);
    const direct = await rankFigures(store, scope, window, by, groups, 'duration_hours_p50', n, medianRanks);
    return { served, direct, n, ...counted };
  } finally {
    store.query = original;
  }
}

test('order statistics, rank sums and tie terms equal the rank statement\'s, by version and by variant, in three timezones', async () => {
  const cases: Array<[number, number, string, GroupBy, string[], Partial<Scope>]> = [
    [30, 1, 'UTC', 'version', ['1', '2', '3'], {}],
    [20, 0, 'Asia/Kolkata', 'version', ['2', '1'], {}],
    [7, 0, 'America/New_York', 'variant', ['A', 'B'], {}],
    [25, 2, 'UTC', 'variant', ['B', 'A'], { enrollment_source: 'trigger' }],
    [35, 0, 'Asia/Kathmandu', 'version', ['3', '1', '2'], { variant: 'A' }],
  ];
  for (const [back, to, tz, by, groups, filters] of cases) {
    const { served, direct, n, rankStatements } = await both(addDays(today, -back), addDays(today, -to), tz, by, groups, filters);
    const what = `${tz} ${by} ${groups.join(',')} ${JSON.stringify(filters)}`;
    assert.deepEqual(served, direct, what);
    assert.deepEqual(served.groups.map((g) => g.n), n, `${what}: the states hold the values the groups' counts count`);
    assert.ok(n.every((x) => x > 10), `${what}: enough durations in each group`);
    assert.ok(served.pairs.some((p) => p.tie_term > 0), `${what}: ties`);
    assert.equal(rankStatements, 0, `${what}: no rank statement`);
  }
});

test('a window of kept days reads no cohort again', async () => {
  await both(addDays(today, -30), addDays(today, -1), 'UTC', 'version', ['1', '2']);
  const generation = rt.deps.queries.generation({ account, workflows: [W] });
  const again = await both(addDays(today, -28), addDays(today, -3), 'Europe/Berlin', 'version', ['1', '2']);
  assert.deepEqual(again.served, again.direct);
  // (once, under a loaded machine, some days were read again: a change of the workflow's data generation between the
  // two windows — nothing is written here after the set-up — would explain it, and then reading is right)
  const now = rt.deps.queries.generation({ account, workflows: [W] });
  if (now === generation) assert.equal(again.cohortDays, 0, 'nothing read within one data generation');
});

test('a scope that already filters what tells the groups apart is counted by the rank statement, as before', async () => {
  const { served, direct, rankStatements } = await both(addDays(today, -30), addDays(today, -1), 'UTC', 'version', ['1', '2'], { version: 2 });
  assert.deepEqual(served, direct);
  assert.equal(served.groups[0]!.n, 0, 'version 1 under the filter version = 2: none');
  assert.equal(rankStatements, 1);
});
