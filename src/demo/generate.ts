/**
 * Deterministic synthetic data: N enrollments across W workflows spread over the last D days up to `now`.
 * Every step type, two versions (v2 from 60% of the period on), an A/B test on v2, drop-offs, goals,
 * exits, failures, costs and user activity. Events come out in chunks, so memory stays bounded.
 */
import type { FlowEvent } from '../ingest/event-schemas.js';
import type { WorkflowRegistration } from '../catalog/catalog.js';
import { Random } from './random.js';
import { TEMPLATES, type WorkflowTemplate } from './workflows.js';

export interface GenerateOptions {
  workflows: number;
  enrollments: number;
  days: number;
  seed: number;
  now: Date;
  /** Enrollments per emitted chunk. */
  chunkSize?: number;
}

export interface DemoWorkflow {
  workflowId: string;
  template: WorkflowTemplate;
  registrations: WorkflowRegistration[];
}

const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 11, 12, 12, 11, 9, 7, 6, 5, 4, 3, 2];
const DAY_WEIGHTS = [6, 10, 10, 10, 10, 9, 6]; // Sunday..Saturday
const SOURCES = [['trigger', 80], ['api', 10], ['bulk', 8], ['manual', 2]] as const;
const iso = (ms: number) => new Date(ms).toISOString();

export function demoWorkflows(count: number): DemoWorkflow[] {
  return Array.from({ length: count }, (_, i) => {
    const template = TEMPLATES[i % TEMPLATES.length]!;
    const n = Math.floor(i / TEMPLATES.length) + 1;
    const workflowId = `${template.key}-${n}`;
    const name = n === 1 ? template.name : `${template.name} #${n}`;
    const steps = template.steps.map(({ step_id, name: stepName, order, type, action_type, delay_seconds }) => ({
      step_id, name: stepName, order, type, ...(action_type ? { action_type } : {}), ...(delay_seconds !== undefined ? { delay_seconds } : {}),
    }));
    const base = { name, steps, owner_user_id: `user-${(i % 4) + 1}`, time_saved_seconds_per_execution: template.timeSavedSeconds, value_per_conversion_usd: template.valuePerConversionUsd };
    return { workflowId, template, registrations: [{ ...base, version: 1 }, { ...base, version: 2 }] };
  });
}

/**
 * When version 2 of every demo workflow starts, and with it the A/B split of its enrollments (variant A or B):
 * the last 40% of the days. Variant B converts 20% more often, except in the abandoned-cart workflow, whose
 * split is an A/A test (no difference by construction).
 */
export function variantsFrom(options: Pick<GenerateOptions, 'now' | 'days'>): Date {
  const end = options.now.getTime();
  return new Date(end - 0.4 * options.days * 86400_000);
}

/** Emits arrays of events; the last ones carry user activity. */
export function* generateEvents(options: GenerateOptions): Generator<FlowEvent[]> {
  const rnd = new Random(options.seed);
  const workflows = demoWorkflows(Math.max(1, options.workflows));
  const end = options.now.getTime();
  const start = end - options.days * 86400_000;
  const v2From = variantsFrom(options).getTime();
  const chunkSize = options.chunkSize ?? 2000;
  let chunk: FlowEvent[] = [];
  let enrolledInChunk = 0;

  for (let k = 0; k < options.enrollments; k++) {
    const wf = workflows[k % workflows.length]!;
    const enrolledAt = enrollmentTime(rnd, start, end);
    emitExecution(rnd, chunk, wf, `${options.seed}-${k}`, enrolledAt, end, enrolledAt >= v2From, wf.template.key === INCIDENT.workflow && enrolledAt >= end - INCIDENT.days * 86400_000);
    if (++enrolledInChunk >= chunkSize) {
      yield chunk;
      chunk = [];
      enrolledInChunk = 0;
    }
  }
  if (chunk.length) yield chunk;
  yield* activity(rnd, options, start, end);
}

function enrollmentTime(rnd: Random, start: number, end: number): number {
  for (;;) {
    const t = start + rnd.next() * (end - start);
    const d = new Date(t);
    const w = HOUR_WEIGHTS[d.getUTCHours()]! * DAY_WEIGHTS[d.getUTCDay()]!;
    if (rnd.next() * 120 < w) return Math.floor(t);
  }
}

/**
 * The demo's incident: the CRM credentials of the lead-qualification workflow expired `days` days ago, so its CRM
 * update fails far more often (auth_expired) and its failure rate jumps — what the demo's alert rule catches.
 */
export const INCIDENT = { workflow: 'leads', step: 'crm_update', days: 5, failRate: 0.85, errorType: 'auth_expired' } as const;

