/**
 * A robust, online seasonal baseline for a bucketed series: for each point, what value was expected
 * there, the band around it, how far off the point is in robust standard deviations, and whether it
 * is an outlier. It is the engine of `seasonalAnomalies` (anomaly.ts).
 *
 * Model: an additive decomposition u(t) = level(t) + seasonal(slot(t)) + residual, in the manner of
 * STL (Cleveland, Cleveland, McRae & Terpenning, "STL: A Seasonal-Trend Decomposition Procedure Based
 * on Loess", J. Official Statistics 6(1), 1990) with running medians in place of loess, as in the
 * robust decompositions behind Twitter's S-H-ESD (Hochenbaum, Vallis & Kejariwal, "Automatic Anomaly
 * Detection in the Cloud Via Statistical Learning", 2017). u is the value itself, or for counts and
 * proportions its variance-stabilizing transform (Anscombe 1948; see ValueScale), on which the noise
 * is symmetric with a known spread. Computed online, point by point in time order, from the points
 * BEFORE t only (nothing of t or after is used to judge t, so a live stream and a longer series give
 * the same verdicts, as long as the seasonality chosen below is the same):
 *
 *   seasonal(slot) = median of the last 8 cycles' detrended values u − level in that slot
 *                    (slot = hour of the week, hour of the day or day of the week, in local time);
 *   level(t)       = median of the last W deseasonalized values u − seasonal (W = one day of buckets,
 *                    clamped to 7…24: 24 for hourly buckets, 7 for daily ones);
 *   expected(t)    = level(t) + seasonal(slot(t))   (mapped back; a count is never below 0);
 *   scale(t)       = σ̂ · sd · √(1 + c(K)/K + (π/2)/W), where
 *                    sd = the noise model's standard deviation on u (1 for counts, 1/(2√(n + ½)) for
 *                         proportions over n, 1 for plain values),
 *                    σ̂ = max( 1.4826 · MAD of the last 2 weeks of residuals (28…1000 of them),
 *                              1.4826 · MAD of the last 28 days' residuals at the same hour of the day
 *                              and its two neighbours (sub-daily buckets, once 10 exist: a busy hour
 *                              may be noisier), floors ), residuals kept in units of sd and of the root,
 *                    and the root is the error of a forecast from a median of K slot values and one
 *                    of W level values (c(K) = n·Var(median)/σ²: 1 for K ≤ 2, else π/2), the analogue
 *                    of the leverage term of an OLS prediction interval (forecast.ts);
 *   score(t)       = (u − expected) / scale, a robust z-score (Iglewicz & Hoaglin, "How to Detect and
 *                    Handle Outliers", 1993: MAD × 1.4826 estimates σ under normal noise);
 *   outlier        = |score| > cut   (strictly; the cut is the sensitivity's, see anomaly.ts);
 *   band           = expected ∓ cut · scale on u, mapped back (asymmetric for counts and proportions).
 *
 * Floors of σ̂, so that a flat series does not fire on tiny wiggles: for counts and proportions the
 * noise model itself (σ̂ ≥ 1: Poisson noise √expected, binomial noise √(p(1 − p)/n)); for plain
 * values 2 % of the level (max(|expected|, |level|)) and `minScale` (default 1e-9).
 *
 * Outliers do not pollute the baseline: an outlier enters the seasonal and level memories as its
 * expected value (the cleaning of robust Holt–Winters: Gelper, Fried & Croux, "Robust forecasting with
 * exponential and Holt–Winters smoothing", J. Forecasting 29, 2010) and its residual is left out of
 * the scale. A level shift is flagged at first; when A = ⌈W/2⌉ points (12 hourly, 4 daily) hold
 * ⌈3A/4⌉ outliers on the same side (9 of 12, 3 of 4) it is taken for a new level: the level memory
 * restarts from the raw values of those A points. A sustained shift is thus flagged for its first
 * 9 hourly buckets (3 daily ones), then expected; a shorter excursion (an outage of a few hours) never
 * moves the level. The seasonal memory keeps cleaned values, so a shift moves the level, not the
 * pattern. A series that goes silent (drops to 0) is flagged; once the level has restarted at 0 the
 * additive pattern is still expected, so its busy hours keep being flagged until the seasonal memory
 * forgets (about two weeks on the hourly test series). A rule "below 1" (staticThreshold) is the one
 * that keeps firing for as long as a workflow stays silent.
 *
 * Seasonality (chosen once per call from the time the usable history covers, never from its values):
 * sub-daily buckets get one slot per hour of the week (168) when the series covers ≥ 3 weeks, else one
 * per hour of the day (24) when it covers ≥ 3 days, else none; daily buckets get one per day of the
 * week when ≥ 3 weeks, else none; longer buckets none. The first two cycles (2 weeks for the weekly
 * slots, 2 days for the hour of the day, W buckets without seasonality) are a warm-up: not judged,
 * decomposed in one batch (level = their median, seasonal = slot medians, residuals leave-one-out
 * within the slot) to start the online memories. With fewer than 3 weeks a weekly pattern is not
 * modelled and weekends may be flagged against weekdays. Warm-up points are not cleaned: an anomaly
 * in the first two weeks can bias the slot it falls in until later weeks outvote it.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** 1 / Φ⁻¹(3/4): MAD × this estimates the standard deviation of normal noise. */
