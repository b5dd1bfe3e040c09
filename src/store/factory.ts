/** The one place that decides which store adapter serves this process. */
import { DEFAULT_ENGINE_CACHE_MB, type Config } from '../config/config.js';
import { openEmbeddedStore } from './embedded.js';
import { openServerStore } from './server.js';
import type { Store } from './store.js';

export function openStore(config: Pick<Config, 'clickhouseUrl' | 'dataDir'> & Partial<Pick<Config, 'engineCacheMb'>>): Store {
  return config.clickhouseUrl ? openServerStore(config.clickhouseUrl) : openEmbeddedStore(config.dataDir, config.engineCacheMb ?? DEFAULT_ENGINE_CACHE_MB);
}