function emitExecution(rnd: Random, out: FlowEvent[], wf: DemoWorkflow, key: string, enrolledAt: number, now: number, v2: boolean, incident = false) {
  const t0 = wf.template;
  const version = v2 ? 2 : 1;
  const variant = v2 ? rnd.pick(['A', 'B']) : undefined;
  const common = { workflow_id: wf.workflowId, workflow_version: version, execution_id: `ex-${key}` };
  let n = 0;
  const id = () => `${key}-${n++}`;
  out.push({
    type: 'execution.started', ...common, event_id: id(), timestamp: iso(enrolledAt),
    contact_id: `contact-${rnd.int(1, 2_000_000)}`, enrollment_source: rnd.weighted(SOURCES), trigger_type: rnd.pick(t0.triggerTypes),
    ...(variant ? { variant } : {}),
  });
  let t = enrolledAt;
  for (const step of t0.steps) {
    if (t > now) return;
    const stepFields = { step_id: step.step_id, step_type: step.type, ...(step.action_type ? { action_type: step.action_type } : {}) };
    out.push({ type: 'step.started', ...common, ...stepFields, event_id: id(), timestamp: iso(t) });
    const seconds = rnd.logNormal(step.medianSeconds, step.sigma);
    const done = Math.round(t + seconds * 1000);
    if (done > now) return;
    const durationMs = Math.round(seconds * 1000);
    const failing = incident && step.step_id === INCIDENT.step;
    if (step.failRate && rnd.chance(failing ? INCIDENT.failRate : step.failRate)) {
      out.push({ type: 'step.failed', ...common, ...stepFields, event_id: id(), timestamp: iso(done), duration_ms: durationMs, credits_used: 0,
        error_type: failing ? INCIDENT.errorType : rnd.pick(step.errorTypes ?? ['error']), error_message: 'provider returned an error' });
      if (rnd.chance(0.5)) {
        out.push({ type: 'execution.failed', ...common, event_id: id(), timestamp: iso(done + 5), error_type: 'step_failed', error_message: `step ${step.step_id} failed` });
        return;
      }
      t = done;
      continue;
    }
    // one in ten completions comes without duration_ms: time in step then comes from the timestamps
    const withDuration = step.type !== 'wait' && rnd.next() >= 0.1;
    out.push({ type: 'step.completed', ...common, ...stepFields, event_id: id(), timestamp: iso(done),
      ...(withDuration ? { duration_ms: durationMs } : {}), ...(step.credits ? { credits_used: step.credits } : {}) });
    // the provider's bill; the credits were already reported on the step (credits_used)
    if (step.costUsd) out.push({ type: 'cost.recorded', ...common, event_id: id(), timestamp: iso(done), action_type: step.action_type ?? step.type, step_id: step.step_id, amount_usd: step.costUsd });
    t = done;
    const exitRate = v2 && step.type === 'condition' ? step.exitRate * 0.85 : step.exitRate;
    if (rnd.chance(exitRate)) {
      const at = t + 1000;
      if (at > now) return;
      out.push({ type: 'execution.exited', ...common, event_id: id(), timestamp: iso(at), exit_reason: rnd.pick(step.exitReasons ?? ['manual_removal']) });
      if (rnd.chance(0.03)) goal(rnd, out, t0, common, id, at + rnd.int(60, 86400) * 1000, now);
      return;
    }
  }
  if (t > now) return;
  const goalRate = variant === 'B' && t0.key !== 'cart' ? t0.goal.rate * 1.2 : t0.goal.rate;
  if (rnd.chance(goalRate)) goal(rnd, out, t0, common, id, t + rnd.int(30, 3600) * 1000, now);
  out.push({ type: 'execution.completed', ...common, event_id: id(), timestamp: iso(t + 1) });
}

function goal(rnd: Random, out: FlowEvent[], t0: WorkflowTemplate, common: { workflow_id: string; workflow_version: number; execution_id: string }, id: () => string, at: number, now: number) {
  if (at > now) return;
  const value = t0.goal.value ? Math.round((t0.goal.value[0] + rnd.next() * (t0.goal.value[1] - t0.goal.value[0])) * 100) / 100 : undefined;
  out.push({ type: 'goal.achieved', ...common, event_id: id(), timestamp: iso(at), goal_id: t0.goal.id, goal_type: t0.goal.type, ...(value !== undefined ? { value } : {}) });
}

function* activity(rnd: Random, options: GenerateOptions, start: number, end: number): Generator<FlowEvent[]> {
  const users = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5', 'user-6'];
  const actions = [['view_dashboard', 50], ['login', 20], ['view_workflow', 20], ['edit_workflow', 6], ['export_report', 4]] as const;
  const total = Math.min(50_000, Math.max(20, Math.floor(options.enrollments / 20)));
  let chunk: FlowEvent[] = [];
  for (let i = 0; i < total; i++) {
    const action = rnd.weighted(actions);
    const wf = `${TEMPLATES[i % TEMPLATES.length]!.key}-1`;
    const at = enrollmentTime(rnd, start, end);
    const user = rnd.pick(users);
    chunk.push({
      // a user's events within the same hour belong to one visit (session)
      type: 'activity', event_id: `${options.seed}-act-${i}`, timestamp: iso(at), user_id: user,
      session_id: `${user}-${Math.floor(at / 3_600_000)}`, action, resource: action === 'login' ? 'app' : 'workflow',
      ...(action === 'login' ? {} : { resource_id: wf }), duration_ms: Math.round(rnd.logNormal(20_000, 1)),
    });
    if (chunk.length >= 5000) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}
