/**
 * Builds a bigger data set from a seeded one without generating events again: every workflow event of the
 * directory is copied `factor - 1` more times inside ClickHouse, each copy with its own execution and
 * event ids (`<id>~<copy>`, same times, so every period holds `factor` times the executions). Derived tables
 * follow through the materialized views; the cohort facts are then written for the whole workflow. A
 * compare data directory's bench-compare.json is updated to say what it now holds.
 *   tsx bench/scale.ts DIR FACTOR      (DIR is modified; copy it first to keep the original)
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFacts } from '../src/store/execution-facts.js';
import { openStore } from '../src/store/factory.js';
import { migrate } from '../src/store/migrate.js';

/** The id a copy gives an execution or event (the PostgreSQL reference's scaled load uses the same). */
export const COPY_SEPARATOR = '~';

export async function scaleDataDir(dir: string, factor: number, log: (s: string) => void): Promise<{ events: number; seconds: number }> {
  if (!Number.isInteger(factor) || factor < 2) throw new Error('the factor must be an integer ≥ 2');
  const started = performance.now();
  const store = openStore({ dataDir: dir, clickhouseUrl: undefined });
  try {
    await migrate(store);
    const [scaled] = await store.query<{ n: number }>('SELECT count() AS n FROM events WHERE position(execution_id, {sep:String}) > 0', { sep: COPY_SEPARATOR });
    if (Number(scaled!.n) > 0) throw new Error(`${dir} holds copies already; scale the seeded directory once, by the whole factor`);
    const workflows = await store.query<{ account_id: string; workflow_id: string; n: number }>(
      "SELECT account_id, workflow_id, count() AS n FROM events WHERE execution_id != '' GROUP BY account_id, workflow_id",
    );
    for (const w of workflows) {
      for (let copy = 1; copy < factor; copy++) {
        const t = performance.now();
        await store.command(
          `INSERT INTO events SELECT * REPLACE (concat(execution_id, {sep:String}, {copy:String}) AS execution_id,
                  if(event_id = '', '', concat(event_id, {sep:String}, {copy:String})) AS event_id)
           FROM (SELECT * FROM events WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND position(execution_id, {sep:String}) = 0)`,
          { account: w.account_id, workflow: w.workflow_id, copy: String(copy), sep: COPY_SEPARATOR },
        );
        log(`${w.workflow_id}: copy ${copy}/${factor - 1} (${Number(w.n).toLocaleString('en-US')} events) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
      const t = performance.now();
      await writeFacts(store, w.account_id, w.workflow_id, { all: true }, (f) => log(`${w.workflow_id}: facts ${Math.round(f * 100)}%`));
      log(`${w.workflow_id}: facts written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    await store.command('OPTIMIZE TABLE execution_facts FINAL');
    const [row] = await store.query<{ n: number }>('SELECT count() AS n FROM events');
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const events = Number(row!.n);
    const metaFile = path.join(dir, 'bench-compare.json');
    if (fs.existsSync(metaFile)) {
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
      meta.scaled = { fromEnrollments: meta.enrollments, factor, seconds, events };
      meta.enrollments *= factor;
      fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2));
    }
    return { events, seconds };
  } finally {
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, factorArg] = process.argv.slice(2);
  if (!dir) throw new Error('usage: tsx bench/scale.ts DIR FACTOR');
  const r = await scaleDataDir(dir, Number(factorArg ?? 10), (s) => process.stderr.write(`${s}\n`));
  process.stderr.write(`${r.events.toLocaleString('en-US')} events after scaling, in ${r.seconds} s\n`);
}
