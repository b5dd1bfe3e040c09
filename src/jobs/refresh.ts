/**
 * The refresh job (POST /analytics/refresh): rebuilds one workflow's derived tables (execution state,
 * rollups, cohort facts) from its raw events, while ingestion waits, and reports progress.
 */
import type { DerivedTables } from '../derived/derived-tables.js';
import type { EventIntake } from '../ingest/intake.js';
import type { Store } from '../store/store.js';
import type { JobRunner, Job } from './jobs.js';

/**
 * Rebuild speed for estimated_completion_seconds: measured here, the 1M-enrollment workflow's 16.6M
 * events were rebuilt in ≈155 s on 2 cores (≈107,000 events/s).
 */
const EVENTS_PER_SECOND = 100_000;

export async function queueRefresh(
  deps: { store: Store; buffer: EventIntake; derived: DerivedTables; jobs: JobRunner },
  accountId: string,
  workflowId: string,
): Promise<{ job: Job; estimatedSeconds: number }> {
  const [row] = await deps.store.query<{ n: number }>(
    'SELECT count() AS n FROM events WHERE account_id = {account:String} AND workflow_id = {workflow:String}',
    { account: accountId, workflow: workflowId },
  );
  const events = row?.n ?? 0;
  const job = await deps.jobs.enqueue(accountId, 'refresh', { workflow_id: workflowId }, async (progress) => {
    const started = performance.now();
    await deps.buffer.exclusive(async () => {
      await progress(0.05);
      let last = Promise.resolve();
      await deps.derived.rebuild({ account: accountId, workflow: workflowId }, (f) => {
        last = last.then(() => progress(f));
      });
      await last;
    });
    return { workflow_id: workflowId, events, seconds: Math.round((performance.now() - started) / 10) / 100 };
  });
  return { job, estimatedSeconds: Math.max(1, Math.ceil(events / EVENTS_PER_SECOND)) };
}
