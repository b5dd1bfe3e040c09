/**
 * Builds a bigger data set from a seeded one without generating events again: every event of the
 * directory is copied `factor - 1` more times inside ClickHouse, each copy with its own execution and
 * event ids (same times, so every period holds `factor` times the executions). Derived tables follow
 * through the materialized views; the cohort facts are then written for the whole workflow.
 *   tsx bench/scale.ts DIR FACTOR      (DIR is modified; copy it first to keep the original)
 */
import { writeFacts } from '../src/store/execution-facts.js';
import { openStore } from '../src/store/factory.js';
import { migrate } from '../src/store/migrate.js';

const [dir, factorArg] = process.argv.slice(2);
const factor = Number(factorArg ?? 10);
if (!dir || !Number.isInteger(factor) || factor < 2) throw new Error('usage: tsx bench/scale.ts DIR FACTOR');
const store = openStore({ dataDir: dir, clickhouseUrl: undefined });
await migrate(store);
const workflows = await store.query<{ account_id: string; workflow_id: string; n: number }>(
  "SELECT account_id, workflow_id, count() AS n FROM events WHERE execution_id != '' GROUP BY account_id, workflow_id",
);
for (const w of workflows) {
  for (let copy = 1; copy < factor; copy++) {
    const t = performance.now();
    await store.command(
      `INSERT INTO events SELECT * REPLACE (concat(execution_id, '~', {copy:String}) AS execution_id,
              if(event_id = '', '', concat(event_id, '~', {copy:String})) AS event_id)
       FROM (SELECT * FROM events WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND position(execution_id, '~') = 0)`,
      { account: w.account_id, workflow: w.workflow_id, copy: String(copy) },
    );
    process.stderr.write(`${w.workflow_id}: copy ${copy}/${factor - 1} (${w.n.toLocaleString('en-US')} events) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const t = performance.now();
  await writeFacts(store, w.account_id, w.workflow_id, { all: true }, (f) => process.stderr.write(`${w.workflow_id}: facts ${Math.round(f * 100)}%\n`));
  process.stderr.write(`${w.workflow_id}: facts written in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
}
await store.command('OPTIMIZE TABLE execution_facts FINAL');
await store.close();
