/**
 * Flowlens configuration: the one place that reads the environment.
 * Flags (from the CLI) win over environment variables, which win over defaults.
 */
import path from 'node:path';
import type { ReadLimits } from '../store/limits.js';

export interface RetentionConfig {
  /** Days of raw event detail kept (0 = forever). */
  rawDays: number;
  /** Days of daily rollups kept (0 = forever). */
  dailyDays: number;
}

export interface Config {
  port: number;
  host: string;
  /** Embedded store data directory (ignored when clickhouseUrl is set). */
  dataDir: string;
  /**
   * Embedded store: megabytes of memory for decompressed blocks that reads keep for the next reads of the same
   * data (the engine's uncompressed cache; 0 = none). A server configures its own.
   */
  engineCacheMb: number;
  /**
   * Embedded store: seconds the engine keeps memory its queries freed before giving it back to the system (0 = at
   * once). Memory given back must be faulted in again by the next query, which made the first request after a
   * pause tens of milliseconds slower. A server configures its own.
   */
  engineMemoryHoldS: number;
  /**
   * After a start, the per-day funnel and summary states of this many workflows (those with the most enrolments in the last 90
   * days) are counted ahead of requests, on the store's background lane (MetricsQueryService.prepare; 0 = none).
   */
  prepareWorkflows: number;
  /**
   * The dashboard panels' response serializers compiled whole when the app is ready (src/http/eager-serializers.ts),
   * so that no panel's first request after a start pays for it; tests turn it off to start faster.
   */
  compileSerializers: boolean;
  /** ClickHouse server URL; when set, the server adapter is used. */
  clickhouseUrl: string | undefined;
  /**
   * The ClickHouse cluster (a name in the servers' remote_servers) that clickhouseUrl is a node of: the schema is
   * created ON CLUSTER with replicated local tables and Distributed tables in front (docs/cluster.md). Unset: one server.
   */
  clickhouseCluster: string | undefined;
  redisUrl: string | undefined;
  /** When set, an operator key with exactly this value is ensured at start. */
  adminKey: string | undefined;
  /** Analytics read requests per minute per key (0 = no limit). */
  rateLimitPerMinute: number;
  /** Ingestion requests per minute per key (0 = no limit). */
  ingestRateLimitPerMinute: number;
  /** Origins allowed to call the API from a browser (CORS); empty = same origin only. */
  corsOrigins: string[];
  /** Load demo data on an empty store. */
  demo: boolean;
  /** Ingest buffer: flush when this many events wait, or after flushIntervalMs. */
  ingestMaxBatch: number;
  /** Events waiting to be written beyond which ingestion answers 503 + Retry-After. */
  ingestMaxPending: number;
  ingestFlushIntervalMs: number;
  /**
   * When a sender is answered: 'journal' once its events are in the write-ahead log on disk (the engine writes them
   * right after, off the request path; the embedded default), 'stored' once they are in the store (the server
   * default: instances may share a data directory, and each needs its own log).
   */
  ingestAck: 'journal' | 'stored';
  /** With ingestAck 'journal': beyond this much writing left (backlog ÷ the engine's recent write rate), ingestion answers 503. */
  ingestMaxLagMs: number;
  retention: RetentionConfig;
  /** Live streams: heartbeat interval, least time between two updates of one stream, token lifetime. */
  sseHeartbeatMs: number;
  /** SMTP server for scheduled reports (smtp://user:pass@host:port), and the sender address. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** How often scheduled reports are checked; how long before a failed delivery is retried. */
  reportTickMs: number;
  reportRetryMs: number;
  /** Cost budgets: every account with budgets is checked this often (0 = not on a timer); and this long after events settle. */
  budgetTickMs: number;
  /** How often running experiments are evaluated by their decision rule (0 = not on a timer). */
  experimentTickMs: number;
  /** How often due alert rules are looked for and evaluated (0 = not on a timer). */
  alertTickMs: number;
  /**
   * Integrations (src/integrations): the AES-256-GCM key that encrypts their credentials (FLOWLENS_INTEGRATIONS_KEY,
   * 32 bytes as base64 or hex; unset: a key generated once and kept in the data directory, integrations.key), how
   * often due syncs are looked for (0 = on demand only), and the services' addresses (overridable for tests and
   * sandboxes: HubSpot's API, Salesforce's login server, GA4's Data API, Measurement Protocol and OAuth hosts).
   */
  integrationsKey: Buffer | undefined;
  integrationTickMs: number;
  integrationUrls: { hubspot: string; salesforceLogin: string; ga4DataApi: string; ga4Measurement: string; ga4OAuth: string };
  /** The dashboard's public address, for links in notifications (e.g. https://flowlens.example.com). */
  publicUrl?: string;
  budgetCheckDelayMs: number;
  /**
   * Webhooks (budget alerts) may go to loopback, private, link-local and other non-public addresses. Off by
   * default: a webhook URL is set by an account's admin but requested from the server's network (SSRF).
   */
  webhookAllowPrivate: boolean;
  /** Hours an export file stays downloadable. */
  exportTtlHours: number;
  sseCoalesceMs: number;
  streamTokenTtlSeconds: number;
  /** How long a dashboard sign-in lasts (never longer than its key). */
  sessionTtlHours: number;
  /**
   * Reads: the time an API request that computes figures may take before it answers 503 (the work stops with it
   * at the engine's limit), and the engine's limits on each read query: seconds, memory, rows in its result.
   */
  requestTimeoutS: number;
  queryLimits: ReadLimits;
  /** The built dashboard (index.html and assets); default: dist/web of this installation. */
  webDir: string | undefined;
  logLevel: string;
  /** One log line per HTTP request at the console (FLOWLENS_LOG_REQUESTS=1); off by default, so a busy dashboard does not scroll the start banner away. */
  logRequests: boolean;
}

