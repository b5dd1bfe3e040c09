/**
 * Analytics results, kept until the workflow's next ingest. An entry remembers the workflow's
 * generation (DerivedTables.generation) it was computed under and is used only while that is still
 * current, so a figure is never served after an event that could change it was stored. Identical
 * requests in flight share one computation (the embedded engine runs parameterized queries one at
 * a time, so not repeating work is what lets 50 dashboards load at once).
 */
export class ResultCache {
  private entries = new Map<string, { generation: number; value: Promise<unknown> }>();

  constructor(private readonly maxEntries = 2000) {}

  get<T>(key: string, generation: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) {
      // refresh its place in the LRU order
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    this.entries.set(key, { generation, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