export const MAD_TO_SIGMA = 1.482602218505602;
/** Cycles the seasonal memory of a slot holds (weeks for weekly slots, days for the hour of the day). */
export const SEASONAL_MEMORY_CYCLES = 8;
/** Share of the level under which the scale of plain values never goes. */
export const RELATIVE_SCALE_FLOOR = 0.02;
/** Residuals needed before a point is judged. */
export const MIN_RESIDUALS = 10;
/** Residuals at an hour of the day needed before that hour's own scale counts. */
export const MIN_LOCAL_RESIDUALS = 10;

/** The slots of the seasonal component actually used. */
export type SeasonalMode = 'hour_of_week' | 'hour_of_day' | 'day_of_week' | 'none';
/**
 * What a caller asks for: `auto` decides from the bucket size, `hourly` means hour slots (of the week
 * with ≥ 3 weeks, of the day with ≥ 3 days, else none), `daily` day-of-week slots (with ≥ 3 weeks,
 * else none), `none` a level only; a SeasonalMode forces those slots whatever the history.
 */
export type SeasonalityOption = 'auto' | 'hourly' | 'daily' | 'none' | SeasonalMode;
/**
 * `count`: events counted in the bucket (Poisson noise); `proportion`: a rate in [0, 1] over `volume`
 * (binomial noise; a point without a positive volume is not used, as if its volume were too small);
 * `value`: anything else (durations, costs): noise estimated only.
 */
export type ValueKind = 'value' | 'count' | 'proportion';

export interface BaselineInput {
  /** Epoch ms of the bucket start. */
  t: number;
  value: number | null;
  /** What the value rests on (executions behind a rate). */
  volume?: number;
}

export interface SeasonalBaselineOptions {
  bucketMs: number;
  /** Offset of local time from UTC at an instant, in minutes (Paris in winter: +60). Default 0 (UTC). */
  timezoneOffsetMinutes?: (t: number) => number;
  seasonality?: SeasonalityOption;
  /** Robust z beyond which a point is an outlier (and is cleaned from the baseline). Default 3.5. */
  cut?: number;
  /** Points whose known volume is below this are not judged and do not feed the baseline. */
  minVolume?: number;
  kind?: ValueKind;
  /** Absolute floor of the scale of plain values, in their unit. Default 1e-9. */
  minScale?: number;
  /** Floor of the scale of plain values as a share of the level. Default RELATIVE_SCALE_FLOOR (2 %). */
  relativeFloor?: number;
}

export type BaselineState = 'judged' | 'warming_up' | 'no_data' | 'low_volume';

