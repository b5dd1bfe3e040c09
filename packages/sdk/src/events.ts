/**
 * The events of the Flowlens ingestion API (CONTRACT §4), as TypeScript types.
 *
 * These mirror the server's TypeBox schemas (src/ingest/event-schemas.ts in the Flowlens repository) field for
 * field. They are written out here so that the published package needs nothing at run time; a type-level test in
 * the repository (packages/sdk/test/types.test.ts, checked by `npm run typecheck`) fails when one of them stops
 * being exactly the server's `Static` type of the same event.
 */

export const ENROLLMENT_SOURCES = ['trigger', 'bulk', 'api', 'manual'] as const;
export type EnrollmentSource = (typeof ENROLLMENT_SOURCES)[number];
export const STEP_TYPES = ['trigger', 'action', 'condition', 'wait', 'goal'] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** Fields of every event. */
export interface CommonFields {
  /** Unique id of the event (≤ 128 characters); re-sending the same id is counted once. The client fills a UUID. */
  event_id?: string;
  /** RFC 3339 with an offset, e.g. `2026-03-01T10:00:00.000Z`. The client fills the current time. */
  timestamp: string;
  /** Free-form object, at most 8 KB serialized. */
  metadata?: { [key: string]: unknown };
}

/** Fields of every event about an execution (all but `activity`). */
export interface ExecutionFields extends CommonFields {
  workflow_id: string;
  /** Integer ≥ 1, default 1. */
  workflow_version?: number;
  execution_id: string;
}

export interface StepFields extends ExecutionFields {
  step_id: string;
  step_type: StepType;
  action_type?: string;
}

export interface StepResultFields extends StepFields {
  /** Milliseconds, 0 … 10^12. */
  duration_ms?: number;
  credits_used?: number;
}

export interface ExecutionStartedEvent extends ExecutionFields {
  type: 'execution.started';
  contact_id: string;
  enrollment_source: EnrollmentSource;
  trigger_type?: string;
  /** The A/B arm (see `assign`). */
  variant?: string;
  user_id?: string;
}
export interface ExecutionCompletedEvent extends ExecutionFields {
  type: 'execution.completed';
}
export interface ExecutionExitedEvent extends ExecutionFields {
  type: 'execution.exited';
  /** 1–256 characters: unsubscribed, manual_removal, condition_not_met… */
  exit_reason: string;
}
export interface ExecutionFailedEvent extends ExecutionFields {
  type: 'execution.failed';
  error_type: string;
  error_message?: string;
}
export interface StepStartedEvent extends StepFields {
  type: 'step.started';
}
export interface StepCompletedEvent extends StepResultFields {
  type: 'step.completed';
}
export interface StepSkippedEvent extends StepResultFields {
  type: 'step.skipped';
}
export interface StepFailedEvent extends StepResultFields {
  type: 'step.failed';
  error_type: string;
  error_message?: string;
}
export interface GoalAchievedEvent extends ExecutionFields {
  type: 'goal.achieved';
  goal_id: string;
  /** Defaults to the goal id on the server. */
  goal_type?: string;
  /** e.g. revenue; −10^12 … 10^12. */
  value?: number;
}
export interface CostRecordedEvent extends ExecutionFields {
  type: 'cost.recorded';
  action_type: string;
  step_id?: string;
  credits?: number;
  amount_usd: number;
}
export interface ActivityEvent extends CommonFields {
  type: 'activity';
  user_id: string;
  session_id?: string;
  action: string;
  resource?: string;
  resource_id?: string;
  duration_ms?: number;
}

/** Each event type by its `type`. */
export interface EventsByType {
  'execution.started': ExecutionStartedEvent;
  'execution.completed': ExecutionCompletedEvent;
  'execution.exited': ExecutionExitedEvent;
  'execution.failed': ExecutionFailedEvent;
  'step.started': StepStartedEvent;
  'step.completed': StepCompletedEvent;
  'step.skipped': StepSkippedEvent;
  'step.failed': StepFailedEvent;
  'goal.achieved': GoalAchievedEvent;
  'cost.recorded': CostRecordedEvent;
  activity: ActivityEvent;
}

export type EventType = keyof EventsByType;
/** One event, as the server stores it. */
export type FlowlensEvent = EventsByType[EventType];

/** The event types, in the server's order. */
export const EVENT_TYPES: readonly EventType[] = [
  'execution.started',
  'execution.completed',
  'execution.exited',
  'execution.failed',
  'step.started',
  'step.completed',
  'step.skipped',
  'step.failed',
  'goal.achieved',
  'cost.recorded',
  'activity',
];

type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
/** What `track()` takes: an event whose `event_id` and `timestamp` may be left out (the client fills them). */
export type EventInput = { [K in EventType]: Optional<EventsByType[K], 'event_id' | 'timestamp'> }[EventType];

/** The answer of `POST /api/v1/events`. */
export interface IngestResponse {
  accepted: number;
  duplicates: number;
  /** Of the accepted, events older than the server's raw window: counted in its aggregates only (servers before it omit it). */
  aggregated_only?: number;
  rejected: Array<{ index: number; errors: Array<{ path: string; message: string }> }>;
}
