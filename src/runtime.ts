/**
 * The running system: store (migrated), ingest buffer, keys and the HTTP app, wired once.
 * Used by `flowlens serve` and by tests that need the whole thing.
 */
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AuditLog } from './audit/audit-log.js';
import { KeyStore } from './auth/keys.js';
import { SessionStore } from './auth/sessions.js';
import { BudgetMonitor } from './budgets/monitor.js';
import { ExportHistory } from './exports/exports.js';
import { Experiments } from './experiments/experiments.js';
import { AlertEngine } from './alerts/engine.js';
import { Dashboards } from './dashboards/dashboards.js';
import { Integrations } from './integrations/integrations.js';
import { connectorsFor } from './integrations/registry.js';
import { IntegrationScheduler } from './integrations/schedule.js';
import { integrationsKey } from './integrations/secrets.js';
import { IntegrationStore } from './integrations/store.js';
import { NO_SMTP, smtpMailer } from './reports/mailer.js';
import { ReportStore } from './reports/reports.js';
import { ReportScheduler } from './reports/scheduler.js';
import type { Config } from './config/config.js';
import { buildApp } from './http/app.js';
import type { AppDeps } from './http/deps.js';
import { OpsMetrics } from './http/ops-metrics.js';
import { IngestBuffer } from './ingest/buffer.js';
import type { EventIntake } from './ingest/intake.js';
import { JournaledIntake } from './ingest/journaled-intake.js';
import { WriteAheadLog } from './ingest/write-ahead-log.js';
import { StoredIdIndex } from './ingest/stored-ids.js';
import { RepairJournal } from './ingest/repair-journal.js';
import { prewarmBlockCache, prewarmMarks } from './store/prewarm.js';
import { prepareDayStates } from './metrics/prepare.js';
import { DerivedTables } from './derived/derived-tables.js';
import { MetricsQueryService } from './metrics/query-service.js';
import { JobRunner } from './jobs/jobs.js';
import { AccountSettingsStore } from './privacy/account-settings.js';
import { InProcessBus, type EventBus } from './realtime/bus.js';
import { DEFAULT_HUB_OPTIONS, StreamHub } from './realtime/hub.js';
import { RedisBus } from './realtime/redis-bus.js';
import { loadStreamSecret } from './realtime/stream-token.js';
import { openRedis } from './redis/connection.js';
import { openStore } from './store/factory.js';
import { readFirstStore } from './store/read-first.js';
import { engineTimezones } from './store/engine-timezones.js';
import { limitedStore } from './store/limits.js';
import { migrate } from './store/migrate.js';
import { useEngineTimezones } from './time/timezones.js';
import { applyRetention, retentionHorizons } from './store/retention.js';
import { timedStore } from './store/timed.js';

export interface Runtime {
  deps: AppDeps;
  app: FastifyInstance;
  /** Stops taking requests, writes queued events, closes the store. */
  close(): Promise<void>;
  /** Start-up work that goes on behind the first requests (the block cache prewarm); settles when it is done, never rejects. */
  warming: Promise<void>;
}

