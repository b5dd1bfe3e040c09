/**
 * Helpers that turn a workflow engine's lifecycle into events: an execution started, its steps started,
 * completed, failed or skipped, goals reached, costs, and how it ended. Each call tracks one event through
 * the client (timestamp now, a fresh event id) and returns what `track()` returns.
 */
import type { EnrollmentSource, EventInput, ExecutionFields, StepType } from './events.js';

export interface Tracker {
  track(event: EventInput): Promise<void>;
}

/** Optional on every helper call: another time than now, free-form metadata. */
export interface At {
  timestamp?: string | Date;
  metadata?: { [key: string]: unknown };
}

export interface ExecutionOptions {
  /** The contact enrolled (required by `execution.started`). */
  contactId: string;
  /** The workflow version the execution runs (default 1 on the server). */
  version?: number;
  /** The A/B arm, e.g. from `assign(experiment, contactId).variant`. */
  variant?: string;
  /** Default `trigger`. */
  enrollmentSource?: EnrollmentSource;
  triggerType?: string;
  userId?: string;
}

export interface StepOptions {
  /** e.g. `send_email`; also the action type of the step's costs. */
  actionType?: string;
}

/** An error as the events carry it: a type (≤ 256 characters) and a message (≤ 4096). */
export type ErrorLike = Error | string | { type: string; message?: string };

function errorFields(error: ErrorLike): { error_type: string; error_message?: string } {
  let type: string;
  let message: string | undefined;
  if (typeof error === 'string') type = error;
  else if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    type = typeof code === 'string' && code !== '' ? code : error.name || 'Error';
    message = error.message;
  } else {
    type = error.type;
    message = error.message;
  }
  return { error_type: (type || 'error').slice(0, 256), ...(message ? { error_message: message.slice(0, 4096) } : {}) };
}

function at(o: At | undefined): { timestamp?: string; metadata?: { [key: string]: unknown } } {
  if (!o) return {};
  return {
    ...(o.timestamp !== undefined ? { timestamp: typeof o.timestamp === 'string' ? o.timestamp : o.timestamp.toISOString() } : {}),
    ...(o.metadata !== undefined ? { metadata: o.metadata } : {}),
  };
}

type Base = Omit<ExecutionFields, 'timestamp'>;

export class StepTracker {
  private startedAt: number | null = null;

  constructor(
    private readonly client: Tracker,
    private readonly base: Base,
    readonly stepId: string,
    readonly stepType: StepType,
    private readonly options: StepOptions = {},
  ) {}

  private fields() {
    return { ...this.base, step_id: this.stepId, step_type: this.stepType, ...(this.options.actionType ? { action_type: this.options.actionType } : {}) };
  }

  /** Milliseconds since started(), when the caller gave none. */
  private duration(given: number | undefined): { duration_ms?: number } {
    if (given !== undefined) return { duration_ms: given };
    if (this.startedAt === null) return {};
    return { duration_ms: Math.max(0, Math.round(performance.now() - this.startedAt)) };
  }

  started(o?: At): Promise<void> {
    this.startedAt = performance.now();
    return this.client.track({ type: 'step.started', ...this.fields(), ...at(o) });
  }

  /** `durationMs` defaults to the time since started() (when it was called on this object). */
  completed(o: At & { durationMs?: number; creditsUsed?: number } = {}): Promise<void> {
    return this.client.track({
      type: 'step.completed', ...this.fields(), ...this.duration(o.durationMs),
      ...(o.creditsUsed !== undefined ? { credits_used: o.creditsUsed } : {}), ...at(o),
    });
  }

  failed(error: ErrorLike, o: At & { durationMs?: number; creditsUsed?: number } = {}): Promise<void> {
    return this.client.track({
      type: 'step.failed', ...this.fields(), ...this.duration(o.durationMs), ...errorFields(error),
      ...(o.creditsUsed !== undefined ? { credits_used: o.creditsUsed } : {}), ...at(o),
    });
  }

