/**
 * The history benchmark's generator (bench/history.ts) writes execution_facts rows in the engine, without events.
 * Its rows must be what the facts writer (src/store/execution-facts.ts) writes for the same executions, or the
 * benchmark would time figures no real store holds. Here: 400 executions are generated over the two years before
 * now; each row is turned back into the events it stands for (execution.started, step.started/step.completed with
 * durations and credits, cost.recorded, step.failed and execution.failed, execution.exited, execution.completed,
 * goal.achieved); those are sent through POST /api/v1/events under another workflow; the rows the writer makes from
 * them must equal the generated ones, column by column (all but the write version and the receive time).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GENERATE_SQL, generationParams } from '../bench/history.js';
import { TEMPLATES } from '../src/demo/workflows.js';
import { startTestRuntime, type TestRuntime } from './helpers/runtime.js';

const N = 400;
const GENERATED = 'wf-generated';
const INGESTED = 'wf-ingested';
const TEMPLATE = TEMPLATES.find((t) => t.key === 'welcome')!;

type Step = { id: string; started_ms: number; completed: number; time_sum: number; time_n: number };
interface Fact {
  execution_id: string; enrolled_at: string; workflow_version: number; variant: string; contact_id: string;
  enrollment_source: string; trigger_type: string; status: string; completed_at: string | null; goal_achieved_at: string | null;
  ended_at: string | null; exit_reason: string; error_type: string; current_step_id: string; goal_types: string[]; goal_value: number;
  steps: Step[]; credits: number; cost_usd: number; last_received_at: string; retain: number; is_deleted: number;
}

let rt: TestRuntime;
let accountId: string;
let key: string;

const COLUMNS = `execution_id, toString(enrolled_at) AS enrolled_at, workflow_version, variant, contact_id, enrollment_source, trigger_type,
  status, toString(completed_at) AS completed_at, toString(goal_achieved_at) AS goal_achieved_at, toString(ended_at) AS ended_at,
  exit_reason, error_type, current_step_id, goal_types, goal_value,
  arrayMap(s -> (s.id, s.started_ms, s.completed, s.time_sum, s.time_n), steps) AS steps, credits, cost_usd,
  toString(last_received_at) AS last_received_at, retain, is_deleted`;

async function facts(workflow: string): Promise<Map<string, Fact>> {
  const rows = await rt.query<Omit<Fact, 'steps'> & { steps: [string, number, number, number, number][] }>(
    `SELECT ${COLUMNS} FROM execution_facts FINAL WHERE account_id = {a:String} AND workflow_id = {w:String} ORDER BY execution_id`,
    { a: accountId, w: workflow },
  );
  return new Map(rows.map((r) => [r.execution_id, { ...r, steps: r.steps.map(([id, started_ms, completed, time_sum, time_n]) => ({ id, started_ms: Number(started_ms), completed, time_sum, time_n })) }]));
}

const iso = (engine: string) => `${engine.replace(' ', 'T')}Z`;
const at = (ms: number) => new Date(ms).toISOString();

/** The events a generated row stands for. */
function eventsOf(f: Fact): Record<string, unknown>[] {
  const base = { workflow_id: INGESTED, execution_id: f.execution_id };
  const out: Record<string, unknown>[] = [{
    ...base, type: 'execution.started', timestamp: iso(f.enrolled_at), workflow_version: f.workflow_version, contact_id: f.contact_id,
    enrollment_source: f.enrollment_source, trigger_type: f.trigger_type, ...(f.variant ? { variant: f.variant } : {}),
  }];
  const ordered = [...f.steps].sort((a, b) => a.started_ms - b.started_ms);
  for (const [i, s] of ordered.entries()) {
    const t = TEMPLATE.steps.find((x) => x.step_id === s.id)!;
    const step = { ...base, step_id: s.id, step_type: t.type, ...(t.action_type ? { action_type: t.action_type } : {}) };
    out.push({ ...step, type: 'step.started', timestamp: at(s.started_ms) });
    if (s.completed) {
      const done = s.started_ms + Math.round(s.time_sum * 1000);
      out.push({ ...step, type: 'step.completed', timestamp: at(done), duration_ms: Math.round(s.time_sum * 1000), ...(t.credits ? { credits_used: t.credits } : {}) });
      if (t.costUsd) out.push({ ...base, type: 'cost.recorded', timestamp: at(done), step_id: s.id, action_type: t.action_type, amount_usd: t.costUsd });
    } else if (f.status === 'error' && i === ordered.length - 1) {
      out.push({ ...step, type: 'step.failed', timestamp: at(s.started_ms + 1000), error_type: f.error_type, ...(t.credits ? { credits_used: t.credits } : {}) });
    }
  }
  if (f.goal_achieved_at) out.push({ ...base, type: 'goal.achieved', timestamp: iso(f.goal_achieved_at), goal_id: 'purchase', goal_type: 'purchase', value: f.goal_value });
  if (f.completed_at && f.completed_at !== f.goal_achieved_at) out.push({ ...base, type: 'execution.completed', timestamp: iso(f.completed_at) });
  if (f.status === 'exited') out.push({ ...base, type: 'execution.exited', timestamp: iso(f.ended_at!), exit_reason: f.exit_reason });
  if (f.status === 'error') out.push({ ...base, type: 'execution.failed', timestamp: iso(f.ended_at!), error_type: f.error_type });
  return out;
}

before(async () => {
  rt = await startTestRuntime();
  ({ accountId, key } = await rt.newAccount());
  await rt.deps.store.command(GENERATE_SQL, { ...generationParams(N, Date.now(), accountId, GENERATED), lo: 0, count: N });
});
after(() => rt.close());

test('the generated facts are what the facts writer makes of the events they stand for', async () => {
  const generated = await facts(GENERATED);
  assert.equal(generated.size, N);
  // every outcome and the growth over two years are there
  const statuses = new Set([...generated.values()].map((f) => f.status));
  for (const s of ['completed', 'goal_achieved', 'exited', 'error', 'active']) assert.ok(statuses.has(s), `no ${s} execution generated`);
  const enrolled = [...generated.values()].map((f) => Date.parse(iso(f.enrolled_at)));
  assert.ok(Math.max(...enrolled) - Math.min(...enrolled) > 600 * 86_400_000, 'enrolments span about two years');

  const events = [...generated.values()].flatMap(eventsOf);
  for (let i = 0; i < events.length; i += 2000) {
    const r = await rt.call('POST', '/api/v1/events', key, events.slice(i, i + 2000));
    assert.equal(r.status, 200, r.text.slice(0, 600));
    assert.equal(r.json.accepted, Math.min(2000, events.length - i), r.text.slice(0, 600));
  }
  await rt.stored();
  await rt.deps.derived.idle();
  const written = await facts(INGESTED);
  assert.equal(written.size, N);
  for (const [id, g] of generated) {
    const w = written.get(id);
    assert.ok(w, `${id} has no facts row`);
    const { last_received_at: _g, ...gen } = g;
    const { last_received_at: _w, ...wrote } = w;
    assert.deepEqual(
      { ...wrote, credits: Math.round(wrote.credits * 1e6), cost_usd: Math.round(wrote.cost_usd * 1e9) },
      { ...gen, credits: Math.round(gen.credits * 1e6), cost_usd: Math.round(gen.cost_usd * 1e9) },
      `execution ${id} (${g.status})`,
    );
    // received after its last event, as a live stream would be
    assert.ok(Date.parse(iso(g.last_received_at)) >= Math.max(...[g.ended_at, g.goal_achieved_at, g.enrolled_at].filter((x) => x !== null).map((x) => Date.parse(iso(x!)))));
  }
});
