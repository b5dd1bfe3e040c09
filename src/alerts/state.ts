/**
 * The life of an alert, one per rule and scope at a time (deduplication: a rule watching a workflow has at most
 * one open alert for it), as a pure function of what the last evaluation found:
 *
 *   ok ──breach──▶ pending ──breach lasting for_minutes──▶ firing ──clear──▶ resolved (then ok)
 *                     └──clear──▶ cancelled (never fired: nothing was sent)
 *
 * With for_minutes = 0 a breach fires at once. A breach that does not last (flapping shorter than for_minutes)
 * never fires. Only two transitions are notified: to firing and, from firing, to resolved.
 */

export type AlertStatus = 'pending' | 'firing' | 'resolved' | 'cancelled';

/** An open alert (pending or firing) of a rule and scope, as far as the state machine needs. */
export interface OpenAlert {
  alert_id: string;
  status: 'pending' | 'firing';
  /** When the breach began (pending since). */
  started_at: number;
  fired_at: number | null;
}

export type Transition =
  | { kind: 'none' }
  | { kind: 'open'; status: 'pending' | 'firing' }
  | { kind: 'fire' }
  | { kind: 'resolve' }
  | { kind: 'cancel' };

/** What happens to the open alert (or its absence) when an evaluation at `now` finds the condition breached or clear. */
export function transition(open: OpenAlert | null, breached: boolean, now: number, forMinutes: number): Transition {
  const holdMs = forMinutes * 60_000;
  if (!open) return breached ? { kind: 'open', status: holdMs === 0 ? 'firing' : 'pending' } : { kind: 'none' };
  if (open.status === 'pending') {
    if (!breached) return { kind: 'cancel' };
    return now - open.started_at >= holdMs ? { kind: 'fire' } : { kind: 'none' };
  }
  return breached ? { kind: 'none' } : { kind: 'resolve' };
}

/** Whether a transition is notified, and as what. */
export function notificationOf(t: Transition): 'firing' | 'resolved' | null {
  if (t.kind === 'fire' || (t.kind === 'open' && t.status === 'firing')) return 'firing';
  if (t.kind === 'resolve') return 'resolved';
  return null;
}

/** A silence: while `now` < ends_at, notifications of the alerts it matches are held back. */
export interface SilenceMatcher {
  ends_at: string;
  starts_at: string;
  rule_id: string | null;
  workflow_id: string | null;
  severity: string | null;
  labels: Record<string, string>;
}

/** Whether a silence, active at `now`, matches an alert of a rule (its id, scope workflow, severity, labels). */
export function silences(s: SilenceMatcher, a: { rule_id: string; workflow_id: string | null; severity: string; labels: Record<string, string> }, now: number): boolean {
  if (now < Date.parse(s.starts_at) || now >= Date.parse(s.ends_at)) return false;
  if (s.rule_id !== null && s.rule_id !== a.rule_id) return false;
  if (s.workflow_id !== null && s.workflow_id !== a.workflow_id) return false;
  if (s.severity !== null && s.severity !== a.severity) return false;
  return Object.entries(s.labels).every(([k, v]) => a.labels[k] === v);
}