export interface BaselinePoint {
  t: number;
  value: number | null;
  /** Null until the baseline knows the point's slot, level and noise. */
  expected: number | null;
  /** The band outside which the point is an outlier: expected ∓ cut × scale (on the u scale, mapped back). */
  lower: number | null;
  upper: number | null;
  /** The scale on the u scale (see ValueScale): the value's unit for plain values. */
  scale: number | null;
  /** (u(value) − u(expected)) / scale, the robust z; null without a value or an expectation. */
  score: number | null;
  /** |score| > cut on a judged point. */
  outlier: boolean;
  state: BaselineState;
}

export interface SeasonalBaseline {
  seasonality: SeasonalMode;
  /** W, the buckets the level median covers. */
  levelWindow: number;
  /** A: the points the level-shift rule looks back on (see the file comment). */
  admitAfter: number;
  /** Outliers on one side among the last A that make a new level. */
  shiftCount: number;
  cut: number;
  /** One per input point, in input order. */
  points: BaselinePoint[];
}

/** Median of the values (NaN when empty). */
export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(values).sort();
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Median absolute deviation from the median (unscaled; NaN when empty). */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** Median and MAD of an ascending array, the MAD by merging outwards from the median in O(n). */
function sortedMedianMad(s: readonly number[]): { median: number; mad: number } {
  const n = s.length;
  if (n === 0) return { median: NaN, mad: NaN };
  const m = n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  // distances grow leftwards from i and rightwards from j
  let j = 0;
  while (j < n && s[j]! < m) j++;
  let i = j - 1;
  const want = n % 2 === 1 ? [(n - 1) / 2] : [n / 2 - 1, n / 2];
  const found: number[] = [];
  for (let k = 0; k <= want[want.length - 1]!; k++) {
    const left = i >= 0 ? m - s[i]! : Infinity;
    const right = j < n ? s[j]! - m : Infinity;
    const d = left <= right ? left : right;
    if (left <= right) i--;
    else j++;
    if (want.includes(k)) found.push(d);
  }
  return { median: m, mad: found.reduce((a, b) => a + b, 0) / found.length };
}

/**
 * n·Var(median of n normal values)/σ²: 1 for one or two values (the median is then the mean), else
 * π/2, its large-sample value (a little above the exact one for 3…8 values: 1.35…1.52).
 */
export function medianVarianceFactor(n: number): number {
  return n <= 2 ? 1 : Math.PI / 2;
}

/**
 * How much wider than the noise σ the error of expected = level + seasonal is, when the seasonal is
 * the median of K values and the level the median of W: √(1 + c(K)/K + (π/2)/W) (K = 0: no seasonal).
 * The analogue of the leverage term of an OLS prediction interval (see forecast.ts).
 */
export function inflation(K: number, W: number): number {
  return Math.sqrt(1 + (K > 0 ? medianVarianceFactor(K) / K : 0) + Math.PI / 2 / W);
}

/** Merges ascending arrays into one ascending array. */
function mergeSorted(arrays: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  const at = arrays.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < arrays.length; k++) if (at[k]! < arrays[k]!.length && (best < 0 || arrays[k]![at[k]!]! < arrays[best]![at[best]!]!)) best = k;
    if (best < 0) return out;
    out.push(arrays[best]![at[best]!++]!);
  }
}

/** The last `capacity` values pushed, kept sorted as well, for a cheap median and MAD. */
export class RollingWindow {
  private readonly fifo: number[] = [];
  private head = 0;
  private readonly sorted: number[] = [];
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.sorted.length;
  }

  push(v: number): void {
    if (this.sorted.length >= this.capacity) {
      const old = this.fifo[this.head++]!;
      this.sorted.splice(this.lowerBound(old), 1);
      if (this.head > 1024 && this.head * 2 > this.fifo.length) {
        this.fifo.splice(0, this.head);
        this.head = 0;
      }
    }
    this.fifo.push(v);
    this.sorted.splice(this.lowerBound(v), 0, v);
  }

  /** The values, ascending (a view: do not modify). */
  values(): readonly number[] {
    return this.sorted;
  }

  /** Median and MAD (unscaled) of the window. */
  spread(): { median: number; mad: number } {
    return sortedMedianMad(this.sorted);
  }

  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** Hour of the day (0…23) and day of the week (0 = Monday … 6 = Sunday) of an instant in local time. */
