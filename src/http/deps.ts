/** What the HTTP app needs from the rest of the system; built once in src/server.ts, or by tests. */
import type { MetricsQueryService } from '../metrics/query-service.js';
import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import type { BudgetMonitor } from '../budgets/monitor.js';
import type { Experiments } from '../experiments/experiments.js';
import type { AlertEngine } from '../alerts/engine.js';
import type { Dashboards } from '../dashboards/dashboards.js';
import type { Integrations } from '../integrations/integrations.js';
import type { Config } from '../config/config.js';
import type { AccountSettingsStore } from '../privacy/account-settings.js';
import type { EventBus } from '../realtime/bus.js';
import type { ExportHistory } from '../exports/exports.js';
import type { ReportStore } from '../reports/reports.js';
import type { ReportScheduler } from '../reports/scheduler.js';
import type { StreamHub } from '../realtime/hub.js';
import type { KeyStore } from '../auth/keys.js';
import type { SessionStore } from '../auth/sessions.js';
import type { EventIntake } from '../ingest/intake.js';
import type { DerivedTables } from '../derived/derived-tables.js';
import type { JobRunner } from '../jobs/jobs.js';
import type { OpsMetrics } from './ops-metrics.js';
import type { Store } from '../store/store.js';

export interface AppDeps {
  config: Config;
  store: Store;
  buffer: EventIntake;
  /** The in-process event-id index's state (embedded store): loading at start, ready, or off (not used). */
  eventIdIndex?: () => 'loading' | 'ready' | 'off';
  /** The day states counted ahead of requests after a start (MetricsQueryService.prepare): preparing, ready, or off. */
  dayStates?: () => 'preparing' | 'ready' | 'off';
  derived: DerivedTables;
  /** The one way figures are asked for: access, freshness, the cache by generation, shared work. */
  queries: MetricsQueryService;
  jobs: JobRunner;
  keys: KeyStore;
  /** Dashboard sign-in sessions (cookie). */
  sessions: SessionStore;
  ops: OpsMetrics;
  audit: AuditLog;
  accountSettings: AccountSettingsStore;
  bus: EventBus;
  exportHistory: ExportHistory;
  reports: ReportStore;
  scheduler: ReportScheduler;
  /** Cost budgets: stored, validated, checked and alerted (started and stopped with the runtime). */
  budgets: BudgetMonitor;
  /** A/B experiments: definitions, assignment, results, the decision rule on a schedule. */
  experiments: Experiments;
  /** Alert rules, their evaluation on a schedule, alerts, silences, notifications. */
  alerts: AlertEngine;
  /** Saved dashboards: widgets bound to queries of the metric catalog, sharing, public links and embedding. */
  dashboards: Dashboards;
  /** Integrations with outside services (HubSpot, Salesforce, GA4): configuration, syncs on a schedule or on demand, run history. */
  integrations: Integrations;
  hub: StreamHub;
  /** Signs stream tokens (shared by every instance on the store). */
  streamSecret: Buffer;
  /** Set when --redis-url is given. */
  redis?: Redis;
}
