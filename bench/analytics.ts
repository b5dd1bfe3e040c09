/**
 * Dashboard panels over HTTP on a seeded data directory: p50/p95 of each analytics endpoint, then
 * 50 concurrent dashboard users (each loading summary, funnel and actions of a different period)
 * while events are being ingested.
 */
import { generateEvents } from '../src/demo/generate.js';
import { startServerProcess } from '../test/helpers/server-process.js';
import { prepareDerived, KEEP_ALL, settle } from './seed.js';

const KEY = 'fl_bench_operator_key';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
}

function isoDay(offsetDays: number): string {
  return new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export interface PanelResult {
  panel: string;
  requests: number;
  /** Each request a period not asked before: computed by ClickHouse. */
  coldP50Ms: number;
  coldP95Ms: number;
  /** The same request again, with no ingest in between: the result cache answers. */
  warmP50Ms: number;
  warmP95Ms: number;
}

export async function benchAnalytics(dataDir: string, repeats = 20) {
  // 1. Open in process once: migrations and the rebuild of derived tables happen here, timed.
  const prepareSeconds = await prepareDerived(dataDir, KEY);

  const server = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_RATE_LIMIT_PER_MINUTE: '0', ...KEEP_ALL });
  const get = async (path: string) => {
    const t = performance.now();
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    const body = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${body}`);
    return { ms: performance.now() - t, body };
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  try {
    const list = JSON.parse((await get('/api/v1/workflows')).body);
    const wf = list.workflows[0].workflow_id as string;
    // the server's start-up catch-up and the compaction after it run in the background: let them finish
    await get(`/api/v1/workflows/${wf}/analytics?start_date=${isoDay(99)}&end_date=${isoDay(98)}`);
    await settle();
    // and the event-id index the server loads at start, and the day states it prepares (in the background lane;
    // their times are in the README)
    const starting = (h: { event_id_index?: string; day_states?: string }) => h.event_id_index === 'loading' || h.day_states === 'preparing';
    const t0 = performance.now();
    for (let i = 0; i < 600 && starting(JSON.parse((await get('/healthz')).body)); i++) await settle(500);
    console.log(`analytics: the server's start-up work (event-id index, day states) done after ${((performance.now() - t0) / 1000).toFixed(1)} s more`);
    const base = `/api/v1/workflows/${wf}/analytics`;
    // every i < 100 gives a different period of about `days` days, all within the seeded 90 days
    const period = (i: number, days: number) => `start_date=${isoDay(days - 1 + (i % 10) + Math.floor(i / 10))}&end_date=${isoDay(i % 10)}`;
    const panels: [string, (i: number) => string][] = [
      ['summary+trends 30 d', (i) => `${base}?${period(i, 30)}`],
      ['summary+trends 30 d, compare', (i) => `${base}?${period(i, 30)}&compare=previous_period`],
      ['summary+trends 7 d hourly, New York', (i) => `${base}?${period(i, 7)}&granularity=hourly&timezone=America/New_York`],
      ['summary 80 d', (i) => `${base}?${period(i, 78)}`],
      ['funnel 30 d', (i) => `${base}/funnel?${period(i, 30)}`],
      ['funnel 80 d', (i) => `${base}/funnel?${period(i, 78)}`],
      ['funnel 30 d, variant B', (i) => `${base}/funnel?${period(i, 30)}&variant=B`],
      ['actions 30 d (rollup)', (i) => `${base}/actions?${period(i, 30)}`],
      ['actions 30 d, Kolkata (raw)', (i) => `${base}/actions?${period(i, 30)}&timezone=Asia/Kolkata`],
    ];
    panels.push(['versions compared 30 d (6 metrics, tests)', (i) => `${base}/versions?${period(i, 30)}&versions=1,2`]);
    panels.push(['drill-down 30 d, a page of 100 executions', (i) => `/api/v1/workflows/${wf}/executions?${period(i, 30)}&limit=100`]);
    panels.push(['drill-down 30 d, exited at a step, 100', (i) => `/api/v1/workflows/${wf}/executions?${period(i, 30)}&status=exited&limit=100`]);
    // experiments on the demo's A/B split: each starts at a different instant, so each answer is computed
    const experimentIds: string[] = [];
    for (let i = 0; i < repeats; i++) {
      const created = await post('/api/v1/experiments', {
        workflow_id: wf, name: `bench ${i}`, variants: [{ key: 'A' }, { key: 'B' }], primary_metric: 'conversion_rate',
        secondary_metrics: ['completion_rate'], power: { baseline_rate_percent: 30 },
      });
      await post(`/api/v1/experiments/${created.experiment_id}/start`, { started_at: new Date(Date.now() - (20 + i) * 86_400_000 - i * 3_600_000).toISOString() });
      experimentIds.push(created.experiment_id as string);
    }
    panels.push(['experiment results (A/B, 20–39 d)', (i) => `/api/v1/experiments/${experimentIds[i % experimentIds.length]}/results`]);
    const results: PanelResult[] = [];
    for (const [panel, url] of panels) {
      const cold: number[] = [];
      for (let i = 0; i < repeats; i++) cold.push((await get(url(i))).ms);
      const warm: number[] = [];
      for (let i = 0; i < repeats; i++) warm.push((await get(url(0))).ms);
      const r = { panel, requests: repeats, coldP50Ms: pct(cold, 0.5), coldP95Ms: pct(cold, 0.95), warmP50Ms: pct(warm, 0.5), warmP95Ms: pct(warm, 0.95) };
      results.push(r);
      process.stderr.write(`  ${panel}: cold p50 ${r.coldP50Ms} ms, p95 ${r.coldP95Ms} ms; warm p50 ${r.warmP50Ms} ms, p95 ${r.warmP95Ms} ms\n`);
    }

    // 2. 50 users at once, each loading three panels of its own period, while events are ingested.
    let ingesting = true;
    let ingested = 0;
    const ingest = (async () => {
      for (const chunk of generateEvents({ workflows: 1, enrollments: 1_000_000, days: 1, seed: 99, now: new Date() })) {
        if (!ingesting) break;
        const res = await fetch(`${server.url}/api/v1/events`, {
          method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(chunk),
        });
        if (res.ok) ingested += chunk.length;
      }
    })();
    const users = 50;
    const loads: number[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: users }, async (_, u) => {
      const t = performance.now();
      const p = period(u, 31 + u); // 31 to 80 days: none asked before
      await Promise.all([get(`${base}?${p}`), get(`${base}/funnel?${p}`), get(`${base}/actions?${p}`)]);
      loads.push(performance.now() - t);
    }));
    const seconds = (performance.now() - started) / 1000;
    ingesting = false;
    await ingest;
    const concurrent = { users, panels: users * 3, seconds: Math.round(seconds * 10) / 10, panelsPerSecond: Math.round((users * 3) / seconds), dashboardP50Ms: pct(loads, 0.5), dashboardP95Ms: pct(loads, 0.95), eventsIngestedMeanwhile: ingested };
    return { prepareSeconds, panels: results, concurrent };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}