export function localCalendar(t: number, offsetMinutes = 0): { hourOfDay: number; dayOfWeek: number } {
  const local = t + offsetMinutes * 60_000;
  // 1970-01-01 was a Thursday (3 when Monday is 0)
  return { hourOfDay: mod(Math.floor(local / HOUR_MS), 24), dayOfWeek: mod(Math.floor(local / DAY_MS) + 3, 7) };
}

/** The slot of an instant: hour of the week 0…167 (Monday 00:00 is 0), hour of the day, day of the week, or 0. */
export function slotOf(mode: SeasonalMode, t: number, offsetMinutes = 0): number {
  const c = localCalendar(t, offsetMinutes);
  if (mode === 'hour_of_week') return c.dayOfWeek * 24 + c.hourOfDay;
  if (mode === 'hour_of_day') return c.hourOfDay;
  if (mode === 'day_of_week') return c.dayOfWeek;
  return 0;
}

/** The seasonality used for a series of `bucketMs` buckets whose usable history covers `spanMs` (see the file comment). */
export function chooseSeasonality(requested: SeasonalityOption, bucketMs: number, spanMs: number): SeasonalMode {
  if (requested === 'none' || requested === 'hour_of_week' || requested === 'hour_of_day' || requested === 'day_of_week') return requested;
  const rule = requested === 'auto' ? (bucketMs < DAY_MS ? 'hourly' : bucketMs === DAY_MS ? 'daily' : 'none') : requested;
  if (rule === 'hourly') return spanMs >= 3 * WEEK_MS ? 'hour_of_week' : spanMs >= 3 * DAY_MS ? 'hour_of_day' : 'none';
  if (rule === 'daily') return spanMs >= 3 * WEEK_MS ? 'day_of_week' : 'none';
  return 'none';
}

export interface BaselineParameters {
  /** W: buckets in the level median, one day's worth clamped to 7…24. */
  levelWindow: number;
  /** A = ⌈W/2⌉: the points the level-shift rule looks back on. */
  admitAfter: number;
  /** ⌈3A/4⌉: outliers on one side among the last A that make a level shift (9 of 12, 3 of 4). */
  shiftCount: number;
  /** Values a slot's seasonal median covers: 8 cycles × buckets per slot per cycle. */
  slotMemory: number;
  /** Residuals in the global scale: 2 weeks of buckets, clamped to 28…1000. */
  residualMemory: number;
  /** Residuals per hour of the day: 28 days' worth. */
  localMemory: number;
  /** Warm-up from the first usable point, in ms. */
  warmupMs: number;
  /** Sub-daily buckets have a scale per hour of the day as well. */
  localScale: boolean;
}

/** The memories of the baseline for a seasonality and a bucket size (see the file comment). */
export function baselineParameters(mode: SeasonalMode, bucketMs: number): BaselineParameters {
  const levelWindow = Math.min(24, Math.max(7, Math.round(DAY_MS / bucketMs)));
  const perHour = Math.max(1, Math.round(HOUR_MS / bucketMs));
  const perDay = Math.max(1, Math.round(DAY_MS / bucketMs));
  const warmupMs = mode === 'hour_of_week' || mode === 'day_of_week' ? 2 * WEEK_MS : mode === 'hour_of_day' ? 2 * DAY_MS : levelWindow * bucketMs;
  return {
    levelWindow,
    admitAfter: Math.ceil(levelWindow / 2),
    shiftCount: Math.ceil((3 * Math.ceil(levelWindow / 2)) / 4),
    slotMemory: SEASONAL_MEMORY_CYCLES * (mode === 'day_of_week' ? perDay : perHour),
    residualMemory: Math.min(1000, Math.max(28, Math.round((2 * WEEK_MS) / bucketMs))),
    localMemory: 28 * perHour,
    warmupMs,
    localScale: bucketMs < DAY_MS,
  };
}

