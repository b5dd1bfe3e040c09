/**
 * Saved dashboards over HTTP on a seeded data directory (issue 28: "a dashboard of 8 widgets loads in ≤ 1 s over HTTP
 * at 1M"). A real `flowlens serve` process; on the workflow with the most enrollments, N dashboards of 8 widgets —
 * the executive template (4 cards against the previous period, the trends with their comparison, a pie of outcomes, a
 * table of workflows) and the funnel —, each over a 30-day period not asked before, so ClickHouse computes every
 * widget. A load is what the page asks: the dashboard, then every widget's data in one request. Cold: the first load
 * of each; warm: the same again (the result cache).
 *
 *   npx tsx bench/dashboards.ts --data DIR [--repeats 10]
 */
import { parseArgs } from 'node:util';
import { startServerProcess } from '../test/helpers/server-process.js';
import { KEEP_ALL, prepareDerived, settle } from './seed.js';

const KEY = 'fl_bench_operator_key';
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
};
const isoDay = (offsetDays: number) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);

export async function benchDashboards(dataDir: string, repeats = 10) {
  const prepareSeconds = await prepareDerived(dataDir, KEY);
  const server = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_RATE_LIMIT_PER_MINUTE: '0', ...KEEP_ALL });
  const call = async (method: string, path: string, body?: unknown) => {
    const t = performance.now();
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { ms: performance.now() - t, json: JSON.parse(text) };
  };
  try {
    const workflows = (await call('GET', '/api/v1/workflows')).json.workflows as Array<{ workflow_id: string; events: number }>;
    const wf = [...workflows].sort((a, b) => b.events - a.events)[0]!.workflow_id;
    // the start-up catch-up and the compaction after it run in the background: let them finish
    await call('GET', `/api/v1/workflows/${wf}/analytics?start_date=${isoDay(99)}&end_date=${isoDay(98)}`);
    await settle();
    const template = (await call('GET', '/api/v1/analytics/dashboards/templates')).json.templates.find((t: { template: string }) => t.template === 'executive');
    const cold: number[] = [];
    const warm: number[] = [];
    const data: number[] = [];
    let enrolled = 0;
    for (let i = 0; i < repeats; i++) {
      // a 30-day period ending i + 1 days ago, hours apart from the others' in its timezone: not asked before
      const period = { range: null, start_date: isoDay(30 + i), end_date: isoDay(1 + i), timezone: i % 2 ? 'Europe/Paris' : 'UTC' };
      const widgets = [...template.widgets, { type: 'funnel', x: 0, y: 10, w: 12, h: 4 }].map((w: Record<string, unknown>) => ({ ...w, ...period }));
      const d = (await call('POST', '/api/v1/analytics/dashboards', { name: `bench ${i}`, workflow_ids: [wf], widgets })).json;
      const load = async () => {
        const t = performance.now();
        await call('GET', `/api/v1/analytics/dashboards/${d.dashboard_id}`);
        const r = await call('GET', `/api/v1/analytics/dashboards/${d.dashboard_id}/data`);
        const errors = r.json.widgets.filter((w: { error: string | null }) => w.error !== null);
        if (errors.length > 0 || r.json.widgets.length !== 8) throw new Error(`widgets without data: ${JSON.stringify(errors)}`);
        enrolled = r.json.widgets[0].card.value;
        return { total: performance.now() - t, data: r.ms };
      };
      const first = await load();
      cold.push(first.total);
      data.push(first.data);
      warm.push((await load()).total);
    }
    return {
      workflow: wf,
      enrolled_in_last_period: enrolled,
      widgets: 8,
      dashboards: repeats,
      prepare_seconds: prepareSeconds,
      cold_p50_ms: pct(cold, 0.5),
      cold_p95_ms: pct(cold, 0.95),
      cold_max_ms: Math.round(Math.max(...cold)),
      cold_data_request_p50_ms: pct(data, 0.5),
      warm_p50_ms: pct(warm, 0.5),
      warm_p95_ms: pct(warm, 0.95),
    };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { data: { type: 'string' }, repeats: { type: 'string' } } });
  if (!values.data) throw new Error('--data DIR: a seeded data directory (npm run bench -- seed --enrollments 1000000 keeps one)');
  console.log(JSON.stringify(await benchDashboards(values.data, Number(values.repeats ?? 10)), null, 2));
}
