/**
 * Streams a CSV event log as cases. The delimiter (, ; tab) is detected from the header. Columns are
 * found by name: case (case_id, case, case:concept:name), activity (activity, concept:name), timestamp
 * (timestamp, time:timestamp, time), optional lifecycle and resource. Rows of a case are expected together.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { parse } from 'csv-parse';
import type { LogCase } from './process-log.js';

const find = (header: string[], names: string[]) => header.findIndex((h) => names.includes(h.trim().toLowerCase()));

async function detectDelimiter(file: string): Promise<string> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fd.read(buf, 0, 4096, 0);
    const firstLine = (file.endsWith('.gz') ? '' : buf.subarray(0, bytesRead).toString('utf8')).split('\n')[0] ?? '';
    const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const);
    return counts.sort((a, b) => b[1] - a[1])[0]![0];
  } finally {
    await fd.close();
  }
}

export async function* readCsvLog(file: string, onBytes: (n: number) => void = () => {}): AsyncGenerator<LogCase> {
  const delimiter = await detectDelimiter(file);
  const raw = fs.createReadStream(file);
  raw.on('data', (b) => onBytes((b as Buffer).length));
  const source = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  const rows = source.pipe(parse({ delimiter, relax_column_count: true, bom: true }));
  let header: string[] | null = null;
  let cols = { caseId: -1, activity: -1, time: -1, lifecycle: -1, resource: -1 };
  let current: LogCase | null = null;
  for await (const row of rows as AsyncIterable<string[]>) {
    if (!header) {
      header = row;
      cols = {
        caseId: find(row, ['case_id', 'case', 'caseid', 'case:concept:name', 'case id']),
        activity: find(row, ['activity', 'concept:name', 'activity_name', 'event']),
        time: find(row, ['timestamp', 'time:timestamp', 'time', 'complete timestamp']),
        lifecycle: find(row, ['lifecycle', 'lifecycle:transition', 'transition']),
        resource: find(row, ['resource', 'org:resource']),
      };
      if (cols.caseId < 0 || cols.activity < 0 || cols.time < 0) {
        throw new Error(`${file}: the header needs case, activity and timestamp columns; found ${row.join(', ')}`);
      }
      continue;
    }
    const caseId = row[cols.caseId] ?? '';
    const time = Date.parse(row[cols.time] ?? '');
    const activity = row[cols.activity] ?? '';
    if (!caseId || !activity || !Number.isFinite(time)) continue;
    if (current && current.caseId !== caseId) {
      yield current;
      current = null;
    }
    current ??= { caseId, events: [] };
    const attributes: Record<string, string> = {};
    header.forEach((h, i) => {
      if (![cols.caseId, cols.activity, cols.time, cols.lifecycle, cols.resource].includes(i) && row[i] !== undefined) attributes[h] = row[i]!;
    });
    const lifecycle = cols.lifecycle >= 0 ? row[cols.lifecycle] : undefined;
    const resource = cols.resource >= 0 ? row[cols.resource] : undefined;
    current.events.push({ activity, time, ...(lifecycle ? { lifecycle } : {}), ...(resource ? { resource } : {}), attributes });
  }
  if (current) yield current;
}