/**
 * The scale the decomposition works on, chosen so that the noise has a known, constant spread
 * (Anscombe, "The Transformation of Poisson, Binomial and Negative-Binomial Data", Biometrika 35, 1948):
 *   count:      u = 2√(y + 3/8),                        noise sd 1;
 *   proportion: u = asin √((p·n + 3/8) / (n + 3/4)),     noise sd 1 / (2√(n + ½))  (n = volume);
 *   value:      u = y,                                   noise sd unknown (estimated only).
 * Counts and rates are skewed (a quiet hour of 20 runs reaches 38 far more often than a normal
 * law says): on this scale their tails are symmetric, and bands come back asymmetric.
 */
export interface ValueScale {
  fwd(y: number, n: number): number;
  inv(u: number, n: number): number;
  /** Standard deviation of the noise on the u scale (1 when unknown). */
  sd(n: number): number;
  /** Whether sd is a noise model (then the dispersion never goes under 1). */
  modelled: boolean;
}

const IDENTITY: ValueScale = { fwd: (y) => y, inv: (u) => u, sd: () => 1, modelled: false };
const ANSCOMBE_POISSON: ValueScale = {
  fwd: (y) => 2 * Math.sqrt(Math.max(0, y) + 0.375),
  inv: (u) => Math.max(0, (Math.max(0, u) / 2) ** 2 - 0.375),
  sd: () => 1,
  modelled: true,
};
const ANSCOMBE_BINOMIAL: ValueScale = {
  fwd: (p, n) => Math.asin(Math.sqrt((Math.min(1, Math.max(0, p)) * n + 0.375) / (n + 0.75))),
  inv: (u, n) => Math.min(1, Math.max(0, (Math.sin(Math.min(Math.PI / 2, Math.max(0, u))) ** 2 * (n + 0.75) - 0.375) / n)),
  sd: (n) => 1 / (2 * Math.sqrt(n + 0.5)),
  modelled: true,
};

/** The scale of a kind of value (see ValueScale). */
export function valueScale(kind: ValueKind): ValueScale {
  return kind === 'count' ? ANSCOMBE_POISSON : kind === 'proportion' ? ANSCOMBE_BINOMIAL : IDENTITY;
}

type UsableOptions = Pick<SeasonalBaselineOptions, 'minVolume' | 'kind'>;

/** Whether a point feeds and can be judged by the baseline: a finite value on a large enough volume. */
function usablePoint(p: BaselineInput, o: UsableOptions): boolean {
  if (p.value === null || !Number.isFinite(p.value)) return false;
  if (o.minVolume !== undefined && p.volume !== undefined && p.volume < o.minVolume) return false;
  return !(o.kind === 'proportion' && !(p.volume !== undefined && p.volume > 0));
}

/** The seasonality seasonalBaseline uses for a series: from the time between its first usable point and its last point. */
export function seasonalityOf(series: readonly BaselineInput[], o: Pick<SeasonalBaselineOptions, 'bucketMs' | 'seasonality' | 'minVolume' | 'kind'>): SeasonalMode {
  let first = Infinity;
  let last = -Infinity;
  for (const p of series) {
    if (p.t > last) last = p.t;
    if (p.t < first && usablePoint(p, o)) first = p.t;
  }
  return chooseSeasonality(o.seasonality ?? 'auto', o.bucketMs, first === Infinity ? 0 : last - first + o.bucketMs);
}

interface LevelEntry {
  /** Deseasonalized value the level median reads: cleaned, or raw once admitted. */
  v: number;
  raw: number;
}

/**
 * Runs the baseline over a series (any order; judged in time order, returned in input order).
 * See the file comment for the method.
 */
