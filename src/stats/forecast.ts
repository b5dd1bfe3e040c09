/**
 * An explainable daily forecast: ordinary least squares on
 *     y(t) = a + b·t + s(weekday(t)),   with the seven weekday effects s summing to 0,
 * i.e. a straight trend plus a fixed weekly pattern. With fewer than 14 days the weekday effects are
 * dropped (trend only), with fewer than 4 days the forecast is the mean. The prediction interval is
 * the OLS one: ŷ ± z·σ·√(1 + x₀ᵀ(XᵀX)⁻¹x₀), σ² = SSE / (n − p), z = 1.96 for 95 %; values below 0 are
 * cut at 0 (costs are never negative). `backtest` refits without the last days and scores the
 * forecast of those days against what happened.
 */

export type ModelName = 'linear_trend_weekly_seasonality' | 'linear_trend' | 'mean';

export interface TrendModel {
  name: ModelName;
  /** Days the model was fitted on. */
  n: number;
  /** Weekday (0 = Monday … 6 = Sunday) of day 0. */
  firstWeekday: number;
  intercept: number;
  /** Change per day. */
  slope: number;
  /** Effect of each weekday, Monday first (all 0 without seasonality). */
  weekday_effects: number[];
  /** Residual standard deviation. */
  sigma: number;
  /** (XᵀX)⁻¹, for the width of prediction intervals. */
  inverse: number[][];
}

export interface ForecastPoint {
  /** Day index, continuing the fitted series (n, n + 1, …). */
  t: number;
  value: number;
  lower: number;
  upper: number;
}

export interface Backtest {
  holdout_days: number;
  /** Mean absolute error per day. */
  mae: number;
  rmse: number;
  /** Σ|error| / Σ|actual| × 100 (null when nothing was spent in the holdout). */
  wape_percent: number | null;
  /** Share of holdout days whose actual value fell inside the prediction interval, in percent. */
  interval_coverage_percent: number;
}

export const Z_95 = 1.959964;

function design(name: ModelName, t: number, firstWeekday: number): number[] {
  if (name === 'mean') return [1];
  if (name === 'linear_trend') return [1, t];
  // effect coding: Monday…Saturday get their own column, Sunday is minus their sum
  const d = (firstWeekday + t) % 7;
  const dummies = Array.from({ length: 6 }, (_, k) => (d === 6 ? -1 : d === k ? 1 : 0));
  return [1, t, ...dummies];
}

/** Solves A·x = b (A square) by Gaussian elimination with partial pivoting; null when singular. */
export function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    if (Math.abs(m[pivot]![c]!) < 1e-12) return null;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      if (f !== 0) for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

function modelFor(n: number): ModelName {
  return n >= 14 ? 'linear_trend_weekly_seasonality' : n >= 4 ? 'linear_trend' : 'mean';
}

/** Fits the model to a daily series (day 0 is a `firstWeekday`, 0 = Monday). */
export function fit(y: readonly number[], firstWeekday: number, name: ModelName = modelFor(y.length)): TrendModel {
  const n = y.length;
  if (n === 0) return { name: 'mean', n, firstWeekday, intercept: 0, slope: 0, weekday_effects: [0, 0, 0, 0, 0, 0, 0], sigma: 0, inverse: [[0]] };
  const rows = y.map((_, t) => design(name, t, firstWeekday));
  const p = rows[0]!.length;
  const xtx = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + r[i]! * r[j]!, 0)));
  const xty = Array.from({ length: p }, (_, i) => rows.reduce((s, r, t) => s + r[i]! * y[t]!, 0));
  const beta = solve(xtx, xty);
  if (!beta) return fit(y, firstWeekday, name === 'linear_trend_weekly_seasonality' ? 'linear_trend' : 'mean');
  const inverse = Array.from({ length: p }, (_, j) => solve(xtx, Array.from({ length: p }, (_, i) => (i === j ? 1 : 0)))!);
  // (inverse is built column by column; XᵀX is symmetric, so columns and rows coincide)
  const sse = rows.reduce((s, r, t) => s + (y[t]! - dot(r, beta)) ** 2, 0);
  const sigma = n > p ? Math.sqrt(sse / (n - p)) : 0;
  const effects = [0, 0, 0, 0, 0, 0, 0];
  if (name === 'linear_trend_weekly_seasonality') {
    for (let k = 0; k < 6; k++) effects[k] = beta[2 + k]!;
    effects[6] = -beta.slice(2).reduce((s, v) => s + v, 0);
  }
  return { name, n, firstWeekday, intercept: beta[0]!, slope: name === 'mean' ? 0 : beta[1]!, weekday_effects: effects, sigma, inverse };
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, v, i) => s + v * b[i]!, 0);
}

/** The longest forecast predict makes, in days. */
export const MAX_HORIZON = 3660;

/** Forecasts `horizon` days after the fitted ones, with a prediction interval at `z` (95 % by default). */
export function predict(model: TrendModel, horizon: number, z = Z_95): ForecastPoint[] {
  // sized by a request: checked here too, whatever the caller checked (a non-finite horizon looped for ever)
  if (!Number.isInteger(horizon) || horizon < 0 || horizon > MAX_HORIZON) throw new RangeError(`horizon must be a whole number from 0 to ${MAX_HORIZON}, got ${horizon}`);
  const out: ForecastPoint[] = [];
  for (let h = 0; h < horizon; h++) {
    const t = model.n + h;
    const x = design(model.name, t, model.firstWeekday);
    const value = model.n === 0 ? 0 : model.intercept + (model.name === 'mean' ? 0 : model.slope * t) + model.weekday_effects[(model.firstWeekday + t) % 7]!;
    const leverage = model.n === 0 ? 0 : dot(x, model.inverse.map((row) => dot(row, x)));
    const half = z * model.sigma * Math.sqrt(1 + Math.max(0, leverage));
    out.push({ t, value: Math.max(0, value), lower: Math.max(0, value - half), upper: Math.max(0, value + half) });
  }
  return out;
}

/** Days held out for the backtest: 14 with four weeks of history or more, else a quarter of it. */
export function holdoutDays(n: number): number {
  return n >= 28 ? 14 : Math.floor(n / 4);
}

/** Refits without the last `holdout` days and scores the forecast of those days; null when too short. */
export function backtest(y: readonly number[], firstWeekday: number, holdout = holdoutDays(y.length), z = Z_95): Backtest | null {
  if (holdout < 1 || y.length - holdout < 1) return null;
  const train = y.slice(0, y.length - holdout);
  const actual = y.slice(y.length - holdout);
  const predicted = predict(fit(train, firstWeekday), holdout, z);
  let abs = 0;
  let sq = 0;
  let inside = 0;
  predicted.forEach((p, i) => {
    const a = actual[i]!;
    abs += Math.abs(a - p.value);
    sq += (a - p.value) ** 2;
    if (a >= p.lower - 1e-9 && a <= p.upper + 1e-9) inside++;
  });
  const total = actual.reduce((s, v) => s + Math.abs(v), 0);
  return {
    holdout_days: holdout,
    mae: abs / holdout,
    rmse: Math.sqrt(sq / holdout),
    wape_percent: total > 0 ? (abs / total) * 100 : null,
    interval_coverage_percent: (inside / holdout) * 100,
  };
}