export type Flags = Partial<{
  port: string;
  host: string;
  data: string;
  'clickhouse-url': string;
  'clickhouse-cluster': string;
  'redis-url': string;
  demo: boolean;
}>;

export class ConfigError extends Error {}

/** The embedded engine's block cache when FLOWLENS_ENGINE_CACHE_MB does not say (at 1M enrollments the panels' data is ≈400 MB). */
export const DEFAULT_ENGINE_CACHE_MB = 1024;

/** How long the embedded engine keeps freed memory when FLOWLENS_ENGINE_MEMORY_HOLD_S does not say (the engine's own default is 5 s). */
export const DEFAULT_ENGINE_MEMORY_HOLD_S = 3600;

/** How many workflows' funnel and summary day states are prepared after a start when FLOWLENS_PREPARE_WORKFLOWS does not say. */
export const DEFAULT_PREPARE_WORKFLOWS = 20;

function intFrom(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

function flagFrom(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new ConfigError(`${name} must be 0 or 1, got "${raw}"`);
}

function optional(raw: string | undefined): string | undefined {
  return raw === undefined || raw === '' ? undefined : raw;
}

function corsOrigins(raw: string | undefined): string[] {
  const list = (raw ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new ConfigError(`FLOWLENS_CORS_ORIGINS entries must be origins like https://app.example.com, got "${o}"`);
  }
  return list;
}

/** FLOWLENS_INTEGRATIONS_KEY: 32 bytes, written as 64 hex digits or as base64. */
function integrationsKey(raw: string | undefined): Buffer | undefined {
  if (raw === undefined) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9+/]{43}=?$/.test(raw) ? Buffer.from(raw, 'base64') : undefined;
  if (key?.length !== 32) throw new ConfigError('FLOWLENS_INTEGRATIONS_KEY must be 32 bytes, as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)');
  return key;
}

function baseUrl(name: string, raw: string | undefined, fallback: string): string {
  const url = optional(raw) ?? fallback;
  if (!/^https?:\/\/[^/\s]+$/.test(url)) throw new ConfigError(`${name} must be an origin like https://api.example.com, got "${url}"`);
  return url;
}