export function seasonalBaseline(series: readonly BaselineInput[], o: SeasonalBaselineOptions): SeasonalBaseline {
  if (!Number.isFinite(o.bucketMs) || o.bucketMs <= 0) throw new RangeError(`bucketMs must be a positive number, got ${o.bucketMs}`);
  const cut = o.cut ?? 3.5;
  if (!(cut > 0)) throw new RangeError(`cut must be positive, got ${cut}`);
  const kind = o.kind ?? 'value';
  const scaleOf = valueScale(kind);
  const minScale = Math.max(o.minScale ?? 1e-9, 1e-300);
  const relativeFloor = o.relativeFloor ?? RELATIVE_SCALE_FLOOR;
  const offset = o.timezoneOffsetMinutes ?? (() => 0);

  const hasValue = (p: BaselineInput) => p.value !== null && Number.isFinite(p.value);
  const usable = (p: BaselineInput) => usablePoint(p, o);
  const idle = (p: BaselineInput): BaselineState => (!hasValue(p) ? 'no_data' : 'low_volume');
  const n = (p: BaselineInput) => p.volume ?? 1;

  const order = series.map((_, i) => i).sort((a, b) => series[a]!.t - series[b]!.t || a - b);
  const firstUsable = order.find((i) => usable(series[i]!));
  const t0 = firstUsable === undefined ? 0 : series[firstUsable]!.t;
  const mode = seasonalityOf(series, o);
  const P = baselineParameters(mode, o.bucketMs);
  const W = P.levelWindow;
  const warmEnd = t0 + P.warmupMs;

  const slotKey = (t: number) => slotOf(mode, t, offset(t));
  const groupKey = (t: number) => (P.localScale ? localCalendar(t, offset(t)).hourOfDay : 0);

  // all of the state lives on the u scale
  const slots = new Map<number, number[]>();
  const level: LevelEntry[] = [];
  const residuals = new RollingWindow(P.residualMemory);
  const local = new Map<number, RollingWindow>();
  const recent: { sign: number; entry: LevelEntry }[] = [];

  const pushSlot = (key: number, v: number) => {
    let a = slots.get(key);
    if (!a) slots.set(key, (a = []));
    a.push(v);
    if (a.length > P.slotMemory) a.shift();
  };
  const pushLevel = (e: LevelEntry) => {
    level.push(e);
    if (level.length > W) level.shift();
  };
  /** Residuals are kept in units of the noise sd and of the forecast's inflation. */
  const pushResidual = (t: number, r: number) => {
    residuals.push(r);
    if (!P.localScale) return;
    const g = groupKey(t);
    let w = local.get(g);
    if (!w) local.set(g, (w = new RollingWindow(P.localMemory)));
    w.push(r);
  };
  const seasonalOf = (key: number): number | null => {
    if (mode === 'none') return 0;
    const a = slots.get(key);
    return a && a.length ? median(a) : null;
  };
  const slotCount = (key: number): number => (mode === 'none' ? 0 : (slots.get(key)?.length ?? 0));
  const levelNow = (): number | null => (level.length ? median(level.map((e) => e.v)) : null);
  /** An expectation on the u scale, moved into the values' range (no negative count). */
  const settle = (u: number, nn: number) => scaleOf.fwd(scaleOf.inv(u, nn), nn);

  /** Dispersion σ̂ (≥ the floors) × noise sd × the inflation for a forecast from K slot values: the scale on u. */
  const scaleAt = (t: number, expected: number, L: number, nn: number, K: number): number => {
    const sd = scaleOf.sd(nn);
    let sigma = residuals.size ? MAD_TO_SIGMA * residuals.spread().mad : 0;
    if (scaleOf.modelled) sigma = Math.max(sigma, 1);
    else sigma = Math.max(sigma, minScale, relativeFloor * Math.max(Math.abs(expected), Math.abs(L)));
    if (P.localScale) {
      // the hour of the day and its two neighbours, pooled
      const h = groupKey(t);
      const pooled = mergeSorted([h - 1, h, h + 1].map((g) => local.get(mod(g, 24))?.values() ?? []));
      if (pooled.length >= MIN_LOCAL_RESIDUALS) sigma = Math.max(sigma, MAD_TO_SIGMA * sortedMedianMad(pooled).mad);
    }
    return sigma * sd * inflation(K, W);
  };

  // warm-up: one batch decomposition of the first cycles
  const warm: number[] = [];
  let started = false;
  const start = () => {
    started = true;
    if (warm.length === 0) return;
    const values = warm.map((i) => scaleOf.fwd(series[i]!.value!, n(series[i]!)));
    const l0 = median(values);
    const members = new Map<number, number[]>();
    warm.forEach((i, k) => {
      const key = slotKey(series[i]!.t);
      pushSlot(key, values[k]! - l0);
      let m = members.get(key);
      if (!m) members.set(key, (m = []));
      m.push(values[k]!);
    });
    warm.forEach((i, k) => {
      const key = slotKey(series[i]!.t);
      const s = seasonalOf(key)!;
      pushLevel({ v: values[k]! - s, raw: values[k]! - s });
      // leave-one-out residual within the slot (the whole warm-up without seasonality): a value
      // minus the median of m others spreads as sd·√(1 + c(m)/m)
      const others = [...members.get(key)!];
      others.splice(others.indexOf(values[k]!), 1);
      const m = others.length;
      if (m) pushResidual(series[i]!.t, (values[k]! - median(others)) / (scaleOf.sd(n(series[i]!)) * Math.sqrt(1 + medianVarianceFactor(m) / m)));
    });
  };

  const out: BaselinePoint[] = new Array(series.length);
  for (const i of order) {
    const p = series[i]!;
    const key = slotKey(p.t);
    const point: BaselinePoint = { t: p.t, value: hasValue(p) ? p.value : null, expected: null, lower: null, upper: null, scale: null, score: null, outlier: false, state: 'warming_up' };
    out[i] = point;
    if (!started && p.t < warmEnd) {
      if (usable(p)) warm.push(i);
      else point.state = idle(p);
      continue;
    }
    if (!started) start();

    const nn = n(p);
    const s = seasonalOf(key);
    const L = levelNow();
    const K = slotCount(key);
    let e: number | null = null; // the expectation on the u scale
    if (s !== null && L !== null && residuals.size >= MIN_RESIDUALS) {
      e = settle(L + s, nn);
      const scale = scaleAt(p.t, e, L, nn, K);
      point.expected = scaleOf.inv(e, nn);
      point.lower = scaleOf.inv(e - cut * scale, nn);
      point.upper = scaleOf.inv(e + cut * scale, nn);
      point.scale = scale;
      if (point.value !== null) point.score = (scaleOf.fwd(point.value, nn) - e) / scale;
    }
    if (!usable(p)) {
      point.state = idle(p);
      continue;
    }
    const u = scaleOf.fwd(p.value!, nn);
    if (e === null || L === null || s === null) {
      // not enough history yet (a slot never seen, too few residuals): learn from the point, judge later
      if (L !== null) pushSlot(key, u - L);
      if (s !== null) pushLevel({ v: u - s, raw: u - s });
      if (s !== null && L !== null) pushResidual(p.t, (u - settle(L + s, nn)) / (scaleOf.sd(nn) * inflation(K, W)));
      continue;
    }
    const score = point.score!;
    const outlier = Math.abs(score) > cut;
    point.outlier = outlier;
    point.state = 'judged';

    // update: an outlier enters as its expected value
    const clean = outlier ? e : u;
    pushSlot(key, clean - L);
    const entry: LevelEntry = { v: clean - s, raw: u - s };
    pushLevel(entry);
    if (!outlier) pushResidual(p.t, (u - e) / (scaleOf.sd(nn) * inflation(K, W)));
    // most of the last A points beyond the cut on one side: a new level, which the level restarts from
    const sign = outlier ? Math.sign(score) : 0;
    recent.push({ sign, entry });
    if (recent.length > P.admitAfter) recent.shift();
    if (sign !== 0 && recent.length === P.admitAfter && recent.filter((r) => r.sign === sign).length >= P.shiftCount) {
      level.length = 0;
      for (const r of recent) level.push({ v: r.entry.raw, raw: r.entry.raw });
      recent.length = 0;
    }
  }

  return { seasonality: mode, levelWindow: W, admitAfter: P.admitAfter, shiftCount: P.shiftCount, cut, points: out };
}
