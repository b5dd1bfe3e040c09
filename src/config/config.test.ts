/** Configuration of the embedded engine: its block cache size (FLOWLENS_ENGINE_CACHE_MB) and how long it keeps freed memory (FLOWLENS_ENGINE_MEMORY_HOLD_S); defaults and bad values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULT_ENGINE_CACHE_MB, DEFAULT_ENGINE_MEMORY_HOLD_S, loadConfig } from './config.js';

test('the block cache is 1024 MB unless FLOWLENS_ENGINE_CACHE_MB says otherwise; 0 turns it off; a bad value is refused', () => {
  assert.equal(DEFAULT_ENGINE_CACHE_MB, 1024);
  assert.equal(loadConfig({}, {}).engineCacheMb, 1024);
  assert.equal(loadConfig({}, { FLOWLENS_ENGINE_CACHE_MB: '256' }).engineCacheMb, 256);
  assert.equal(loadConfig({}, { FLOWLENS_ENGINE_CACHE_MB: '0' }).engineCacheMb, 0);
  assert.throws(() => loadConfig({}, { FLOWLENS_ENGINE_CACHE_MB: '1.5GB' }), (e) => e instanceof ConfigError && /FLOWLENS_ENGINE_CACHE_MB/.test(e.message));
});

test('the engine keeps freed memory an hour unless FLOWLENS_ENGINE_MEMORY_HOLD_S says otherwise; 0 gives it back at once; a bad value is refused', () => {
  assert.equal(DEFAULT_ENGINE_MEMORY_HOLD_S, 3600);
  assert.equal(loadConfig({}, {}).engineMemoryHoldS, 3600);
  assert.equal(loadConfig({}, { FLOWLENS_ENGINE_MEMORY_HOLD_S: '60' }).engineMemoryHoldS, 60);
  assert.equal(loadConfig({}, { FLOWLENS_ENGINE_MEMORY_HOLD_S: '0' }).engineMemoryHoldS, 0);
  assert.throws(() => loadConfig({}, { FLOWLENS_ENGINE_MEMORY_HOLD_S: '-1' }), (e) => e instanceof ConfigError && /FLOWLENS_ENGINE_MEMORY_HOLD_S/.test(e.message));
});
