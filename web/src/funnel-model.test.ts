import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunnelStep } from './api.js';
import { funnelBars } from './funnel-model.js';

const step = (step_id: string, entered: number, completed: number): FunnelStep => ({
  step_id, step_name: step_id.toUpperCase(), step_order: 0, step_type: 'action', entered, completed, dropped_off: entered - completed,
  conversion_rate: entered ? (completed / entered) * 100 : 0, drop_off_rate: 0, reached_percent: 0, average_time_seconds: null, p50_time_seconds: null, p95_time_seconds: null,
  in_progress: 0, exited: entered - completed, from_previous_rate: null, from_start_rate: 0, lost_before: 0, lost_before_reasons: {}, lost: entered - completed, configured_delay_seconds: null,
});

test('bars are proportional to entered, the widest at 100%', () => {
  const bars = funnelBars({ funnel_steps: [step('a', 200, 150), step('b', 150, 60), step('c', 60, 60)], biggest_loss_step: 'b', slowest_working_step: 'c' });
  assert.deepEqual(bars.map((b) => b.width), [100, 75, 30]);
  assert.deepEqual(bars.map((b) => b.completedWidth), [75, 30, 30]);
  assert.deepEqual(bars.map((b) => b.dropped), [50, 90, 0]);
  assert.deepEqual(bars.map((b) => b.droppedPercent), [25, 60, 0]);
  assert.deepEqual(bars.map((b) => b.bottleneck), [false, true, false]);
  assert.deepEqual(bars.map((b) => b.slowest), [false, false, true]);
});

test('an empty funnel has zero-width bars, not NaN', () => {
  const bars = funnelBars({ funnel_steps: [step('a', 0, 0)], biggest_loss_step: null, slowest_working_step: null });
  assert.equal(bars[0]!.width, 0);
  assert.equal(bars[0]!.droppedPercent, 0);
  assert.deepEqual(funnelBars({ funnel_steps: [], biggest_loss_step: null, slowest_working_step: null }), []);
});
