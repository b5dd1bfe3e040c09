/**
 * The part of a kept day's exact summary state about a range of its quarter hours (partOfDay), worked out by hand:
 * the cohort rows of the quarter hours in the range, the values of executions enrolled in them (still ascending),
 * the moments at instants in it; the whole state for a range holding the day; a range off quarter hours refused.
 * test/summary-days.test.ts checks whole periods against the one-pass statement on a real store.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY_MS } from '../time/calendar.js';
import { emptyDayState, partOfDay, type DayState, type Sample } from './summary-days.js';

const Q = 900_000;
/** A sample of (value, quarter hour) pairs, ascending by value. */
const sample = (...pairs: [number, number][]): Sample => ({ values: Float64Array.from(pairs, (p) => p[0]), quarters: Uint8Array.from(pairs, (p) => p[1]) });
const pairs = (s: Sample) => [...s.values].map((v, i) => [v, s.quarters[i]]);
const day = 20_000;
const start = day * DAY_MS;

function state(): DayState {
  const s = emptyDayState(true);
  // quarter hours 3, 4 and 95 (the day's last): outcomes, sums
  s.quarters = [
    { q: 3, outcome: 'completed', n: 2, durSum: 5, convSum: 0, goalValue: 1 },
    { q: 4, outcome: 'completed', n: 1, durSum: 2, convSum: 0, goalValue: 0 },
    { q: 4, outcome: 'exited', n: 1, durSum: 0, convSum: 0, goalValue: 0 },
    { q: 95, outcome: 'completed', n: 1, durSum: 7, convSum: 3, goalValue: 2 },
  ];
  for (const r of s.quarters) s.outcomes.set(r.outcome, (s.outcomes.get(r.outcome) ?? 0) + r.n);
  s.durSum = 14;
  s.convSum = 3;
  s.goalValue = 3;
  // durations (ms) of the completed ones: two in quarter 3, one in 4, one in 95 — ascending once packed
  s.values = { dur: sample([1000, 4], [2000, 3], [3000, 3], [7000, 95]), conv: sample([3000, 95]) };
  // moments: (kind, quarter hour's start, count)
  s.moments = Float64Array.from([0, start + 3 * Q, 2, 0, start + 4 * Q, 2, 1, start + 4 * Q, 1, 0, start + 95 * Q, 1, 1, start + 95 * Q, 2]);
  return s;
}

test('the quarter hours [3, 5) of a day: their cohort rows, values and moments', () => {
  const part = partOfDay(state(), day, start + 3 * Q, start + 5 * Q);
  assert.deepEqual([...part.outcomes], [['completed', 3], ['exited', 1]]);
  assert.deepEqual([part.durSum, part.convSum, part.goalValue], [7, 0, 1]);
  assert.deepEqual(pairs(part.values!.dur), [[1000, 4], [2000, 3], [3000, 3]]);
  assert.deepEqual(pairs(part.values!.conv), []);
  assert.deepEqual([...part.moments], [0, start + 3 * Q, 2, 0, start + 4 * Q, 2, 1, start + 4 * Q, 1]);
});

test('a range from before the day to its quarter hour 4 takes quarter hours 0–3; one reaching past its end takes 95', () => {
  const early = partOfDay(state(), day, start - 5 * Q, start + 4 * Q);
  assert.deepEqual([...early.outcomes], [['completed', 2]]);
  assert.deepEqual(pairs(early.values!.dur), [[2000, 3], [3000, 3]]);
  const late = partOfDay(state(), day, start + 95 * Q, start + DAY_MS + 10 * Q);
  assert.deepEqual([...late.outcomes], [['completed', 1]]);
  assert.deepEqual([late.durSum, late.convSum, late.goalValue], [7, 3, 2]);
  assert.deepEqual(pairs(late.values!.conv), [[3000, 95]]);
  assert.deepEqual([...late.moments], [0, start + 95 * Q, 1, 1, start + 95 * Q, 2]);
});

test('a range holding the day gives the state itself; a range off quarter hours, or a state by buckets, is refused', () => {
  const s = state();
  assert.equal(partOfDay(s, day, start - DAY_MS, start + 2 * DAY_MS), s);
  assert.throws(() => partOfDay(s, day, start + 60_000, start + 5 * Q), /quarter hours/);
  assert.throws(() => partOfDay(emptyDayState(false), day, start + Q, start + 5 * Q), /buckets/);
});
