import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalesce, TouchLog } from './touched-ranges.js';

const H = 3_600_000;

test('event hours and execution spans coalesce into whole UTC hours', () => {
  assert.deepEqual(coalesce([10 * H + 5, 10 * H + 59 * 60_000, 11 * H], [[20 * H, 22 * H]]), [[10 * H, 12 * H], [20 * H, 22 * H]]);
  assert.deepEqual(coalesce([], [[0, 2 * H], [H, 3 * H]]), [[0, 3 * H]]);
  // too many ranges fold into the one from the first to the last: still a superset
  const many = coalesce(Array.from({ length: 100 }, (_, i) => i * 2 * H));
  assert.deepEqual(many, [[0, 199 * H]]);
});

test('an answer holds only while every later generation is known and touched nothing of its range', () => {
  const log = new TouchLog();
  const k = 'acc\u0000wf';
  log.record(k, 1, [[0, H]]);
  const live: readonly (readonly [number, number])[] = [[100 * H, 101 * H]];
  log.record(k, 2, live);
  log.record(k, 3, live);
  assert.equal(log.unchanged(k, 1, 3, 10 * H, 20 * H), true, 'generations 2 and 3 touched only hour 100');
  assert.equal(log.unchanged(k, 1, 3, 95 * H, 100 * H + 1), false, 'they touched its last instant');
  assert.equal(log.unchanged(k, 0, 3, 0, 1), false, 'generation 1 touched hour 0');
  assert.equal(log.unchanged(k, 3, 3, 0, 1), true, 'nothing since');
  // generation 4 is unknown (a rebuild, a catalog change, a batch whose facts are not written): a gap
  log.record(k, 5, live);
  assert.equal(log.unchanged(k, 3, 5, 10 * H, 20 * H), false, 'a gap touches everything');
  assert.equal(log.unchanged(k, 4, 5, 10 * H, 20 * H), true);
  assert.equal(log.unchanged('other', 0, 1, 10 * H, 20 * H), false, 'a workflow with no known changes');
  // resolved out of order (a retried write)
  log.record(k, 4, live);
  assert.equal(log.unchanged(k, 1, 5, 10 * H, 20 * H), true);
});

test('of cohort figures, a generation touched only its executions\' enrolment hours', () => {
  const log = new TouchLog();
  const k = 'acc\u0000wf';
  // a late event of an execution enrolled at hour 10: its span is hours 10 to 100, its enrolment hour 10
  log.record(k, 1, [[10 * H, 101 * H]], [[10 * H, 11 * H]]);
  assert.equal(log.unchanged(k, 0, 1, 50 * H, 74 * H), false, 'a day it spans: its figures may have moved');
  assert.equal(log.unchanged(k, 0, 1, 50 * H, 74 * H, true), true, 'no execution enrolled that day changed');
  assert.equal(log.unchanged(k, 0, 1, 0, 24 * H, true), false, 'its enrolment day did');
  // a generation recorded with one list touches cohort figures as much as any
  log.record(k, 2, [[60 * H, 61 * H]]);
  assert.equal(log.unchanged(k, 1, 2, 50 * H, 74 * H, true), false);
});
