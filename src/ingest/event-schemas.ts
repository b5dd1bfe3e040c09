/**
 * The event schema of CONTRACT §4 in TypeBox: one schema per event type, common fields shared.
 * The same schemas validate requests, type the code and document the API.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';

export const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
const Text = (description: string, maxLength = 1024) => Type.String({ maxLength, description });
/**
 * Bounds of the numbers an event carries: far above any real value, low enough that sums over millions of
 * events stay finite and exact to the cent (a sum that overflowed would be `inf`, which JSON cannot carry).
 */
export const MAX_EVENT_NUMBER = 1e12;
const NonNegative = (description: string) => Type.Number({ minimum: 0, maximum: MAX_EVENT_NUMBER, description: `${description}; at most 10^12` });

const common = {
  event_id: Type.Optional(Id('Unique id of the event; re-sending the same id is counted once')),
  timestamp: Type.String({ pattern: RFC3339, description: 'RFC 3339 timestamp with offset' }),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form object, at most 8 KB serialized' })),
};
const inWorkflow = {
  ...common,
  workflow_id: Id('Workflow id'),
  workflow_version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Workflow version, default 1' })),
  execution_id: Id('Execution (enrollment) id'),
};

const StepType = Type.Union(['trigger', 'action', 'condition', 'wait', 'goal'].map((s) => Type.Literal(s)));
const stepFields = {
  step_id: Id('Step id'),
  step_type: StepType,
  action_type: Type.Optional(Text('Action type, e.g. send_email', 128)),
};
const stepResultFields = {
  ...stepFields,
  duration_ms: Type.Optional(NonNegative('Time the step took, in milliseconds')),
  credits_used: Type.Optional(NonNegative('Credits the step consumed')),
};

function eventType<T extends string, P extends TProperties>(type: T, props: P) {
  return Type.Object({ type: Type.Literal(type), ...props }, { additionalProperties: false, $id: `Event_${type.replace('.', '_')}` });
}

export const EventSchemas = {
  'execution.started': eventType('execution.started', {
    ...inWorkflow,
    contact_id: Id('Contact enrolled'),
    enrollment_source: Type.Union(['trigger', 'bulk', 'api', 'manual'].map((s) => Type.Literal(s))),
    trigger_type: Type.Optional(Text('What triggered the enrollment: webhook, schedule, form_submitted…', 128)),
    variant: Type.Optional(Text('A/B arm', 128)),
    user_id: Type.Optional(Text('User who enrolled the contact', 128)),
  }),
  'execution.completed': eventType('execution.completed', { ...inWorkflow }),
  'execution.exited': eventType('execution.exited', {
    ...inWorkflow,
    exit_reason: Type.String({ minLength: 1, maxLength: 256, description: 'unsubscribed, manual_removal, condition_not_met…' }),
  }),
  'execution.failed': eventType('execution.failed', {
    ...inWorkflow,
    error_type: Type.String({ minLength: 1, maxLength: 256 }),
    error_message: Type.Optional(Text('Error message', 4096)),
  }),
  'step.started': eventType('step.started', { ...inWorkflow, ...stepFields }),
  'step.completed': eventType('step.completed', { ...inWorkflow, ...stepResultFields }),
  'step.skipped': eventType('step.skipped', { ...inWorkflow, ...stepResultFields }),
  'step.failed': eventType('step.failed', {
    ...inWorkflow,
    ...stepResultFields,
    error_type: Type.String({ minLength: 1, maxLength: 256 }),
    error_message: Type.Optional(Text('Error message', 4096)),
  }),
  'goal.achieved': eventType('goal.achieved', {
    ...inWorkflow,
    goal_id: Id('Goal id'),
    goal_type: Type.Optional(Text('Goal type (defaults to the goal id)', 128)),
    value: Type.Optional(Type.Number({ minimum: -MAX_EVENT_NUMBER, maximum: MAX_EVENT_NUMBER, description: 'Value of the conversion, e.g. revenue; at most ±10^12' })),
  }),
  'cost.recorded': eventType('cost.recorded', {
    ...inWorkflow,
    action_type: Text('Action type the cost belongs to', 128),
    step_id: Type.Optional(Id('Step id')),
    credits: Type.Optional(NonNegative('Credits consumed')),
    amount_usd: NonNegative('Cost in US dollars'),
  }),
  activity: eventType('activity', {
    ...common,
    user_id: Id('User'),
    session_id: Type.Optional(Text('Session id', 128)),
    action: Type.String({ minLength: 1, maxLength: 128, description: 'login, view_dashboard, edit_workflow…' }),
    resource: Type.Optional(Text('Resource kind', 128)),
    resource_id: Type.Optional(Text('Resource id', 128)),
    duration_ms: Type.Optional(NonNegative('Duration in milliseconds')),
  }),
} satisfies Record<string, TObject>;

export type EventType = keyof typeof EventSchemas;
export const EVENT_TYPES = Object.keys(EventSchemas) as EventType[];
export type FlowEvent = { [K in EventType]: Static<(typeof EventSchemas)[K]> }[EventType];

/** The schema for the API docs: any one of the event types. */
export const AnyEventSchema = Type.Union(Object.values(EventSchemas), { description: 'One workflow event' });
