/** Configuration: the embedded engine's block cache size (FLOWLENS_ENGINE_CACHE_MB) and how long it keeps freed memory (FLOWLENS_ENGINE_MEMORY_HOLD_S), and whether webhooks may go to private addresses (FLOWLENS_WEBHOOK_ALLOW_PRIVATE); defaults and bad values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULT_ENGINE_CACHE_MB, DEFAULT_ENGINE_MEMORY_HOLD_S, loadConfig, type Config } from './config.js';

/** A whole-number setting: its default, a value given, 0, and a bad value refused with the variable named. */
function checkSetting(variable: string, field: keyof Config, fallback: number, given: number, bad: string) {
  assert.equal(loadConfig({}, {})[field], fallback);
  assert.equal(loadConfig({}, { [variable]: String(given) })[field], given);
  assert.equal(loadConfig({}, { [variable]: '0' })[field], 0);
  assert.throws(() => loadConfig({}, { [variable]: bad }), (e) => e instanceof ConfigError && e.message.includes(variable));
}

test('the block cache is 1024 MB unless FLOWLENS_ENGINE_CACHE_MB says otherwise; 0 turns it off; a bad value is refused', () => {
  assert.equal(DEFAULT_ENGINE_CACHE_MB, 1024);
  checkSetting('FLOWLENS_ENGINE_CACHE_MB', 'engineCacheMb', 1024, 256, '1.5GB');
});

test('the engine keeps freed memory an hour unless FLOWLENS_ENGINE_MEMORY_HOLD_S says otherwise; 0 gives it back at once; a bad value is refused', () => {
  assert.equal(DEFAULT_ENGINE_MEMORY_HOLD_S, 3600);
  checkSetting('FLOWLENS_ENGINE_MEMORY_HOLD_S', 'engineMemoryHoldS', 3600, 60, '-1');
});

test('the funnel and summary day states of 20 workflows are prepared after a start unless FLOWLENS_PREPARE_WORKFLOWS says otherwise; 0 turns it off', () => {
  checkSetting('FLOWLENS_PREPARE_WORKFLOWS', 'prepareWorkflows', 20, 3, 'all');
});

test('the panels\' serializers are compiled at start unless FLOWLENS_COMPILE_SERIALIZERS=0; a bad value is refused', () => {
  assert.equal(loadConfig({}, {}).compileSerializers, true);
  assert.equal(loadConfig({}, { FLOWLENS_COMPILE_SERIALIZERS: '0' }).compileSerializers, false);
  assert.equal(loadConfig({}, { FLOWLENS_COMPILE_SERIALIZERS: '1' }).compileSerializers, true);
  assert.throws(() => loadConfig({}, { FLOWLENS_COMPILE_SERIALIZERS: 'yes' }), /FLOWLENS_COMPILE_SERIALIZERS must be 0 or 1/);
});

test('webhooks go to public addresses only, unless FLOWLENS_WEBHOOK_ALLOW_PRIVATE=1; a bad value is refused', () => {
  assert.equal(loadConfig({}, {}).webhookAllowPrivate, false);
  assert.equal(loadConfig({}, { FLOWLENS_WEBHOOK_ALLOW_PRIVATE: '0' }).webhookAllowPrivate, false);
  assert.equal(loadConfig({}, { FLOWLENS_WEBHOOK_ALLOW_PRIVATE: '1' }).webhookAllowPrivate, true);
  assert.throws(() => loadConfig({}, { FLOWLENS_WEBHOOK_ALLOW_PRIVATE: 'yes' }), (e) => e instanceof ConfigError && e.message.includes('FLOWLENS_WEBHOOK_ALLOW_PRIVATE'));
});

test('reads are bounded: a request time limit and the engine\'s per-query limits, each set by its variable, a bad value refused', () => {
  const defaults = loadConfig({}, {});
  assert.equal(defaults.requestTimeoutS, 30);
  assert.deepEqual(defaults.queryLimits, { seconds: 10, memoryMb: 4096, resultRows: 1_000_000, resultMb: 256 });
  const set = loadConfig({}, { FLOWLENS_REQUEST_TIMEOUT_S: '5', FLOWLENS_QUERY_TIMEOUT_S: '0', FLOWLENS_QUERY_MAX_MEMORY_MB: '512', FLOWLENS_QUERY_MAX_ROWS: '10', FLOWLENS_QUERY_MAX_RESULT_MB: '1' });
  assert.equal(set.requestTimeoutS, 5);
  assert.deepEqual(set.queryLimits, { seconds: 0, memoryMb: 512, resultRows: 10, resultMb: 1 });
  assert.throws(() => loadConfig({}, { FLOWLENS_REQUEST_TIMEOUT_S: '0' }), /FLOWLENS_REQUEST_TIMEOUT_S must be an integer >= 1/);
  assert.throws(() => loadConfig({}, { FLOWLENS_QUERY_MAX_ROWS: '1e309' }), /FLOWLENS_QUERY_MAX_ROWS/);
});

test('integrations: the credentials key as 64 hex digits or base64 of 32 bytes, anything else refused; the tick; service origins', () => {
  const bytes = Buffer.alloc(32, 0xab);
  assert.equal(loadConfig({}, {}).integrationsKey, undefined);
  assert.deepEqual(loadConfig({}, { FLOWLENS_INTEGRATIONS_KEY: bytes.toString('hex') }).integrationsKey, bytes);
  assert.deepEqual(loadConfig({}, { FLOWLENS_INTEGRATIONS_KEY: bytes.toString('base64') }).integrationsKey, bytes);
  for (const bad of ['short', bytes.toString('hex').slice(2), Buffer.alloc(16).toString('base64')]) {
    assert.throws(() => loadConfig({}, { FLOWLENS_INTEGRATIONS_KEY: bad }), (e) => e instanceof ConfigError && e.message.includes('FLOWLENS_INTEGRATIONS_KEY'));
  }
  checkSetting('FLOWLENS_INTEGRATION_TICK_MS', 'integrationTickMs', 60_000, 5_000, 'often');
  assert.equal(loadConfig({}, {}).integrationUrls.hubspot, 'https://api.hubapi.com');
  assert.equal(loadConfig({}, { FLOWLENS_SALESFORCE_LOGIN_URL: 'https://test.salesforce.com' }).integrationUrls.salesforceLogin, 'https://test.salesforce.com');
  assert.throws(() => loadConfig({}, { FLOWLENS_HUBSPOT_API_URL: 'api.hubapi.com/x' }), (e) => e instanceof ConfigError && e.message.includes('FLOWLENS_HUBSPOT_API_URL'));
});
