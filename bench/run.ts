/**
 * npm run bench [-- ingest|seed] [--events N] [--senders N] [--enrollments N]
 * Prints a table and writes bench/results/latest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchIngest } from './ingest.js';
import { benchSeed } from './seed.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { events: { type: 'string' }, senders: { type: 'string' }, enrollments: { type: 'string' } },
});
const which = positionals.length ? positionals : ['ingest', 'seed'];
const results: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, at: new Date().toISOString() };

if (which.includes('ingest')) {
  const events = Number(values.events ?? 1_000_000);
  process.stderr.write(`ingest: ${events.toLocaleString('en-US')} events over HTTP, NDJSON batches of 5,000…\n`);
  results.ingest = await benchIngest(events, Number(values.senders ?? 4));
  console.table([results.ingest]);
}
if (which.includes('seed')) {
  const enrollments = Number(values.enrollments ?? 1_000_000);
  process.stderr.write(`seed: ${enrollments.toLocaleString('en-US')} enrollments into a fresh data directory…\n`);
  results.seed = await benchSeed(enrollments);
  console.table([results.seed]);
}
const out = path.join(import.meta.dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
