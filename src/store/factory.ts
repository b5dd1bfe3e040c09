/** The one place that decides which store adapter serves this process. */
import type { Config } from '../config/config.js';
import { openEmbeddedStore } from './embedded.js';
import { openServerStore } from './server.js';
import type { Store } from './store.js';

export function openStore(config: Pick<Config, 'clickhouseUrl' | 'dataDir'>): Store {
  return config.clickhouseUrl ? openServerStore(config.clickhouseUrl) : openEmbeddedStore(config.dataDir);
}
