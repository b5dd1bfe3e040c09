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
  biggest_loss_step: 'email',
  slowest_working_step: 'email',
  funnel_steps: [
    { step_id: 'trigger', step_name: 'Cart abandoned', step_order: 1, step_type: 'trigger', entered: 1000, completed: 1000, dropped_off: 0, conversion_rate: 100, drop_off_rate: 0, reached_percent: 100, average_time_seconds: 0.02, p50_time_seconds: 0.02, p95_time_seconds: 0.03, in_progress: 0, exited: 0, from_previous_rate: null, from_start_rate: 100, lost_before: 0, lost_before_reasons: {}, lost: 0, configured_delay_seconds: null },
    { step_id: 'email', step_name: 'Reminder email', step_order: 2, step_type: 'action', entered: 800, completed: 500, dropped_off: 300, conversion_rate: 62.5, drop_off_rate: 37.5, reached_percent: 80, average_time_seconds: 1.5, p50_time_seconds: 1.2, p95_time_seconds: 3.5, in_progress: 100, exited: 200, from_previous_rate: 80, from_start_rate: 80, lost_before: 0, lost_before_reasons: {}, lost: 200, configured_delay_seconds: null },
    { step_id: 'wait', step_name: 'Wait a day', step_order: 3, step_type: 'wait', entered: 500, completed: 450, dropped_off: 50, conversion_rate: 90, drop_off_rate: 10, reached_percent: 50, average_time_seconds: 86400, p50_time_seconds: 86000, p95_time_seconds: 90000, in_progress: 50, exited: 0, from_previous_rate: 100, from_start_rate: 50, lost_before: 0, lost_before_reasons: {}, lost: 0, configured_delay_seconds: 86400 },
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

test('those who left apart from those still here; the biggest loss and the slowest working step marked', () => {
  const out = html();
  // email: 200 of 800 ended there (25%), 100 are still in it
  assert.match(out, /data-step="email"[\s\S]*?−200 left \(25\.0%\) · <span class="funnel-waiting">100 still here<\/span>/);
  // wait: all 50 who did not complete it are waiting: nobody left, no red line
  assert.match(out, /<div class="funnel-drop is-zero" data-dropped="50" data-exited="0" data-in-progress="50"><span class="funnel-waiting">50 still here<\/span><\/div>/);
  assert.doesNotMatch(out, /data-step="wait"[^]*?left \(/);
  assert.match(out, /data-step="trigger"[\s\S]*?no drop-off/);
  assert.match(out, /class="funnel-step is-bottleneck" data-step="email"/);
  assert.equal(out.match(/Biggest loss</g)?.length, 1);
  // the slowest step that does work, not the wait
  assert.match(out, /data-step="email"[\s\S]*?Slowest[\s\S]*?data-step="wait"/);
  assert.equal(out.match(/>Slowest</g)?.length, 1);
  // the wait's time against its configured delay
  assert.match(out, /data-step="wait"[\s\S]*?<span class="funnel-delay small" data-delay="86400">waits .+? on average, set to .+?<\/span>/);
});

test('step times are in the hover text and the accessible label', () => {
  const out = html();
  assert.match(out, /Time in step: mean 1\.5 s, median 1\.2 s, p95 3\.5 s/);
  assert.match(out, /Time in step: mean .+?, median .+?, p95 .+? \(configured delay .+?\)/);
  assert.match(out, /aria-label="Reminder email: 800 entered, 500 completed\./);
});

test('with links, every figure opens its executions: the bar (entered), completed, left, still here, lost before', () => {
  const lost: FunnelFigures = { ...funnel, funnel_steps: funnel.funnel_steps.map((s) => (s.step_id === 'wait' ? { ...s, lost_before: 12 } : s)) };
  const out = renderToStaticMarkup(<Funnel funnel={lost} locale="en-US" href={(step, stage) => `/x?step=${step}&stage=${stage}`} />);
  assert.match(out, /<a class="funnel-track" href="\/x\?step=email&amp;stage=entered"[^>]*data-stage="entered" data-value="800" aria-label="Reminder email: 800 entered, 500 completed\./);
  assert.match(out, /href="\/x\?step=email&amp;stage=completed" data-stage="completed" data-value="500" aria-label="500 completed, “Reminder email”"[^>]*>500 completed<\/a>/);
  assert.match(out, /<a href="\/x\?step=email&amp;stage=exited" data-stage="exited" data-value="200"[^>]*>−200 left \(25\.0%\)<\/a> · <span class="funnel-waiting"><a href="\/x\?step=email&amp;stage=in_progress" data-stage="in_progress" data-value="100"[^>]*>100 still here<\/a>/);
  // the loss between email and wait opens the executions that completed email and never reached wait
  assert.match(out, /data-step="wait"><div class="funnel-lost" data-lost="12"><a href="\/x\?step=email&amp;stage=lost_after" data-stage="lost_after" data-value="12"[^>]*>12 lost before this step<\/a>/);
  // nothing links without href
  assert.doesNotMatch(html(), /<a /);
});
