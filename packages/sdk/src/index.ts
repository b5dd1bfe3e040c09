/**
 * @flowlens/sdk — send workflow events to Flowlens from a workflow engine.
 *
 *   const flowlens = new Flowlens({ url, apiKey, spoolDir: './flowlens-spool' });
 *   const run = flowlens.execution('onboarding', executionId, { contactId });
 *   run.started(); … run.completed();
 *   await flowlens.close();
 */
export { Flowlens, FlowlensError, MAX_BATCH, SDK_VERSION } from './client.js';
export type { DropReason, FlowlensOptions, FlowlensStats, OnFull, Rejection } from './client.js';
export { ExecutionTracker, StepTracker } from './lifecycle.js';
export type { At, ErrorLike, ExecutionOptions, StepOptions, Tracker } from './lifecycle.js';
export { assign, bucketOf, fmix32, fnv1a32, variantAt } from './assign.js';
export type { Assignable, AssignableVariant, Assignment } from './assign.js';
export { backoffMs, retryAfterMs, retryDelayMs } from './retry.js';
export { ENROLLMENT_SOURCES, EVENT_TYPES, STEP_TYPES } from './events.js';
export type * from './events.js';
