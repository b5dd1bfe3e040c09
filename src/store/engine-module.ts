/**
 * Loads the embedded engine (chdb) with the memory behaviour Flowlens wants from its allocator.
 *
 * The engine allocates through its own jemalloc, which by default hands memory that queries freed back to the
 * system after 5 s. The next panel read after a pause then gives hundreds of MB back on its first allocation and
 * faults its working memory in again (≈3,000–9,000 page faults and 30–100 ms more for a 30-day summary or funnel
 * at 1M enrollments). Keeping freed memory longer makes the first request after an idle moment as fast as the next. jemalloc reads its options (JE_MALLOC_CONF, for this
 * build's prefixed allocator) once, when the engine's library is loaded: so the variable is set before the
 * first load, and the first store opened in a process decides.
 */
import { createRequire } from 'node:module';

type Chdb = typeof import('chdb');

let loaded: Chdb | undefined;

/**
 * The jemalloc options for a hold of `seconds` (0: give freed memory back at once), after any already set (other
 * options an operator gives stay; of two values for one option the later wins, so ours, also over one inherited
 * from a parent Flowlens process).
 */
export function allocatorOptions(seconds: number, existing: string | undefined): string {
  const ours = `dirty_decay_ms:${seconds * 1000}`;
  return existing ? `${existing},${ours}` : ours;
}

/** The chdb module; on the first call it is loaded with freed memory held `memoryHoldS` seconds. */
export function engineModule(memoryHoldS: number): Chdb {
  if (!loaded) {
    process.env.JE_MALLOC_CONF = allocatorOptions(memoryHoldS, process.env.JE_MALLOC_CONF);
    loaded = createRequire(import.meta.url)('chdb') as Chdb;
  }
  return loaded;
}
