/**
 * Validates one incoming event (compiled TypeBox checks) and turns it into a row of the events table.
 * Invalid events come back as field errors; nothing here touches the store.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TObject } from '@sinclair/typebox';
import { formatDateTime } from '../store/params.js';
import { validDate } from '../time/calendar.js';
import { EVENT_TYPES, EventSchemas, type EventType, type FlowEvent } from './event-schemas.js';

export interface FieldError {
  path: string;
  message: string;
}

export type EventRow = Record<string, string | number | null>;

export type Validated = { ok: true; row: EventRow } | { ok: false; errors: FieldError[] };

const checks = Object.fromEntries(
  Object.entries(EventSchemas).map(([t, schema]) => [t, TypeCompiler.Compile(schema as TObject)]),
) as Record<EventType, TypeCheck<TObject>>;

const MAX_METADATA_BYTES = 8 * 1024;
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_FUTURE_MS = 24 * 3600 * 1000;

function isEventType(t: unknown): t is EventType {
  return typeof t === 'string' && (EVENT_TYPES as string[]).includes(t);
}

/**
 * Whether an RFC 3339 timestamp names a day and a time that exist: Date.parse reads 2026-02-30 as March 2nd
 * and 24:00:00 as the next midnight, which would store an event at a time its sender never meant.
 */
function onTheCalendar(timestamp: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})/.exec(timestamp);
  return m !== null && validDate(m[1]!) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
}

/**
 * Validates `input`; `now` bounds how far in the future a timestamp may be, `oldest` (the daily retention
 * window's start) how far in the past.
 */
export function validateEvent(input: unknown, accountId: string, receivedAt: Date, options: { retain?: boolean; oldest?: Date | null } = {}): Validated {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ path: '', message: 'each event must be a JSON object' }] };
  }
  const type = (input as { type?: unknown }).type;
  if (!isEventType(type)) {
    return { ok: false, errors: [{ path: '/type', message: `must be one of: ${EVENT_TYPES.join(', ')}` }] };
  }
  const check = checks[type];
  if (!check.Check(input)) {
    const errors: FieldError[] = [];
    for (const e of check.Errors(input)) {
      if (errors.some((x) => x.path === e.path)) continue;
      errors.push({ path: e.path, message: e.message });
      if (errors.length >= 20) break;
    }
    return { ok: false, errors };
  }
  const event = input as FlowEvent;
  const time = Date.parse(event.timestamp);
  if (!Number.isFinite(time) || !onTheCalendar(event.timestamp) || time < MIN_TIME || time > receivedAt.getTime() + MAX_FUTURE_MS) {
    return { ok: false, errors: [{ path: '/timestamp', message: 'must be a real time between 1970 and 24 hours from now' }] };
  }
  if (options.oldest && time < options.oldest.getTime()) {
    return { ok: false, errors: [{ path: '/timestamp', message: `is older than the daily aggregates are kept (since ${options.oldest.toISOString()}): it could be counted nowhere; import it with --retain to keep it` }] };
  }
  let metadata = '';
  if (event.metadata !== undefined) {
    metadata = JSON.stringify(event.metadata);
    if (Buffer.byteLength(metadata) > MAX_METADATA_BYTES) {
      return { ok: false, errors: [{ path: '/metadata', message: 'must be at most 8 KB serialized' }] };
    }
  }
  return { ok: true, row: toRow(event, accountId, new Date(time), receivedAt, metadata, options.retain ? 1 : 0) };
}

function toRow(e: FlowEvent, accountId: string, ts: Date, receivedAt: Date, metadata: string, retain: number): EventRow {
  const row: EventRow = {
    account_id: accountId,
    workflow_id: 'workflow_id' in e ? e.workflow_id : '',
    workflow_version: 'workflow_version' in e && e.workflow_version !== undefined ? e.workflow_version : 1,
    execution_id: 'execution_id' in e ? e.execution_id : '',
    type: e.type,
    event_id: e.event_id ?? '',
    ts: formatDateTime(ts),
    received_at: formatDateTime(receivedAt),
    metadata,
    retain,
  };
  switch (e.type) {
    case 'execution.started':
      row.contact_id = e.contact_id;
      row.enrollment_source = e.enrollment_source;
      row.trigger_type = e.trigger_type ?? '';
      row.variant = e.variant ?? '';
      row.user_id = e.user_id ?? '';
      break;
    case 'execution.exited':
      row.exit_reason = e.exit_reason;
      break;
    case 'execution.failed':
      row.error_type = e.error_type;
      row.error_message = e.error_message ?? '';
      break;
    case 'step.started':
    case 'step.completed':
    case 'step.skipped':
    case 'step.failed':
      row.step_id = e.step_id;
      row.step_type = e.step_type;
      row.action_type = e.action_type ?? '';
      if (e.type !== 'step.started') {
        row.duration_ms = e.duration_ms ?? null;
        row.credits = e.credits_used ?? 0;
      }
      if (e.type === 'step.failed') {
        row.error_type = e.error_type;
        row.error_message = e.error_message ?? '';
      }
      break;
    case 'goal.achieved':
      row.goal_id = e.goal_id;
      row.goal_type = e.goal_type ?? e.goal_id;
      row.goal_value = e.value ?? null;
      break;
    case 'cost.recorded':
      row.action_type = e.action_type;
      row.step_id = e.step_id ?? '';
      row.credits = e.credits ?? 0;
      row.amount_usd = e.amount_usd;
      break;
    case 'activity':
      row.user_id = e.user_id;
      row.session_id = e.session_id ?? '';
      row.action = e.action;
      row.resource = e.resource ?? '';
      row.resource_id = e.resource_id ?? '';
      row.duration_ms = e.duration_ms ?? null;
      break;
    case 'execution.completed':
      break;
  }
  return row;
}
