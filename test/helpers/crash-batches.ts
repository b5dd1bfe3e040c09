/** Batches the crash tests send and cut short: executions of one step each, and their rows as the intake stores them. */
import assert from 'node:assert/strict';
import { validateEvent, type EventRow } from '../../src/ingest/validate.js';
import { ev } from './runtime.js';

/**
 * 100 executions × (started, step started, step completed) = 300 events of `workflow`; execution i is
 * `${prefix}-e${i}` at `at(i)`, its events' ids that name with -1, -2, -3.
 */
export function hundredExecutions(workflow: string, prefix: string, at: (i: number) => Date): unknown[] {
  const events: unknown[] = [];
  for (let i = 0; i < 100; i++) {
    const ex = `${prefix}-e${i}`;
    const t = at(i).toISOString();
    events.push(
      ev.started(workflow, ex, t, { event_id: `${ex}-1` }),
      ev.step('started', workflow, ex, 's1', t, { event_id: `${ex}-2` }),
      ev.step('completed', workflow, ex, 's1', t, { event_id: `${ex}-3`, duration_ms: 10 }),
    );
  }
  return events;
}

/** The rows the intake would store for `events` of the default account, received now. */
export function validRows(events: readonly unknown[]): EventRow[] {
  const at = new Date();
  return events.map((e) => {
    const v = validateEvent(e, 'default', at);
    assert.ok(v.ok);
    return v.row;
  });
}
