/** Configuration: the engine's block cache size (FLOWLENS_ENGINE_CACHE_MB), its default and a bad value. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULT_ENGINE_CACHE_MB, loadConfig } from './config.js';

test('the block cache is 1024 MB unless FLOWLENS_ENGINE_CACHE_MB says otherwise; 0 turns it off; a bad value is refused', () => {
  assert.equal(DEFAULT_ENGINE_CACHE_MB, 1024);
  assert.equal(loadConfig({}, {}).engineCacheMb, 1024);
  assert.equal(loadConfig({}, { FLOWLENS_ENGINE_CACHE_MB: '256' }).engineCacheMb, 256);
  assert.equal(loadConfig({}, { FLOWLENS_ENGINE_CACHE_MB: '0' }).engineCacheMb, 0);
  assert.throws(() => loadConfig({}, { FLOWLENS_ENGINE_CACHE_MB: '1.5GB' }), (e) => e instanceof ConfigError && /FLOWLENS_ENGINE_CACHE_MB/.test(e.message));
});
