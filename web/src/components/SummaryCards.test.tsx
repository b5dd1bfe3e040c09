/** The summary cards' note on a history period's median (its percentiles from per-day states, within a stated error). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SummaryResponse } from '../api.js';
import { percentileNote } from './SummaryCards.js';

const period: SummaryResponse['period'] = { start_date: '2025-01-01', end_date: '2026-12-07', timezone: 'UTC', granularity: 'weekly' };

test('a history period\'s median says how close it is; others say nothing', () => {
  const history = {
    raw_detail_since: '2026-09-08T00:00:00.000Z', daily_since: '2024-12-07T00:00:00.000Z', resolution: 'execution' as const, unavailable: [], percentile_error: 0.005,
    source: 'execution_facts: one row per execution, kept for the daily window, counted per UTC day; counts and trends exact at any day boundary of the timezone, duration and time-to-conversion percentiles within 0.5 % (logarithmic buckets)',
  };
  assert.equal(percentileNote({ ...period, history }), 'within 0.5 % (daily history)');
  assert.equal(percentileNote({ ...period, history: { ...history, percentile_error: null } }), undefined, 'exact');
  assert.equal(percentileNote(period), undefined);
});
