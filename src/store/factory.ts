/** The one place that decides which store adapter serves this process. */
import { DEFAULT_ENGINE_CACHE_MB, DEFAULT_ENGINE_MEMORY_HOLD_S, type Config } from '../config/config.js';
import { openEmbeddedStore } from './embedded.js';
import { openServerStore } from './server.js';
import type { Store } from './store.js';

export function openStore(config: Pick<Config, 'clickhouseUrl' | 'dataDir'> & Partial<Pick<Config, 'engineCacheMb' | 'engineMemoryHoldS' | 'clickhouseCluster'>>): Store {
  if (config.clickhouseUrl) return openServerStore(config.clickhouseUrl, config.clickhouseCluster);
  return openEmbeddedStore(config.dataDir, config.engineCacheMb ?? DEFAULT_ENGINE_CACHE_MB, config.engineMemoryHoldS ?? DEFAULT_ENGINE_MEMORY_HOLD_S);
}
