/**
 * Analytics results, kept until the workflow's next ingest. An entry remembers the workflow's
 * generation (DerivedTables.generation) it was computed under and is used only while that is still
 * current, so a figure is never served after an event that could change it was stored. Identical
 * requests in flight share one computation (the embedded engine runs parameterized queries one at
 * a time, so not repeating work is what lets 50 dashboards load at once).
 *
 * An answer about a closed period (one that ended before it was computed) may also be kept across
 * generations: it carries `Keep.stamp`, the generations of its workflows read before the data it was computed
 * from was waited for, and is served under a newer generation while `Keep.holds(stamp)` says nothing between
 * then and the reader's `Keep.until` touched its period (MetricsQueryService, Freshness.unchangedSince); it is
 * then re-stamped with `until`.
 */
export interface Keep {
  /** The workflows' generations read before waiting for the data: what an answer computed now reflects at least. */
  stamp: readonly number[];
  /** The workflows' generations once the data was waited for: what an answer served now must reflect. */
  until: readonly number[];
  /** Whether an answer that reflects `stamp` (of the same workflows) is exact at `until`: nothing between touched it. */
  holds: (stamp: readonly number[]) => boolean;
}

interface Entry {
  generation: number;
  value: Promise<unknown>;
  stamp?: readonly number[];
  /** What `Weight.of` gave for the value once it resolved (0 until then). */
  weight: number;
  /** The value has resolved. */
  settled: boolean;
}

/** A bound on what the entries hold together, besides their number (states of very different sizes). */
export interface Weight {
  /** The most the entries may weigh together (bytes, say): the least recently used go first. */
  max: number;
  of: (value: unknown) => number;
}

export class ResultCache {
  private entries = new Map<string, Entry>();
  private weighs = 0;
  /** Answers served under a newer generation than they were computed under (closed periods). */
  kept = 0;

  constructor(private readonly maxEntries = 2000, private readonly weight?: Weight) {}

  /** The value kept for `key`, if it is still exact at `generation` (or, with `keep`, holds since its stamp). */
  peek<T>(key: string, generation: number, keep?: Keep): Promise<T> | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.generation !== generation) {
      if (!keep || !hit.stamp || !keep.holds(hit.stamp)) return undefined;
      // exact at `until`: the answer for `generation` too when that is all of it (no change since)
      this.kept++;
      if (keep.until.reduce((a, b) => a + b, 0) === generation) hit.generation = generation;
      hit.stamp = keep.until;
    }
    // refresh its place in the LRU order
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value as Promise<T>;
  }

  /** Keeps `value` for `key` at `generation` (and, with `keep`, past it while it holds); forgotten if it fails. */
  put<T>(key: string, generation: number, value: Promise<T>, keep?: Keep): Promise<T> {
    this.remove(key);
    const entry: Entry = { generation, value, weight: 0, settled: false, ...(keep ? { stamp: keep.stamp } : {}) };
    this.entries.set(key, entry);
    value.then(
      (v) => {
        entry.settled = true;
        if (!this.weight || this.entries.get(key) !== entry) return;
        entry.weight = this.weight.of(v);
        this.weighs += entry.weight;
        // the least recently used first, never the entry just weighed
        for (const k of this.entries.keys()) {
          if (this.weighs <= this.weight.max) break;
          if (k !== key) this.remove(k);
        }
      },
      () => {
        if (this.entries.get(key) === entry) this.remove(key);
      },
    );
    while (this.entries.size > this.maxEntries) this.remove(this.entries.keys().next().value!);
    return value;
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.weighs -= e.weight;
    this.entries.delete(key);
  }

  /** What the entries weigh together (Weight.of of each resolved value; 0 without a Weight). */
  get weighed(): number {
    return this.weighs;
  }

  /** Whether `peek` gives a value that has already resolved (one still being computed is not). */
  settled(key: string, generation: number, keep?: Keep): boolean {
    return this.peek(key, generation, keep) !== undefined && this.entries.get(key)!.settled;
  }

  get<T>(key: string, generation: number, compute: () => Promise<T>, keep?: Keep): Promise<T> {
    return this.peek<T>(key, generation, keep) ?? this.put(key, generation, compute(), keep);
  }

  get size(): number {
    return this.entries.size;
  }
}
