/**
 * Every facts write adds a part per week it touches, and FINAL then merges rows across parts at read time.
 * Merging those weeks (each at most every COMPACT_EVERY_MS) keeps reads at single-part cost. Called when no
 * facts are waiting to be written (readers do not wait for it); stops as soon as some are (`busy`).
 */
import type { Store } from '../store/store.js';

/** A week partition of execution_facts is merged at most this often. */
const COMPACT_EVERY_MS = 10_000;
/**
 * At most this many weeks are merged a run, the latest weeks of enrolment first (the ones dashboards read): live
 * ingestion writes one or two weeks a run; an import of history writes hundreds a batch, and merging them all
 * between its batches took the import of road_traffic_fines (13 years, 67 batches) from ≈160 s to 180–240 s, for
 * weeks its next batch wrote to again. The engine merges the weeks left over once their parts are 10 s old
 * (migration 016).
 */
const MAX_WEEKS_PER_RUN = 2;

/** `compactedAt`: when each partition was last merged (kept by the caller across calls). */
export async function compactFacts(store: Store, compactedAt: Map<string, number>, busy: () => boolean): Promise<void> {
  const weeks = await store.query<{ partition_id: string }>(
    `SELECT partition_id FROM system.parts
     WHERE database = currentDatabase() AND table = 'execution_facts' AND active
     GROUP BY partition_id HAVING count() > 1 ORDER BY partition_id DESC`,
  );
  const now = Date.now();
  let merged = 0;
  for (const { partition_id } of weeks) {
    if (busy() || merged >= MAX_WEEKS_PER_RUN) return; // facts to write come first
    if (now - (compactedAt.get(partition_id) ?? 0) < COMPACT_EVERY_MS) continue;
    compactedAt.set(partition_id, now);
    // The partition id comes from the engine (a date like 20261116), never from a request.
    if (!/^\d+$/.test(partition_id)) continue;
    // after every read, write and insert of events queued (an import must not wait for the weeks it wrote to merge)
    await store.command(`OPTIMIZE TABLE execution_facts PARTITION ID '${partition_id}' FINAL`, {}, { background: true });
    merged++;
  }
}
