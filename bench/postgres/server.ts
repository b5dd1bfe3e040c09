/**
 * The PostgreSQL reference's HTTP side (benchmark only): a minimal Fastify server over a `pg` pool that
 * answers the three panels with the reference's queries (queries.ts), so `bench compare` times both systems
 * the same way, over HTTP on loopback. No auth, no cache: what a team would put in front of the seed's tables.
 *
 *   node --import tsx bench/postgres/server.ts DATABASE_URL   → prints {"url":"http://127.0.0.1:PORT","pid":…}
 *
 * GET /api/v1/workflows/:workflow/analytics[/funnel|/actions]?start_date=YYYY-MM-DD&end_date=YYYY-MM-DD
 * (UTC days, as the benchmark asks) answer { summary, trends }, the funnel and { actions } as queries.ts
 * shapes them.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { pgActions, pgFunnel, pgSummary, type UtcPeriod } from './queries.js';

const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
const querystring = {
  type: 'object',
  required: ['start_date', 'end_date'],
  properties: { start_date: { type: 'string', pattern: DAY }, end_date: { type: 'string', pattern: DAY } },
} as const;

export async function startPgServer(connectionString: string, port = 0) {
  // two connections: the machine has two cores, and the benchmark asks one request at a time
  const pool = new pg.Pool({ connectionString, max: 2 });
  // work_mem as the reference's queries have always run in compare; JIT off: on these queries its compilation
  // (hundreds of ms) costs more than it saves (seen at 100K: summary ≈ 250 → 150 ms, funnel ≈ 10 % faster)
  pool.on('connect', (c) => void c.query("SET work_mem = '256MB'; SET jit = off"));
  const app = Fastify({ logger: false });
  const period = (q: { start_date: string; end_date: string }): UtcPeriod => ({ startDate: q.start_date, endDate: q.end_date });
  type Req = { Params: { workflow: string }; Querystring: { start_date: string; end_date: string } };
  const withClient = async <T>(f: (c: pg.PoolClient) => Promise<T>) => {
    const c = await pool.connect();
    try {
      return await f(c);
    } finally {
      c.release();
    }
  };
  app.get<Req>('/api/v1/workflows/:workflow/analytics', { schema: { querystring } }, (req) => withClient((c) => pgSummary(c, req.params.workflow, period(req.query))));
  app.get<Req>('/api/v1/workflows/:workflow/analytics/funnel', { schema: { querystring } }, (req) => withClient((c) => pgFunnel(c, req.params.workflow, period(req.query))));
  app.get<Req>('/api/v1/workflows/:workflow/analytics/actions', { schema: { querystring } }, async (req) => ({
    actions: await withClient((c) => pgActions(c, req.params.workflow, period(req.query))),
  }));
  const url = await app.listen({ host: '127.0.0.1', port });
  return {
    url,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

if (process.argv[1]?.endsWith('server.ts')) {
  const s = await startPgServer(process.argv[2]!);
  process.stdout.write(`${JSON.stringify({ url: s.url, pid: process.pid })}\n`);
  const stop = () => void s.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
