/** flowlens serve: the API on the embedded store (or a ClickHouse server); --demo loads demo data on an empty store. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Flags } from '../config/config.js';
import { RepairJournal } from '../ingest/repair-journal.js';
import { storeSink } from '../ingest/sinks.js';
import { startRuntime } from '../runtime.js';
import { seed } from './seed.js';
import { storeDemoTarget } from './target.js';

/** In demo mode without FLOWLENS_ADMIN_KEY: a local operator key kept in the data directory. */
function demoOperatorKey(dataDir: string): string {
  const file = path.join(dataDir, 'demo-operator-key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const key = `fl_demo_${crypto.randomBytes(18).toString('base64url')}`;
  fs.writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

export async function serve(flags: Flags): Promise<void> {
  const config = loadConfig(flags);
  if (config.demo && !config.adminKey) config.adminKey = demoOperatorKey(config.dataDir);
  const rt = await startRuntime(config);
  const { store } = rt.deps;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      process.stderr.write('forced exit\n');
      process.exit(1);
    }
    stopping = true;
    rt.app.log.info({ signal }, 'shutting down: draining queued events');
    await rt.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  if (config.demo) {
    const rows = await store.query<{ c: number }>("SELECT count() AS c FROM events WHERE account_id = 'default'");
    if ((rows[0]?.c ?? 0) === 0) {
      process.stderr.write('Empty store: loading the demo data set (6 workflows, 30,000 enrollments over 90 days)…\n');
      const sink = storeSink(store, 'default', { journal: RepairJournal.of(config.dataDir) });
      const s = await seed(sink, { workflows: 6, enrollments: 30_000, days: 90, seed: 42, now: new Date() }, true, storeDemoTarget(store, 'default'));
      await sink.close();
      process.stderr.write(`Demo data loaded: ${s.events.toLocaleString('en-US')} events in ${s.seconds.toFixed(1)} s\n`);
    }
  }

  const address = await rt.app.listen({ port: config.port, host: config.host });
  const base = address.replace('[::1]', 'localhost');
  // the start-up work behind the first requests (the block cache prewarm) logs at debug, so nothing follows the banner
  // the logger writes asynchronously: what it holds goes out before the banner
  const log = rt.app.log;
  await new Promise<void>((resolve) => ('flush' in log && typeof log.flush === 'function' ? log.flush(() => resolve()) : resolve()));
  // the sign-in link last, so it is the line a reader's eye lands on (request logs are off unless FLOWLENS_LOG_REQUESTS=1)
  const lines = [
    '',
    `Flowlens is running at ${base}  (store: ${store.kind === 'embedded' ? config.dataDir : config.clickhouseUrl})`,
    `  API reference:  ${base}/docs`,
    `  Health:         ${base}/healthz`,
  ];
  if (config.demo && config.adminKey) {
    lines.push(`  Operator key:   ${config.adminKey}   (try: curl -H "Authorization: Bearer ${config.adminKey}" ${base}/api/v1/workflows)`);
  } else if (!config.adminKey) {
    lines.push('  No operator key: set FLOWLENS_ADMIN_KEY to create accounts and keys.');
  }
  lines.push(config.demo && config.adminKey ? `  Dashboard:      ${base}/sign-in#key=${config.adminKey}   (open this link: it signs you in)` : `  Dashboard:      ${base}/  (sign in with an API key)`);
  process.stderr.write(lines.join('\n') + '\n\n');
}
