/**
 * Where ingestion spends its time: the real code's stages one after the other, in process, on a fresh data
 * directory (NDJSON bodies of the demo generator's events across ten workflows, in batches as the server
 * gathers them): JSON parsing, validation, the deduplication lookup, building the insert's TSV, the engine's insert
 * with its materialized views (which builds the TSV again), and the execution facts of the executions touched.
 */
import { generateEvents } from '../src/demo/generate.js';
import { findDuplicates } from '../src/ingest/dedupe.js';
import { itemsFromNdjson } from '../src/ingest/parse-body.js';
import { validateEvent, type EventRow } from '../src/ingest/validate.js';
import { writeListedFacts } from '../src/store/execution-facts.js';
import { columnsOf, toTsv } from '../src/store/tsv.js';
import { openTestStore } from '../test/helpers/store.js';

export interface IngestStagesResult {
  events: number;
  batch: number;
  /** µs an event, per stage; `insert` includes building the TSV again. */
  microsPerEvent: Record<'parse' | 'validate' | 'dedupe' | 'tsv' | 'insert' | 'facts', number>;
  /** Events per second with the stages one after the other (TSV counted once, inside the insert). */
  eventsPerSecond: number;
}

export async function benchIngestStages(totalEvents: number, batch = 50_000): Promise<IngestStagesResult> {
  const bodies: string[] = [];
  let lines: string[] = [];
  let made = 0;
  for (const chunk of generateEvents({ workflows: 10, enrollments: Math.ceil(totalEvents / 14), days: 30, seed: 7, now: new Date() })) {
    for (const e of chunk) {
      if (e.type === 'activity' || made >= totalEvents) continue;
      lines.push(JSON.stringify(e));
      made++;
      if (lines.length === batch) {
        bodies.push(lines.join('\n'));
        lines = [];
      }
    }
    if (made >= totalEvents) break;
  }
  if (lines.length) bodies.push(lines.join('\n'));

  const { store } = await openTestStore();
  const ms = { parse: 0, validate: 0, dedupe: 0, tsv: 0, insert: 0, facts: 0 };
  const timed = async <T>(stage: keyof typeof ms, f: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await f();
    ms[stage] += performance.now() - t;
    return r;
  };
  try {
    for (const [i, body] of bodies.entries()) {
      const items = await timed('parse', () => itemsFromNdjson(body));
      const rows = await timed('validate', () => {
        const received = new Date();
        const out: EventRow[] = [];
        for (const item of items) {
          const v = item.ok ? validateEvent(item.value, 'default', received) : null;
          if (v?.ok) out.push(v.row);
        }
        return out;
      });
      const duplicate = await timed('dedupe', () => findDuplicates(store, rows));
      const fresh = rows.filter((_, i) => !duplicate[i]);
      await timed('tsv', () => toTsv(fresh, columnsOf(fresh)));
      await timed('insert', () => store.insert('events', fresh));
      const byWorkflow = new Map<string, Set<string>>();
      for (const r of fresh) {
        const ids = byWorkflow.get(String(r.workflow_id)) ?? new Set<string>();
        byWorkflow.set(String(r.workflow_id), ids.add(String(r.execution_id)));
      }
      await timed('facts', () => writeListedFacts(store, [...byWorkflow].map(([workflow, ids]) => ({ account: 'default', workflow, ids: [...ids], fallback: true }))));
      process.stderr.write(`  stages: batch ${i + 1} of ${bodies.length}\n`);
    }
  } finally {
    await store.close();
  }
  const micros = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round((v * 1000 * 100) / made) / 100])) as IngestStagesResult['microsPerEvent'];
  const total = ms.parse + ms.validate + ms.dedupe + ms.insert + ms.facts;
  return { events: made, batch, microsPerEvent: micros, eventsPerSecond: Math.round(made / (total / 1000)) };
}
