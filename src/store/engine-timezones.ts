/** The timezone names the engine can load (system.time_zones), for src/time/timezones.ts. */
import type { Store } from './store.js';

export async function engineTimezones(store: Store): Promise<string[]> {
  return (await store.query<{ name: string }>('SELECT time_zone AS name FROM system.time_zones')).map((r) => r.name);
}
