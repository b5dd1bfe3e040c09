/**
 * Many dashboard users at once (issue 30: "1,000 concurrent dashboard users simulated on loopback with a bounded
 * load tool"). A real `flowlens serve` process on a seeded data directory; N virtual users, each a loop for the run's
 * duration: open a workflow page (its three panels asked in parallel, as the page does — the summary with trends and
 * the previous period, the funnel, the actions), then think 1–5 s, then again. A user picks its view like people do:
 * most ask one of the page's period buttons (Today, 7, 30, 90 days) in one of three timezones, one view in five is a
 * custom 30-day window ending on another day and hour (the engine computes those; the others mostly share results).
 * The load tool is bounded: one keep-alive agent with at most `sockets` connections (users queue for a socket as a
 * browser's six-per-host limit makes them queue), every request with a timeout; nothing is retried.
 * Reports per panel p50/p95/max, requests per second and the error rate (non-2xx or timeout), and the server's RSS.
 *
 *   npx tsx bench/run.ts load --data DIR [--users 1000] [--seconds 60]
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { startServerProcess } from '../test/helpers/server-process.js';
import { KEEP_ALL, prepareDerived, settle } from './seed.js';
import { Random } from '../src/demo/random.js';

const KEY = 'fl_bench_operator_key';
const PANELS = ['summary', 'funnel', 'actions'] as const;
type Panel = (typeof PANELS)[number];
const RANGES = ['today', 'last_7_days', 'last_30_days', 'last_90_days'] as const;
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata'] as const;

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10;
};
const isoDay = (offsetDays: number) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);

export interface LoadBenchResult {
  users: number;
  sockets: number;
  seconds: number;
  pageLoads: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  errorRatePercent: number;
  /** Answers by HTTP status (0: no answer within the timeout, or the connection failed). */
  statuses: Record<string, number>;
  panels: Record<Panel, { p50Ms: number | null; p95Ms: number | null; maxMs: number | null }>;
  pageP95Ms: number | null;
  serverRssMb: number | null;
}

export async function benchLoad(dataDir: string, users = 1000, seconds = 60, sockets = 256): Promise<LoadBenchResult> {
  await prepareDerived(dataDir, KEY);
  const server = await startServerProcess(dataDir, { FLOWLENS_ADMIN_KEY: KEY, FLOWLENS_RATE_LIMIT_PER_MINUTE: '0', FLOWLENS_LOG_LEVEL: 'warn', ...KEEP_ALL });
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(server.url);
  const get = (path: string, timeoutMs = 30_000) =>
    new Promise<{ status: number; ms: number }>((resolve) => {
      const t = performance.now();
      const req = http.get({ host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${KEY}` }, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ status: 0, ms: performance.now() - t }));
    });
  try {
    const list = await fetch(`${server.url}/api/v1/workflows`, { headers: { authorization: `Bearer ${KEY}` } }).then((r) => r.json() as Promise<{ workflows: Array<{ workflow_id: string; events: number }> }>);
    const workflows = list.workflows.map((w) => w.workflow_id);
    await get(`/api/v1/workflows/${encodeURIComponent(workflows[0]!)}/analytics?range=last_7_days`);
    await settle();
    const ms: Record<Panel, number[]> = { summary: [], funnel: [], actions: [] };
    const pages: number[] = [];
    let requests = 0;
    let errors = 0;
    const statuses: Record<string, number> = {};
    const until = performance.now() + seconds * 1000;
    const rssBefore = await serverRss(server.child.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => void serverRss(server.child.pid).then((r) => { if (r !== null && (rssPeak === null || r > rssPeak)) rssPeak = r; }), 1000);
    await Promise.all(
      Array.from({ length: users }, async (_, u) => {
        const rng = new Random(1000 + u);
        const random = () => rng.next();
        // users arrive over the first 5 s, not all in the same millisecond
        await new Promise((r) => setTimeout(r, random() * 5000));
        while (performance.now() < until) {
          const wf = encodeURIComponent(workflows[Math.floor(random() * workflows.length)]!);
          const tz = ZONES[Math.floor(random() * ZONES.length)]!;
          const custom = random() < 0.2;
          const end = 1 + Math.floor(random() * 20);
          const period = custom
            ? `start_date=${isoDay(end + 29)}&end_date=${isoDay(end)}&timezone=${encodeURIComponent(tz)}`
            : `range=${RANGES[Math.floor(random() * RANGES.length)]}&timezone=${encodeURIComponent(tz)}`;
          const t = performance.now();
          const answers = await Promise.all([
            get(`/api/v1/workflows/${wf}/analytics?${period}&compare=previous_period`),
            get(`/api/v1/workflows/${wf}/analytics/funnel?${period}`),
            get(`/api/v1/workflows/${wf}/analytics/actions?${period}`),
          ]);
          pages.push(performance.now() - t);
          answers.forEach((a, i) => {
            requests++;
            statuses[a.status] = (statuses[a.status] ?? 0) + 1;
            if (a.status < 200 || a.status >= 300) errors++;
            else ms[PANELS[i]!].push(a.ms);
          });
          await new Promise((r) => setTimeout(r, 1000 + random() * 4000));
        }
      }),
    );
    clearInterval(sampler);
    return {
      users,
      sockets,
      seconds,
      pageLoads: pages.length,
      requests,
      requestsPerSecond: Math.round(requests / seconds),
      errors,
      errorRatePercent: requests ? Math.round((errors / requests) * 10000) / 100 : 0,
      statuses,
      panels: Object.fromEntries(PANELS.map((p) => [p, { p50Ms: pct(ms[p], 0.5), p95Ms: pct(ms[p], 0.95), maxMs: ms[p].length ? Math.round(Math.max(...ms[p])) : null }])) as LoadBenchResult['panels'],
      pageP95Ms: pct(pages, 0.95),
      serverRssMb: rssPeak,
    };
  } finally {
    agent.destroy();
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

/** The server process's resident memory in MB (Linux /proc), null elsewhere. */
async function serverRss(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}
