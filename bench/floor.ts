/**
 * The floor: the same aggregations Flowlens runs for the panels (src/metrics: summary + trends, funnel,
 * actions), called in process on the Store — no HTTP, no routing, auth, cache or settling. Run as a child
 * process (one chdb engine per process and data directory):
 *   tsx bench/floor.ts DIR WORKFLOW JSON   (JSON: { check: "YYYY-MM-DD/YYYY-MM-DD", periods: [...], settleMs?: ms to wait before timing })
 * Prints { figures, ms: { summary: [...], funnel: [...], actions: [...] } } on stdout.
 */
import { actions } from '../src/metrics/actions.js';
import { funnel } from '../src/metrics/funnel.js';
import { parsePeriod } from '../src/metrics/period.js';
import { summaryWithTrends } from '../src/metrics/summary.js';
import { openStore } from '../src/store/factory.js';
import { migrate } from '../src/store/migrate.js';
import { flowlensFigures } from './postgres/queries.js';
import { settle } from './seed.js';

const [dir, workflow, json] = process.argv.slice(2);
const { check, periods, settleMs } = JSON.parse(json!) as { check: string; periods: string[]; settleMs?: number };
const store = openStore({ dataDir: dir!, clickhouseUrl: undefined });
await migrate(store);
const scope = { account: 'default', workflow: workflow! };
const periodOf = (s: string) => {
  const [start_date, end_date] = s.split('/');
  return parsePeriod({ start_date, end_date });
};
const panels = {
  summary: (p: ReturnType<typeof periodOf>) => summaryWithTrends(store, scope, p),
  funnel: (p: ReturnType<typeof periodOf>) => funnel(store, scope, p),
  actions: (p: ReturnType<typeof periodOf>) => actions(store, scope, p),
};
const c = periodOf(check);
const figures = flowlensFigures(await panels.summary(c), await panels.funnel(c), await panels.actions(c));
await settle(settleMs ?? 0);
const ms: Record<string, number[]> = { summary: [], funnel: [], actions: [] };
for (const [name, run] of Object.entries(panels)) {
  for (const s of periods) {
    const t = performance.now();
    await run(periodOf(s));
    ms[name]!.push(performance.now() - t);
  }
}
await store.close();
process.stdout.write(JSON.stringify({ figures, ms }) + '\n');