  skipped(o?: At): Promise<void> {
    return this.client.track({ type: 'step.skipped', ...this.fields(), ...at(o) });
  }

  /** A cost of this step (action type: the step's, else its step type). */
  cost(amountUsd: number, credits?: number, o?: At): Promise<void> {
    return this.client.track({
      type: 'cost.recorded', ...this.base, action_type: this.options.actionType ?? this.stepType, step_id: this.stepId,
      amount_usd: amountUsd, ...(credits !== undefined ? { credits } : {}), ...at(o),
    });
  }

  /**
   * Runs the step: started, then completed with its duration, or failed with the error (which is thrown
   * again). Returns what `fn` returns.
   */
  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    void this.started();
    try {
      const result = await fn();
      void this.completed();
      return result;
    } catch (err) {
      void this.failed(err instanceof Error || typeof err === 'string' ? err : String(err));
      throw err;
    }
  }
}

export class ExecutionTracker {
  private readonly base: Base;

  constructor(
    private readonly client: Tracker,
    readonly workflowId: string,
    readonly executionId: string,
    private readonly options: ExecutionOptions,
  ) {
    this.base = { workflow_id: workflowId, execution_id: executionId, ...(options.version !== undefined ? { workflow_version: options.version } : {}) };
  }

  /** `execution.started`, with the contact, enrollment source, trigger type and variant of the options. */
  started(o?: At): Promise<void> {
    const x = this.options;
    return this.client.track({
      type: 'execution.started', ...this.base, contact_id: x.contactId, enrollment_source: x.enrollmentSource ?? 'trigger',
      ...(x.triggerType !== undefined ? { trigger_type: x.triggerType } : {}),
      ...(x.variant !== undefined ? { variant: x.variant } : {}),
      ...(x.userId !== undefined ? { user_id: x.userId } : {}),
      ...at(o),
    });
  }

  /** A step of this execution; its methods track step.started / completed / failed / skipped and its costs. */
  step(stepId: string, type: StepType = 'action', options: StepOptions = {}): StepTracker {
    return new StepTracker(this.client, this.base, stepId, type, options);
  }

  /** `goal.achieved` (a conversion), with an optional value such as revenue. */
  goal(goalId: string, value?: number, o: At & { goalType?: string } = {}): Promise<void> {
    return this.client.track({
      type: 'goal.achieved', ...this.base, goal_id: goalId, ...(o.goalType !== undefined ? { goal_type: o.goalType } : {}),
      ...(value !== undefined ? { value } : {}), ...at(o),
    });
  }

  /** `cost.recorded`: what the execution cost, in US dollars and credits (action type default `workflow`). */
  cost(amountUsd: number, credits?: number, o: At & { actionType?: string; stepId?: string } = {}): Promise<void> {
    return this.client.track({
      type: 'cost.recorded', ...this.base, action_type: o.actionType ?? 'workflow', ...(o.stepId !== undefined ? { step_id: o.stepId } : {}),
      amount_usd: amountUsd, ...(credits !== undefined ? { credits } : {}), ...at(o),
    });
  }

  /** `execution.exited`: left before the end (the reason is cut to 256 characters). */
  exited(reason: string, o?: At): Promise<void> {
    return this.client.track({ type: 'execution.exited', ...this.base, exit_reason: (reason || 'unknown').slice(0, 256), ...at(o) });
  }

  /** `execution.completed`: the contact reached the final step. */
  completed(o?: At): Promise<void> {
    return this.client.track({ type: 'execution.completed', ...this.base, ...at(o) });
  }

  /** `execution.failed`: error type from the error's `code`, else its name; its message. */
  failed(error: ErrorLike, o?: At): Promise<void> {
    return this.client.track({ type: 'execution.failed', ...this.base, ...errorFields(error), ...at(o) });
  }
}