/** Reads the configuration once; throws ConfigError with a clear message on bad values. */
export function loadConfig(flags: Flags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const clickhouseUrl = optional(flags['clickhouse-url'] ?? env.FLOWLENS_CLICKHOUSE_URL);
  if (clickhouseUrl !== undefined && !/^https?:\/\//.test(clickhouseUrl)) {
    throw new ConfigError(`clickhouse url must start with http:// or https://, got "${clickhouseUrl}"`);
  }
  const clickhouseCluster = optional(flags['clickhouse-cluster'] ?? env.FLOWLENS_CLICKHOUSE_CLUSTER);
  if (clickhouseCluster !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(clickhouseCluster)) {
    throw new ConfigError(`clickhouse cluster must be a name of letters, digits and underscores, got "${clickhouseCluster}"`);
  }
  if (clickhouseCluster !== undefined && clickhouseUrl === undefined) {
    throw new ConfigError('FLOWLENS_CLICKHOUSE_CLUSTER needs FLOWLENS_CLICKHOUSE_URL (a node of that cluster)');
  }
  return {
    port: intFrom('port', flags.port ?? env.FLOWLENS_PORT, 8080),
    host: flags.host ?? env.FLOWLENS_HOST ?? '127.0.0.1',
    dataDir: path.resolve(flags.data ?? env.FLOWLENS_DATA_DIR ?? './data'),
    clickhouseUrl,
    clickhouseCluster,
    engineCacheMb: intFrom('FLOWLENS_ENGINE_CACHE_MB', env.FLOWLENS_ENGINE_CACHE_MB, DEFAULT_ENGINE_CACHE_MB),
    engineMemoryHoldS: intFrom('FLOWLENS_ENGINE_MEMORY_HOLD_S', env.FLOWLENS_ENGINE_MEMORY_HOLD_S, DEFAULT_ENGINE_MEMORY_HOLD_S),
    prepareWorkflows: intFrom('FLOWLENS_PREPARE_WORKFLOWS', env.FLOWLENS_PREPARE_WORKFLOWS, DEFAULT_PREPARE_WORKFLOWS),
    compileSerializers: optional(env.FLOWLENS_COMPILE_SERIALIZERS) === undefined ? true : flagFrom('FLOWLENS_COMPILE_SERIALIZERS', env.FLOWLENS_COMPILE_SERIALIZERS),
    redisUrl: optional(flags['redis-url'] ?? env.FLOWLENS_REDIS_URL),
    adminKey: optional(env.FLOWLENS_ADMIN_KEY),
    rateLimitPerMinute: intFrom('FLOWLENS_RATE_LIMIT_PER_MINUTE', env.FLOWLENS_RATE_LIMIT_PER_MINUTE, 60),
    ingestRateLimitPerMinute: intFrom('FLOWLENS_INGEST_RATE_LIMIT_PER_MINUTE', env.FLOWLENS_INGEST_RATE_LIMIT_PER_MINUTE, 1200),
    corsOrigins: corsOrigins(env.FLOWLENS_CORS_ORIGINS),
    demo: flags.demo ?? false,
    ingestMaxBatch: intFrom('FLOWLENS_INGEST_MAX_BATCH', env.FLOWLENS_INGEST_MAX_BATCH, 100_000, 1),
    ingestMaxPending: intFrom('FLOWLENS_INGEST_MAX_PENDING', env.FLOWLENS_INGEST_MAX_PENDING, 500_000, 1),
    ingestFlushIntervalMs: intFrom('FLOWLENS_INGEST_FLUSH_MS', env.FLOWLENS_INGEST_FLUSH_MS, 20, 0),
    ingestAck: ingestAck(env.FLOWLENS_INGEST_ACK, clickhouseUrl),
    ingestMaxLagMs: intFrom('FLOWLENS_INGEST_MAX_LAG_MS', env.FLOWLENS_INGEST_MAX_LAG_MS, 2000, 1),
    retention: {
      rawDays: intFrom('FLOWLENS_RETENTION_RAW_DAYS', env.FLOWLENS_RETENTION_RAW_DAYS, 90),
      dailyDays: intFrom('FLOWLENS_RETENTION_DAILY_DAYS', env.FLOWLENS_RETENTION_DAILY_DAYS, 730),
    },
    smtpUrl: optional(env.FLOWLENS_SMTP_URL),
    smtpFrom: env.FLOWLENS_SMTP_FROM ?? 'Flowlens <reports@flowlens.local>',
    reportTickMs: intFrom('FLOWLENS_REPORT_TICK_MS', env.FLOWLENS_REPORT_TICK_MS, 30_000, 100),
    reportRetryMs: intFrom('FLOWLENS_REPORT_RETRY_MS', env.FLOWLENS_REPORT_RETRY_MS, 60_000, 0),
    budgetTickMs: intFrom('FLOWLENS_BUDGET_TICK_MS', env.FLOWLENS_BUDGET_TICK_MS, 900_000, 0),
    experimentTickMs: intFrom('FLOWLENS_EXPERIMENT_TICK_MS', env.FLOWLENS_EXPERIMENT_TICK_MS, 900_000, 0),
    alertTickMs: intFrom('FLOWLENS_ALERT_TICK_MS', env.FLOWLENS_ALERT_TICK_MS, 60_000, 0),
    integrationsKey: integrationsKey(optional(env.FLOWLENS_INTEGRATIONS_KEY)),
    integrationTickMs: intFrom('FLOWLENS_INTEGRATION_TICK_MS', env.FLOWLENS_INTEGRATION_TICK_MS, 60_000, 0),
    integrationUrls: {
      hubspot: baseUrl('FLOWLENS_HUBSPOT_API_URL', env.FLOWLENS_HUBSPOT_API_URL, 'https://api.hubapi.com'),
      salesforceLogin: baseUrl('FLOWLENS_SALESFORCE_LOGIN_URL', env.FLOWLENS_SALESFORCE_LOGIN_URL, 'https://login.salesforce.com'),
      ga4DataApi: baseUrl('FLOWLENS_GA4_DATA_API_URL', env.FLOWLENS_GA4_DATA_API_URL, 'https://analyticsdata.googleapis.com'),
      ga4Measurement: baseUrl('FLOWLENS_GA4_MEASUREMENT_URL', env.FLOWLENS_GA4_MEASUREMENT_URL, 'https://www.google-analytics.com'),
      ga4OAuth: baseUrl('FLOWLENS_GA4_OAUTH_URL', env.FLOWLENS_GA4_OAUTH_URL, 'https://oauth2.googleapis.com'),
    },
    ...(env.FLOWLENS_PUBLIC_URL ? { publicUrl: env.FLOWLENS_PUBLIC_URL.replace(/\/$/, '') } : {}),
    budgetCheckDelayMs: intFrom('FLOWLENS_BUDGET_CHECK_DELAY_MS', env.FLOWLENS_BUDGET_CHECK_DELAY_MS, 5_000, 0),
    webhookAllowPrivate: flagFrom('FLOWLENS_WEBHOOK_ALLOW_PRIVATE', env.FLOWLENS_WEBHOOK_ALLOW_PRIVATE),
    exportTtlHours: intFrom('FLOWLENS_EXPORT_TTL_HOURS', env.FLOWLENS_EXPORT_TTL_HOURS, 24, 1),
    sseHeartbeatMs: intFrom('FLOWLENS_SSE_HEARTBEAT_MS', env.FLOWLENS_SSE_HEARTBEAT_MS, 15_000, 100),
    sseCoalesceMs: intFrom('FLOWLENS_SSE_COALESCE_MS', env.FLOWLENS_SSE_COALESCE_MS, 250, 0),
    sessionTtlHours: intFrom('FLOWLENS_SESSION_TTL_HOURS', env.FLOWLENS_SESSION_TTL_HOURS, 12, 1),
    requestTimeoutS: intFrom('FLOWLENS_REQUEST_TIMEOUT_S', env.FLOWLENS_REQUEST_TIMEOUT_S, 30, 1),
    queryLimits: {
      seconds: intFrom('FLOWLENS_QUERY_TIMEOUT_S', env.FLOWLENS_QUERY_TIMEOUT_S, 10),
      memoryMb: intFrom('FLOWLENS_QUERY_MAX_MEMORY_MB', env.FLOWLENS_QUERY_MAX_MEMORY_MB, 4096),
      resultRows: intFrom('FLOWLENS_QUERY_MAX_ROWS', env.FLOWLENS_QUERY_MAX_ROWS, 1_000_000),
      resultMb: intFrom('FLOWLENS_QUERY_MAX_RESULT_MB', env.FLOWLENS_QUERY_MAX_RESULT_MB, 256),
    },
    webDir: optional(env.FLOWLENS_WEB_DIR),
    streamTokenTtlSeconds: intFrom('FLOWLENS_STREAM_TOKEN_TTL_SECONDS', env.FLOWLENS_STREAM_TOKEN_TTL_SECONDS, 900, 1),
    logLevel: env.FLOWLENS_LOG_LEVEL ?? 'info',
    logRequests: flagFrom('FLOWLENS_LOG_REQUESTS', env.FLOWLENS_LOG_REQUESTS),
  };
}

function ingestAck(value: string | undefined, clickhouseUrl: string | undefined): 'journal' | 'stored' {
  if (value === undefined || value === '') return clickhouseUrl ? 'stored' : 'journal';
  if (value === 'journal' || value === 'stored') return value;
  throw new ConfigError(`FLOWLENS_INGEST_ACK must be journal or stored, got "${value}"`);
}
