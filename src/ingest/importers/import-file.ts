/**
 * Imports one file (NDJSON, CSV or XES, optionally gzipped) into a sink, streaming, in batches.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IngestResponse } from '../ingest.js';
import type { EventSink } from '../sinks.js';
import { readCsvLog } from './csv.js';
import { readNdjson } from './ndjson.js';
import { caseToEvents, type LogCase } from './process-log.js';
import { readXes } from './xes.js';

export type ImportFormat = 'ndjson' | 'csv' | 'xes';

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  events: number;
  cases: number;
}

export interface ImportSummary extends ImportProgress {
  accepted: number;
  duplicates: number;
  rejected: number;
  firstErrors: IngestResponse['rejected'];
}

export function detectFormat(file: string): ImportFormat {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.xes')) return 'xes';
  if (name.endsWith('.csv') || name.endsWith('.tsv')) return 'csv';
  return 'ndjson';
}

/** The workflow id for a process log: given, or the file's name without extensions. */
export function defaultWorkflowId(file: string): string {
  return path.basename(file).replace(/\.gz$/i, '').replace(/\.(xes|csv|tsv|ndjson|jsonl)$/i, '');
}

export async function importFile(
  file: string,
  sink: EventSink,
  options: { format?: ImportFormat; workflowId?: string; batchSize?: number; onProgress?: (p: ImportProgress) => void } = {},
): Promise<ImportSummary> {
  const format = options.format ?? detectFormat(file);
  const workflowId = options.workflowId ?? defaultWorkflowId(file);
  const batchSize = options.batchSize ?? 50_000;
  const summary: ImportSummary = {
    bytesRead: 0, totalBytes: fs.statSync(file).size, events: 0, cases: 0, accepted: 0, duplicates: 0, rejected: 0, firstErrors: [],
  };
  const onBytes = (n: number) => {
    summary.bytesRead += n;
  };
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const res = await sink.send(batch);
    summary.accepted += res.accepted;
    summary.duplicates += res.duplicates;
    summary.rejected += res.rejected.length;
    for (const r of res.rejected) if (summary.firstErrors.length < 10) summary.firstErrors.push({ ...r, index: r.index + summary.events - batch.length });
    batch = [];
    options.onProgress?.(summary);
  };

  if (format === 'ndjson') {
    for await (const e of readNdjson(file, onBytes)) {
      batch.push(e);
      summary.events++;
      if (batch.length >= batchSize) await flush();
    }
  } else {
    const cases: AsyncGenerator<LogCase> = format === 'xes' ? readXes(file, onBytes) : readCsvLog(file, onBytes);
    for await (const c of cases) {
      const events = caseToEvents(c, workflowId);
      if (events.length === 0) continue;
      summary.cases++;
      summary.events += events.length;
      batch.push(...events);
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  return summary;
}
