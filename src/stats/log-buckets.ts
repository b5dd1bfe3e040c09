/**
 * Quantiles with a stated relative error from counts per logarithmic bucket (the DDSketch idea: Masson, Rim, Lee,
 * "DDSketch: a fast and fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019). A positive
 * value v falls in bucket k = ⌈ln v / ln γ⌉, γ = (1 + α) / (1 − α), i.e. γ^(k−1) < v ≤ γ^k; the bucket's
 * representative 2γ^k / (γ + 1) is within α of every value in it, relatively. Counts per bucket merge by adding, so
 * per-day states of a cohort's durations answer any window of days; the quantile's bucket is the one holding the
 * element an exact quantile would return, so the answer is within α of the exact quantile.
 *
 * Negative values are mirrored into their own keys (below every positive one), zero has a key of its own; all keys
 * are integers that sort like the values they stand for. BUCKET_KEY_SQL is the same key in ClickHouse, where the
 * counting happens.
 */

/** The relative error of every quantile: 0.5 %. */
export const RELATIVE_ERROR = 0.005;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LN_GAMMA = Math.log(GAMMA);
/** The key of 0; negative values' keys lie below it, around NEGATIVE_BASE. Positive values' keys are ≥ −5,000 for v ≥ 1e-22. */
const ZERO_KEY = -500_000;
const NEGATIVE_BASE = -1_000_000;

/** The bucket of a value. */
export function bucketOf(v: number): number {
  if (v > 0) return Math.ceil(Math.log(v) / LN_GAMMA) + 0; // + 0: no −0 key
  if (v === 0) return ZERO_KEY;
  return NEGATIVE_BASE - Math.ceil(Math.log(-v) / LN_GAMMA);
}

/** The value a bucket stands for (within RELATIVE_ERROR of every value in it). */
export function representative(key: number): number {
  if (key === ZERO_KEY) return 0;
  if (key > ZERO_KEY) return (2 * Math.pow(GAMMA, key)) / (GAMMA + 1);
  return -(2 * Math.pow(GAMMA, NEGATIVE_BASE - key)) / (GAMMA + 1);
}

/** The bucket key of a Float64 expression in ClickHouse (BUCKET_KEY_SQL(x) = bucketOf(x), up to the last bit of ln). */
export const BUCKET_KEY_SQL = (x: string) =>
  `toInt32(multiIf(${x} > 0, ceil(log(${x}) / ${LN_GAMMA}), ${x} = 0, ${ZERO_KEY}, ${NEGATIVE_BASE} - ceil(log(-(${x})) / ${LN_GAMMA})))`;

/** Keys whose counts BucketCounts keeps in an array (positive values from about 1e-9 to 1e9 hours); others in a map. */
const DENSE_LOW = -4096;
const DENSE_SIZE = 8192;

/** Counts per bucket key, added to one at a time or a day state at a time (the sum of days over a two-year period). */
export class BucketCounts {
  private readonly dense = new Float64Array(DENSE_SIZE);
  private readonly sparse = new Map<number, number>();
  /** How many values are counted. */
  n = 0;

  add(key: number, count: number): void {
    const i = key - DENSE_LOW;
    if (i >= 0 && i < DENSE_SIZE) this.dense[i]! += count;
    else this.sparse.set(key, (this.sparse.get(key) ?? 0) + count);
    this.n += count;
  }

  /** Adds a state: its keys and their counts, as packed by `packed`. */
  addPacked(state: PackedBuckets): void {
    for (let j = 0; j < state.keys.length; j++) this.add(state.keys[j]!, state.counts[j]!);
  }

  /** The keys with a count, ascending, with their counts. */
  *entries(): Generator<[key: number, count: number]> {
    const outside = [...this.sparse.keys()].sort((a, b) => a - b);
    let o = 0;
    for (; o < outside.length && outside[o]! < DENSE_LOW; o++) yield [outside[o]!, this.sparse.get(outside[o]!)!];
    for (let i = 0; i < DENSE_SIZE; i++) if (this.dense[i] !== 0) yield [i + DENSE_LOW, this.dense[i]!];
    for (; o < outside.length; o++) yield [outside[o]!, this.sparse.get(outside[o]!)!];
  }

  /** The counts as a compact state (typed arrays, ascending keys): what a day keeps. */
  packed(): PackedBuckets {
    const all = [...this.entries()];
    return { keys: Int32Array.from(all, (e) => e[0]), counts: Float64Array.from(all, (e) => e[1]) };
  }

  /**
   * The quantiles at `levels` of the values counted, each the representative of the bucket holding the element an
   * exact quantile picks: index ⌊level · n⌋ of the sorted values (n − 1 for level 1), as ClickHouse's quantileExact
   * does. Empty: NaN each.
   */
  quantiles(levels: readonly number[]): number[] {
    if (this.n === 0) return levels.map(() => NaN);
    const indices = levels.map((level) => (level < 1 ? Math.floor(level * this.n) : this.n - 1));
    const out = levels.map(() => NaN);
    let seen = 0;
    // every index is below n, so the counts reach past each of them
    for (const [k, c] of this.entries()) {
      seen += c;
      indices.forEach((index, i) => {
        if (Number.isNaN(out[i]!) && seen > index) out[i] = representative(k);
      });
      if (seen > Math.max(...indices)) break;
    }
    return out;
  }
}

/** A state of bucket counts: keys ascending and their counts. */
export interface PackedBuckets {
  keys: Int32Array;
  counts: Float64Array;
}

/** Counts of `values`, each in its bucket (for tests and small sets). */
export function countValues(values: Iterable<number>): BucketCounts {
  const counts = new BucketCounts();
  for (const v of values) counts.add(bucketOf(v), 1);
  return counts;
}
