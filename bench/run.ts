/**
 * npm run bench [-- ingest|stages|seed|analytics|realtime|exports|platform|dashboard|compare|alerts|sdk|dashboards|load] [--events N] [--senders N] [--enrollments N] [--data DIR] [--repeats N] [--streams N]
 * npm run bench -- compare --size 100k|1m|10m [--repeats N] [--pg-repeats N] [--keep] [--data DIR]   Flowlens vs the PostgreSQL reference vs the floor
 *   (10m: the 1M set seeded, then copied ×10 inside each store by bench/scale.ts)
 *   then freshness and maintenance cost of both, the reference's aggregation worker every 5 s (bench/peer.ts; not in --quick)
 * npm run bench -- analytics --data DIR --size 10m   the panels on a kept (e.g. scaled) data set, kept in results.json as analytics_10m
 * npm run bench -- load --data DIR [--users 1000] [--seconds 60]   many dashboard users at once: panel p95, error rate, server memory
 * npm run bench -- history [--enrollments N] [--data DIR] [--repeats N]   two-year trends and a 12×12 cohort matrix at N (default 10M) enrollments generated in the engine
 * npm run bench -- --quick   the CI check: compare at 10k enrollments, fails when a ratio is 5× worse than bench/baseline.json
 * Prints a table and writes bench/results/latest.json (and bench/results.json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchAlerts } from './alerts.js';
import { benchAnalytics } from './analytics.js';
import { benchCompare, checkBaseline, machine, peerRows } from './compare.js';
import { reachPostgres } from './postgres/load.js';
import { benchDashboard } from './dashboard.js';
import { benchDashboards } from './dashboards.js';
import { benchExports } from './exports.js';
import { benchIngest } from './ingest.js';
import { benchIngestStages } from './ingest-stages.js';
import { benchPlatform, seedPlatform } from './platform.js';
import { benchRealtime } from './realtime.js';
import { benchSdk } from './sdk.js';
import { benchSeed } from './seed.js';
import { benchLoad } from './load.js';
import { benchHistory } from './history.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { events: { type: 'string' }, senders: { type: 'string' }, enrollments: { type: 'string' }, data: { type: 'string' }, repeats: { type: 'string' }, streams: { type: 'string' }, users: { type: 'string' }, seconds: { type: 'string' }, size: { type: 'string' }, 'pg-repeats': { type: 'string' }, quick: { type: 'boolean' }, keep: { type: 'boolean' } },
});
const which = positionals.length ? positionals : values.quick ? ['compare'] : ['ingest', 'seed'];
const results: Record<string, unknown> = { machine: machine(), at: new Date().toISOString() };

let failed = false;
if (which.includes('compare')) {
  const size = values.quick ? '10k' : (values.size ?? '100k').toLowerCase();
  const pgUp = await reachPostgres();
  await pgUp?.end();
  if (!pgUp) {
    const msg = 'compare: SKIPPED — PostgreSQL is not reachable (FLOWLENS_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres)';
    if (process.env.FLOWLENS_REQUIRE_SERVICES === '1') throw new Error(msg.replace('SKIPPED', 'FAILED') + ' and FLOWLENS_REQUIRE_SERVICES=1');
    process.stderr.write(`${msg}\n`);
  } else {
    process.stderr.write(`compare: Flowlens vs the PostgreSQL reference vs the floor at ${size} enrollments…\n`);
    const c = await benchCompare({ size, repeats: Number(values.repeats ?? (values.quick ? 15 : 20)), data: values.data, keep: values.keep, pgRepeats: values['pg-repeats'] ? Number(values['pg-repeats']) : undefined, peer: !values.quick, log: (s) => process.stderr.write(`  ${s}\n`) });
    results.compare = c;
    console.table(c.ingest);
    console.table(c.panels);
    if (c.peer) console.table(peerRows(c.peer));
    if (values.quick) {
      const failures = checkBaseline(c, path.join(import.meta.dirname, 'baseline.json'));
      if (failures.length) {
        process.stderr.write(`bench --quick: gross regression against bench/baseline.json:\n  ${failures.join('\n  ')}\n`);
        failed = true;
      } else process.stderr.write('bench --quick: ratios within 5× of bench/baseline.json\n');
    }
  }
}
if (which.includes('alerts')) {
  process.stderr.write('alerts…\n');
  results.alerts = await benchAlerts(Number(values.enrollments ?? 100_000));
}

if (which.includes('ingest')) {
  const events = Number(values.events ?? 1_000_000);
  process.stderr.write(`ingest: ${events.toLocaleString('en-US')} events over HTTP, NDJSON batches of 5,000…\n`);
  results.ingest = await benchIngest(events, Number(values.senders ?? 4));
  console.table([results.ingest]);
}
if (which.includes('stages')) {
  const events = Number(values.events ?? 500_000);
  process.stderr.write(`stages: where ingestion spends its time, ${events.toLocaleString('en-US')} events in process…\n`);
  const r = await benchIngestStages(events);
  results.ingestStages = r;
  console.table([{ ...r.microsPerEvent, eventsPerSecond: r.eventsPerSecond }]);
}
if (which.includes('seed')) {
  const enrollments = Number(values.enrollments ?? 1_000_000);
  process.stderr.write(`seed: ${enrollments.toLocaleString('en-US')} enrollments into a fresh data directory…\n`);
  results.seed = await benchSeed(enrollments);
  console.table([results.seed]);
}
if (which.includes('analytics')) {
  let dataDir = values.data;
  if (!dataDir) {
    const enrollments = Number(values.enrollments ?? 1_000_000);
    process.stderr.write(`analytics: seeding ${enrollments.toLocaleString('en-US')} enrollments first (or pass --data DIR of an earlier seed)…\n`);
    const seeded = await benchSeed(enrollments, true);
    dataDir = seeded.dataDir!;
  }
  process.stderr.write(`analytics: panels over HTTP on ${dataDir}…\n`);
  const a = await benchAnalytics(dataDir, Number(values.repeats ?? 20));
  // --size names the data set of --data (e.g. 10m): its result is kept beside the default 1M one
  results[values.size ? `analytics_${values.size.toLowerCase()}` : 'analytics'] = a;
  console.log(`derived tables ready in ${a.prepareSeconds} s`);
  console.table(a.panels);
  console.table([a.concurrent]);
}
if (which.includes('realtime')) {
  const streams = Number(values.streams ?? 10_000);
  process.stderr.write(`realtime: ingest-to-delivery latency, then ${streams.toLocaleString('en-US')} concurrent streams…\n`);
  results.realtime = await benchRealtime(streams);
  console.table([results.realtime]);
}
if (which.includes('dashboards')) {
  // a saved dashboard of 8 widgets over HTTP on a seeded data directory (--data DIR, e.g. the 1M seed of `analytics`)
  if (!values.data) throw new Error('dashboards: pass --data DIR of a seeded data directory (the one `npm run bench -- analytics` seeds and keeps)');
  results.dashboards = await benchDashboards(values.data, Number(values.repeats ?? 10));
  console.log(results.dashboards);
}

if (which.includes('load')) {
  // many dashboard users at once on a seeded data directory (--data DIR, e.g. the 1M seed of `analytics`)
  if (!values.data) throw new Error('load: pass --data DIR of a seeded data directory (the one `npm run bench -- analytics` seeds and keeps)');
  const users = Number(values.users ?? 1000);
  process.stderr.write(`load: ${users.toLocaleString('en-US')} dashboard users for ${Number(values.seconds ?? 60)} s…\n`);
  results.load = await benchLoad(values.data, users, Number(values.seconds ?? 60));
  console.log(results.load);
}
if (which.includes('history')) {
  // two years of execution facts generated in the engine (or those of --data DIR of an earlier run), then timed over HTTP
  const h = await benchHistory({ enrollments: Number(values.enrollments ?? 10_000_000), data: values.data, repeats: Number(values.repeats ?? 20), log: (s) => process.stderr.write(`history: ${s}\n`) });
  results.history = h;
  console.log(`${h.enrollments.toLocaleString('en-US')} enrollments, ${(h.dataBytes / 1e9).toFixed(2)} GB on disk, ${h.factsParts} parts${h.generationSeconds !== null ? `, generated in ${h.generationSeconds} s (${h.generationCpuSeconds} s CPU)` : ''}`);
  console.table(h.inProcess);
  console.table(h.http);
}
if (which.includes('sdk')) {
  const events = Number(values.events ?? 100_000);
  process.stderr.write(`sdk: ${events.toLocaleString('en-US')} events through @flowlens/sdk into a local server process…\n`);
  const r = await benchSdk(events);
  results.sdk = r;
  console.table(r.runs);
  console.table(r.gzip);
}
if (which.includes('exports')) {
  process.stderr.write('exports: a 1,000,000-row CSV and PDF reports over HTTP…\n');
  results.exports = await benchExports();
  console.table([results.exports]);
}
if (which.includes('platform')) {
  let dataDir = values.data;
  if (!dataDir) {
    const events = Number(values.events ?? 1_000_000);
    process.stderr.write(`platform: seeding about ${events.toLocaleString('en-US')} events across 50 workflows first (or pass --data DIR of an earlier seed)…\n`);
    const seeded = await seedPlatform(events);
    process.stderr.write(`platform: ${seeded.events.toLocaleString('en-US')} events in ${seeded.seconds} s into ${seeded.dataDir}\n`);
    dataDir = seeded.dataDir;
  }
  process.stderr.write(`platform: endpoints over HTTP on ${dataDir}…\n`);
  const p = await benchPlatform(dataDir, Number(values.repeats ?? 20));
  results.platform = p;
  console.log(`${p.events.toLocaleString('en-US')} events across ${p.workflows} workflows`);
  console.table(p.endpoints);
}
if (which.includes('dashboard')) {
  let dataDir = values.data;
  if (!dataDir) {
    const enrollments = Number(values.enrollments ?? 1_000_000);
    process.stderr.write(`dashboard: seeding ${enrollments.toLocaleString('en-US')} enrollments first (or pass --data DIR of an earlier seed)…\n`);
    dataDir = (await benchSeed(enrollments, true)).dataDir!;
    process.stderr.write(`dashboard: seeded into ${dataDir} (reuse it with --data)\n`);
  }
  process.stderr.write(`dashboard: the workflow page in Chromium on ${dataDir}…\n`);
  const d = await benchDashboard(dataDir, Number(values.repeats ?? 5));
  results.dashboard = d;
  console.table(d.bundle);
  const { bundle: _b, ...times } = d;
  console.table([times]);
}
const out = path.join(import.meta.dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
// bench/results.json keeps the latest result of each section, and of compare one per size
const kept = path.join(import.meta.dirname, 'results.json');
const before = fs.existsSync(kept) ? JSON.parse(fs.readFileSync(kept, 'utf8')) : {};
const merged = { ...before, ...results };
if (results.compare) merged.compare = { ...(before.compare ?? {}), [(results.compare as { size: string }).size]: results.compare };
fs.writeFileSync(kept, JSON.stringify(merged, null, 2) + '\n');
if (failed) process.exit(1);
