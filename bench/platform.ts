/**
 * Platform analytics over HTTP: p50/p95 of every /api/v1/analytics/ platform endpoint on N events
 * across 50 workflows (seeded straight into a fresh data directory, 90 days up to now), each request
 * a period not asked before (cold: computed by ClickHouse), then the same request again (warm: the
 * result cache, for the endpoints that cache).
 *   npm run bench -- platform [--events 1000000] [--data DIR] [--repeats 20]
 */
import { seed } from '../src/cli/seed.js';
import { KEEP_ALL, settle } from './seed.js';
import { storeSink } from '../src/ingest/sinks.js';
import { keptDir, openTestStore } from '../test/helpers/store.js';
import { startServerProcess } from '../test/helpers/server-process.js';

const KEY = 'fl_bench_operator_key';
/** The demo generator emits about this many events per enrollment (measured: 50 workflows, 90 days). */
const EVENTS_PER_ENROLLMENT = 15;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
}

const isoDay = (offsetDays: number) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);

export async function seedPlatform(events: number) {
  const dataDir = keptDir('flowlens-bench-platform-');
  const { store } = await openTestStore(dataDir);
  const sink = storeSink(store, 'default');
  const s = await seed(sink, { workflows: 50, enrollments: Math.ceil(events / EVENTS_PER_ENROLLMENT), days: 90, seed: 8, now: new Date() });
  await sink.close();
  await store.close();
  return { dataDir, events: s.events, enrollments: s.enrollments, seconds: Math.round(s.seconds) };
}

export async function benchPlatform(dataDir: string, repeats = 20) {
  const server = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_RATE_LIMIT_PER_MINUTE: '0', FLOWLENS_BUDGET_TICK_MS: '0', ...KEEP_ALL });
  const call = async (path: string, init: RequestInit = {}) => {
    const t = performance.now();
    const res = await fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers } });
    const body = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
    return { ms: performance.now() - t, body };
  };
  try {
    const list = JSON.parse((await call('/api/v1/workflows')).body).workflows as Array<{ workflow_id: string; events: number }>;
    const events = list.reduce((s, w) => s + w.events, 0);
    const workflows = list.map((w) => w.workflow_id);
    await call('/api/v1/analytics/costs/budgets', { method: 'PUT', body: JSON.stringify({ budgets: [{ scope: 'account', monthly_usd: 1_000_000 }, { scope: 'workflow', workflow_id: workflows[0], monthly_usd: 10_000 }] }) });
    const wf = workflows[0]!;
    // every i < 100 gives a different period of about `days` days, all within the seeded 90 days
    const period = (i: number, days = 30) => `start_date=${isoDay(days - 1 + (i % 10) + Math.floor(i / 10))}&end_date=${isoDay(i % 10)}`;
    const five = workflows.slice(0, 5).join(',');
    const endpoints: [string, (i: number) => string][] = [
      ['executions 30 d, groupBy=workflow', (i) => `/api/v1/analytics/executions?${period(i)}&groupBy=workflow`],
      ['executions 7 d hourly, New York, groupBy=status', (i) => `/api/v1/analytics/executions?${period(i, 7)}&granularity=hourly&timezone=America/New_York&groupBy=status`],
      ['executions/summary 30 d', (i) => `/api/v1/analytics/executions/summary?${period(i)}`],
      ['executions/errors 30 d', (i) => `/api/v1/analytics/executions/errors?${period(i)}`],
      ['workflows/{id}/performance 30 d', (i) => `/api/v1/analytics/workflows/${wf}/performance?${period(i)}`],
      ['workflows/{id}/steps 30 d', (i) => `/api/v1/analytics/workflows/${wf}/steps?${period(i)}`],
      ['workflows/comparison 5 workflows 30 d', (i) => `/api/v1/analytics/workflows/comparison?${period(i)}&workflow_ids=${five}`],
      ['workflows/comparison versions 30 d', (i) => `/api/v1/analytics/workflows/comparison?${period(i)}&workflow_id=${wf}&versions=1,2`],
      ['workflows/rankings 30 d', (i) => `/api/v1/analytics/workflows/rankings?${period(i)}`],
      ['roi 30 d', (i) => `/api/v1/analytics/roi?${period(i)}`],
      ['activity 30 d', (i) => `/api/v1/analytics/activity?${period(i)}`],
      ['activity/users/{id}', (i) => `/api/v1/analytics/activity/users/user-${(i % 6) + 1}?limit=100`],
      ['activity/engagement 30 d', (i) => `/api/v1/analytics/activity/engagement?${period(i)}`],
      ['costs 30 d', (i) => `/api/v1/analytics/costs?${period(i)}`],
      ['costs 30 d, Kolkata (raw)', (i) => `/api/v1/analytics/costs?${period(i)}&timezone=Asia/Kolkata`],
      ['costs/breakdown 30 d by workflow', (i) => `/api/v1/analytics/costs/breakdown?${period(i)}`],
      ['costs/breakdown 30 d by user', (i) => `/api/v1/analytics/costs/breakdown?${period(i)}&by=user`],
      ['costs/forecast', (i) => `/api/v1/analytics/costs/forecast?history_days=${60 + i}`],
      ['costs/budgets (GET, 2 budgets)', () => '/api/v1/analytics/costs/budgets'],
    ];
    // the first request waits for the start-up catch-up of the derived tables: not part of any endpoint's time
    await call(`/api/v1/analytics/executions/summary?${period(99)}`);
    // …after which the server compacts what the catch-up wrote and merges parts in the background: let that
    // finish, or it lands on the first endpoint measured (seen: p95 ≈ 470 ms there, ≈ 100 ms after a pause)
    await settle();
    const results = [];
    for (const [endpoint, url] of endpoints) {
      const cold: number[] = [];
      for (let i = 0; i < repeats; i++) cold.push((await call(url(i))).ms);
      const warm: number[] = [];
      for (let i = 0; i < repeats; i++) warm.push((await call(url(0))).ms);
      const r = { endpoint, requests: repeats, coldP50Ms: pct(cold, 0.5), coldP95Ms: pct(cold, 0.95), warmP50Ms: pct(warm, 0.5), warmP95Ms: pct(warm, 0.95) };
      results.push(r);
      process.stderr.write(`  ${endpoint}: cold p50 ${r.coldP50Ms} ms, p95 ${r.coldP95Ms} ms; warm p50 ${r.warmP50Ms} ms, p95 ${r.warmP95Ms} ms\n`);
    }
    return { events, workflows: workflows.length, endpoints: results };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}
