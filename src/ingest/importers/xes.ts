/** Streams an XES log (plain or .gz) as cases, with bounded memory. */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { SaxesParser } from 'saxes';
import type { LogCase, LogEvent } from './process-log.js';

const ATTRIBUTE_TAGS = new Set(['string', 'date', 'int', 'float', 'boolean', 'id']);

export async function* readXes(file: string, onBytes: (n: number) => void = () => {}): AsyncGenerator<LogCase> {
  const raw = fs.createReadStream(file);
  raw.on('data', (b) => onBytes((b as Buffer).length));
  const source = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  source.setEncoding('utf8');

  const parser = new SaxesParser();
  const done: LogCase[] = [];
  let trace: { caseId: string; events: LogEvent[] } | null = null;
  let event: { attrs: Record<string, string> } | null = null;
  // depth of attribute nesting: only direct children of <trace> or <event> count
  let attrDepth = 0;
  let error: Error | null = null;

  parser.on('error', (e) => {
    error = e;
  });
  parser.on('opentag', (node) => {
    const name = node.name;
    if (name === 'trace') trace = { caseId: '', events: [] };
    else if (name === 'event' && trace) event = { attrs: {} };
    else if (ATTRIBUTE_TAGS.has(name) || name === 'list' || name === 'container') {
      attrDepth++;
      if (attrDepth !== 1 || !trace) return;
      const key = String(node.attributes.key ?? '');
      const value = String(node.attributes.value ?? '');
      if (event) event.attrs[key] = value;
      else if (key === 'concept:name') trace.caseId = value;
    }
  });
  parser.on('closetag', (node) => {
    const name = node.name;
    if (ATTRIBUTE_TAGS.has(name) || name === 'list' || name === 'container') attrDepth--;
    else if (name === 'event' && trace && event) {
      const { attrs } = event;
      const time = Date.parse(attrs['time:timestamp'] ?? '');
      const activity = attrs['concept:name'];
      if (activity && Number.isFinite(time)) {
        const { 'concept:name': _a, 'time:timestamp': _t, 'lifecycle:transition': lifecycle, 'org:resource': resource, ...rest } = attrs;
        trace.events.push({ activity, time, ...(lifecycle ? { lifecycle } : {}), ...(resource ? { resource } : {}), attributes: rest });
      }
      event = null;
    } else if (name === 'trace' && trace) {
      done.push(trace);
      trace = null;
    }
  });

  for await (const chunk of source) {
    parser.write(chunk as string);
    if (error) throw new Error(`${file} is not valid XES: ${(error as Error).message}`);
    while (done.length) yield done.shift()!;
  }
  parser.close();
  while (done.length) yield done.shift()!;
}
