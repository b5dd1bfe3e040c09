/** A whole Flowlens (real embedded store in a temp dir) for API tests, with an operator key. */
import { loadConfig, type Config } from '../../src/config/config.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { tempDir } from './store.js';

export const OPERATOR_KEY = 'fl_test_operator_key_0123456789';

export interface TestRuntime extends Runtime {
  dataDir: string;
  /** Creates an account and an admin key in it. */
  newAccount(role?: 'admin' | 'member' | 'viewer' | 'ingest'): Promise<{ accountId: string; key: string }>;
  /**
   * Resolves once every event acknowledged so far is in the store (acknowledged at the write-ahead log, the engine
   * writes it right after): for tests that read the store's tables directly rather than through the API.
   */
  stored(): Promise<void>;
  /** The store's query once every event acknowledged so far is stored (`stored`): what a test reads directly. */
  query<T = Record<string, unknown>>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  /** app.inject with a Bearer key. */
  call(method: string, url: string, key: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string; headers: Record<string, unknown> }>;
}

export async function startTestRuntime(overrides: Partial<Config> = {}, dataDir = tempDir()): Promise<TestRuntime> {
  const config = {
    ...loadConfig({ data: dataDir }, { FLOWLENS_ADMIN_KEY: OPERATOR_KEY, FLOWLENS_LOG_LEVEL: 'silent' }),
    // fixed-date test data would otherwise expire on a background merge; the retention test sets its own
    retention: { rawDays: 0, dailyDays: 0 },
    // tests make many calls per key; the rate-limit test sets its own limits
    rateLimitPerMinute: 0,
    ingestRateLimitPerMinute: 0,
    // the panels' serializers compile on first use, as before: compiled at start they add ≈1–2 s to every runtime's
    // start (test/eager-serializers.test.ts runs them compiled)
    compileSerializers: false,
    ...overrides,
  };
  const rt = await startRuntime(config);
  const call: TestRuntime['call'] = async (method, url, key, body, headers = {}) => {
    const res = await rt.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${key}`, ...headers },
      ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
    });
    let json: unknown;
    try {
      json = res.json();
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, text: res.body, headers: res.headers };
  };
  return {
    ...rt,
    dataDir,
    call,
    stored: () => rt.deps.buffer.ingested(),
    async query<T>(sql: string, params?: Record<string, unknown>) {
      await rt.deps.buffer.ingested();
      return rt.deps.store.query<T>(sql, params);
    },
    async newAccount(role = 'admin') {
      const acc = await call('POST', '/api/v1/accounts', OPERATOR_KEY, { name: 'Test account' });
      const accountId = acc.json.account_id as string;
      const k = await call('POST', '/api/v1/api-keys', OPERATOR_KEY, { account_id: accountId, role, name: 'test' });
      return { accountId, key: k.json.key as string };
    },
  };
}

/** Builds events with sensible defaults for tests. */
export const ev = {
  started: (wf: string, ex: string, ts: string, extra: Record<string, unknown> = {}) => ({
    type: 'execution.started', workflow_id: wf, execution_id: ex, timestamp: ts, contact_id: `c-${ex}`, enrollment_source: 'trigger', ...extra,
  }),
  completed: (wf: string, ex: string, ts: string, extra: Record<string, unknown> = {}) => ({ type: 'execution.completed', workflow_id: wf, execution_id: ex, timestamp: ts, ...extra }),
  exited: (wf: string, ex: string, ts: string, reason = 'unsubscribed', extra: Record<string, unknown> = {}) => ({
    type: 'execution.exited', workflow_id: wf, execution_id: ex, timestamp: ts, exit_reason: reason, ...extra,
  }),
  failed: (wf: string, ex: string, ts: string, extra: Record<string, unknown> = {}) => ({
    type: 'execution.failed', workflow_id: wf, execution_id: ex, timestamp: ts, error_type: 'timeout', ...extra,
  }),
  step: (kind: 'started' | 'completed' | 'failed' | 'skipped', wf: string, ex: string, step: string, ts: string, extra: Record<string, unknown> = {}) => ({
    type: `step.${kind}`, workflow_id: wf, execution_id: ex, timestamp: ts, step_id: step, step_type: 'action', action_type: 'send_email',
    ...(kind === 'failed' ? { error_type: 'smtp_error' } : {}), ...extra,
  }),
  goal: (wf: string, ex: string, ts: string, extra: Record<string, unknown> = {}) => ({
    type: 'goal.achieved', workflow_id: wf, execution_id: ex, timestamp: ts, goal_id: 'purchase', ...extra,
  }),
};
