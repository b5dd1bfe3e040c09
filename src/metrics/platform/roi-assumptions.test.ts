/** The account's ROI assumptions: checking a new time-saved list, and what a request for ROI uses. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roiAssumptions, timeSavedErrors } from './roi-assumptions.js';

test('a time-saved list names each workflow once, and only the account\'s', () => {
  const known = new Set(['a', 'b']);
  assert.deepEqual(timeSavedErrors([], known), []);
  assert.deepEqual(timeSavedErrors([{ workflow_id: 'a', seconds_per_execution: 60 }, { workflow_id: 'b', seconds_per_execution: 0 }], known), []);
  assert.deepEqual(
    timeSavedErrors([{ workflow_id: 'a', seconds_per_execution: 60 }, { workflow_id: 'x', seconds_per_execution: 1 }, { workflow_id: 'a', seconds_per_execution: 2 }], known),
    [{ path: '/roi_time_saved/1/workflow_id', message: 'no such workflow in this account' }, { path: '/roi_time_saved/2/workflow_id', message: 'is listed twice' }],
  );
});

test('the request\'s hourly rate wins over the account\'s; none is none; the time saved by workflow', () => {
  for (const [settings, request, rate] of [
    [{}, undefined, undefined],
    [{ roi_hourly_rate_usd: null }, undefined, undefined],
    [{ roi_hourly_rate_usd: 40 }, undefined, 40],
    [{ roi_hourly_rate_usd: 40 }, 60, 60],
    [{ roi_hourly_rate_usd: 40 }, 0, 0],
  ] as const) assert.equal(roiAssumptions(settings, request).hourlyRate, rate, JSON.stringify([settings, request]));
  assert.deepEqual([...roiAssumptions({ roi_time_saved: [{ workflow_id: 'a', seconds_per_execution: 90 }] }, undefined).timeSaved!], [['a', 90]]);
});
