/**
 * Exports over HTTP: a 1,000,000-row CSV of one cohort (facts generated inside ClickHouse), and PDF
 * reports (executive, detailed) of that workflow and of a small one with steps.
 */
import { ev, startTestRuntime } from '../test/helpers/runtime.js';

export interface ExportBenchResult {
  csvRows: number;
  csvSeconds: number;
  csvMegabytes: number;
  pdfExecutiveMs: number;
  pdfDetailedMs: number;
  pdfExecutive1MMs: number;
}

export async function benchExports(rows = 1_000_000): Promise<ExportBenchResult> {
  const rt = await startTestRuntime({ logLevel: 'warn' });
  try {
    const { key, accountId } = await rt.newAccount('admin');
    await rt.call('PUT', '/api/v1/workflows/big', key, { name: 'Big', version: 1, steps: [] });
    await rt.deps.store.command(
      `INSERT INTO execution_facts (account_id, workflow_id, enrolled_at, execution_id, version, is_deleted, status, contact_id, enrollment_source, completed_at, last_received_at)
       SELECT {a:String}, 'big', toDateTime64('2026-05-10 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * 80), concat('exec-', toString(number)), 1, 0,
              ['active', 'completed', 'exited'][number % 3 + 1], concat('contact-', toString(number)), 'api',
              if(number % 3 = 1, toDateTime64('2026-05-10 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * 80 + 3600000), NULL), now64(3)
       FROM numbers({n:UInt64})`,
      { a: accountId, n: rows },
    );
    const now = () => '2026-05-10T10:00:00Z';
    await rt.call('PUT', '/api/v1/workflows/small', key, { name: 'Small', version: 1, steps: [1, 2, 3, 4, 5].map((i) => ({ step_id: `s${i}`, name: `Step ${i}`, order: i, type: 'action', action_type: 'send_email' })) });
    const events = [];
    for (let e = 0; e < 2000; e++) {
      events.push(ev.started('small', `x${e}`, now()));
      for (let i = 1; i <= 1 + (e % 5); i++) events.push(ev.step('started', 'small', `x${e}`, `s${i}`, now()), ev.step('completed', 'small', `x${e}`, `s${i}`, now(), { duration_ms: 100 * i }));
    }
    await rt.call('POST', '/api/v1/events', key, events);
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(rt.app.server.address() as { port: number }).port}/api/v1/workflows`;
    const get = async (url: string) => {
      const t = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
      let bytes = 0;
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) bytes += c.length;
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      return { ms: performance.now() - t, bytes };
    };
    const q = 'start_date=2026-05-10&end_date=2026-05-31';
    const csv = await get(`${base}/big/analytics/export?${q}`);
    await get(`${base}/small/analytics/export?${q}&format=pdf`); // warm the chart renderer and fonts
    const exec = await get(`${base}/small/analytics/export?${q}&format=pdf&template=executive`);
    const detailed = await get(`${base}/small/analytics/export?${q}&format=pdf&template=detailed`);
    const big = await get(`${base}/big/analytics/export?${q}&format=pdf&template=executive`);
    return {
      csvRows: rows,
      csvSeconds: Math.round(csv.ms / 100) / 10,
      csvMegabytes: Math.round(csv.bytes / 1e6),
      pdfExecutiveMs: Math.round(exec.ms),
      pdfDetailedMs: Math.round(detailed.ms),
      pdfExecutive1MMs: Math.round(big.ms),
    };
  } finally {
    await rt.close();
  }
}
