/**
 * Process-mining logs → workflow events. A case is an execution, an activity is a step:
 * execution.started at the case's first event, one step per activity (lifecycle start→complete gives
 * the working time; without lifecycle start = complete), cost-like attributes as cost.recorded, and
 * execution.completed at the case's last event (the case's last activity is its outcome).
 */
import type { FlowEvent } from '../event-schemas.js';

export interface LogEvent {
  activity: string;
  /** epoch milliseconds */
  time: number;
  lifecycle?: string;
  resource?: string;
  attributes: Record<string, string>;
}

export interface LogCase {
  caseId: string;
  events: LogEvent[];
}

const COST_KEYS = ['costs', 'cost', 'amount', 'expense', 'paymentamount'];
const iso = (ms: number) => new Date(ms).toISOString();
const clip = (s: string) => (s.length > 128 ? s.slice(0, 128) : s);

export function caseToEvents(c: LogCase, workflowId: string): FlowEvent[] {
  const events = [...c.events].sort((a, b) => a.time - b.time);
  if (events.length === 0) return [];
  const executionId = clip(c.caseId);
  const common = { workflow_id: workflowId, execution_id: executionId };
  let n = 0;
  const id = () => clip(`${workflowId}:${c.caseId}:${n++}`);
  const out: FlowEvent[] = [
    { type: 'execution.started', ...common, event_id: id(), timestamp: iso(events[0]!.time), contact_id: executionId, enrollment_source: 'bulk', trigger_type: 'import' },
  ];
  const openStarts = new Map<string, number[]>();
  for (const e of events) {
    const step = { step_id: clip(e.activity), step_type: 'action' as const, action_type: clip(e.activity) };
    const life = (e.lifecycle ?? 'complete').toLowerCase();
    if (life === 'start') {
      out.push({ type: 'step.started', ...common, ...step, event_id: id(), timestamp: iso(e.time) });
      const list = openStarts.get(e.activity) ?? [];
      list.push(e.time);
      openStarts.set(e.activity, list);
    } else if (life === 'complete') {
      const started = openStarts.get(e.activity)?.shift();
      if (started === undefined) out.push({ type: 'step.started', ...common, ...step, event_id: id(), timestamp: iso(e.time) });
      out.push({ type: 'step.completed', ...common, ...step, event_id: id(), timestamp: iso(e.time), duration_ms: started === undefined ? 0 : e.time - started });
    } else {
      continue; // schedule, suspend, abort…: not a step boundary
    }
    for (const [key, raw] of Object.entries(e.attributes)) {
      if (!COST_KEYS.includes(key.toLowerCase())) continue;
      const amount = Number(raw);
      if (Number.isFinite(amount) && amount > 0) {
        out.push({ type: 'cost.recorded', ...common, event_id: id(), timestamp: iso(e.time), action_type: step.action_type, step_id: step.step_id, amount_usd: amount });
      }
    }
  }
  out.push({ type: 'execution.completed', ...common, event_id: id(), timestamp: iso(events[events.length - 1]!.time) });
  return out;
}
