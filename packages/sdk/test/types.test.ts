/**
 * The SDK's event types are the server's. At type level (checked by `npm run typecheck`, which covers this file):
 * every SDK event type has the same keys, the same required keys and mutually assignable fields as the `Static`
 * type of the server's TypeBox schema (src/ingest/event-schemas.ts) — a field added, removed, renamed, made
 * optional or retyped on either side fails the typecheck. At run time: the same event types, and the same
 * literals where the schema's `Static` type says only `string` (below).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Equivalent } from '../../../src/contract/common.js';
import { EVENT_TYPES as SERVER_EVENT_TYPES, EventSchemas } from '../../../src/ingest/event-schemas.js';
import { ENROLLMENT_SOURCES, EVENT_TYPES, STEP_TYPES, type EnrollmentSource, type EventInput, type EventsByType, type StepType } from '../src/index.js';

/**
 * The server builds two enums as `Type.Union(list.map((s) => Type.Literal(s)))` over a `string[]`, so their
 * `Static` type is `string` although the schema accepts only the listed literals. Where the server's type is
 * that wide, compare with the SDK's literals, which the run-time test below checks against the schema's own
 * lists; once the server's types carry the literals (`as const` on those lists), this narrows nothing and the
 * comparison is direct.
 */
interface Literals {
  enrollment_source: EnrollmentSource;
  step_type: StepType;
}
type Narrowed<T> = { [K in keyof T]: K extends keyof Literals ? (string extends T[K] ? Literals[K] : T[K]) : T[K] };
type Server<K extends keyof typeof EventSchemas> = Narrowed<Static<(typeof EventSchemas)[K]>>;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** Equivalent (mutually assignable), and the same keys, and the same required keys. */
type Same<A, B> = [Equivalent<A, B>, Equivalent<keyof A, keyof B>, Equivalent<RequiredKeys<A>, RequiredKeys<B>>] extends [true, true, true] ? true : false;

true satisfies Equivalent<keyof EventsByType, keyof typeof EventSchemas>;
true satisfies Same<EventsByType['execution.started'], Server<'execution.started'>>;
true satisfies Same<EventsByType['execution.completed'], Server<'execution.completed'>>;
true satisfies Same<EventsByType['execution.exited'], Server<'execution.exited'>>;
true satisfies Same<EventsByType['execution.failed'], Server<'execution.failed'>>;
true satisfies Same<EventsByType['step.started'], Server<'step.started'>>;
true satisfies Same<EventsByType['step.completed'], Server<'step.completed'>>;
true satisfies Same<EventsByType['step.skipped'], Server<'step.skipped'>>;
true satisfies Same<EventsByType['step.failed'], Server<'step.failed'>>;
true satisfies Same<EventsByType['goal.achieved'], Server<'goal.achieved'>>;
true satisfies Same<EventsByType['cost.recorded'], Server<'cost.recorded'>>;
true satisfies Same<EventsByType['activity'], Server<'activity'>>;
/** Every type at once, so that a type added to the server and forgotten here fails too. */
true satisfies Same<{ [K in keyof typeof EventSchemas]: Same<EventsByType[K], Server<K>> }, { [K in keyof typeof EventSchemas]: true }>;

// the check has teeth: a field retyped, left out, made optional, added or with a literal less is not the same type
type Started = EventsByType['execution.started'];
false satisfies Same<Omit<Started, 'contact_id'> & { contact_id: number }, Server<'execution.started'>>;
false satisfies Same<Omit<Started, 'variant'>, Server<'execution.started'>>;
false satisfies Same<Omit<Started, 'contact_id'> & { contact_id?: string }, Server<'execution.started'>>;
false satisfies Same<Started & { channel?: string }, Server<'execution.started'>>;
false satisfies Same<Omit<Started, 'enrollment_source'> & { enrollment_source: 'trigger' | 'bulk' | 'api' }, Server<'execution.started'>>;

/** The literals a schema accepts for a property: its `anyOf` of `const`s. */
function literals(schema: TSchema, property: string): string[] {
  const p = (schema as unknown as { properties: Record<string, { anyOf?: Array<{ const: string }> }> }).properties[property]!;
  assert.ok(p.anyOf, `${property} is a union of literals`);
  return p.anyOf.map((x) => x.const);
}

test("the SDK lists the server's event types in its order, and the literals its schemas accept", () => {
  assert.deepEqual([...EVENT_TYPES], SERVER_EVENT_TYPES);
  assert.deepEqual(literals(EventSchemas['execution.started'], 'enrollment_source'), [...ENROLLMENT_SOURCES]);
  for (const t of ['step.started', 'step.completed', 'step.skipped', 'step.failed'] as const) assert.deepEqual(literals(EventSchemas[t], 'step_type'), [...STEP_TYPES]);
  // no other property of any schema is a union the types above would read as string
  for (const [type, schema] of Object.entries(EventSchemas)) {
    for (const [name, p] of Object.entries(schema.properties as Record<string, { anyOf?: unknown }>)) {
      if (p.anyOf) assert.ok(name === 'enrollment_source' || name === 'step_type', `${type}.${name} is a union: add it to Literals`);
    }
  }
});

test('what track() takes: an event with event_id and timestamp optional, nothing else relaxed', () => {
  const input: EventInput = { type: 'goal.achieved', workflow_id: 'w', execution_id: 'e', goal_id: 'purchase', value: 10 };
  // @ts-expect-error a goal needs its goal_id
  const missing: EventInput = { type: 'goal.achieved', workflow_id: 'w', execution_id: 'e' };
  // @ts-expect-error no unknown fields
  const extra: EventInput = { type: 'execution.completed', workflow_id: 'w', execution_id: 'e', channel: 'sms' };
  // @ts-expect-error only the schema's literals
  const source: EventInput = { type: 'execution.started', workflow_id: 'w', execution_id: 'e', contact_id: 'c', enrollment_source: 'carrier_pigeon' };
  assert.ok(input && missing && extra && source);
});
