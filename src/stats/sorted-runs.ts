/**
 * Exact quantiles of values kept as ascending runs (one per UTC day of a period, say), without merging them: the
 * element `quantileExact` of ClickHouse picks for a level, found by selection across the runs. For a level below 1
 * that is the element of 0-based rank ⌊level × n⌋ of the n values sorted, for level 1 the largest (ClickHouse's
 * QuantileExact: `level * array.size()` cast to an index, then `nth_element`). So a period's exact percentiles merge
 * from per-day states: what a window of any timezone asks costs a few hundred binary searches, not a sort.
 */

/** The first index in [lo, hi) of the ascending run whose value is ≥ v (or > v with `after`); hi when none is. */
function bound(run: Float64Array, v: number, lo: number, hi: number, after: boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after ? run[mid]! <= v : run[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The value of 0-based rank k among the values of ascending runs. Each pass takes the middle candidate of the run with
 * the most candidates left and counts the values below it and up to it in every run: it is the answer, or every run's
 * candidates on its wrong side are dropped. Candidates stay above every pivot dropped below and under every pivot
 * dropped above, so each run is searched among its candidates only; the largest run's candidates at least halve.
 */
export function rankOfRuns(runs: readonly Float64Array[], k: number): number {
  const total = runs.reduce((n, r) => n + r.length, 0);
  if (!Number.isInteger(k) || k < 0 || k >= total) throw new RangeError(`rank ${k} outside the ${total} values`);
  const lo = runs.map(() => 0);
  const hi = runs.map((r) => r.length);
  let below = 0; // values dropped under the candidates, all runs together
  for (;;) {
    let pick = -1;
    for (let i = 0; i < runs.length; i++) if (hi[i]! > lo[i]! && (pick < 0 || hi[i]! - lo[i]! > hi[pick]! - lo[pick]!)) pick = i;
    const v = runs[pick]![(lo[pick]! + hi[pick]!) >>> 1]!;
    let less = below;
    let upTo = below;
    const lower = new Array<number>(runs.length);
    const upper = new Array<number>(runs.length);
    for (let i = 0; i < runs.length; i++) {
      lower[i] = bound(runs[i]!, v, lo[i]!, hi[i]!, false);
      upper[i] = bound(runs[i]!, v, lower[i]!, hi[i]!, true);
      less += lower[i]! - lo[i]!;
      upTo += upper[i]! - lo[i]!;
    }
    if (k < less) for (let i = 0; i < runs.length; i++) hi[i] = lower[i]!;
    else if (k >= upTo) {
      below = upTo;
      for (let i = 0; i < runs.length; i++) lo[i] = upper[i]!;
    } else return v;
  }
}

/** ClickHouse's quantilesExact(levels) of the values of ascending runs; empty runs, no values: null for every level. */
export function quantilesOfRuns(runs: readonly Float64Array[], levels: readonly number[]): (number | null)[] {
  const n = runs.reduce((sum, r) => sum + r.length, 0);
  if (n === 0) return levels.map(() => null);
  return levels.map((level) => rankOfRuns(runs, level < 1 ? Math.floor(level * n) : n - 1));
}

/** Two ascending runs merged into one. */
function mergeTwo(a: Float64Array, b: Float64Array): Float64Array {
  const na = a.length;
  const nb = b.length;
  const out = new Float64Array(na + nb);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < na && j < nb) {
    const x = a[i]!;
    const y = b[j]!;
    if (x <= y) {
      out[k++] = x;
      i++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  out.set(a.subarray(i), k);
  out.set(b.subarray(j), k + na - i);
  return out;
}

/** Ascending runs joined into one ascending array: merged pairwise, each value moved ⌈log₂ runs⌉ times (no sort). */
export function mergeRuns(runs: readonly Float64Array[]): Float64Array {
  let level = runs.filter((r) => r.length > 0);
  if (level.length === 0) return new Float64Array(0);
  while (level.length > 1) {
    const next: Float64Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeTwo(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/**
 * Mann–Whitney's inputs for two samples, each ascending: the rank sum of the first in the two pooled (ties take the
 * mean of the ranks they span) and the tie term Σ(t³ − t) over the pooled sample's distinct values — in one pass
 * over both.
 */
export function rankSumAndTies(first: Float64Array, second: Float64Array): { rankSumFirst: number; tieTerm: number } {
  const na = first.length;
  const nb = second.length;
  let i = 0;
  let j = 0;
  let rankSumFirst = 0;
  let tieTerm = 0;
  while (i < na || j < nb) {
    const v = j >= nb || (i < na && first[i]! <= second[j]!) ? first[i]! : second[j]!;
    const below = i + j;
    const i0 = i;
    const j0 = j;
    while (i < na && first[i] === v) i++;
    while (j < nb && second[j] === v) j++;
    const a = i - i0;
    const t = a + j - j0;
    if (a > 0) rankSumFirst += a * (below + (t + 1) / 2);
    if (t > 1) tieTerm += t * t * t - t;
  }
  return { rankSumFirst, tieTerm };
}
