import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backtest, fit, holdoutDays, predict, solve } from './forecast.js';

// A repeatable ±amplitude noise (no Math.random: the bounds below must hold on every run).
function noise(t: number, amplitude: number): number {
  const x = Math.sin(t * 12.9898 + 78.233) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 2 * amplitude;
}

const WEEK = [10, 12, 11, 9, 14, -24, -32]; // Monday…Sunday, sums to 0

test('solve: a small system, and a singular one', () => {
  assert.deepEqual(solve([[2, 1], [1, 3]], [3, 5])!.map((v) => Math.round(v * 1e9) / 1e9), [0.8, 1.4]);
  assert.equal(solve([[1, 2], [2, 4]], [1, 2]), null);
});

test('trend + weekly seasonality: recovers the parameters and forecasts 30 days within the bound', () => {
  // 84 days from a Wednesday (weekday 2): 100 + 1.5·t + weekday effect + noise of at most ±4
  const first = 2;
  const truth = (t: number) => 100 + 1.5 * t + WEEK[(first + t) % 7]!;
  const y = Array.from({ length: 84 }, (_, t) => truth(t) + noise(t, 4));
  const m = fit(y, first);
  assert.equal(m.name, 'linear_trend_weekly_seasonality');
  assert.ok(Math.abs(m.slope - 1.5) < 0.05, `slope ${m.slope}`);
  assert.ok(Math.abs(m.intercept - 100) < 2.5, `intercept ${m.intercept}`);
  m.weekday_effects.forEach((e, d) => assert.ok(Math.abs(e - WEEK[d]!) < 2, `weekday ${d}: ${e} vs ${WEEK[d]}`));
  assert.ok(m.sigma > 1 && m.sigma < 4, `sigma ${m.sigma}`);

  const f = predict(m, 30);
  assert.equal(f.length, 30);
  assert.equal(f[0]!.t, 84);
  const errors = f.map((p) => Math.abs(p.value - truth(p.t)));
  assert.ok(Math.max(...errors) < 4, `largest error ${Math.max(...errors)}`);
  // the interval holds the noiseless truth and widens with the horizon
  for (const p of f) assert.ok(p.lower < truth(p.t) && truth(p.t) < p.upper);
  assert.ok(f[29]!.upper - f[29]!.lower > f[0]!.upper - f[0]!.lower);

  const b = backtest(y, first)!;
  assert.equal(b.holdout_days, 14);
  assert.ok(b.mae < 4, `backtest MAE ${b.mae}`);
  assert.ok(b.wape_percent! < 3, `backtest WAPE ${b.wape_percent}`);
  assert.ok(b.interval_coverage_percent >= 85, `coverage ${b.interval_coverage_percent}`);
});

test('a flat series forecasts itself with a zero-width interval and no backtest error', () => {
  const y = Array.from({ length: 60 }, () => 50);
  const f = predict(fit(y, 0), 30);
  for (const p of f) {
    assert.ok(Math.abs(p.value - 50) < 1e-9);
    assert.ok(Math.abs(p.upper - p.lower) < 1e-6);
  }
  const b = backtest(y, 0)!;
  assert.ok(b.mae < 1e-9);
  assert.ok(b.wape_percent! < 1e-9);
  assert.equal(b.interval_coverage_percent, 100);
});

test('all zeros, short and empty series; forecasts are never negative', () => {
  assert.deepEqual(predict(fit(new Array(30).fill(0), 3), 2).map((p) => [p.value, p.lower, p.upper].map((v) => Math.abs(Math.round(v * 1e9) / 1e9))), [[0, 0, 0], [0, 0, 0]]);
  assert.equal(backtest(new Array(30).fill(0), 3)!.wape_percent, null);
  assert.equal(fit([5, 7], 0).name, 'mean');
  assert.equal(predict(fit([5, 7], 0), 1)[0]!.value, 6);
  assert.equal(fit([1, 2, 3, 4, 5], 0).name, 'linear_trend');
  assert.ok(Math.abs(predict(fit([1, 2, 3, 4, 5], 0), 1)[0]!.value - 6) < 1e-9);
  assert.deepEqual(predict(fit([], 0), 1)[0], { t: 0, value: 0, lower: 0, upper: 0 });
  // a steep decline is cut at 0
  assert.equal(predict(fit([40, 30, 20, 10, 5], 0), 10)[9]!.value, 0);
  assert.equal(backtest([1, 2, 3], 0), null);
  assert.equal(holdoutDays(90), 14);
  assert.equal(holdoutDays(20), 5);
});
