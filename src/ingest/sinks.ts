/**
 * Where the CLI's seed and import send events: straight into a data directory that no server holds
 * (through the same validation, dedupe and batching as the API), or to a running server over HTTP.
 */
import type { WorkflowRegistration } from '../catalog/catalog.js';
import { registerWorkflow } from '../catalog/catalog.js';
import { IngestBuffer } from './buffer.js';
import { DerivedTables } from '../derived/derived-tables.js';
import { ingestItems, MAX_EVENTS_PER_REQUEST, type IngestResponse } from './ingest.js';
import { itemsFromJson } from './parse-body.js';
import type { Store } from '../store/store.js';
import type { RepairJournal } from './repair-journal.js';

export interface EventSink {
  send(events: readonly unknown[]): Promise<IngestResponse>;
  register(workflowId: string, registration: WorkflowRegistration): Promise<void>;
  close(): Promise<void>;
}

function merge(a: IngestResponse, b: IngestResponse, offset: number): IngestResponse {
  return {
    accepted: a.accepted + b.accepted,
    duplicates: a.duplicates + b.duplicates,
    aggregated_only: a.aggregated_only + b.aggregated_only,
    rejected: [...a.rejected, ...b.rejected.map((r) => ({ ...r, index: r.index + offset }))],
  };
}

async function inChunks(events: readonly unknown[], size: number, send: (chunk: unknown[]) => Promise<IngestResponse>) {
  let total: IngestResponse = { accepted: 0, duplicates: 0, aggregated_only: 0, rejected: [] };
  for (let i = 0; i < events.length; i += size) total = merge(total, await send(events.slice(i, i + size) as unknown[]), i);
  return total;
}

/**
 * `journal`: the data directory's (RepairJournal.of), so that a seed or import killed midway leaves
 * what the next start needs to repair or finish.
 */
export function storeSink(store: Store, accountId: string, options: { retain?: boolean; journal?: RepairJournal } = {}): EventSink {
  const log = (msg: string, err?: unknown) => process.stderr.write(`${msg}${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}\n`);
  const derived = new DerivedTables(store, log, options.journal);
  const buffer = new IngestBuffer(store, {
    maxBatch: MAX_EVENTS_PER_REQUEST,
    flushIntervalMs: 0,
    onStored: (rows, entry, more) => derived.touched(rows, entry, more),
    ...(options.journal ? { journal: options.journal } : {}),
  });
  return {
    send: (events) => inChunks(events, MAX_EVENTS_PER_REQUEST, (chunk) => ingestItems(buffer, accountId, itemsFromJson(chunk), { retain: options.retain ?? false })),
    async register(workflowId, registration) {
      await registerWorkflow(store, accountId, workflowId, registration);
    },
    async close() {
      await buffer.drain();
      await derived.idle();
    },
  };
}

export function httpSink(baseUrl: string, key: string): EventSink {
  const url = baseUrl.replace(/\/$/, '');
  const headers = { authorization: `Bearer ${key}` };
  async function check(res: Response) {
    if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${await res.text()}`);
  }
  return {
    send: (events) =>
      inChunks(events, 5000, async (chunk) => {
        const res = await fetch(`${url}/api/v1/events`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-ndjson' },
          body: chunk.map((e) => JSON.stringify(e)).join('\n'),
        });
        await check(res);
        return (await res.json()) as IngestResponse;
      }),
    async register(workflowId, registration) {
      const res = await fetch(`${url}/api/v1/workflows/${encodeURIComponent(workflowId)}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(registration),
      });
      await check(res);
    },
    close: async () => {},
  };
}
