/**
 * Cost forecast: the daily USD and credits of the last `historyDays` complete days (in `timezone`,
 * starting at the first day with any cost) are fitted with src/stats/forecast.ts (linear trend +
 * weekly seasonality, OLS) and projected over the next `horizon` days starting today, with a 95 %
 * prediction interval; the backtest refits without the last 14 days and reports its error on them.
 * Totals over the horizon add the daily forecasts; their interval assumes independent daily errors
 * (z·√Σσᵢ²).
 */
import type { Store } from '../../store/store.js';
import { assertBounded } from '../../errors/domain-errors.js';
import { backtest, fit, predict, Z_95, type ForecastPoint, type TrendModel } from '../../stats/forecast.js';
import { addDays, localDate, startOfLocalDay } from '../../time/calendar.js';
import { parsePeriod } from '../period.js';
import { costSeries, costTotal, r4 } from './costs.js';
import type { Target } from './target.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const weekdayOf = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

interface Fitted {
  start: string;
  usd: number[];
  credits: number[];
  daily: Array<{ date: string; usd: number; credits: number }>;
}

/** The daily history ending yesterday (in tz), from its first day with any cost. */
async function history(store: Store, t: Target, tz: string, historyDays: number, now: Date): Promise<Fitted> {
  const today = localDate(now, tz);
  const p = parsePeriod({ start_date: addDays(today, -historyDays), end_date: addDays(today, -1), timezone: tz, granularity: 'daily' }, now);
  const { buckets } = await costSeries(store, t, p);
  const first = buckets.findIndex((b) => b.usd !== 0 || b.credits !== 0);
  const used = first < 0 ? [] : buckets.slice(first);
  return { start: used[0]?.date ?? today, usd: used.map((b) => b.usd), credits: used.map((b) => b.credits), daily: buckets };
}

function modelOut(m: TrendModel) {
  return {
    name: m.name,
    days_fitted: m.n,
    intercept: r4(m.intercept),
    slope_per_day: r4(m.slope),
    weekday_effects: Object.fromEntries(WEEKDAYS.map((d, i) => [d, r4(m.weekday_effects[i]!)])),
    residual_sd: r4(m.sigma),
  };
}

const total = (pts: ForecastPoint[]) => {
  const value = pts.reduce((s, p) => s + p.value, 0);
  const sd = Math.sqrt(pts.reduce((s, p) => s + ((p.upper - p.lower) / 2 / Z_95) ** 2, 0));
  return { value: r4(value), lower: r4(Math.max(0, value - Z_95 * sd)), upper: r4(value + Z_95 * sd) };
};

const backtestOut = (b: ReturnType<typeof backtest>) =>
  b && { holdout_days: b.holdout_days, mae: r4(b.mae), rmse: r4(b.rmse), wape_percent: b.wape_percent === null ? null : r4(b.wape_percent), interval_coverage_percent: r4(b.interval_coverage_percent) };

/** The bounds of a forecast request (the route's schema says the same; checked again where they size work). */
export const FORECAST_LIMITS = { historyDays: { min: 7, max: 365 }, horizonDays: { min: 1, max: 90 } } as const;

export async function costForecast(store: Store, t: Target, tz: string, historyDays: number, horizon: number, now = new Date()) {
  assertBounded(historyDays, FORECAST_LIMITS.historyDays.min, FORECAST_LIMITS.historyDays.max, 'history_days');
  assertBounded(horizon, FORECAST_LIMITS.horizonDays.min, FORECAST_LIMITS.horizonDays.max, 'horizon_days');
  const h = await history(store, t, tz, historyDays, now);
  const today = localDate(now, tz);
  const weekday = weekdayOf(h.start);
  const usdModel = fit(h.usd, weekday);
  const creditsModel = fit(h.credits, weekday);
  const usd = predict(usdModel, horizon);
  const credits = predict(creditsModel, horizon);
  const usdTotal = total(usd);
  const creditsTotal = total(credits);
  return {
    timezone: tz,
    confidence: 0.95,
    history: { start_date: addDays(today, -historyDays), end_date: addDays(today, -1), fitted_from: h.usd.length ? h.start : null, daily: h.daily },
    model: { usd: modelOut(usdModel), credits: modelOut(creditsModel) },
    backtest: { usd: backtestOut(backtest(h.usd, weekday)), credits: backtestOut(backtest(h.credits, weekday)) },
    forecast: usd.map((p, i) => ({
      date: addDays(today, i),
      usd: r4(p.value), usd_lower: r4(p.lower), usd_upper: r4(p.upper),
      credits: r4(credits[i]!.value), credits_lower: r4(credits[i]!.lower), credits_upper: r4(credits[i]!.upper),
    })),
    totals: {
      days: horizon,
      usd: usdTotal.value, usd_lower: usdTotal.lower, usd_upper: usdTotal.upper,
      credits: creditsTotal.value, credits_lower: creditsTotal.lower, credits_upper: creditsTotal.upper,
    },
  };
}

/**
 * The calendar month (in tz) that contains `now`: USD spent so far, and the forecast for the whole
 * month = spent so far + the model's forecast for the rest of today (pro rata) and the days after.
 */
export async function monthOutlook(store: Store, t: Target, tz: string, now = new Date()) {
  const today = localDate(now, tz);
  const month = today.slice(0, 7);
  const monthStart = startOfLocalDay(`${month}-01`, tz);
  const nextMonth = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
  const [spent, h] = await Promise.all([costTotal(store, t, { from: monthStart, to: now, tz }), history(store, t, tz, 90, now)]);
  const daysLeft = Math.round((Date.parse(`${nextMonth}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  const points = predict(fit(h.usd, weekdayOf(h.start)), daysLeft);
  const todayStart = startOfLocalDay(today, tz).getTime();
  const todayEnd = startOfLocalDay(addDays(today, 1), tz).getTime();
  const restOfToday = (todayEnd - now.getTime()) / (todayEnd - todayStart);
  const rest = points.reduce((s, p, i) => s + p.value * (i === 0 ? restOfToday : 1), 0);
  return { month, spent_usd: spent.usd, forecast_usd: r4(spent.usd + rest) };
}
