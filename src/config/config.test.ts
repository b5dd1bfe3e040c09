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

test('webhooks go to public addresses only, unless FLOWLENS_WEBHOOK_ALLOW_PRIVATE=1; a bad value is refused', () => {
  assert.equal(loadConfig({}, {}).webhookAllowPrivate, false);
  assert.equal(loadConfig({}, { FLOWLENS_WEBHOOK_ALLOW_PRIVATE: '0' }).webhookAllowPrivate, false);
  assert.equal(loadConfig({}, { FLOWLENS_WEBHOOK_ALLOW_PRIVATE: '1' }).webhookAllowPrivate, true);
  assert.throws(() => loadConfig({}, { FLOWLENS_WEBHOOK_ALLOW_PRIVATE: 'yes' }), (e) => e instanceof ConfigError && e.message.includes('FLOWLENS_WEBHOOK_ALLOW_PRIVATE'));
});
