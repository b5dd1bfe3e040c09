/** The funnel component rendered to HTML (React's server renderer): bars, drop-offs, bottleneck, step times. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import type { FunnelFigures } from '../api.js';
import { Funnel } from './Funnel.js';

const funnel: FunnelFigures = {
  total_enrolled: 1000,
  overall_conversion: 12,
  drop_off_points: ['email', 'wait'],
  bottleneck_step: 'email',
  slowest_step: 'wait',
  funnel_steps: [
    { step_id: 'trigger', step_name: 'Cart abandoned', step_order: 1, step_type: 'trigger', entered: 1000, completed: 1000, dropped_off: 0, conversion_rate: 100, drop_off_rate: 0, reached_percent: 100, average_time_seconds: 0.02, p50_time_seconds: 0.02, p95_time_seconds: 0.03, in_progress: 0, exited: 0, from_previous_rate: null, from_start_rate: 100, lost_before: 0, lost_before_reasons: {} },
    { step_id: 'email', step_name: 'Reminder email', step_order: 2, step_type: 'action', entered: 800, completed: 500, dropped_off: 300, conversion_rate: 62.5, drop_off_rate: 37.5, reached_percent: 80, average_time_seconds: 1.5, p50_time_seconds: 1.2, p95_time_seconds: 3.5, in_progress: 100, exited: 200, from_previous_rate: 80, from_start_rate: 80, lost_before: 0, lost_before_reasons: {} },
    { step_id: 'wait', step_name: 'Wait a day', step_order: 3, step_type: 'wait', entered: 500, completed: 450, dropped_off: 50, conversion_rate: 90, drop_off_rate: 10, reached_percent: 50, average_time_seconds: 86400, p50_time_seconds: 86000, p95_time_seconds: 90000, in_progress: 50, exited: 0, from_previous_rate: 100, from_start_rate: 50, lost_before: 0, lost_before_reasons: {} },
  ],
};

function html() {
  return renderToStaticMarkup(<Funnel funnel={funnel} locale="en-US" />);
}

test('one bar per step, proportional to entered', () => {
  const out = html();
  assert.equal(out.match(/class="funnel-step/g)?.length, 3);
  assert.match(out, /data-step="email"[\s\S]*?class="funnel-bar" style="width:80%"/);
  assert.match(out, /data-step="wait"[\s\S]*?class="funnel-bar" style="width:50%"/);
  // the completed part of the email bar: 500 of 800
  assert.match(out, /data-step="email"[\s\S]*?class="funnel-done" style="width:62.5%"/);
});

test('drop-off in numbers and percent, the bottleneck marked', () => {
  const out = html();
  assert.match(out, /−300 dropped off \(37\.5%\)/);
  assert.match(out, /−50 dropped off \(10\.0%\)/);
  assert.match(out, /data-step="trigger"[\s\S]*?no drop-off/);
  assert.match(out, /class="funnel-step is-bottleneck" data-step="email"/);
  assert.equal(out.match(/Bottleneck/g)?.length, 1);
  assert.match(out, /data-step="wait"[\s\S]*?Slowest/);
});

test('step times are in the hover text and the accessible label', () => {
  const out = html();
  assert.match(out, /Time in step: mean 1\.5 s, median 1\.2 s, p95 3\.5 s/);
  assert.match(out, /Time in step: mean 24 h, median 23\.9 h, p95 25 h/);
  assert.match(out, /aria-label="Reminder email: 800 entered, 500 completed\./);
});

test('with links, every figure opens its executions: the bar (entered), completed, dropped off, still in it, exited, lost before', () => {
  const lost: FunnelFigures = { ...funnel, funnel_steps: funnel.funnel_steps.map((s) => (s.step_id === 'wait' ? { ...s, lost_before: 12 } : s)) };
  const out = renderToStaticMarkup(<Funnel funnel={lost} locale="en-US" href={(step, stage) => `/x?step=${step}&stage=${stage}`} />);
  assert.match(out, /<a class="funnel-track" href="\/x\?step=email&amp;stage=entered"[^>]*data-stage="entered" data-value="800" aria-label="Reminder email: 800 entered, 500 completed\./);
  assert.match(out, /href="\/x\?step=email&amp;stage=completed" data-stage="completed" data-value="500" aria-label="500 completed, “Reminder email”"[^>]*>500 completed<\/a>/);
  assert.match(out, /href="\/x\?step=email&amp;stage=dropped_off"[^>]*>−300 dropped off \(37\.5%\)<\/a>: <a href="\/x\?step=email&amp;stage=in_progress"[^>]*>100 still in it<\/a>, <a href="\/x\?step=email&amp;stage=exited" data-stage="exited" data-value="200"[^>]*>200 exited<\/a>/);
  // the loss between email and wait opens the executions that completed email and never reached wait
  assert.match(out, /data-step="wait"><div class="funnel-lost" data-lost="12"><a href="\/x\?step=email&amp;stage=lost_after" data-stage="lost_after" data-value="12"[^>]*>12 lost before this step<\/a>/);
  // nothing links without href
  assert.doesNotMatch(html(), /<a /);
});