export async function startRuntime(config: Config): Promise<Runtime> {
  const ops = new OpsMetrics();
  const opened = openStore(config);
  // the event ids stored, known in the process (embedded only: this process is the only writer of its directory)
  const storedIds = opened.kind === 'embedded' ? new StoredIdIndex() : undefined;
  const limited = limitedStore(
    timedStore(opened.kind === 'embedded' ? readFirstStore(opened) : opened, (kind, seconds) => ops.queryDuration.observe({ kind }, seconds)),
    config.queryLimits,
  );
  const store = storedIds ? storedIds.observe(limited) : limited;
  await migrate(store);
  useEngineTimezones(await engineTimezones(store));
  await applyRetention(store, config.retention);
  let logger: FastifyInstance['log'] | undefined;
  const log = (msg: string, err?: unknown) => (err ? logger?.error({ err }, msg) : logger?.info(msg));
  const journal = RepairJournal.of(config.dataDir);
  const horizons = () => retentionHorizons(config.retention);
  const derived = new DerivedTables(store, log, journal, horizons);
  const journaled = config.ingestAck === 'journal';
  let intake: JournaledIntake | undefined;
  const engineWriter = new IngestBuffer(store, {
    maxBatch: config.ingestMaxBatch,
    ...(storedIds ? { mayBeStored: (account: string, id: string) => storedIds.mayHold(account, id) } : {}),
    // acknowledged at the journal: the intake bounds the backlog, and the writer must take every acknowledged row
    ...(journaled ? {} : { maxPendingRows: config.ingestMaxPending }),
    flushIntervalMs: config.ingestFlushIntervalMs,
    onBatch: (rows, seconds) => {
      ops.recordBatch(rows, seconds);
      intake?.wrote(rows, seconds);
    },
    onStored: (rows, entry, more) => derived.touched(rows, entry, more),
    journal,
    horizons,
    log,
  });
  intake = journaled ? await JournaledIntake.open(store, engineWriter, WriteAheadLog.dirOf(config.dataDir), {
        maxPendingRows: config.ingestMaxPending,
        maxLagMs: config.ingestMaxLagMs,
        lagFloorRows: config.ingestMaxBatch,
        log,
        ...(storedIds ? { mayBeStored: (account: string, id: string) => storedIds.mayHold(account, id) } : {}),
      }) : undefined;
  const buffer: EventIntake = intake ?? engineWriter;
  derived.waitForAcknowledged((account) => buffer.ingested(account));
  const jobs = new JobRunner(store, log);
  const audit = new AuditLog(store, log);
  const accountSettings = new AccountSettingsStore(store);
  const redis = config.redisUrl ? openRedis(config.redisUrl, (msg, err) => logger?.warn({ err }, msg)) : undefined;
  const keys = new KeyStore(store);
  if (config.adminKey) await keys.ensureOperator(config.adminKey);
  const sessions = new SessionStore(store, keys, config.sessionTtlHours * 3600);
  const bus: EventBus = redis ? new RedisBus(redis, (msg, err) => logger?.warn({ err }, msg)) : new InProcessBus();
  const instance = crypto.randomUUID();
  derived.onUpdated((account, workflow) => bus.publish({ account, workflow, at: Date.now(), origin: instance }));
  // another instance sharing the store stored events or registered a version: this one's cached answers are stale
  bus.subscribe((m) => {
    if (m.origin !== instance && !m.alert) derived.invalidate(m.account, m.workflow);
  });
  const hub = new StreamHub(store, derived, bus, { ...DEFAULT_HUB_OPTIONS, heartbeatMs: config.sseHeartbeatMs, coalesceMs: config.sseCoalesceMs }, log);
  const streamSecret = await loadStreamSecret(store);
  const exportHistory = new ExportHistory(store, config.dataDir, config.exportTtlHours);
  exportHistory.sweep();
  const reports = new ReportStore(store);
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.smtpFrom) : NO_SMTP;
  const queries = new MetricsQueryService(store, derived, horizons);
  const dashboards = new Dashboards({ store, queries, accountSettings });
  const scheduler = new ReportScheduler(
    { store, queries, derived, accountSettings, audit, reports, mailer, dashboards, ...(redis ? { redis } : {}) },
    { tickMs: config.reportTickMs, retryMs: config.reportRetryMs, maxAttempts: 3 },
    log,
  );
  const experiments = new Experiments(
    { store, queries, audit, mailer, ...(redis ? { redis } : {}) },
    { tickMs: config.experimentTickMs, webhookAllowPrivate: config.webhookAllowPrivate },
    log,
  );
  const alerts = new AlertEngine(
    { store, queries, audit, mailer, bus, ...(redis ? { redis } : {}) },
    { tickMs: config.alertTickMs, webhookAllowPrivate: config.webhookAllowPrivate, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}) },
    log,
  );
  const budgets = new BudgetMonitor(
    { store, derived, alerts },
    { tickMs: config.budgetTickMs, delayMs: config.budgetCheckDelayMs, webhookAllowPrivate: config.webhookAllowPrivate },
    log,
  );
  const integrationStore = new IntegrationStore(store);
  const integrationKey = integrationsKey(config.integrationsKey, config.dataDir, (msg) => logger?.warn(msg));
  const connectors = connectorsFor(config);
  const syncs = new IntegrationScheduler({ integrations: integrationStore, key: integrationKey, connectors, pseudonymizer: (account) => accountSettings.pseudonymizer(account) }, { tickMs: config.integrationTickMs }, log);
  const integrations = new Integrations(integrationStore, integrationKey, connectors, syncs);
  // the day states counted ahead of requests after a start (see `preparing` below)
  let dayStates: 'preparing' | 'ready' | 'off' = config.prepareWorkflows > 0 ? 'preparing' : 'off';
  const deps: AppDeps = { config, store, buffer, derived, queries, jobs, keys, sessions, ops, audit, accountSettings, bus, hub, streamSecret, exportHistory, reports, scheduler, budgets, experiments, alerts, dashboards, integrations, ...(redis ? { redis } : {}), ...(storedIds ? { eventIdIndex: () => storedIds.state } : {}), dayStates: () => dayStates };
  const app = await buildApp(deps);
  logger = app.log;
  // before the catch-up, so that the events it settles check the budgets of their accounts
  budgets.start();
  // a batch the last run's crash cut short is completed from the write-ahead log's records when they hold it
  await derived.catchUp(intake ? (seq) => intake.unwrittenRecord(seq) : undefined);
  // after the repair: a batch the crash cut short is repaired before the log's rows are looked up in the store
  intake?.recover();
  // in the background: until it is loaded, every id is looked up in the store as before
  let loadingIds: Promise<void> = Promise.resolve();
  if (storedIds) {
    const t = performance.now();
    loadingIds = storedIds.load(store).then(
      () => logger?.debug({ ids: storedIds.size, ms: Math.round(performance.now() - t) }, 'event-id index loaded'),
      (err) => logger?.warn({ err }, 'the event-id index could not be loaded: every id is looked up in the store'),
    );
  }
  let closing: Promise<void> | undefined;
  // in the background, behind any read (read-first lanes): the first dashboards need not wait for it
  // its lines at debug: the logger writes asynchronously, and at info they could land after the start banner
  const prewarmLog = (msg: string, err?: unknown) => (err ? logger?.error({ err }, msg) : logger?.debug(msg));
  const prewarming = opened.kind === 'embedded' ? prewarmMarks(store, prewarmLog).then(() => prewarmBlockCache(store, config.engineCacheMb, prewarmLog, () => closing !== undefined)) : Promise.resolve();
  // then the funnel and summary day states of the busiest workflows, so that their first panels after a start are
  // not the slow ones
  const preparing = prewarming
    .then(() => prepareDayStates(queries, store, config.prepareWorkflows, () => closing !== undefined))
    .then(
      (n) => logger?.debug({ workflows: n }, 'day states prepared'),
      (err) => logger?.warn({ err }, 'the day states could not be prepared ahead: requests count them'),
    )
    .finally(() => (dayStates = config.prepareWorkflows > 0 ? 'ready' : 'off'));
  scheduler.start();
  experiments.start();
  alerts.start();
  await syncs.start();
  return {
    deps,
    app,
    warming: prewarming.catch(() => undefined),
    close() {
      closing ??= (async () => {
        const t = performance.now();
        // Keep-alive sockets that turn idle after close() began would hold it open until they time out.
        await hub.close();
        await scheduler.stop();
        const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
        await app.close().finally(() => clearInterval(sweep));
        app.log.info({ ms: Math.round(performance.now() - t) }, 'http server closed');
        // after the requests in flight (a budget save checks at once), before the audit log is flushed
        await budgets.stop();
        await experiments.stop();
        await alerts.stop();
        await syncs.stop();
        await buffer.drain();
        await jobs.idle();
        await audit.close();
        await bus.close();
        redis?.disconnect();
        await derived.idle().catch((err) => app.log.error({ err }, 'execution facts left behind; they are rewritten at the next start'));
        await prewarming;
        await preparing;
        storedIds?.stop();
        await loadingIds;
        app.log.info({ ms: Math.round(performance.now() - t) }, 'queued events written');
        await store.close();
        app.log.info({ ms: Math.round(performance.now() - t) }, 'store closed');
      })();
      return closing;
    },
  };
}
